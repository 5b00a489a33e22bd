"""``geliat demo_logins``: make sure the demo accounts exist and print how to log in."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from geliat.demo.services import demo_accounts_ensure, demo_guard

BASE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Buat akun demo (bila belum ada) dan tampilkan username serta kata sandinya."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Jalankan juga di luar mode pengembangan.")

    def handle(self, *args, force, **options):
        try:
            demo_guard(force=force)
            logins = demo_accounts_ensure()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(_("Akun demo, masuk di %(url)s") % {"url": BASE_URL + reverse("accounts:login")})
        header = (_("Username"), _("Kata sandi"), _("Peran"), _("Wilayah"))
        rows = [header] + [(login.username, login.password, login.role, login.region) for login in logins]
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
        for row in rows:
            self.stdout.write("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        created = sum(login.created for login in logins)
        if created:
            self.stdout.write(_("%(count)d akun demo baru dibuat.") % {"count": created})
