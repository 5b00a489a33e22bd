"""``geliat matrix_seed [--source SUMMARY.md]``: load the plan's action matrix (idempotent)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from geliat.coordination.seeds import ACTION_MATRIX
from geliat.coordination.services import matrix_seed


class Command(BaseCommand):
    help = "Muat matriks aksi (kelompok terdampak → kegiatan → OPD); dijalankan lagi tidak mengubah apa pun."

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
                raise CommandError(_("Berkas %(path)s tidak dapat dibaca: %(error)s") % {"path": source, "error": exc}) from exc
        try:
            result = matrix_seed(actor="sistem", table=table)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            _("Matriks aksi: %(created)d kegiatan baru, %(agencies)d OPD ditambahkan, %(unchanged)d tetap.")
            % {"created": result.created, "agencies": result.agencies_added, "unchanged": result.unchanged}
        )
