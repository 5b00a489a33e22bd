"""Verification pages: the officer's queue and record page with its decisions, field visits,
the desa rule, and the registrant's public status page with its correction form."""

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from geliat.accounts.models import Role
from geliat.core.forms import add_service_errors
from geliat.core.ratelimit import rate_limited
from geliat.core.scope import user_covers, user_region_q
from geliat.dedup.selectors import open_pairs_by_person
from geliat.registry.forms import StatusForm
from geliat.registry.selectors import registration_for_status
from geliat.verification import selectors, services
from geliat.verification.chain import skip_reason
from geliat.verification.forms import (
    ApproveForm,
    DesaPickForm,
    FieldVisitForm,
    QueueFilterForm,
    RejectForm,
    ReturnForm,
    RuleForm,
    SendBackForm,
    correctable_fields,
    correction_data,
    correction_forms,
)
from geliat.verification.models import Decision, FieldVisit, Verification, VerificationRule
from geliat.verification.sla import sla_state
from geliat.wilayah.models import LEVEL_DEPTH, Level, Region
from geliat.wilayah.selectors import region_children

PAGE_SIZE = 50
Action = Decision.Action
Status = Verification.Status

# Each decision's form, service, and what the officer is told afterwards.
_DECISIONS = {
    form_class.action: (form_class, service, done)
    for form_class, service, done in (
        (ApproveForm, services.verification_approve, _lazy("%(name)s disetujui.")),
        (RejectForm, services.verification_reject, _lazy("%(name)s ditolak.")),
        (ReturnForm, services.verification_return, _lazy("%(name)s dikembalikan kepada pendaftar untuk diperbaiki.")),
        (SendBackForm, services.verification_send_back, _lazy("%(name)s dikirim kembali ke tingkat bawah.")),
    )
}


def _forbidden(request, reason: str, verification: Verification | None = None):
    return render(request, "verification/forbidden.html", {"reason": reason, "verification": verification}, status=403)


def _desa_code(region_code: str) -> str:
    return ".".join(region_code.split(".")[:4])


def _name_desa(business) -> None:
    """Set ``desa_name`` for includes/place.html on one business (a unit's name alone says little)."""
    business.desa_name = Region.objects.filter(code=_desa_code(business.region_id)).values_list("name", flat=True).first() or ""


# --- Queue ---------------------------------------------------------------------------------


