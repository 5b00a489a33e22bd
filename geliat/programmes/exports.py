"""The coverage-gap work list as CSV (streamed) or XLSX (written row by row to a temporary file).

NIK and phone are masked unless the viewer's role needs them and asked (``lengkap=1``);
every export is audited before a row leaves. Text that a spreadsheet would run as a
formula gets a leading apostrophe (``geliat.core.formulas``).
"""

import csv
import io
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from geliat.audit.models import AuditEvent
from geliat.audit.services import audit_record
from geliat.core.formulas import neutralise
from geliat.core.masking import mask_nik, mask_phone
from geliat.core.scope import user_region_code
from geliat.programmes.eligibility import eligible_for, gap_rows
from geliat.wilayah.models import Level, Region

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FLUSH_ROWS = 1000


def _neutral(value: Any) -> Any:
    return "" if value is None else neutralise(value)


def _header() -> list[str]:
    return [
        _("id usaha"), _("nama usaha"), _("pemilik"), _("NIK"), _("no. HP/WA"), _("kecamatan"), _("desa/kelurahan"),
        _("RT"), _("RW"), _("alamat"), _("kelompok terdampak"), _("skala usaha"), _("program yang memenuhi syarat"),
    ]


def _rows(*, user, filters: dict, unmasked: bool) -> tuple[Iterator[list], Any]:
    queryset, programmes = gap_rows(user, **filters)
    kecamatan = dict(Region.objects.filter(level=Level.KECAMATAN).values_list("code", "name"))

    def rows():
        for business in queryset.iterator(chunk_size=2000):
            owner = business.owner
            yield [
                business.pk, business.name, owner.full_name,
                owner.nik if unmasked else mask_nik(owner.nik),
                owner.phone if unmasked else mask_phone(owner.phone),
                kecamatan.get(business.region_id[:8], ""), business.desa_name or "", business.rt, business.rw,
                business.address, business.get_affected_group_display(), business.get_size_display(),
                "; ".join(p.name for p in eligible_for(business, programmes)),
            ]

    return rows(), queryset


def _audit(*, user, filters: dict, fmt: str, rows: int, unmasked: bool, request) -> None:
    audit_record(
        actor=user, action=AuditEvent.Action.EXPORT, object_type="export.programme_gaps",
        region_code=user_region_code(user) or "",
        after={"filters": {k: v for k, v in filters.items() if v}, "format": fmt, "rows": rows, "unmasked": unmasked},
        note=_("NIK dan nomor HP lengkap") if unmasked else "", request=request,
    )


def gaps_csv(*, user, filters: dict, unmasked: bool = False, request=None) -> Iterator[bytes]:
    """UTF-8 CSV chunks with a byte-order mark (so Excel reads names such as Ma'ruf right)."""
    unmasked = unmasked and user.needs_pii
    rows, queryset = _rows(user=user, filters=filters, unmasked=unmasked)
    _audit(user=user, filters=filters, fmt="csv", rows=queryset.count(), unmasked=unmasked, request=request)

    def chunks():
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(_header())
        for count, row in enumerate(rows, start=1):
            writer.writerow([_neutral(cell) for cell in row])
            if count % _FLUSH_ROWS == 0:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()

    return chunks()


def gaps_xlsx(*, user, filters: dict, unmasked: bool = False, request=None) -> IO[bytes]:
    """An XLSX workbook in an open temporary file; NIK stays a text cell."""
    unmasked = unmasked and user.needs_pii
    rows, _queryset = _rows(user=user, filters=filters, unmasked=unmasked)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Belum terjangkau"))
    sheet.append(_header())
    count = 0
    for row in rows:
        sheet.append([_neutral(ILLEGAL_CHARACTERS_RE.sub("", cell)) if isinstance(cell, str) else cell for cell in row])
        count += 1
    out = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(out)
    out.seek(0)
    _audit(user=user, filters=filters, fmt="xlsx", rows=count, unmasked=unmasked, request=request)
    return out
