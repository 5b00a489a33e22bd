"""``geliat wilayah load`` and ``geliat wilayah find``: the reference region table."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from geliat.wilayah.models import Level
from geliat.wilayah.selectors import region_search
from geliat.wilayah.services import regions_load


class Command(BaseCommand):
    help = "Muat tabel wilayah Kemendagri, atau cari wilayah menurut nama."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        load = commands.add_parser("load", help="Muat atau perbarui wilayah provinsi sampai desa.")
        load.add_argument("--only", help="Hanya wilayah ini, isinya dan induknya, misalnya 35.14.")
        load.add_argument("--file", type=Path, help="Berkas CSV (boleh .gz) selain tabel bawaan.")
        find = commands.add_parser("find", help="Cari wilayah menurut nama.")
        find.add_argument("name")
        find.add_argument("--level", choices=Level.values)
        find.add_argument("--within", help="Hanya di dalam wilayah ini, misalnya 35.14.")
        find.add_argument("--limit", type=int, default=20)

    def handle(self, *args, subcommand, **options):
        if subcommand == "load":
            self.load(options["file"], options["only"])
        else:
            self.find(options["name"], options["level"], options["within"], options["limit"])

    def load(self, path: Path | None, only: str | None) -> None:
        try:
            result = regions_load(path=path, only=only)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            _("%(created)d baru, %(updated)d diubah, %(unchanged)d tetap, %(aliases)d alias baru "
              "(%(seconds).1f detik).")
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "aliases": result.aliases,
                "seconds": result.seconds,
            }
        )
        if not result.changed:
            self.stdout.write(_("Tidak ada perubahan: wilayah sudah sesuai dengan berkas."))

    def find(self, name: str, level: str | None, within: str | None, limit: int) -> None:
        regions = region_search(
            q=name, within=within, levels=[level] if level else None, limit=max(1, limit)
        )
        if not regions:
            self.stdout.write(_("Tidak ada wilayah yang cocok dengan \"%(name)s\".") % {"name": name})
        for region in regions:
            line = f"{region.code}\t{region.label}"
            if region.parent:
                line += f", {region.parent.label}"
            if region.matched_alias:
                line += "\t" + _("(ejaan lama: %(alias)s)") % {"alias": region.matched_alias}
            self.stdout.write(line)
