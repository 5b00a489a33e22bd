"""Reading the filters of coordination pages from the query string.

A value that is not one of the choices (a typo, an old bookmark, a region outside the
viewer's scope) is dropped and a note says so on the page: the rest of the page still
answers, never an error page.
"""

from django.utils.translation import gettext as _

from geliat.accounts.models import Agency
from geliat.coordination.models import Activity
from geliat.registry.models import AffectedGroup
from geliat.wilayah.models import Level, Region


class FilterReader:
    def __init__(self, params):
        self.params = params
        self.notes: list[str] = []

    def _raw(self, name: str) -> str:
        return (self.params.get(name) or "").strip()

    def _ignored(self, label: str, value: str, hint: str = "") -> None:
        note = _("Filter %(label)s «%(value)s» tidak dikenal dan diabaikan.") % {"label": label, "value": value[:60]}
        self.notes.append(f"{note} {hint}".strip())

    def group(self, name: str = "kelompok") -> int | None:
        raw = self._raw(name)
        if not raw:
            return None
        if raw.isdigit() and int(raw) in AffectedGroup.values:
            return int(raw)
        self._ignored(_("kelompok terdampak"), raw, _("Pilih salah satu dari 10 kelompok di daftar."))
        return None

    def choice(self, name: str, choices, *, label: str, default: str = "") -> str:
        raw = self._raw(name)
        if not raw:
            return default
        values = [value for value, _label in choices]
        if raw in values:
            return raw
        self._ignored(label, raw)
        return default

    def area(self, name: str, *, scope: Region, level: str) -> Region | None:
        """A region at ``level`` inside ``scope`` (the viewer's), else None with a note."""
        raw = self._raw(name)
        if not raw or raw == scope.code:
            return None
        region = Region.objects.filter(code=raw, level=level).first()
        if region is not None and scope.contains(region.code):
            return region
        self.notes.append(
            _("%(level)s dengan kode «%(code)s» tidak ada di wilayah tugas Anda; pilihan itu diabaikan dan yang "
              "ditampilkan adalah %(scope)s.") % {"level": Level(level).label, "code": raw[:40], "scope": scope.label}
        )
        return None

    def agency(self, name: str = "opd", *, queryset=None) -> Agency | None:
        raw = self._raw(name)
        if not raw:
            return None
        agency = (queryset if queryset is not None else Agency.objects.all()).filter(code=raw).first()
        if agency is None:
            self._ignored(_("OPD"), raw)
        return agency

    def activity(self, name: str = "kegiatan") -> Activity | None:
        raw = self._raw(name)
        if not raw:
            return None
        activity = Activity.objects.filter(code=raw).first()
        if activity is None:
            self._ignored(_("kegiatan"), raw, _("Kode kegiatan ditulis seperti 2.3 (kelompok.nomor)."))
        return activity
