"""The monthly coordination report: one content, rendered as PDF (reportlab) and XLSX
(openpyxl). Aggregates only, no personal data.

The regency report covers every OPD; an OPD's report covers the matrix activities it is
responsible for, its programmes, and where it works. Figures "as of now" come from the
summary tables; figures "in the month" (registrations, verifications, enrolments and
deliveries) are counted for that month.
"""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from geliat.accounts.models import Agency
from geliat.coordination import selectors
from geliat.coordination.models import Theme
from geliat.core.formulas import neutralise
from geliat.programmes.models import Delivery, Enrolment
from geliat.registry.models import AffectedGroup, Registration
from geliat.verification.models import Decision
from geliat.wilayah.models import Level, Region


@dataclass
class Section:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""


@dataclass
class ReportContent:
    title: str
    subtitle: str
    generated_at: datetime.datetime
    sections: list[Section]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _month_figures(*, month: datetime.date, agency: Agency | None) -> Section:
    first, following = selectors.month_bounds(month)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(following, datetime.time.min, tzinfo=tz)
    regency = settings.GELIAT_REGENCY_CODE
    enrolments = Enrolment.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end)
    deliveries = Delivery.objects.filter(delivered_on__gte=first, delivered_on__lt=following)
    if agency is not None:
        enrolments = enrolments.filter(programme__agencies=agency)
        deliveries = deliveries.filter(enrolment__programme__agencies=agency)
    delivered = deliveries.aggregate(n=Count("id"), amount=Sum("amount"))
    rows = []
    if agency is None:
        registered = Registration.objects.filter(
            created_at__gte=start, created_at__lt=end, business__region__code__startswith=regency + "."
        ).count()
        verified = Decision.objects.filter(
            level=Level.KABUPATEN, action=Decision.Action.APPROVE, at__gte=start, at__lt=end
        ).count()
        rows += [[_("Pendaftaran baru"), registered], [_("Usaha selesai diverifikasi (disetujui kabupaten)"), verified]]
    rows += [
        [_("Penerima program baru (dikonfirmasi)"), enrolments.exclude(status=Enrolment.Status.CANCELLED).count()],
        [_("Penyaluran manfaat"), delivered["n"] or 0],
        [_("Nilai penyaluran (Rp)"), delivered["amount"] or 0],
    ]
    return Section(title=_("Kegiatan bulan %(month)s") % {"month": f"{first:%m/%Y}"}, header=[_("Uraian"), _("Jumlah")], rows=rows)


