"""Pages for settling duplicates: the review queue, a pair side by side with its two
decisions, merge history with undo, and full runs with their progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from geliat.core.forms import add_service_errors
from geliat.core.masking import mask_nik, mask_phone
from geliat.core.scope import user_covers
from geliat.dedup import selectors, services
from geliat.dedup.forms import (
    GROUP_LABELS,
    LEFT,
    RIGHT,
    DifferentForm,
    MergeForm,
    QueueFilterForm,
    RunStartForm,
)
from geliat.dedup.models import CandidatePair
from geliat.registry.models import Person
from geliat.registry.services import person_pii_reveal
from geliat.wilayah.models import Region

PAGE_SIZE = 30

# The rows of the side-by-side comparison: label, the engine fields whose levels mark it,
# and the merge group it belongs to (None: not chosen on its own).
_ROWS = (
    ("full_name", _lazy("Nama lengkap"), ("name",), "full_name"),
    ("nik", _lazy("NIK"), ("nik",), None),
    ("sex", _lazy("Jenis kelamin"), ("sex",), "sex"),
    ("birth_place", _lazy("Tempat lahir"), (), "birth_place"),
    ("birth_date", _lazy("Tanggal lahir"), ("birth_date",), "birth_date"),
    ("phone", _lazy("No. HP/WA"), ("phone",), "phone"),
    ("address", _lazy("Alamat, RT/RW"), ("address", "rt_rw"), "address"),
    ("desa", _lazy("Desa, kecamatan"), ("village",), None),
)
LEVEL_LABELS = {
    "exact": _lazy("sama"),
    "close": _lazy("mirip"),
    "different": _lazy("beda"),
    "missing": _lazy("kosong"),
}


def _forbidden(request, reason: str, status: int = 403):
    return render(request, "dedup/forbidden.html", {"reason": reason}, status=status)


def _desa_code(code: str) -> str:
    return ".".join(code.split(".")[:4])


def _combined_level(levels: dict, fields: tuple[str, ...]) -> str:
    """One mark for a row compared on several fields: different wins, then close, then exact."""
    found = [levels.get(field) for field in fields if levels.get(field)]
    if not found:
        return ""
    for level in ("different", "close", "exact"):
        if level in found:
            return level
    return "missing"


def _place_names(pair: CandidatePair) -> dict[str, str]:
    codes = set()
    for person in (pair.left, pair.right):
        parts = person.region_id.split(".")
        codes.update({".".join(parts[:4]), ".".join(parts[:3])})
    return {code: region.label for code, region in Region.objects.in_bulk(list(codes)).items()}


def _display(person, row: str, places: dict[str, str], pii: dict | None) -> str:
    parts = person.region_id.split(".")
    if row == "nik":
        return pii["nik"] if pii else mask_nik(person.nik)
    if row == "phone":
        return (pii["phone"] if pii else mask_phone(person.phone)) or "—"
    if row == "sex":
        return person.get_sex_display()
    if row == "birth_date":
        return person.birth_date.strftime("%d-%m-%Y") if person.birth_date else "—"
    if row == "address":
        unit = " ".join(filter(None, [f"RT {person.rt}" if person.rt else "", f"RW {person.rw}" if person.rw else ""]))
        return ", ".join(filter(None, [person.address, unit])) or "—"
    if row == "desa":
        desa = places.get(".".join(parts[:4]), person.region_id)
        kecamatan = places.get(".".join(parts[:3]), "")
        return ", ".join(filter(None, [desa, kecamatan]))
    return getattr(person, row) or "—"


def _comparison(pair: CandidatePair, form: MergeForm | None, pii: dict | None = None) -> list[dict]:
    places = _place_names(pair)
    rows = []
    for key, label, fields, group in _ROWS:
        level = _combined_level(pair.levels or {}, fields)
        choosable = form is not None and group in form.groups
        rows.append({
            "key": key, "label": label, "level": level, "level_label": LEVEL_LABELS.get(level, ""),
            "left": _display(pair.left, key, places, pii and pii.get("left")),
            "right": _display(pair.right, key, places, pii and pii.get("right")),
            "group": group if choosable else None,
            "chosen": form.chosen_side(group) if choosable else None,
        })
    return rows


# --- Queue ---------------------------------------------------------------------------------


@login_required
def queue(request):
    """Candidate pairs in the viewer's region, most likely first, with filters."""
    form = QueueFilterForm(request.GET or None)
    form.is_valid()
    queryset = selectors.review_queue(request.user, **form.queue_filters())
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    # "Desa Gerbo, RT 001" rather than a bare unit name: the page's desa in one query.
    desa_codes = {_desa_code(person.region_id) for pair in page for person in (pair.left, pair.right)}
    desa_names = {code: region.label for code, region in Region.objects.in_bulk(list(desa_codes)).items()}
    for pair in page:
        for person in (pair.left, pair.right):
            person.place = ", ".join(filter(None, [
                desa_names.get(_desa_code(person.region_id), person.region.label),
                f"RT {person.rt}" if person.rt else "", f"RW {person.rw}" if person.rw else "",
            ]))
    context = {
        "form": form,
        "page": page,
        "may_run": selectors.may_run(request.user),
        "open_count": selectors.review_queue(request.user).count(),
    }
    template = "dedup/queue.html#rows" if request.htmx else "dedup/queue.html"
    return render(request, template, context)


