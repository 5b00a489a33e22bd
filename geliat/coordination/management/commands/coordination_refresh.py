"""``geliat coordination_refresh``: rebuild the summary tables behind dashboards, map and
open data now (cron, or after a large import); ``--queue`` leaves it to the task worker."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from geliat.coordination.services import coordination_stats_refresh, stats_refresh_request


class Command(BaseCommand):
    help = "Hitung ulang tabel ringkasan koordinasi (dasbor, peta, laporan, data terbuka)."

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true", help="Queue it as a background task instead of running it here.")

    def handle(self, *args, queue: bool = False, **options):
        if queue:
            run = stats_refresh_request(actor="sistem")
            self.stdout.write(_("Masuk antrean: hitungan %(id)s (%(status)s).") % {"id": run.pk, "status": run.status})
            return
        run = coordination_stats_refresh()
        self.stdout.write(
            _("Ringkasan koordinasi %(status)s: %(rows)d baris, %(seconds).1f detik.")
            % {"status": run.status, "rows": run.rows, "seconds": run.seconds or 0}
        )