def report_content(*, month: datetime.date, agency: Agency | None, progress: Callable[[int, str], None] | None = None) -> ReportContent:
    """Everything the report says, as titled tables."""
    progress = progress or (lambda _p, _s: None)
    regency = Region.objects.get(code=settings.GELIAT_REGENCY_CODE)
    sections: list[Section] = []

    progress(10, _("Menghitung kegiatan bulan ini"))
    sections.append(_month_figures(month=month, agency=agency))

    progress(25, _("Membaca rekap registri"))
    stats = selectors.latest_stats()
    figures = selectors.figures(within=regency.code, area_level=Level.KECAMATAN)
    total = figures.total
    as_of = timezone.localtime(stats.finished_at).strftime("%d/%m/%Y %H:%M") if stats else _("belum dihitung")
    sections.append(Section(
        title=_("Keadaan registri"), header=[_("Uraian"), _("Jumlah")],
        rows=[
            [_("Usaha terdaftar"), total.registered], [_("Terverifikasi"), total.verified],
            [_("Menunggu verifikasi"), total.waiting], [_("Dikembalikan untuk perbaikan"), total.returned],
            [_("Ditolak"), total.rejected], [_("Dijangkau program (usaha)"), total.reached],
            [_("Terverifikasi, belum dijangkau program"), total.unreached_verified],
            [_("Omzet sekarang (% dari sebelum pandemi)"), _pct(total.revenue_pct)],
            [_("Tenaga kerja sekarang (% dari sebelum pandemi)"), _pct(total.jobs_pct)],
        ],
        note=_("Angka per %(when)s.") % {"when": as_of},
    ))

    progress(40, _("Menghitung capaian matriks aksi"))
    lines = selectors.matrix_lines(within=regency.code, agency=agency)
    sections.append(Section(
        title=_("Matriks aksi: capaian"),
        header=[_("Kode"), _("Kelompok"), _("Kegiatan"), _("OPD"), _("Indikator"), _("Target"), _("Capaian"), _("Tenggat")],
        rows=[
            [
                line.activity.code, line.activity.group_label, line.activity.name,
                ", ".join(str(a) for a in line.activity.agencies.all()), line.activity.get_indicator_display(),
                line.activity.target if line.activity.target is not None else "–",
                ("–" if line.actual is None else line.actual) if line.computed else f"{line.actual if line.actual is not None else '–'} (manual)",
                line.activity.deadline.strftime("%d/%m/%Y") if line.activity.deadline else "–",
            ]
            for line in lines
        ],
    ))

    progress(55, _("Menghitung jangkauan program"))
    reach = selectors.programme_reach(within=regency.code, agency=agency)
    sections.append(Section(
        title=_("Jangkauan program"),
        header=[_("Program"), _("OPD"), _("Penerima"), _("Kuota"), _("Sudah disalurkan"), _("Penyaluran"), _("Nilai (Rp)")],
        rows=[
            [r.programme.name, ", ".join(str(a) for a in r.programme.agencies.all()), r.reached,
             r.programme.quota if r.programme.quota is not None else "–", r.delivered, r.deliveries, r.amount]
            for r in reach
        ],
    ))

    progress(65, _("Menyusun per kecamatan dan kelompok"))
    if agency is None:
        areas = selectors.area_regions(within=regency, level=Level.KECAMATAN)
        sections.append(Section(
            title=_("Per kecamatan"),
            header=[_("Kecamatan"), _("Terdaftar"), _("Terverifikasi"), _("% terverifikasi"), _("Dijangkau program"), _("Belum dijangkau (terverifikasi)")],
            rows=[
                [area.name, t.registered, t.verified, _pct(t.verified_pct), t.reached, t.unreached_verified]
                for area in areas for t in [figures.areas.get(area.code, selectors.Tally())]
            ],
        ))
        sections.append(Section(
            title=_("Per kelompok terdampak"),
            header=[_("Kelompok"), _("Terdaftar"), _("Terverifikasi"), _("Dijangkau program"), _("Omzet kini/sebelum"), _("Tenaga kerja kini/sebelum")],
            rows=[[label, t.registered, t.verified, t.reached, _pct(t.revenue_pct), _pct(t.jobs_pct)] for _g, label, t in figures.group_rows()],
        ))

    progress(72, _("Menyusun siapa mengerjakan apa di mana"))
    view = selectors.three_w(within=regency)
    gaps, overlaps = view.gaps, view.overlaps
    if agency is not None:
        # An OPD's report: gaps in the groups it answers for, overlaps it is part of.
        groups = {line.activity.affected_group for line in lines}
        gaps = [gap for gap in gaps if gap[1] in groups]
        overlaps = [o for o in overlaps if any(d.kind == "agency" and d.key == agency.code for d in o.doers)]
    sections.append(Section(
        title=_("Celah: kelompok dan kecamatan yang belum dilayani siapa pun"),
        header=[_("Kecamatan"), _("Kelompok"), _("Usaha terdampak")],
        rows=[[area.name, str(AffectedGroup(group).label), n] for area, group, n in gaps],
        note=_("Tidak ada celah.") if not gaps else "",
    ))
    sections.append(Section(
        title=_("Tumpang tindih: lebih dari satu pelaksana untuk tema, kelompok dan wilayah yang sama"),
        header=[_("Wilayah"), _("Kelompok"), _("Tema"), _("Pelaksana"), _("Kegiatan")],
        rows=[
            [area_name(view, o.area), str(AffectedGroup(o.group).label), str(Theme(o.theme).label),
             ", ".join(d.name for d in o.doers), ", ".join(o.codes)]
            for o in overlaps
        ],
        note=_("Tidak ada tumpang tindih.") if not overlaps else "",
    ))
    title = _("Laporan koordinasi pemulihan koperasi dan UMKM")
    scope_name = agency.name if agency is not None else _("semua OPD")
    subtitle = f"{regency.name} · {scope_name} · {month:%m/%Y}"
    return ReportContent(title=title, subtitle=subtitle, generated_at=timezone.localtime(), sections=sections)


def area_name(view, code: str) -> str:
    for area in view.areas:
        if area.code == code:
            return area.name
    return code


# ---------------------------------------------------------------- rendering


def _text(value) -> str:
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def render_pdf(content: ReportContent) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=1.5 * cm, rightMargin=1.5 * cm, topMargin=1.5 * cm, bottomMargin=1.5 * cm,
        title=content.title, author="Geliat",
    )
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    story = [
        Paragraph(content.title, styles["Title"]),
        Paragraph(content.subtitle, styles["Heading3"]),
        Paragraph(_("Dibuat %(when)s oleh Geliat.") % {"when": content.generated_at.strftime("%d/%m/%Y %H:%M")}, styles["Normal"]),
        Spacer(1, 0.4 * cm),
    ]
    for section in content.sections:
        story.append(Paragraph(section.title, styles["Heading2"]))
        if section.rows:
            data = [[Paragraph(f"<b>{_escape(h)}</b>", cell) for h in section.header]]
            data += [[Paragraph(_escape(_text(value)), cell) for value in row] for row in section.rows]
            table = Table(data, repeatRows=1)
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6f4ee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            story.append(table)
        if section.note:
            story.append(Paragraph(_escape(section.note), styles["Italic"]))
        story.append(Spacer(1, 0.3 * cm))
    document.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sheet_title(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Lembar"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name


def render_xlsx(content: ReportContent) -> bytes:
    workbook = Workbook()
    cover = workbook.active
    cover.title = _("Ringkasan")[:31]
    cover.append([neutralise(content.title)])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([neutralise(content.subtitle)])
    cover.append([_("Dibuat %(when)s oleh Geliat.") % {"when": content.generated_at.strftime("%d/%m/%Y %H:%M")}])
    used = {cover.title}
    for section in content.sections:
        sheet = workbook.create_sheet(_sheet_title(section.title, used))
        sheet.append([neutralise(section.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([neutralise(h) for h in section.header])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in section.rows:
            sheet.append([_xlsx_value(value) for value in row])
        if section.note:
            sheet.append([])
            sheet.append([neutralise(section.note)])
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if value is None or isinstance(value, int | float | datetime.date):
        return value
    # Labels may be lazy translations: text of the active language.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))

