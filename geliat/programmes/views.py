"""Programme pages: catalogue, proposals with reasons, enrolment and delivery, outside lists,
coverage gaps with their work list, and a business's programmes and applications.

Every record comes from ``selectors.get_*_for_user_or_404``: out of scope answers 404,
like missing. Acting (proposals, confirmations, deliveries) needs ``may_manage_programme``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from geliat.core.forms import add_service_errors
from geliat.core.masking import mask_nik
from geliat.programmes import eligibility, exports, outside, selectors, services
from geliat.programmes.forms import (
    AssistanceForm,
    CancelForm,
    DeliveryForm,
    GapFilterForm,
    OutsideListForm,
    ProgrammeForm,
    RefuseForm,
    rules_help,
)
from geliat.programmes.models import Enrolment, OutsideListEntry, Programme, Proposal, ProposalRow
from geliat.programmes.rules import compile_conditions
from geliat.registry.models import AffectedGroup
from geliat.registry.selectors import get_business_for_user_or_404
from geliat.registry.services import StaleEdit
from geliat.wilayah.models import Level, Region

PAGE_SIZE = 50
CONFIRM_LIMIT = 2000


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _require_manage(request, programme: Programme) -> None:
    if not selectors.may_manage_programme(request.user, programme):
        raise PermissionDenied(_("Hanya OPD penanggung jawab program ini atau koordinator yang dapat menjalankannya."))


# ------------------------------------------------------------------ catalogue


@login_required
def programme_list(request):
    programmes = selectors.programmes_for_user(request.user).annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.ACTIVE), distinct=True)
    ).order_by("-starts_on", "name")
    source, status = request.GET.get("source", ""), request.GET.get("status", "")
    if source:
        programmes = programmes.filter(source=source)
    if status:
        programmes = programmes.filter(status=status)
    return render(
        request, "programmes/programme_list.html",
        {
            "page": _page(request, programmes), "may_create": selectors.may_create_programme(request.user),
            "sources": Programme._meta.get_field("source").choices, "statuses": Programme.Status.choices,
        },
    )


@login_required
def programme_detail(request, code):
    programme = selectors.get_programme_for_user_or_404(user=request.user, code=code)
    manage = selectors.may_manage_programme(request.user, programme)
    return render(
        request, "programmes/programme_detail.html",
        {
            "programme": programme, "manage": manage, "counts": selectors.programme_counts(programme),
            "conditions": compile_conditions(programme), "proposals": programme.proposals.all()[:20],
        },
    )


def _programme_form_page(request, form, programme=None):
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme, "fields_help": rules_help()})


@login_required
def programme_create(request):
    if not selectors.may_create_programme(request.user):
        raise PermissionDenied(_("Hanya staf OPD atau koordinator yang dapat menambah program."))
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, data=form.service_data(), agencies=form.cleaned_data["agencies"], request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Program %(name)s ditambahkan.") % {"name": programme.name})
            return redirect("programmes:detail", code=programme.code)
    return _programme_form_page(request, form)


@login_required
def programme_edit(request, code):
    programme = selectors.get_programme_for_user_or_404(user=request.user, code=code)
    _require_manage(request, programme)
    form = ProgrammeForm(request.POST or None, instance=programme, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_update(
                actor=request.user, programme=programme, data=form.service_data(),
                expected_version=form.cleaned_data.get("version") or 0, agencies=form.cleaned_data["agencies"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Perubahan program disimpan."))
            return redirect("programmes:detail", code=programme.code)
    return _programme_form_page(request, form, programme)


# ------------------------------------------------------------------ proposals


@login_required
@require_POST
def proposal_create(request, code):
    programme = selectors.get_programme_for_user_or_404(user=request.user, code=code)
    _require_manage(request, programme)
    proposal = services.proposal_build(actor=request.user, programme=programme, background=True, request=request)
    return redirect("programmes:proposal_detail", pk=proposal.pk)


@login_required
def proposal_detail(request, pk):
    proposal = selectors.get_proposal_for_user_or_404(user=request.user, pk=pk)
    programme = proposal.programme
    manage = selectors.may_manage_programme(request.user, programme)
    polling = bool(request.htmx and request.GET.get("poll"))
    if polling and proposal.status != Proposal.Status.BUILDING:
        # Done while the page polled: reload it whole, with the rows.
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    if proposal.status != Proposal.Status.READY:
        template = "programmes/proposal_detail.html#building" if polling else "programmes/proposal_detail.html"
        return render(request, template, {"proposal": proposal, "programme": programme, "manage": manage})
    tab = request.GET.get("tab", "in")
    conditions = compile_conditions(programme, proposal.rules)
    labels = {c.key: c.label for c in conditions}
    context = {
        "proposal": proposal, "programme": programme, "manage": manage, "tab": tab, "conditions": conditions,
        "failed": [(key, labels.get(key, key), n) for key, n in proposal.failed_counts.items() if n],
    }
    if tab == "out":
        after = request.GET.get("setelah", "")
        failing = request.GET.get("gagal", "")
        context["out"] = eligibility.ineligible_page(
            proposal, user=request.user, after=int(after) if after.isdigit() else 0, failing=failing
        )
        context["failing"] = failing
        context["paged"] = after.isdigit()
    else:
        status = request.GET.get("status", "")
        rows = selectors.proposal_rows_for_user(request.user, proposal)
        if status in ProposalRow.Status.values:
            rows = rows.filter(status=status)
        page = _page(request, rows.order_by("pk"))
        names = dict(
            Region.objects.filter(code__in={row.region_code[:13] for row in page}).values_list("code", "name")
        )
        for row in page:
            row.nik_masked = mask_nik(row.person.nik)
            row.business.desa_name = names.get(row.region_code[:13], "")
        context.update(page=page, status=status, statuses=ProposalRow.Status.choices)
    return render(request, "programmes/proposal_detail.html", context)


@login_required
@require_POST
def proposal_confirm(request, pk):
    """Confirm the ticked rows (or all pending rows, up to ``CONFIRM_LIMIT``) as enrolments."""
    proposal = selectors.get_proposal_for_user_or_404(user=request.user, pk=pk)
    _require_manage(request, proposal.programme)
    back = reverse("programmes:proposal_detail", kwargs={"pk": proposal.pk})
    if request.POST.get("scope") == "all":
        ids = list(proposal.rows.filter(status=ProposalRow.Status.PENDING).order_by("pk").values_list("pk", flat=True)[:CONFIRM_LIMIT])
    else:
        ids = [int(v) for v in request.POST.getlist("pick") if v.isdigit()][:CONFIRM_LIMIT]
    if not ids:
        messages.error(request, _("Belum ada baris yang dipilih. Centang usaha yang akan ditetapkan, lalu ulangi."))
        return redirect(back)
    try:
        result = services.proposal_rows_confirm(actor=request.user, proposal=proposal, row_ids=ids, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if result.confirmed:
        messages.success(request, _("%(n)d penerima ditetapkan.") % {"n": len(result.confirmed)})
    for row_id, reason in list(result.refused.items())[:20]:
        messages.error(request, _("Baris %(row)s ditolak: %(reason)s") % {"row": row_id, "reason": reason})
    if len(result.refused) > 20:
        messages.error(request, _("…dan %(n)d baris lain ditolak.") % {"n": len(result.refused) - 20})
    return redirect(back)


@login_required
@require_POST
def proposal_row_refuse(request, pk):
    row = selectors.get_proposal_row_for_user_or_404(user=request.user, pk=pk)
    _require_manage(request, row.proposal.programme)
    form = RefuseForm(request.POST)
    back = reverse("programmes:proposal_detail", kwargs={"pk": row.proposal_id})
    if not form.is_valid():
        messages.error(request, _("Tuliskan alasan tidak menetapkan usaha ini sebagai penerima."))
        return redirect(back)
    try:
        services.proposal_row_refuse(actor=request.user, row=row, note=form.cleaned_data["note"], request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Usulan untuk %(name)s tidak ditetapkan.") % {"name": row.business.name})
    return redirect(back)


# ------------------------------------------------------------------ enrolments and deliveries


@login_required
def enrolment_list(request):
    enrolments = selectors.enrolment_filter(
        selectors.enrolments_for_user(request.user), programme=request.GET.get("program", ""),
        status=request.GET.get("status", ""), region=request.GET.get("region", ""),
    ).order_by("-confirmed_at", "-pk")
    page = _page(request, enrolments)
    for enrolment in page:
        enrolment.nik_masked = mask_nik(enrolment.person.nik)
    doubled = selectors.doubled_benefits(request.user)
    for first, _second in doubled:
        first.nik_masked = mask_nik(first.person.nik)
    return render(
        request, "programmes/enrolment_list.html",
        {
            "page": page, "statuses": Enrolment.Status.choices, "doubled": doubled,
            "programmes": selectors.programmes_for_user(request.user).order_by("name"),
        },
    )


def _enrolment_page(request, enrolment, *, delivery_form=None, cancel_form=None, status=200):
    manage = selectors.may_manage_programme(request.user, enrolment.programme)
    today = timezone.localdate()
    return render(
        request, "programmes/enrolment_detail.html",
        {
            "enrolment": enrolment, "manage": manage, "nik_masked": mask_nik(enrolment.person.nik),
            "deliveries": enrolment.deliveries.select_related("recorded_by"),
            "delivery_form": delivery_form or DeliveryForm(initial={
                "delivered_on": today, "amount": enrolment.programme.benefit_amount, "item": enrolment.programme.benefit_item,
            }),
            "cancel_form": cancel_form or CancelForm(initial={"version": enrolment.version}),
        },
        status=status,
    )


@login_required
def enrolment_detail(request, pk):
    return _enrolment_page(request, selectors.get_enrolment_for_user_or_404(user=request.user, pk=pk))


@login_required
@require_POST
def delivery_create(request, pk):
    enrolment = selectors.get_enrolment_for_user_or_404(user=request.user, pk=pk)
    _require_manage(request, enrolment.programme)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            services.delivery_record(actor=request.user, enrolment=enrolment, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Penyaluran dicatat."))
            return redirect("programmes:enrolment_detail", pk=enrolment.pk)
    return _enrolment_page(request, enrolment, delivery_form=form, status=400)


@login_required
@require_POST
def enrolment_cancel(request, pk):
    enrolment = selectors.get_enrolment_for_user_or_404(user=request.user, pk=pk)
    _require_manage(request, enrolment.programme)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.enrolment_cancel(
                actor=request.user, enrolment=enrolment, reason=form.cleaned_data["cancel_reason"],
                expected_version=form.cleaned_data["version"], request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Penerima dibatalkan."))
            return redirect("programmes:enrolment_detail", pk=enrolment.pk)
    return _enrolment_page(request, enrolment, cancel_form=form, status=400)


# ------------------------------------------------------------------ outside lists


@login_required
def outside_list_list(request):
    if not (selectors.is_coordinator(request.user) or selectors.is_agency(request.user)):
        raise PermissionDenied(_("Daftar dari luar hanya untuk koordinator dan staf OPD."))
    return render(request, "programmes/outside_list_list.html", {"page": _page(request, selectors.outside_lists_for_user(request.user))})


@login_required
def outside_list_create(request):
    if not (selectors.is_coordinator(request.user) or selectors.is_agency(request.user)):
        raise PermissionDenied(_("Daftar dari luar hanya untuk koordinator dan staf OPD."))
    programmes = selectors.managed_programmes(request.user).order_by("name")
    form = OutsideListForm(request.POST or None, request.FILES or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("code", "name", "kind", "category", "programme", "issuer")}
        upload = form.cleaned_data["file"]
        try:
            outside_list = outside.outside_list_create(
                actor=request.user, file=upload, file_name=upload.name, data=data, request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Daftar diunggah dan sedang dicocokkan dengan registri."))
            return redirect("programmes:outside_list_detail", pk=outside_list.pk)
    return render(request, "programmes/outside_list_form.html", {"form": form})


@login_required
def outside_list_detail(request, pk):
    outside_list = selectors.get_outside_list_for_user_or_404(user=request.user, pk=pk)
    entries = selectors.outside_entries(outside_list)
    match = request.GET.get("cocok", "")
    if match in OutsideListEntry.Match.values:
        entries = entries.filter(match=match)
    if request.GET.get("tumpang") == "1":
        entries = entries.filter(note__contains="TUMPANG TINDIH")
    page = _page(request, entries)
    for entry in page:
        entry.nik_masked = mask_nik(entry.nik) if len(entry.nik) == 16 else entry.nik
    template = "programmes/outside_list_detail.html#rows" if request.htmx else "programmes/outside_list_detail.html"
    return render(request, template, {"outside_list": outside_list, "page": page, "matches": OutsideListEntry.Match.choices})


# ------------------------------------------------------------------ coverage gaps


def _gap_filters(request) -> dict:
    form = GapFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    return {"region": data.get("region") or "", "affected_group": data.get("group"), "programme": data.get("programme") or ""}


@login_required
def gaps(request):
    """Verified businesses no programme has reached: counts by kecamatan, desa and group, and the work list."""
    user = request.user
    if not (selectors.is_coordinator(user) or selectors.is_agency(user) or selectors.is_officer(user)):
        raise PermissionDenied
    filters = _gap_filters(request)
    rows, programmes = eligibility.gap_rows(user, **filters)
    page = _page(request, rows)
    for business in page:
        business.eligible = eligibility.eligible_for(business, programmes)
        business.nik_masked = mask_nik(business.owner.nik)
    kecamatan = selectors.gap_counts(user, by="kecamatan")
    desa = selectors.gap_counts(user, by="desa")
    groups = selectors.gap_counts(user, by="affected_group")
    names = dict(Region.objects.filter(code__in={r["key"] for r in kecamatan + desa}).values_list("code", "name"))
    group_labels = dict(AffectedGroup.choices)
    for row in kecamatan + desa:
        row["name"] = names.get(row["key"], row["key"])
    for row in groups:
        row["name"] = group_labels.get(row["key"], row["key"])
    context = {
        "page": page, "programmes": programmes, "by_kecamatan": kecamatan, "by_desa": desa[:50], "by_group": groups,
        "gap_total": sum(r["gap"] for r in kecamatan), "verified_total": sum(r["verified"] for r in kecamatan),
        "kecamatan_choices": Region.objects.filter(level=Level.KECAMATAN, code__in=[r["key"] for r in kecamatan]).order_by("name"),
        "groups": AffectedGroup.choices, "filters": filters, "may_unmask": user.needs_pii,
    }
    template = "programmes/gaps.html#worklist" if request.htmx else "programmes/gaps.html"
    return render(request, template, context)


@never_cache
@login_required
def gaps_export(request, fmt):
    user = request.user
    if fmt not in {"csv", "xlsx"} or not (selectors.is_coordinator(user) or selectors.is_agency(user) or selectors.is_officer(user)):
        raise Http404
    unmasked = request.GET.get("lengkap", "") in {"1", "on"}
    name = f"geliat-belum-terjangkau-{timezone.localdate():%Y-%m-%d}.{fmt}"
    arguments = {"user": user, "filters": _gap_filters(request), "unmasked": unmasked, "request": request}
    if fmt == "xlsx":
        return FileResponse(exports.gaps_xlsx(**arguments), as_attachment=True, filename=name, content_type=exports.XLSX_TYPE)
    response = StreamingHttpResponse(exports.gaps_csv(**arguments), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ------------------------------------------------------------------ a business's programmes and assistance


@login_required
def business_programmes(request, pk):
    """One business: each open programme in view with the reasons it is in or out, its enrolments and applications."""
    business = get_business_for_user_or_404(user=request.user, pk=pk)
    programmes = eligibility.gap_programmes(request.user)
    verdicts = [(p, eligibility.explain(p, business)) for p in programmes]
    enrolments = selectors.enrolments_of_business(request.user, business)
    return render(
        request, "programmes/business_programmes.html",
        {
            "business": business, "verdicts": verdicts, "enrolments": enrolments,
            "assistance": selectors.assistance_for_user(request.user).filter(business=business),
        },
    )


@login_required
def assistance_list(request):
    items = selectors.assistance_for_user(request.user)
    status = request.GET.get("status", "")
    if status:
        items = items.filter(status=status)
    return render(
        request, "programmes/assistance_list.html",
        {"page": _page(request, items), "statuses": items.model.Status.choices},
    )


@login_required
def assistance_create(request, business_pk):
    business = get_business_for_user_or_404(user=request.user, pk=business_pk)
    form = AssistanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assistance = services.assistance_create(actor=request.user, business=business, data=form.service_data(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Pendampingan pengajuan dicatat."))
            return redirect("programmes:assistance_detail", pk=assistance.pk)
    return render(request, "programmes/assistance_form.html", {"form": form, "business": business})


@login_required
def assistance_detail(request, pk):
    assistance = selectors.get_assistance_for_user_or_404(user=request.user, pk=pk)
    form = AssistanceForm(request.POST or None, instance=assistance)
    if request.method == "POST" and form.is_valid():
        try:
            services.assistance_update(
                actor=request.user, assistance=assistance, data=form.service_data(),
                expected_version=form.cleaned_data.get("version") or 0, request=request,
            )
        except StaleEdit as error:
            form.add_error(None, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Perubahan pendampingan disimpan."))
            return redirect("programmes:assistance_detail", pk=assistance.pk)
    return render(request, "programmes/assistance_form.html", {"form": form, "business": assistance.business, "assistance": assistance})
