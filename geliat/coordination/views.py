"""Pages of coordination: dashboard, map, action matrix, who does what where (3W), agencies,
penta helix actors, monthly reports, and the public open-data page."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from geliat.accounts.models import Agency
from geliat.audit.models import AuditEvent
from geliat.audit.services import audit_record
from geliat.coordination import charts, metrics, selectors, services
from geliat.coordination.filters import FilterReader
from geliat.coordination.forms import (
    ActivityForm,
    ActorForm,
    ActualForm,
    EngagementForm,
    ReportForm,
)
from geliat.coordination.maps import choropleth, render_svg
from geliat.coordination.models import Helix, Indicator, Offer, Theme
from geliat.coordination.opendata import open_data_tables
from geliat.coordination.selectors import CHILD_LEVEL, Tally
from geliat.coordination.tabular import csv_bytes, xlsx_bytes
from geliat.core.forms import add_service_errors
from geliat.core.masking import mask_phone
from geliat.registry.models import AffectedGroup
from geliat.wilayah.models import Level, Region
from geliat.wilayah.selectors import get_region_or_404, regency, region_children

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _denied(request, message: str):
    return render(request, "coordination/denied.html", {"message": message}, status=403)


def scoped(view):
    """Pages of aggregates: for users serving a desa or above (agency staff and
    coordinators included); ``request.scope`` is that region."""

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        scope = selectors.dashboard_region(request.user)
        if scope is None:
            return _denied(request, _(
                "Halaman koordinasi untuk koordinator, staf OPD, dan petugas tingkat desa ke atas. Akun Anda tidak termasuk."
            ))
        request.scope = scope
        return view(request, *args, **kwargs)

    return wrapped


def coordinator_required(view):
    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not selectors.is_coordinator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _kecamatan_choices(scope: Region):
    return region_children(parent_code=scope.code, level=Level.KECAMATAN) if scope.level == Level.KABUPATEN else []


def _freshness():
    return services.stats_ensure_fresh()


# ---------------------------------------------------------------- dashboard


def _group_charts(fig) -> list:
    rows = fig.group_rows()
    short = [(label, t) for _g, label, t in rows]
    return [
        charts.bar_chart(
            [(str(label), [t.registered, t.verified]) for label, t in short],
            [charts.Series(_("Terdaftar"), "s-registered"), charts.Series(_("Terverifikasi"), "s-verified")],
            title=_("Terdaftar dan terverifikasi per kelompok terdampak"), test_id="chart-groups",
        ),
        charts.bar_chart(
            [(str(label), [t.verified, t.reached_verified]) for label, t in short],
            [charts.Series(_("Terverifikasi"), "s-verified"), charts.Series(_("Sudah dijangkau program"), "s-reached")],
            title=_("Jangkauan program per kelompok (usaha terverifikasi)"), test_id="chart-reach",
        ),
        charts.bar_chart(
            [(str(label), [t.revenue_before, t.revenue_now]) for label, t in short],
            [charts.Series(_("Sebelum pandemi"), "s-before"), charts.Series(_("Sekarang"), "s-now")],
            title=_("Omzet per bulan, sebelum pandemi dan sekarang"), unit="Rp", test_id="chart-revenue",
        ),
        charts.bar_chart(
            [(str(label), [t.jobs_before, t.jobs_now]) for label, t in short],
            [charts.Series(_("Sebelum pandemi"), "s-before"), charts.Series(_("Sekarang"), "s-now")],
            title=_("Tenaga kerja, sebelum pandemi dan sekarang"), test_id="chart-jobs",
        ),
    ]


@scoped
def dashboard(request):
    """Registered vs verified, by group, area and level; revenue and jobs; programme reach
    and gaps; the matrix at a glance; a small map. The coordinators' view of the regency,
    an officer's of their region."""
    scope = request.scope
    reader = FilterReader(request.GET)
    kecamatan = reader.area("kecamatan", scope=scope, level=Level.KECAMATAN) if scope.level == Level.KABUPATEN else None
    group = reader.group()
    within = kecamatan or scope
    stats = _freshness()
    area_level = CHILD_LEVEL.get(Level(within.level))
    fig = selectors.figures(within=within.code, area_level=area_level or Level.DESA, group=group)
    areas = selectors.area_regions(within=within, level=area_level) if area_level else []
    total = fig.total
    levels = selectors.waiting_levels(total)
    context = {
        "scope": scope, "within": within, "kecamatan": kecamatan, "group": group, "notes": reader.notes,
        "stats": stats, "total": total, "fig": fig,
        "group_rows": fig.group_rows(),
        "area_level": Level(area_level) if area_level else None,
        "area_rows": [(area, fig.areas.get(area.code, Tally())) for area in areas],
        "levels": levels,
        "level_chart": charts.bar_chart(
            [(str(level.label), [n]) for level, n in levels], [charts.Series(_("Menunggu"), "s-waiting")],
            title=_("Menunggu verifikasi per tingkat"), test_id="chart-levels",
        ),
        "charts": _group_charts(fig),
        "reach": selectors.programme_reach(within=within.code, group=group),
        "lines": selectors.matrix_lines(within=within.code, groups=fig.groups),
        "kecamatan_choices": _kecamatan_choices(scope),
        "groups": AffectedGroup.choices,
        "is_coordinator": selectors.is_coordinator(request.user),
    }
    if area_level:
        metric = metrics.BY_KEY["verified_pct"]
        map_within = "" if within.level == Level.KABUPATEN else within.code
        context["map"] = choropleth(
            level=area_level, within=map_within, metric=metric, figures=fig,
            href=lambda code: (
                reverse("coordination:map") + "?" + urlencode({"kecamatan": code, "metrik": metric.key})
                if area_level == Level.KECAMATAN else None
            ),
        )
        context["map_metric"] = metric
        context["map_svg"] = render_svg(context["map"], test_id="dashboard-map", title=str(metric.label), small=True)
    return render(request, "coordination/dashboard.html", context)


