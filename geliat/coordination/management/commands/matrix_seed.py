"""``geliat matrix_seed [--source SUMMARY.md]``: load the plan's action matrix (idempotent)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from geliat.coordination.seeds import ACTION_MATRIX
from geliat.coordination.services import matrix_seed


class Command(BaseCommand):
    help = "Load the action matrix (affected group → activity → agencies); running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", type=Path,
            help="A markdown file holding the matrix table (default: the table shipped with Geliat).",
        )

    def handle(self, *args, source: Path | None = None, **options):
        table = ACTION_MATRIX
        if source is not None:
            try:
                table = source.read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot read {source}: {exc}") from exc
        try:
            result = matrix_seed(actor="sistem", table=table)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"activities created: {result.created}, agencies added: {result.agencies_added}, unchanged: {result.unchanged}"
        )
