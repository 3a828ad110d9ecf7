"""`manage.py import_problems <campaign-slug> <file> --format ...`: the same import Job the
API runs, executed here and now, with the per-line errors printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from trees.core.imports import FORMATS
from trees.models import Campaign, Job
from trees.services.imports import do_run_import_job
from trees.services.jobs import do_begin_job, do_create_job


class Command(BaseCommand):
    help = "Import problems (and solutions, labels) from a JSONL file into a campaign."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="campaign slug")
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import good lines, report bad ones"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"No campaign {options['campaign']!r}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        with path.open("rb") as handle:
            job, _ = do_create_job(
                Job.Kind.IMPORT,
                campaign=campaign,
                params={"format": options["format"], "skip_invalid": options["skip_invalid"]},
                input_file=File(handle, name=path.name),
            )
        begun = do_begin_job(job.pk)
        if begun is None:
            raise CommandError(f"Import job {job.pk} was cancelled before it started.")
        job = do_run_import_job(begun)
        result = job.result
        for error in result.get("errors", []):
            self.stderr.write(f"line {error['line']}: {error['message']}")
        if job.status != Job.Status.SUCCEEDED:
            raise CommandError(job.error)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result['imported']} problems, {result['nodes']} steps, "
                f"{result['labels']} labels into {campaign.slug} (job {job.pk})."
            )
        )