# --- Pair ----------------------------------------------------------------------------------


def _render_pair(request, pair: CandidatePair, *, merge_form=None, different_form=None, status: int = 200, pii=None):
    refusal = selectors.pair_refusal(request.user, pair)
    merge_form = merge_form or MergeForm(pair=pair)
    context = {
        "pair": pair,
        "rows": _comparison(pair, merge_form, pii),
        "merge_form": merge_form,
        "different_form": different_form or DifferentForm(pair=pair),
        "refusal": refusal,
        "group_labels": GROUP_LABELS,
        "left_in_scope": user_covers(request.user, pair.left.region_id),
        "right_in_scope": user_covers(request.user, pair.right.region_id),
        "merge": pair.merge if pair.merge_id else None,
        "revealed": pii is not None,
        "LEFT": LEFT,
        "RIGHT": RIGHT,
    }
    return render(request, "dedup/pair.html", context, status=status)


@login_required
def pair_detail(request, pk):
    pair = selectors.get_pair_for_user_or_404(user=request.user, pk=pk)
    return _render_pair(request, pair)


@login_required
@require_POST
def pair_reveal(request, pk):
    """Both records' full NIK and phone, for roles that need them; each reveal audited."""
    pair = selectors.get_pair_for_user_or_404(user=request.user, pk=pk)
    if not request.user.needs_pii:
        return _forbidden(request, _("Peran Anda tidak memerlukan NIK dan nomor HP lengkap."))
    pii = {
        side: person_pii_reveal(viewer=request.user, person=person, request=request)
        for side, person in (("left", pair.left), ("right", pair.right))
    }
    return _render_pair(request, pair, pii=pii)


def _stale(request, pair: CandidatePair, error: ValidationError, **forms):
    pair = selectors.get_pair_for_user_or_404(user=request.user, pk=pair.pk)
    messages.error(request, " ".join(error.messages))
    return _render_pair(request, pair, status=409, **forms)


@login_required
@require_POST
def pair_same(request, pk):
    """Merge the pair: out of scope 404, not allowed 403, decided meanwhile 409, bad choices 400."""
    pair = selectors.get_pair_for_user_or_404(user=request.user, pk=pk)
    form = MergeForm(request.POST, pair=pair)
    posted = request.POST.get("version", "")
    if posted.isdigit() and int(posted) != pair.version:
        return _stale(request, pair, services.PairAlreadyDecided(pair), merge_form=form)
    refusal = selectors.pair_refusal(request.user, pair)
    if refusal:
        return _forbidden(request, refusal)
    if form.is_valid():
        try:
            merge = services.pair_decide_same(actor=request.user, pair_id=pair.pk, request=request, **form.service_kwargs())
        except services.PairAlreadyDecided as error:
            return _stale(request, pair, error, merge_form=form)
        except PermissionDenied as error:
            return _forbidden(request, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Digabung: %(absorbed)s kini tercatat sebagai %(survivor)s. Penggabungan dapat dibatalkan.") % {
                "absorbed": merge.absorbed.full_name, "survivor": merge.survivor.full_name})
            return redirect("dedup:merge", pk=merge.pk)
    return _render_pair(request, pair, merge_form=form, status=400)