# ---------------------------------------------------------------- map


LEVEL_CHOICES = [(Level.KECAMATAN.value, Level.KECAMATAN.label), (Level.DESA.value, Level.DESA.label)]


@scoped
def map_view(request):
    """The regency by kecamatan (or by desa), coloured by the chosen figure; a kecamatan
    opens to its desa. Drawn on the server: no tiles, works offline."""
    scope = request.scope
    reader = FilterReader(request.GET)
    metric = metrics.BY_KEY[reader.choice("metrik", metrics.CHOICES, label=_("ukuran peta"), default="verified_pct")]
    group = reader.group()
    level = reader.choice("tingkat", LEVEL_CHOICES, label=_("tingkat peta"), default=Level.KECAMATAN)
    if scope.level == Level.KABUPATEN:
        kecamatan = reader.area("kecamatan", scope=scope, level=Level.KECAMATAN)
    else:
        kecamatan = get_region_or_404(scope.code[:8]) if len(scope.code) >= 8 else None
    stats = _freshness()
    if kecamatan is not None:
        level, drawing_within, within = Level.DESA, kecamatan.code, kecamatan
    else:
        drawing_within, within = "", scope
    # A desa officer sees their kecamatan's outline with only their own desa's figures.
    figures_within = scope if scope.level == Level.DESA else within
    fig = selectors.figures(within=figures_within.code, area_level=level, group=group)

    def href(code: str) -> str | None:
        if level != Level.KECAMATAN or scope.level != Level.KABUPATEN:
            return None
        return "?" + urlencode({"kecamatan": code, "metrik": metric.key, **({"kelompok": group} if group else {})})

    chart = choropleth(level=level, within=drawing_within, metric=metric, figures=fig, href=href)
    context = {
        "scope": scope, "within": within, "kecamatan": kecamatan, "level": level, "metric": metric, "group": group,
        "notes": reader.notes, "stats": stats, "map": chart,
        "map_svg": render_svg(chart, test_id="map", title=str(metric.label), htmx=True),
        "map_rows": sorted(chart.areas, key=lambda area: area.shape.name), "metrics": metrics.METRICS, "groups": AffectedGroup.choices,
        "level_choices": LEVEL_CHOICES, "can_choose_level": kecamatan is None,
        "kecamatan_choices": _kecamatan_choices(scope),
        "back": "?" + urlencode({"metrik": metric.key, **({"kelompok": group} if group else {})}),
    }
    template = "coordination/map.html#panel" if request.htmx else "coordination/map.html"
    return render(request, template, context)


