"""``geliat demo --people N``: fill the registry with synthetic registrants."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from geliat.demo.services import demo_guard, demo_populate, demo_reach_populate
from geliat.registry.models import Person


class Command(BaseCommand):
    help = "Isi registri dengan data demo sintetis (orang, usaha, koperasi, pendaftaran)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, required=True, help="Jumlah orang yang dibuat.")
        parser.add_argument("--seed", type=int, default=1, help="Benih acak; benih sama, data sama.")
        parser.add_argument(
            "--duplicates", type=float, default=0.03, metavar="RATE",
            help="Bagian orang yang mendaftar dua kali dengan kesalahan tulis (0 sampai 1).",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Lewati bila registri sudah berisi orang."
        )
        parser.add_argument("--force", action="store_true", help="Jalankan juga di luar mode pengembangan.")

    def handle(self, *args, people, seed, duplicates, if_empty, force, **options):
        try:
            demo_guard(force=force)
            if if_empty and Person.objects.exists():
                self.stdout.write(_("Registri sudah berisi data; data demo tidak dibuat."))
                return
            result = demo_populate(people=people, seed=seed, duplicate_rate=duplicates)
            reach = demo_reach_populate()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            _("Data demo dibuat: %(people)d orang, %(businesses)d usaha, %(koperasi)d koperasi, "
              "%(registrations)d pendaftaran (%(duplicates)d pendaftaran ganda), %(units)d RW/RT baru; "
              "%(rejected)d baris dengan NIK tidak sah dilewati. Waktu: %(seconds).1f detik.")
            % {
                "people": result.people,
                "businesses": result.businesses,
                "koperasi": result.koperasi,
                "registrations": result.registrations,
                "duplicates": result.duplicates,
                "units": result.units,
                "rejected": result.rejected,
                "seconds": result.seconds,
            }
        )
        self.stdout.write(
            _("Demo kerja petugas: %(verified)d usaha diverifikasi kabupaten, %(enrolled)d ditetapkan sebagai "
              "penerima program, %(delivered)d sudah disalurkan.")
            % {"verified": reach.verified, "enrolled": reach.enrolled, "delivered": reach.delivered}
        )