@login_required
@require_POST
def pair_different(request, pk):
    """Different people: remembered, the pair is never asked again."""
    pair = selectors.get_pair_for_user_or_404(user=request.user, pk=pk)
    form = DifferentForm(request.POST, pair=pair)
    posted = request.POST.get("version", "")
    if posted.isdigit() and int(posted) != pair.version:
        return _stale(request, pair, services.PairAlreadyDecided(pair), different_form=form)
    refusal = selectors.pair_refusal(request.user, pair)
    if refusal:
        return _forbidden(request, refusal)
    if form.is_valid():
        try:
            services.pair_decide_different(
                actor=request.user, pair_id=pair.pk, expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"], request=request,
            )
        except services.PairAlreadyDecided as error:
            return _stale(request, pair, error, different_form=form)
        except PermissionDenied as error:
            return _forbidden(request, str(error))
        else:
            messages.success(request, _("Dicatat: %(left)s dan %(right)s orang berbeda. Pasangan ini tidak akan ditanyakan lagi.") % {
                "left": pair.left.full_name, "right": pair.right.full_name})
            return redirect("dedup:queue")
    return _render_pair(request, pair, different_form=form, status=400)


# --- Merges --------------------------------------------------------------------------------


@login_required
def merge_list(request):
    page = Paginator(selectors.merges_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dedup/merge_list.html", {"page": page})


def _change_rows(merge) -> list[dict]:
    rows = []
    for field, (before, after) in (merge.changes or {}).items():
        try:
            label = Person._meta.get_field(field).verbose_name
        except FieldDoesNotExist:  # a field since removed: show its name
            label = field
        rows.append({"field": field, "label": label, "before": before, "after": after})
    return rows


@login_required
def merge_detail(request, pk):
    merge = selectors.get_merge_for_user_or_404(user=request.user, pk=pk)
    context = {
        "merge": merge,
        "changes": _change_rows(merge),
        "refusal": selectors.merge_refusal(request.user, merge),
        "survivor_in_scope": user_covers(request.user, merge.survivor.region_id),
        "absorbed_in_scope": user_covers(request.user, merge.absorbed.region_id),
    }
    return render(request, "dedup/merge_detail.html", context)


@login_required
@require_POST
def merge_undo(request, pk):
    merge = selectors.get_merge_for_user_or_404(user=request.user, pk=pk)
    refusal = selectors.merge_refusal(request.user, merge)
    if refusal and not merge.is_reversed:
        return _forbidden(request, refusal)
    try:
        services.person_unmerge(actor=request.user, merge_id=merge.pk, request=request)
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Penggabungan dibatalkan: %(absorbed)s kembali menjadi data tersendiri.") % {
            "absorbed": merge.absorbed.full_name})
    return redirect("dedup:merge", pk=merge.pk)


# --- Runs ----------------------------------------------------------------------------------


@login_required
def run_list(request):
    """Past and running searches; coordinators and kabupaten officers start a new one."""
    if not selectors.may_run(request.user):
        return _forbidden(request, _("Pencarian menyeluruh dijalankan oleh koordinator atau petugas kabupaten."))
    form = RunStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.dedup_run_start(
                actor=request.user, mode=form.cleaned_data["mode"], backend=form.cleaned_data["backend"],
                threshold=form.cleaned_data["threshold"], request=request,
            )
        except PermissionDenied as error:
            return _forbidden(request, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("dedup:run", pk=run.pk)
    page = Paginator(selectors.runs_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dedup/run_list.html", {"form": form, "page": page}, status=400 if form.errors else 200)


@login_required
def run_detail(request, pk):
    """A run's progress (polled by htmx while it runs), then its counts."""
    run = selectors.get_run_for_user_or_404(user=request.user, pk=pk)
    template = "dedup/run_detail.html#progress" if request.htmx else "dedup/run_detail.html"
    return render(request, template, {"run": run, "queue_url": reverse("dedup:queue")})
