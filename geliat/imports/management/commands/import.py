"""``geliat import FILE``: bring a list of owners and businesses (CSV or XLSX) into the registry."""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from geliat.accounts.models import Role, User
from geliat.imports.models import ImportJob
from geliat.imports.services import import_file


class Command(BaseCommand):
    help = (
        "Impor daftar pemilik dan usaha dari berkas CSV atau XLSX. Kolom dikenali dari judulnya; baris yang "
        "ditolak beserta alasannya ada di laporan."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Berkas .csv atau .xlsx.")
        parser.add_argument("--dry-run", action="store_true", help="Periksa semua baris dan buat laporan tanpa menyimpan.")
        parser.add_argument("--report", metavar="REPORT.csv", help="Simpan laporan CSV di sini (laporan XLSX di sebelahnya).")
        parser.add_argument(
            "--mapping", metavar="MAP.json",
            help='Pemetaan kolom: {"judul kolom atau nomor kolom (mulai 0)": "isian"}, misalnya {"No KTP": "nik"}.',
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="Akun pengimpor: petugas wilayah, koordinator kabupaten atau superuser."
        )

    def handle(self, *args, file, dry_run, report, mapping, user, **options):
        actor = self._actor(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Berkas %(path)s tidak ditemukan.") % {"path": path})
        try:
            job = import_file(
                actor=actor, path=path, mapping=self._mapping(mapping) if mapping else None, dry_run=dry_run,
                report_path=report,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("\n".join(messages)) from exc
        self.stdout.write(self._summary(job))
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.error)
        csv_path = Path(report) if report else Path(job.report_csv.path)
        self.stdout.write(_("Laporan CSV: %(path)s") % {"path": csv_path})
        if job.report_xlsx:
            self.stdout.write(
                _("Baris yang ditolak (XLSX, untuk diperbaiki lalu diimpor lagi): %(path)s")
                % {"path": csv_path.with_suffix(".xlsx") if report else job.report_xlsx.path}
            )

    @staticmethod
    def _actor(username: str | None) -> User:
        if not username:
            names = User.objects.filter(
                Q(is_superuser=True) | Q(role=Role.COORDINATOR, region__isnull=False), is_active=True
            ).order_by("username").values_list("username", flat=True)[:5]
            raise CommandError(
                _("Sebutkan akun pengimpor dengan --user NAMA: petugas wilayah, koordinator kabupaten atau "
                  "superuser%(examples)s.")
                % {"examples": _(" (misalnya %(names)s)") % {"names": ", ".join(names)} if names else ""}
            )
        try:
            return User.objects.select_related("region").get(username=username)
        except User.DoesNotExist:
            raise CommandError(_("Akun %(name)s tidak ada.") % {"name": username}) from None

    @staticmethod
    def _mapping(path: str) -> dict:
        try:
            mapping = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise CommandError(_("Berkas pemetaan %(path)s tidak dapat dibaca: %(error)s") % {
                "path": path, "error": exc.strerror}) from exc
        except json.JSONDecodeError as exc:
            raise CommandError(_("Berkas pemetaan %(path)s bukan JSON yang sah (baris %(line)d): %(error)s") % {
                "path": path, "line": exc.lineno, "error": exc.msg}) from exc
        if not isinstance(mapping, dict) or not all(isinstance(v, str | None) for v in mapping.values()):
            raise CommandError(
                _('Berkas pemetaan harus berbentuk {"judul kolom": "isian"}, misalnya {"No KTP": "nik", "Nama": "full_name"}.')
            )
        return mapping

    @staticmethod
    def _summary(job: ImportJob) -> str:
        head = _("Uji coba selesai, tidak ada yang disimpan") if job.dry_run else _("Impor selesai")
        if job.status == ImportJob.Status.FAILED:
            head = _("Impor gagal")
        return _(
            "%(head)s: %(read)d baris dibaca — %(accepted)d diterima (%(created)d baru, %(linked)d NIK sudah "
            "terdaftar dan usahanya ditambahkan, %(updated)d diperbarui, %(unchanged)d tidak berubah), "
            "%(rejected)d ditolak."
        ) % {
            "head": head, "read": job.processed, "accepted": job.accepted, "created": job.created,
            "linked": job.linked, "updated": job.updated, "unchanged": job.unchanged, "rejected": job.rejected,
        }
