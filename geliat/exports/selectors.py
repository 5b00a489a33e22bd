"""What an export holds: the rows of a filtered list, scoped to what the user serves.

Rows are read with ``values_list(...).iterator(chunk_size=2000)``: one query for the whole
export (related names come through joins, the verification state through subqueries,
desa and kecamatan names from one dict loaded once), no model instances, so a million
rows stream in steady memory.
"""

import datetime
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from geliat.core.masking import mask_nik, mask_phone
from geliat.core.scope import region_prefix_q
from geliat.registry.models import AffectedGroup, BusinessSize, Impact, KbliSection, Sex
from geliat.registry.selectors import (
    DESA_CODE_LENGTH,
    business_filter,
    businesses_for_user,
    people_for_user,
    person_filter,
)
from geliat.verification.models import Verification
from geliat.verification.selectors import verifications_for_user
from geliat.verification.sla import sla_state
from geliat.wilayah.models import Level, Region

KINDS = ("businesses", "people", "verification")
CHUNK = 2000
KECAMATAN_CODE_LENGTH = len("35.14.01")
_TRUE = {"1", "on", "true", "ya"}


def _text(filters: Mapping[str, Any], key: str) -> str:
    value = filters.get(key)
    return value.strip() if isinstance(value, str) else ""


def export_filters(*, kind: str, filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters an export of ``kind`` applies, read from query parameters as the list pages
    send them (``q``, ``region``, ``group``; the queue's ``min_days``, ``warnings``; ``status``).

    Values that cannot apply (a group that is not a number 1-10, an unknown status) are
    dropped, as the list pages drop them; keys an export does not know are ignored.
    """
    group = _text(filters, "group")
    applied: dict[str, Any] = {
        "q": _text(filters, "q"),
        "region": _text(filters, "region"),
        "affected_group": int(group) if group.isdigit() and int(group) in AffectedGroup.values else None,
    }
    if kind == "people":
        del applied["affected_group"]
    if kind == "verification":
        del applied["q"]
        days, status = _text(filters, "min_days"), _text(filters, "status")
        applied |= {
            "min_days": int(days) if days.isdigit() and 0 < int(days) <= 3650 else None,
            "warnings": _text(filters, "warnings").lower() in _TRUE,
            "status": status if status in Verification.Status.values else "",
        }
    return {key: value for key, value in applied.items() if value}


def _verifications(user, *, region="", affected_group=None, min_days=None, warnings=False, status=""):
    # The queue page's filters over every record in the user's region (not only what waits
    # at the user's node): "waiting at least N days" keeps records that still wait.
    queryset = verifications_for_user(user)
    if region:
        queryset = queryset.filter(region_prefix_q(region, "region_code"))
    if affected_group:
        queryset = queryset.filter(registration__business__affected_group=affected_group)
    if min_days:
        since = timezone.now() - datetime.timedelta(days=min_days)
        queryset = queryset.filter(status=Verification.Status.WAITING, waiting_since__lte=since)
    if warnings:
        queryset = queryset.exclude(registration__person__nik_warnings=[])
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def _queryset(*, user, kind: str, filters: Mapping[str, Any]) -> QuerySet:
    applied = export_filters(kind=kind, filters=filters)
    if kind == "businesses":
        return business_filter(businesses_for_user(user), **applied)
    if kind == "people":
        return person_filter(people_for_user(user), **applied)
    if kind == "verification":
        return _verifications(user, **applied)
    raise ValueError(f"unknown export kind: {kind!r}")


def export_count(*, user, kind: str, filters: Mapping[str, Any]) -> int:
    """How many rows an export of ``kind`` with ``filters`` holds for ``user``."""
    return _queryset(user=user, kind=kind, filters=filters).count()


class _Places:
    """Desa and kecamatan names for region codes, from one query of the regency's regions."""

    def __init__(self):
        self.names = dict(
            Region.objects.filter(
                region_prefix_q(settings.GELIAT_REGENCY_CODE, "code"), level__in=[Level.KECAMATAN, Level.DESA]
            ).values_list("code", "name")
        )

    def __call__(self, code: str) -> tuple[str, str]:
        """(desa name, kecamatan name) of a record's region code."""
        desa = self.names.get(code[:DESA_CODE_LENGTH], "") if len(code) >= DESA_CODE_LENGTH else ""
        return desa, self.names.get(code[:KECAMATAN_CODE_LENGTH], "")


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(value) if value else None


def _business_rows(queryset: QuerySet, *, nik: Callable, phone: Callable) -> tuple[list[str], Iterator[list]]:
    header = [
        _("ID usaha"), _("Nama usaha"), _("Pemilik"), _("NIK pemilik"), _("No. HP/WA pemilik"), _("Alamat usaha"),
        _("RT"), _("RW"), _("Desa/Kelurahan"), _("Kecamatan"), _("Kode wilayah"), _("Kelompok terdampak"),
        _("Kategori KBLI 2020"), _("Skala usaha"), _("Karyawan sebelum pandemi"), _("Karyawan sekarang"),
        _("Omzet per bulan sebelum pandemi (Rp)"), _("Omzet per bulan sekarang (Rp)"), _("Dampak"),
        _("Status verifikasi"), _("Tingkat verifikasi"), _("Tanggal terdaftar"),
    ]
    # A business registered again keeps its latest registration's verification.
    latest = Verification.objects.filter(registration__business=OuterRef("pk")).order_by(
        "-registration__created_at", "-pk"
    )
    rows = (
        queryset.annotate(
            verification_status=Subquery(latest.values("status")[:1]),
            verification_level=Subquery(latest.values("level")[:1]),
        )
        .order_by("pk")
        .values_list(
            "pk", "name", "owner__full_name", "owner__nik", "owner__phone", "address", "rt", "rw", "region_id",
            "affected_group", "kbli_section", "size", "employees_before", "employees_now", "revenue_before",
            "revenue_now", "impacts", "verification_status", "verification_level", "created_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    places = _Places()
    groups, sections, sizes = _labels(AffectedGroup.choices), _labels(KbliSection.choices), _labels(BusinessSize.choices)
    impacts, statuses, levels = _labels(Impact.choices), _labels(Verification.Status.choices), _labels(Level.choices)

    def generate() -> Iterator[list]:
        for (pk, name, owner, owner_nik, owner_phone, address, rt, rw, region, group, section, size,
             employees_before, employees_now, revenue_before, revenue_now, hits, status, level, created) in rows:
            desa, kecamatan = places(region)
            yield [
                pk, name, owner, nik(owner_nik), phone(owner_phone), address, rt, rw, desa, kecamatan, region,
                groups.get(group, group), sections.get(section, section), sizes.get(size, size),
                employees_before, employees_now, revenue_before, revenue_now,
                "; ".join(impacts.get(hit, hit) for hit in hits or ()),
                statuses.get(status, ""), levels.get(level, ""), _local_date(created),
            ]

    return header, generate()


def _people_rows(queryset: QuerySet, *, nik: Callable, phone: Callable) -> tuple[list[str], Iterator[list]]:
    header = [
        _("ID"), _("Nama lengkap"), _("NIK"), _("Jenis kelamin"), _("Tempat lahir"), _("Tanggal lahir"),
        _("No. HP/WA"), _("Alamat"), _("RT"), _("RW"), _("Desa/Kelurahan"), _("Kecamatan"), _("Kode wilayah"),
        _("Peringatan NIK"),
    ]
    rows = (
        queryset.order_by("pk")
        .values_list(
            "pk", "full_name", "nik", "sex", "birth_place", "birth_date", "phone", "address", "rt", "rw",
            "region_id", "nik_warnings",
        )
        .iterator(chunk_size=CHUNK)
    )
    places = _Places()
    sexes = _labels(Sex.choices)

    def generate() -> Iterator[list]:
        for pk, name, person_nik, sex, birth_place, birth_date, person_phone, address, rt, rw, region, warnings in rows:
            desa, kecamatan = places(region)
            yield [
                pk, name, nik(person_nik), sexes.get(sex, sex), birth_place, birth_date, phone(person_phone),
                address, rt, rw, desa, kecamatan, region, "; ".join(warnings or ()),
            ]

    return header, generate()


def _verification_rows(queryset: QuerySet, *, nik: Callable, phone: Callable) -> tuple[list[str], Iterator[list]]:
    header = [
        _("ID verifikasi"), _("Kode pelacakan"), _("Nama usaha"), _("Pemilik"), _("NIK pemilik"),
        _("No. HP/WA pemilik"), _("RT"), _("RW"), _("Desa/Kelurahan"), _("Kecamatan"), _("Kode wilayah"),
        _("Kelompok terdampak"), _("Status verifikasi"), _("Tingkat verifikasi"), _("Menunggu sejak"),
        _("Lama menunggu (hari)"), _("Lewat batas waktu"), _("Alasan dikembalikan"),
    ]
    rows = (
        queryset.order_by("pk")
        .values_list(
            "pk", "registration__tracking_code", "registration__business__name", "registration__person__full_name",
            "registration__person__nik", "registration__person__phone", "registration__business__rt",
            "registration__business__rw", "region_code", "registration__business__affected_group", "status",
            "level", "waiting_since", "return_reason", named=True,
        )
        .iterator(chunk_size=CHUNK)
    )
    places = _Places()
    groups, statuses, levels = _labels(AffectedGroup.choices), _labels(Verification.Status.choices), _labels(Level.choices)
    # Days are counted while a record waits on somebody: an officer, or the registrant's fix.
    open_statuses = {Verification.Status.WAITING, Verification.Status.RETURNED}
    now, yes = timezone.now(), _("ya")

    def generate() -> Iterator[list]:
        for row in rows:
            desa, kecamatan = places(row.region_code)
            days, overdue = sla_state(row, now=now) if row.status in open_statuses else (None, False)
            group = row.registration__business__affected_group
            yield [
                row.pk, row.registration__tracking_code, row.registration__business__name,
                row.registration__person__full_name, nik(row.registration__person__nik),
                phone(row.registration__person__phone), row.registration__business__rt,
                row.registration__business__rw, desa, kecamatan, row.region_code, groups.get(group, group),
                statuses.get(row.status, row.status), levels.get(row.level, ""),
                _local_date(row.waiting_since) if row.status in open_statuses else None, days,
                yes if overdue else "", row.return_reason,
            ]

    return header, generate()


_ROWS = {"businesses": _business_rows, "people": _people_rows, "verification": _verification_rows}


def _unchanged(value: str) -> str:
    return value


def export_rows(
    *, user, kind: str, filters: Mapping[str, Any], unmasked: bool = False
) -> tuple[list[str], Iterator[list]]:
    """The header and rows of an export of ``kind`` (``KINDS``) for ``user``, filtered.

    NIK and phone are masked unless ``unmasked`` is asked for by a user whose role needs
    them (``user.needs_pii``). Cells are plain values (text, numbers, dates, None); the
    writers make them spreadsheet-safe. The query runs when the rows are first read.
    """
    full = unmasked and user.needs_pii
    queryset = _queryset(user=user, kind=kind, filters=filters)
    return _ROWS[kind](queryset, nik=_unchanged if full else mask_nik, phone=_unchanged if full else mask_phone)