@login_required
def queue(request):
    """What waits at the officer's node, oldest first, with filters and bulk approval."""
    user = request.user
    regions = list(region_children(parent_code=user.region_id)) if user.region_id else []
    form = QueueFilterForm(request.GET or None, regions=regions)
    form.is_valid()
    filters = form.queue_filters()
    page = Paginator(selectors.queue_for_user(user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    # The desa's name for includes/place.html ("Gerbo, RT 001/RW 001"), one query for the page.
    desa_names = dict(Region.objects.filter(code__in={_desa_code(v.region_code) for v in page}).values_list("code", "name"))
    # The most likely open duplicate pair of each owner, for the "diduga ganda" badge.
    duplicate_pairs = open_pairs_by_person({v.registration.person_id for v in page})
    now = timezone.now()
    for verification in page:
        business = verification.registration.business
        business.desa_name = desa_names.get(_desa_code(verification.region_code)) or business.region_id
        verification.days_waiting, verification.is_overdue = sla_state(verification, now=now)
        verification.duplicate_pair_id = duplicate_pairs.get(verification.registration.person_id)
    unfiltered = not any(filters.values())
    context = {
        "form": form,
        "page": page,
        "is_officer": user.role == Role.OFFICER,
        # Without filters the paginator has counted the same rows already.
        "waiting_count": page.paginator.count if unfiltered else selectors.queue_for_user(user).count(),
        "counts": selectors.status_counts(user),
        "can_set_rules": _may_set_rules(user),
        "filters": request.GET.urlencode(),
    }
    template = "verification/queue.html#rows" if request.htmx else "verification/queue.html"
    return render(request, template, context)


def _pairs(values: list[str]) -> dict[int, int]:
    """``["12:3", …]`` (id:version as the page showed them) → ``{12: 3}``; malformed items are dropped."""
    pairs = {}
    for value in values:
        pk, _sep, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            pairs[int(pk)] = int(version)
    return pairs


@login_required
@require_POST
def bulk_approve(request):
    """Approve the ticked rows, or every row the filtered page showed, with the one-by-one checks."""
    back = reverse("verification:queue")
    filters = QueryDict(request.POST.get("filters", "")).urlencode()
    if filters:
        back += "?" + filters
    pairs = _pairs(request.POST.getlist("shown" if request.POST.get("scope") == "shown" else "pick"))
    if not pairs:
        messages.error(request, _("Belum ada data yang dipilih. Centang data yang akan disetujui, lalu ulangi."))
        return redirect(back)
    result = services.verification_bulk_approve(
        actor=request.user, verification_ids=list(pairs), versions=pairs, request=request
    )
    visible = {v.pk: v for v in selectors.verifications_for_user(request.user).filter(pk__in=[*pairs])}
    refused = [
        # Outside the officer's region a record is "not found", whatever the service knows of it.
        {"verification": visible.get(pk), "pk": pk, "reason": reason if pk in visible else _("Data tidak ditemukan di wilayah Anda.")}
        for pk, reason in result.refused.items()
    ]
    approved = [visible[pk] for pk in result.approved]
    return render(request, "verification/bulk_result.html", {"approved": approved, "refused": refused, "back": back})


# --- Record page and decisions -----------------------------------------------------------------


def _chain_steps(verification: Verification, decisions: list[Decision]) -> list[dict]:
    """Each level of the record's chain with its state: skipped, approved, waiting, returned, rejected or not yet."""
    approved_at = {d.level: d.at for d in decisions if d.action == Action.APPROVE}
    rejected = next((d for d in reversed(decisions) if d.action == Action.REJECT), None)
    labels = dict(Region.objects.filter(code__in=[s["node"] for s in verification.chain if s["node"]]).values_list("code", "name"))
    fields = correctable_fields()
    steps = []
    for index, step in enumerate(verification.chain):
        item = {"level": step["level"], "label": Level(step["level"]).label, "node": labels.get(step["node"], step["node"])}
        if step["skip"]:
            item.update(state="skipped", reason=skip_reason(step["skip"]))
        elif index < verification.step:
            item.update(state="approved", at=approved_at.get(step["level"]))
        elif index > verification.step:
            item.update(state="pending")
        elif verification.status == Status.RETURNED:
            item.update(
                state="returned", reason=verification.return_reason,
                fields=[fields.get(key, key) for key in verification.return_fields],
            )
        elif verification.status == Status.REJECTED:
            item.update(state="rejected", reason=rejected.reason if rejected else "", at=rejected.at if rejected else None)
        else:
            item.update(state="waiting", at=verification.waiting_since)
        steps.append(item)
    return steps


def _events(decisions: list[Decision], *, public: bool) -> list[dict]:
    """The decisions as the timeline reads; the public sees no names and no officers' internal reasons."""
    fields = correctable_fields()
    events = []
    for decision in decisions:
        event = {
            "at": decision.at,
            "action": decision.action,
            "title": decision.get_action_display(),
            "level": Level(decision.level).label if decision.level else "",
            "reason": decision.reason,
            "fields": [],
        }
        if decision.action == Action.SKIP:
            event["reason"] = skip_reason(decision.reason)
        elif decision.action in (Action.RETURN, Action.RESUBMIT):
            event["fields"] = [fields.get(key, key) for key in decision.fields]
        elif decision.action == Action.SEND_BACK:
            event["to_level"] = Level(decision.fields[0]).label if decision.fields else ""
            if public:
                event["reason"] = ""
        if not public:
            event["actor"] = decision.actor.full_name or decision.actor_label if decision.actor else decision.actor_label
        events.append(event)
    return events


def _render_detail(request, verification: Verification, *, bound: dict | None = None, status: int = 200):
    decisions = selectors.timeline(verification)
    refusal = services.verification_turn_refusal(actor=request.user, verification=verification)
    forms = {
        **{action: form_class(verification=verification) for action, (form_class, _service, _done) in _DECISIONS.items()},
        "visit": FieldVisitForm(),
        **(bound or {}),
    }
    now = timezone.now()
    _name_desa(verification.registration.business)
    context = {
        "verification": verification,
        "registration": verification.registration,
        "business": verification.registration.business,
        "person": verification.registration.person,
        "steps": _chain_steps(verification, decisions),
        "events": _events(decisions, public=False),
        "visits": verification.visits.select_related("officer"),
        "refusal": refusal,
        "forms": forms,
        "days_waiting": sla_state(verification, now=now)[0],
        "is_overdue": sla_state(verification, now=now)[1],
        "may_visit": request.user.role == Role.OFFICER,
    }
    return render(request, "verification/detail.html", context, status=status)


@login_required
def detail(request, pk):
    verification = selectors.get_verification_for_user_or_404(user=request.user, pk=pk)
    return _render_detail(request, verification)


def _stale(request, verification: Verification, form):
    """The record as it is now, with the message that someone decided first (nothing changed)."""
    messages.error(request, services.StaleDecision().message)
    return _render_detail(request, verification, bound={form.action: form}, status=409)


@login_required
@require_POST
def decide(request, pk, action):
    """One decision on one record: out of scope 404, not the officer's turn 403, stale 409."""
    verification = selectors.get_verification_for_user_or_404(user=request.user, pk=pk)
    form_class, service, done = _DECISIONS[action]
    form = form_class(request.POST, verification=verification)
    # A version other than the current one means someone decided first: say so before anything else.
    posted = request.POST.get("version", "")
    if posted.isdigit() and int(posted) != verification.version:
        return _stale(request, verification, form)
    refusal = services.verification_turn_refusal(actor=request.user, verification=verification)
    if refusal:
        return _forbidden(request, refusal, verification)
    if form.is_valid():
        try:
            service(actor=request.user, verification_id=verification.pk, request=request, **form.service_kwargs())
        except services.NotYourTurn as refusal:
            return _forbidden(request, str(refusal), verification)
        except services.StaleDecision:
            verification.refresh_from_db()
            return _stale(request, verification, form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done % {"name": verification.registration.business.name})
            return redirect("verification:queue")
    return _render_detail(request, verification, bound={action: form}, status=400)


# --- Field visits ---------------------------------------------------------------------------


@login_required
@require_POST
def visit_add(request, pk):
    verification = selectors.get_verification_for_user_or_404(user=request.user, pk=pk)
    form = FieldVisitForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, verification, bound={"visit": form}, status=400)
    try:
        services.field_visit_add(
            actor=request.user, verification=verification, visited_on=form.cleaned_data["visited_on"],
            note=form.cleaned_data["note"], photo=form.cleaned_data["photo"], request=request,
        )
    except PermissionDenied as refusal:
        return _forbidden(request, str(refusal), verification)
    messages.success(request, _("Kunjungan lapangan dicatat."))
    return redirect(reverse("verification:detail", args=[verification.pk]) + "#kunjungan")


@login_required
def visit_photo(request, pk):
    """A visit's photo, only for those who can see the record (never served from MEDIA_URL)."""
    visit = get_object_or_404(FieldVisit, pk=pk)
    selectors.get_verification_for_user_or_404(user=request.user, pk=visit.verification_id)
    if not visit.photo:
        raise Http404
    try:
        handle = visit.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=mimetypes.guess_type(visit.photo.name)[0] or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Desa rule -----------------------------------------------------------------------------


def _may_set_rules(user) -> bool:
    return (
        user.is_active and user.role in (Role.OFFICER, Role.COORDINATOR) and user.region_id is not None
        and user.level_depth <= LEVEL_DEPTH[Level.DESA]
    )


@login_required
def rules(request):
    """A desa officer (or one above, for a desa in their region) sets which levels the desa verifies for."""
    user = request.user
    if not _may_set_rules(user):
        return _forbidden(request, _("Aturan verifikasi desa diatur oleh petugas desa atau tingkat di atasnya."))
    desa, pick_form = None, None
    if user.level == Level.DESA:
        desa = user.region
    else:
        pick_form = DesaPickForm(request.GET or None)
        if pick_form.is_valid():
            picked = pick_form.cleaned_data["desa"]
            if user_covers(user, picked.code):
                desa = picked
            else:
                pick_form.add_error("desa", _("%(desa)s di luar wilayah tugas Anda. Pilih desa di wilayah Anda.") % {"desa": picked.label})
    form = None
    if desa is not None:
        rule = VerificationRule.objects.filter(desa=desa).first()
        initial = {
            "desa_verifies_rt": rule.desa_verifies_rt, "desa_verifies_rw": rule.desa_verifies_rw,
            "desa_verifies_dusun": rule.desa_verifies_dusun, "note": rule.note,
        } if rule else {}
        form = RuleForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            services.rule_set(actor=user, desa=desa, request=request, **form.cleaned_data)
            messages.success(request, _("Aturan verifikasi %(desa)s disimpan. Berlaku untuk pendaftaran yang masuk atau diajukan ulang sesudah ini.") % {"desa": desa.label})
            return redirect(request.get_full_path())
    in_scope = VerificationRule.objects.filter(user_region_q(user, "desa__code")).select_related("desa").order_by("desa_id")
    return render(request, "verification/rules.html", {"desa": desa, "form": form, "pick_form": pick_form, "rules": in_scope})


# --- The registrant's status page --------------------------------------------------------------


def status(request):
    """Tracking code + NIK → the record's verification timeline, without who decided.

    The NIK travels only in POST bodies: the correction form carries both back and they
    are checked again before anything is saved.
    """
    if request.method != "POST":
        form = StatusForm(initial={"tracking_code": request.GET.get("tracking_code", "")})
        return render(request, "verification/status.html", {"form": form})
    form = StatusForm(request.POST)
    client = request.META.get("REMOTE_ADDR", "")
    if rate_limited(key=f"status:{client}", limit=settings.GELIAT_STATUS_LOOKUP_RATE, window_seconds=600):
        messages.error(request, _("Terlalu banyak percobaan. Coba lagi dalam 10 menit."))
        return render(request, "verification/status.html", {"form": form}, status=429)
    registration = None
    if form.is_valid():
        registration = registration_for_status(tracking_code=form.cleaned_data["tracking_code"], nik=form.cleaned_data["nik"])
        if registration is None:
            form.add_error(None, _("Kode pelacakan dan NIK tidak cocok dengan pendaftaran mana pun. Periksa kembali keduanya."))
    if registration is None:
        return render(request, "verification/status.html", {"form": form})
    verification = selectors.registration_verification(registration)
    correcting = bool(request.POST.get("correct"))
    corrections = {}
    if verification is not None and verification.status == Status.RETURNED:
        corrections = correction_forms(
            registration=registration, fields=verification.return_fields, data=request.POST if correcting else None
        )
        if correcting and corrections and all(f.is_valid() for f in corrections.values()):
            try:
                verification = services.verification_correct(
                    verification_id=verification.pk,
                    person_data=correction_data(corrections["person"]) if "person" in corrections else {},
                    business_data=correction_data(corrections["business"]) if "business" in corrections else {},
                    request=request,
                )
            except ValidationError as error:
                # The error goes on the form holding the field it names (owner and business share address fields).
                named = set(getattr(error, "error_dict", {}))
                forms = list(corrections.values())
                add_service_errors(next((f for f in forms if named & set(f.fields)), forms[0]), error)
            else:
                messages.success(request, _("Perbaikan disimpan dan diajukan lagi untuk diverifikasi."))
                registration.refresh_from_db()
                corrections = {}
    elif correcting:
        messages.info(request, _("Pendaftaran ini tidak sedang menunggu perbaikan; tidak ada yang diubah."))
    decisions = selectors.timeline(verification) if verification else []
    _name_desa(registration.business)
    context = {
        "form": form,
        "registration": registration,
        "business": registration.business,
        "verification": verification,
        "steps": _chain_steps(verification, decisions) if verification else [],
        "events": _events(decisions, public=True),
        "corrections": list(corrections.values()),
    }
    return render(request, "verification/status.html", context)
