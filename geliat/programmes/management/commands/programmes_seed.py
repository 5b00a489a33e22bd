"""``geliat programmes_seed``: add the example 2020–2021 programmes that are missing (idempotent)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from geliat.programmes.services import programmes_seed


class Command(BaseCommand):
    help = "Tambahkan contoh program 2020–2021 (BPUM, KUR, LPDB, PNM Mekaar, Prakerja, BLT Dana Desa, program OPD)."

    def handle(self, *args, **options):
        result = programmes_seed()
        self.stdout.write(
            _("Program contoh: %(created)d ditambahkan, %(existing)d sudah ada.")
            % {"created": result["created"], "existing": result["existing"]}
        )