# ---------------------------------------------------------------- matrix


@scoped
def matrix(request):
    """The action matrix: group → activity → agencies → indicator, target, actual, deadline."""
    scope = request.scope
    reader = FilterReader(request.GET)
    group = reader.group()
    agency = reader.agency()
    kecamatan = reader.area("kecamatan", scope=scope, level=Level.KECAMATAN) if scope.level == Level.KABUPATEN else None
    within = kecamatan or scope
    _freshness()
    lines = selectors.matrix_lines(within=within.code, agency=agency)
    if group:
        lines = [line for line in lines if line.activity.affected_group == group]
    grouped: dict[int, list] = {}
    for line in lines:
        grouped.setdefault(line.activity.affected_group, []).append(line)
    context = {
        "scope": scope, "within": within, "notes": reader.notes, "group": group, "agency": agency,
        "grouped": [(g, AffectedGroup(g).label, items[0].group, items) for g, items in grouped.items()],
        "empty": not selectors.activities().exists(), "is_coordinator": selectors.is_coordinator(request.user),
        "groups": AffectedGroup.choices, "agencies": Agency.objects.order_by("name"),
        "kecamatan_choices": _kecamatan_choices(scope), "kecamatan": kecamatan,
    }
    return render(request, "coordination/matrix.html", context)


