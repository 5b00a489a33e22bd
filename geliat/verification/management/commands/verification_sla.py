"""``geliat verification_sla``: tell officers about overdue verifications (cron, nightly)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from geliat.verification.sla import sla_check

_SHOWN_NODES = 20


class Command(BaseCommand):
    help = _("Cari data verifikasi yang melewati batas waktu dan beri tahu petugasnya serta tingkat di atasnya.")

    def handle(self, *args, **options):
        result = sla_check()
        self.stdout.write(
            _(
                "Terlambat: %(overdue)d data. Sudah diberitahukan sebelumnya: %(already)d. "
                "Diberitahukan sekarang: %(told)d data, %(notifications)d notifikasi untuk %(officers)d petugas."
            )
            % {
                "overdue": result.overdue, "already": result.already_told, "told": result.told,
                "notifications": result.notifications, "officers": result.officers,
            }
        )
        if result.unstaffed:
            shown = ", ".join(result.unstaffed[:_SHOWN_NODES])
            more = len(result.unstaffed) - _SHOWN_NODES
            self.stdout.write(
                self.style.WARNING(
                    _("Wilayah tanpa petugas aktif (data terlambat di sana tidak dapat diputuskan): %(nodes)s")
                    % {"nodes": shown + (_(" dan %(n)d lainnya") % {"n": more} if more > 0 else "")}
                )
            )
