"""``geliat programmes_seed``: add the example 2020–2021 programmes that are missing (idempotent)."""

from django.core.management.base import BaseCommand

from geliat.programmes.services import programmes_seed


class Command(BaseCommand):
    help = "Add the example 2020-2021 programmes (BPUM, KUR, LPDB, PNM Mekaar, Prakerja, BLT Dana Desa, OPD programmes)."

    def handle(self, *args, **options):
        result = programmes_seed()
        self.stdout.write(f"programmes: {result['created']} created, {result['existing']} already there")
