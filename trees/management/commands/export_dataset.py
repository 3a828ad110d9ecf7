"""`manage.py export_dataset <campaign-slug> --format ... -o FILE`: the export code the
export Job runs, executed here and now into FILE, with its manifest beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trees.errors import DomainError
from trees.exporting.dataset import NothingToExport, write_dataset
from trees.exporting.spec import FORMATS, LABEL_POLICIES
from trees.exporting.writer import manifest_path
from trees.models import Campaign
from trees.services.exports import check_export_request


class Command(BaseCommand):
    help = "Export a campaign's trees as a training set (JSONL) with a manifest beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="campaign slug")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("-o", "--output", required=True, type=Path, help="the JSONL file")
        parser.add_argument("--labels", choices=LABEL_POLICIES, default="consensus")
        parser.add_argument("--min-experts", type=int, default=1)
        parser.add_argument("--approved-only", action="store_true")
        parser.add_argument("--zero-is-true", action="store_true")
        parser.add_argument(
            "--soft-labels", action="store_true", help="PRM stepwise: a column of MC values"
        )
        parser.add_argument("--max-pairs", type=int, default=8, help="DPO pairs per problem")
        parser.add_argument(
            "--tokenizer", help='"demo" or a directory with tokenizer.json: token limits'
        )
        parser.add_argument("--problems", type=int, nargs="+", help="only these problem ids")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"No campaign {options['campaign']!r}.")
        filters: dict[str, Any] = {
            "labels": options["labels"],
            "min_experts": options["min_experts"],
            "approved_only": options["approved_only"],
            "zero_is_true": options["zero_is_true"],
            "soft_labels": options["soft_labels"],
            "max_pairs": options["max_pairs"],
            "tokenizer": options["tokenizer"],
            "problems": options["problems"],
        }
        try:
            spec = check_export_request(campaign, options["format"], filters)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        output: Path = options["output"]
        if not output.parent.is_dir():
            raise CommandError(f"No directory {output.parent}.")
        try:
            outcome = write_dataset(campaign, spec, output)
        except NothingToExport as exc:  # no 0-byte file that `datasets` would then fail on
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{key} {value}" for key, value in outcome.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {outcome.rows} rows ({outcome.bytes} bytes, sha256 {outcome.sha256}) "
                f"to {output}; manifest {manifest_path(output)}. Counts: {counts}."
            )
        )