@require_POST
@coordinator_required
def matrix_seed(request):
    try:
        result = services.matrix_seed(actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Matriks aksi dimuat: %(n)d kegiatan baru.") % {"n": result.created})
    return redirect("coordination:matrix")


@scoped
def activity_detail(request, pk):
    activity = selectors.get_activity_or_404(pk=pk)
    scope = request.scope
    line = next(line for line in selectors.matrix_lines(within=scope.code) if line.activity.pk == activity.pk)
    linked = {programme.pk for programme in activity.programmes.all()}
    reach = [r for r in selectors.programme_reach(within=scope.code, group=activity.affected_group) if r.programme.pk in linked]
    can_record = activity.indicator == Indicator.MANUAL and selectors.may_record_actual(request.user, activity)
    actual_form = ActualForm(
        request.POST or None, initial={"manual_actual": activity.manual_actual, "manual_note": activity.manual_note}
    ) if can_record else None
    if request.method == "POST":
        if actual_form is None:
            raise PermissionDenied
        if actual_form.is_valid():
            try:
                services.activity_actual_record(
                    actor=request.user, activity=activity, value=actual_form.cleaned_data["manual_actual"],
                    note=actual_form.cleaned_data["manual_note"], expected_version=int(request.POST.get("version", 0)),
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(actual_form, error)
            else:
                messages.success(request, _("Capaian %(code)s disimpan.") % {"code": activity.code})
                return redirect("coordination:activity_detail", pk=activity.pk)
    context = {
        "activity": activity, "line": line, "scope": scope, "reach": reach, "actual_form": actual_form,
        "engagements": selectors.engagements_for_user(request.user).filter(activity=activity),
        "is_coordinator": selectors.is_coordinator(request.user),
    }
    return render(request, "coordination/activity_detail.html", context)


@coordinator_required
def activity_edit(request, pk):
    activity = selectors.get_activity_or_404(pk=pk)
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["agencies"], data["programmes"] = list(data["agencies"]), list(data["programmes"])
        try:
            services.activity_update(
                actor=request.user, activity=activity, data=data,
                expected_version=int(request.POST.get("version", 0) or 0), request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Kegiatan %(code)s disimpan.") % {"code": activity.code})
            return redirect("coordination:activity_detail", pk=activity.pk)
    return render(request, "coordination/activity_form.html", {"activity": activity, "form": form})


# ---------------------------------------------------------------- who does what where


SOURCE_CHOICES = [("recorded", "tercatat"), ("programme", "program")]
ENTRIES_SHOWN = 50
OVERLAPS_SHOWN = 100


def _three_w_request(request, *, presences: bool = False):
    scope = request.scope
    reader = FilterReader(request.GET)
    kecamatan = reader.area("kecamatan", scope=scope, level=Level.KECAMATAN) if scope.level == Level.KABUPATEN else None
    filters = {
        "group": reader.group(), "activity": reader.activity(), "agency": reader.agency(),
        "helix": reader.choice("unsur", Helix.choices, label=_("unsur pentahelix")),
        "source": reader.choice("sumber", SOURCE_CHOICES, label=_("sumber")),
    }
    _freshness()
    # Exports list every presence: computed afresh; the page reads the kept summary.
    compute = selectors.three_w_compute if presences else selectors.three_w
    view = compute(within=kecamatan or scope, **filters)
    return view, filters, kecamatan, reader.notes


def _three_w_rows(view) -> list[list]:
    names = {area.code: area.name for area in view.areas}
    rows = []
    for p in sorted(view.presences, key=lambda p: (p.doer.name, p.activity.affected_group, p.activity.number, p.area)):
        rows.append([
            p.doer.name, str(p.doer.helix_label), p.activity.code, p.activity.name,
            str(AffectedGroup(p.activity.affected_group).label), str(p.activity.get_theme_display()),
            _("seluruh wilayah") if p.area == selectors.ALL_AREAS else names.get(p.area, p.area),
            _("sebagian (desa tertentu)") if p.partial else "",
            _("program terkait") if p.source == "programme" else _("tercatat"),
        ])
    return rows


def _tags(values) -> str:
    # Plain joins: called for every pivot cell, where format_html's machinery shows.
    return mark_safe("".join(f'<span class="tag">{escape(value)}</span>' for value in values))  # noqa: S308 - escaped


def _three_w_header() -> list[str]:
    return [
        _("Pelaksana"), _("Unsur"), _("Kode kegiatan"), _("Kegiatan"), _("Kelompok terdampak"), _("Tema"), _("Wilayah"),
        _("Cakupan"), _("Sumber"),
    ]


@scoped
def three_w(request):
    """Agencies and actors × activities × kecamatan (or desa), with gaps and overlaps."""
    view, filters, kecamatan, notes = _three_w_request(request)
    # Cells are joined here: a template loop per cell over 24 areas × every doer × the
    # gap grid costs more than the figures themselves.
    rows = [
        {"doer": doer, "cells": [_tags(view.cells.get((doer, area.code), ())) for area in view.areas],
         "everywhere": _tags(view.regency_wide.get(doer, ()))}
        for doer in view.doers
    ]
    gap_rows = []
    for row in view.group_gap_rows():
        cells = []
        for cell in row["cells"]:
            text = ""
            if cell["businesses"] or cell["doers"]:
                text = f"{cell['businesses']:,}".replace(",", ".") + (f" · {cell['doers']}✓" if cell["doers"] else "")
            cells.append({
                "code": cell["area"].code, "gap": cell["gap"], "text": text,
                "css": "num gap" if cell["gap"] else ("num served" if cell["doers"] else "num"),
                "title": _("%(n)d usaha terdampak, %(d)d pelaksana") % {"n": cell["businesses"], "d": cell["doers"]},
            })
        gap_rows.append({**row, "cells": cells})
    names = {area.code: area.name for area in view.areas}
    themes = {value: str(label) for value, label in Theme.choices}
    # The page lists the first overlaps; the Excel export has them all.
    overlap_rows = [
        {"key": f"{o.area}:{o.group}:{o.theme}", "area": names.get(o.area, o.area), "group": o.group,
         "theme": themes[o.theme], "doers": _tags(d.name for d in o.doers),
         "activities": _tags(o.codes)}
        for o in view.overlaps[:OVERLAPS_SHOWN]
    ]
    entries = selectors.engagements_for_user(request.user).order_by("-updated_at", "-id")
    if kecamatan is not None:
        entries = entries.filter(selectors.overlapping_q(kecamatan.code, "region__code"))
    context = {
        "scope": request.scope, "view": view, "rows": rows, "filters": filters, "kecamatan": kecamatan, "notes": notes,
        "groups": AffectedGroup.choices, "helixes": Helix.choices, "sources": SOURCE_CHOICES,
        "activities": selectors.activities(), "agencies": Agency.objects.order_by("name"),
        "kecamatan_choices": _kecamatan_choices(request.scope), "entries": entries[:ENTRIES_SHOWN], "entries_total": entries.count(),
        "may_edit": selectors.may_edit_engagements(request.user), "user_agency": request.user.agency_id,
        "is_coordinator": selectors.is_coordinator(request.user), "query": request.GET.urlencode(),
        "gap_rows": gap_rows, "overlap_rows": overlap_rows, "overlaps_total": len(view.overlaps),
    }
    template = "coordination/three_w.html#pivot" if request.htmx else "coordination/three_w.html"
    return render(request, template, context)


@scoped
def three_w_export(request, fmt: str):
    view, _filters, _kecamatan, _notes = _three_w_request(request, presences=True)
    rows = _three_w_rows(view)
    names = {area.code: area.name for area in view.areas}
    gaps = [[area.name, str(AffectedGroup(group).label), n] for area, group, n in view.gaps]
    overlaps = [
        [names.get(o.area, o.area), str(AffectedGroup(o.group).label), str(Theme(o.theme).label), ", ".join(d.name for d in o.doers),
         ", ".join(o.codes)]
        for o in view.overlaps
    ]
    audit_record(
        actor=request.user, action=AuditEvent.Action.EXPORT, object_type="coordination.three_w",
        region_code=view.within.code, after={"format": fmt, "filters": request.GET.dict(), "rows": len(rows)},
        request=request,
    )
    stem = f"3w-{view.within.code}"
    if fmt == "csv":
        return HttpResponse(
            csv_bytes(_three_w_header(), rows), content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
        )
    body = xlsx_bytes([
        ("3W", _three_w_header(), rows),
        (_("Celah"), [_("Wilayah"), _("Kelompok terdampak"), _("Usaha terdampak belum dilayani")], gaps),
        (_("Tumpang tindih"), [_("Wilayah"), _("Kelompok terdampak"), _("Tema"), _("Pelaksana"), _("Kegiatan")], overlaps),
    ])
    return HttpResponse(body, content_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'})


def _engagement_form_page(request, *, record=None):
    user = request.user
    if not selectors.may_edit_engagements(user):
        raise PermissionDenied
    fixed = user.agency if selectors.is_agency_staff(user) else None
    form = EngagementForm(request.POST or None, instance=record, fixed_agency=fixed)
    if request.method == "POST" and form.is_valid():
        try:
            if record is None:
                services.engagement_create(actor=user, data=form.data_for_service(), request=request)
            else:
                services.engagement_update(
                    actor=user, record=record, data=form.data_for_service(),
                    expected_version=int(request.POST.get("version", 0) or 0), request=request,
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Kegiatan di wilayah disimpan."))
            return redirect("coordination:three_w")
    return render(request, "coordination/engagement_form.html", {"form": form, "record": record})


@login_required
def engagement_create(request):
    return _engagement_form_page(request)


@login_required
def engagement_edit(request, pk):
    record = selectors.get_engagement_for_edit_or_404(user=request.user, pk=pk)
    return _engagement_form_page(request, record=record)


@require_POST
@login_required
def engagement_delete(request, pk):
    record = selectors.get_engagement_for_edit_or_404(user=request.user, pk=pk)
    services.engagement_delete(actor=request.user, record=record, request=request)
    messages.success(request, _("Kegiatan di wilayah dihapus."))
    return redirect("coordination:three_w")


# ---------------------------------------------------------------- agencies (OPD)


@login_required
def agency_list(request):
    agencies = selectors.agencies_for_user(request.user)
    if not (selectors.is_coordinator(request.user) or selectors.is_agency_staff(request.user)):
        return _denied(request, _("Daftar OPD untuk koordinator dan staf OPD."))
    rows = [
        {"agency": agency, "staff": selectors.agency_staff(agency).count(),
         "activities": agency.matrix_activities.count(), "programmes": selectors.programmes_of(agency).count()}
        for agency in agencies.order_by("name")
    ]
    return render(request, "coordination/agency_list.html", {"rows": rows})


@login_required
def agency_detail(request, code):
    """An OPD's own view: its staff, the matrix activities it answers for, its programmes'
    reach, where it works, and its reports."""
    agency = selectors.get_agency_for_user_or_404(user=request.user, code=code)
    scope = selectors.dashboard_region(request.user) or regency()
    stats = _freshness()
    view = selectors.three_w(within=scope, agency=agency)
    staff = [
        {"user": member, "phone": mask_phone(member.phone)} for member in selectors.agency_staff(agency)
    ]
    context = {
        "agency": agency, "staff": staff, "stats": stats, "scope": scope,
        "lines": selectors.matrix_lines(within=scope.code, agency=agency),
        "reach": selectors.programme_reach(within=scope.code, agency=agency),
        "view": view, "entries": selectors.engagements_for_user(request.user).filter(agency=agency),
        "reports": selectors.reports_for_user(request.user).filter(agency=agency)[:12],
        "may_edit": selectors.is_coordinator(request.user) or request.user.agency_id == agency.pk,
    }
    return render(request, "coordination/agency_detail.html", context)


# ---------------------------------------------------------------- penta helix actors


@login_required
def actor_list(request):
    reader = FilterReader(request.GET)
    scope = selectors.dashboard_region(request.user)
    helix = reader.choice("unsur", Helix.choices, label=_("unsur pentahelix"))
    offer = reader.choice("tawaran", Offer.choices, label=_("yang ditawarkan"))
    kecamatan = (
        reader.area("kecamatan", scope=scope, level=Level.KECAMATAN) if scope is not None and scope.level == Level.KABUPATEN else None
    )
    actors = selectors.actor_filter(
        selectors.actors_for_user(request.user), helix=helix, offer=offer,
        kecamatan=kecamatan.code if kecamatan else "", active_only=request.GET.get("semua") != "1",
    )
    context = {
        "actors": [{"actor": a, "phone": mask_phone(a.contact_phone)} for a in actors], "notes": reader.notes,
        "helixes": Helix.choices, "offers": Offer.choices, "helix": helix, "offer": offer, "kecamatan": kecamatan,
        "kecamatan_choices": _kecamatan_choices(scope) if scope else [],
        "is_coordinator": selectors.is_coordinator(request.user),
    }
    return render(request, "coordination/actor_list.html", context)


@login_required
def actor_detail(request, pk):
    record = selectors.get_actor_for_user_or_404(user=request.user, pk=pk)
    context = {
        "actor": record, "phone": mask_phone(record.contact_phone), "email": _mask_email(record.contact_email),
        "entries": selectors.engagements_for_user(request.user).filter(actor=record),
        "is_coordinator": selectors.is_coordinator(request.user),
    }
    return render(request, "coordination/actor_detail.html", context)


def _mask_email(email: str) -> str:
    if not email or "@" not in email:
        return email
    name, domain = email.split("@", 1)
    return f"{name[:1]}***@{domain}"


@require_POST
@login_required
def actor_reveal(request, pk):
    """htmx: the contact person's phone and e-mail in full; audited."""
    record = selectors.get_actor_for_user_or_404(user=request.user, pk=pk)
    if not request.user.needs_pii:
        return HttpResponseForbidden(_("Peran Anda tidak memerlukan kontak lengkap."))
    data = services.actor_contact_reveal(viewer=request.user, record=record, request=request)
    return render(request, "coordination/_contact.html", {"phone": data["phone"], "email": data["email"], "revealed": True})


@coordinator_required
def actor_create(request):
    form = ActorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.actor_create(actor=request.user, data=form.data_for_service(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s ditambahkan.") % {"name": record.name})
            return redirect("coordination:actor_detail", pk=record.pk)
    return render(request, "coordination/actor_form.html", {"form": form})


@coordinator_required
def actor_edit(request, pk):
    record = selectors.get_actor_for_user_or_404(user=request.user, pk=pk)
    form = ActorForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.actor_update(
                actor=request.user, record=record, data=form.data_for_service(),
                expected_version=int(request.POST.get("version", 0) or 0), request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s disimpan.") % {"name": record.name})
            return redirect("coordination:actor_detail", pk=record.pk)
    return render(request, "coordination/actor_form.html", {"form": form, "actor": record})


@require_POST
@coordinator_required
def actor_delete(request, pk):
    record = selectors.get_actor_for_user_or_404(user=request.user, pk=pk)
    try:
        services.actor_delete(actor=request.user, record=record, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("coordination:actor_detail", pk=record.pk)
    messages.success(request, _("%(name)s dihapus.") % {"name": record.name})
    return redirect("coordination:actor_list")


# ---------------------------------------------------------------- reports


def _may_report(user) -> bool:
    return selectors.is_coordinator(user) or selectors.is_agency_staff(user)


@login_required
def report_list(request):
    user = request.user
    if not _may_report(user):
        return _denied(request, _("Laporan koordinasi untuk koordinator dan staf OPD."))
    fixed = user.agency if selectors.is_agency_staff(user) else None
    form = ReportForm(request.POST or None, fixed_agency=fixed)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.report_job_create(
                actor=user, month=form.cleaned_data["month"], agency=form.chosen_agency(), request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("coordination:report_detail", pk=job.pk)
    jobs = selectors.reports_for_user(user)[:50]
    return render(request, "coordination/report_list.html", {"form": form, "jobs": jobs})


@login_required
def report_detail(request, pk):
    job = selectors.get_report_for_user_or_404(user=request.user, pk=pk)
    template = "coordination/report_detail.html#progress" if request.htmx else "coordination/report_detail.html"
    return render(request, template, {"job": job})


@login_required
def report_download(request, pk, fmt: str):
    job = selectors.get_report_for_user_or_404(user=request.user, pk=pk)
    stored = job.pdf if fmt == "pdf" else job.xlsx
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_record(
        actor=request.user, action=AuditEvent.Action.EXPORT, object_type=job._meta.label_lower, object_id=job.pk,
        note=_("Laporan koordinasi %(month)s diunduh (%(fmt)s).") % {"month": f"{job.month:%Y-%m}", "fmt": fmt.upper()},
        request=request,
    )
    content_type = "application/pdf" if fmt == "pdf" else XLSX
    return FileResponse(handle, as_attachment=True, filename=stored.name.rsplit("/", 1)[-1], content_type=content_type)


# ---------------------------------------------------------------- refresh


@require_POST
@coordinator_required
def stats_refresh(request):
    services.stats_refresh_request(actor=request.user, request=request)
    messages.success(request, _("Rekap sedang dihitung ulang. Muat ulang halaman sebentar lagi."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("coordination:dashboard")
    return redirect(target)


# ---------------------------------------------------------------- open data (public)


def open_data(request):
    """Aggregates for the public, no login: no personal data, small counts suppressed."""
    _freshness()
    tables = open_data_tables()
    metric = metrics.BY_KEY["registered"]
    fig = tables["figures"]
    chart = choropleth(
        level=Level.KECAMATAN, within="", metric=metric, figures=fig, href=lambda code: None, hidden=tables["hidden_areas"]
    )
    svg = render_svg(chart, test_id="open-map", title=_("Usaha terdaftar per kecamatan"))
    return render(request, "coordination/open_data.html", {**tables, "map": chart, "map_svg": svg})


def open_data_csv(request, table: str):
    tables = open_data_tables()
    downloads = tables["downloads"]
    if table not in downloads:
        raise Http404
    header, rows = downloads[table]
    return HttpResponse(
        csv_bytes(header, rows), content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="geliat-{table}.csv"'},
    )
