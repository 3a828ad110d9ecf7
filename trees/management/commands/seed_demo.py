"""`manage.py seed_demo`: a demo campaign with problems, sampled solutions, members and a
queue, and a demo admin login it prints. Safe to run again: it changes nothing the second time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from trees.models import Campaign, Role
from trees.services.campaigns import do_add_member, do_assign_problems, do_create_campaign
from trees.services.imports import do_import_problems
from trees.services.profiles import ensure_demo_profile

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "problems.jsonl"
SLUG = "demo"


class Command(BaseCommand):
    help = "Seed the demo campaign and print the demo login."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        password = settings.ARBOR_DEMO_PASSWORD
        admin = User.objects.filter(username="demo").first()
        if admin is None:
            admin = User.objects.create_superuser("demo", "demo@example.com", password)
        if not Campaign.objects.filter(slug=SLUG).exists():
            campaign = do_create_campaign(
                "Demo: arithmetic word problems",
                SLUG,
                created_by=admin,
                guidelines="Label each step: +1 correct and useful, 0 correct but no progress, "
                "-1 wrong. Label the first wrong step of a path -1.",
                overlap=2,
                default_model_profile=ensure_demo_profile(),
            )
            experts = [admin]
            for name in ("expert1", "expert2"):
                expert = User.objects.filter(username=name).first() or User.objects.create_user(
                    name, password=password
                )
                do_add_member(campaign, expert, Role.EXPERT)
                experts.append(expert)
            with DEMO_FILE.open("rb") as handle:
                outcome = do_import_problems(campaign, "solutions", handle)
            # The demo admin works a queue too, so the first login has something to open.
            do_assign_problems(campaign, experts)
            self.stdout.write(f"Seeded campaign {SLUG!r} with {outcome.imported} problems.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: username 'demo', password '{password}' "
                f"(experts: expert1, expert2, same password)"
            )
        )
