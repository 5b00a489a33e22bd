"""``geliat dedup_run``: search the registry for duplicate people (cron, nightly).

Runs in this process (not queued), printing its progress; new candidate pairs land in
the officers' review queue at ``/duplikat/``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from geliat.dedup.models import DedupRun
from geliat.dedup.services import dedup_run_execute, dedup_run_start


def _probability(value: str) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise CommandError(_("--threshold harus angka antara 0 dan 1, misalnya 0.9 (tertulis: %(value)s).") % {"value": value}) from None
    if not 0 < number <= 1:
        raise CommandError(_("--threshold harus di atas 0 dan paling besar 1, misalnya 0.9 (tertulis: %(value)s).") % {"value": value})
    return number


class Command(BaseCommand):
    help = _("Cari data orang yang ganda di registri dan masukkan pasangannya ke antrean data ganda.")

    def add_arguments(self, parser):
        parser.add_argument("--backend", choices=("duckdb", "spark"), default=None,
                            help=_("Mesin pencocokan (bawaan: GELIAT_DEDUP_BACKEND atau duckdb)."))
        parser.add_argument("--threshold", type=_probability, default=None, metavar="P",
                            help=_("Peluang sama minimal agar pasangan masuk antrean (bawaan: GELIAT_DEDUP_REVIEW_THRESHOLD)."))
        parser.add_argument("--full", action="store_true",
                            help=_("Periksa semua data, bukan hanya yang berubah sejak pencarian terakhir."))
        parser.add_argument("--region", default=None, metavar="KODE",
                            help=_("Kode wilayah yang diperiksa (bawaan: kabupaten yang dilayani)."))

    def handle(self, *args, backend, threshold, full, region, **options):
        try:
            run = dedup_run_start(
                actor="sistem", region_code=region or settings.GELIAT_REGENCY_CODE, backend=backend,
                threshold=threshold, mode=DedupRun.Mode.FULL if full else DedupRun.Mode.INCREMENTAL, enqueue=False,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        shown = {"stage": None}

        def report(current: DedupRun) -> None:
            if current.stage != shown["stage"] and options.get("verbosity", 1) > 0:
                shown["stage"] = current.stage
                self.stdout.write(f"[{current.percent:3d}%] {current.stage}")

        run = dedup_run_execute(run_id=run.pk, on_progress=report)
        if run.status != DedupRun.Status.DONE:
            raise CommandError(_("Pencarian gagal: %(error)s") % {"error": run.error})
        self.stdout.write(self.style.SUCCESS(
            _("Selesai dalam %(seconds).1f detik: %(records)d data diperiksa (%(mode)s), %(found)d pasangan ditemukan, "
              "%(new)d baru, %(known)d sudah diputuskan (dilewati), %(auto)d digabung otomatis.")
            % {"seconds": run.seconds or 0, "records": run.records, "mode": run.get_mode_display().lower(),
               "found": run.pairs_found, "new": run.pairs_new, "known": run.pairs_known, "auto": run.auto_merged}
        ))
