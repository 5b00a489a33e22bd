"""Pages of the registry: public self-registration, and the officers' lists and records."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from geliat.core.forms import add_service_errors
from geliat.core.masking import mask_nik, mask_phone
from geliat.core.ratelimit import rate_limited
from geliat.registry import selectors, services
from geliat.registry.forms import (
    BusinessForm,
    ConsentForm,
    KoperasiForm,
    PersonForm,
    SameAddressBusinessForm,
)
from geliat.registry.models import AffectedGroup, Channel
from geliat.registry.nik import nik_check
from geliat.wilayah.selectors import regency, region_children

PAGE_SIZE = 50


def _client_key(request, scope: str) -> str:
    return f"{scope}:{request.META.get('REMOTE_ADDR', '')}"


def public_home(request):
    if request.user.is_authenticated:
        return redirect("registry:home")
    return render(request, "registry/public_home.html")


def self_register(request):
    """The public registration page: owner, business, consent; answers with a tracking code."""
    if request.method == "POST":
        person_form = PersonForm(request.POST, prefix="p")
        business_form = SameAddressBusinessForm(request.POST, prefix="b", owner_form=person_form)
        consent_form = ConsentForm(request.POST)
        if rate_limited(key=_client_key(request, "register"), limit=settings.GELIAT_REGISTRATION_RATE, window_seconds=3600):
            messages.error(request, _("Terlalu banyak pendaftaran dari perangkat ini. Coba lagi dalam satu jam."))
            return render(request, "registry/self_register.html", {"person_form": person_form, "business_form": business_form, "consent_form": consent_form}, status=429)
        forms_ok = all([person_form.is_valid(), business_form.is_valid(), consent_form.is_valid()])
        if forms_ok:
            try:
                registration = services.registration_submit(
                    person_data=person_form.person_data(),
                    business_data=business_form.business_data(),
                    channel=Channel.SELF,
                    consent=True,
                    request=request,
                )
            except services.NikAlreadyRegistered:
                person_form.add_error("nik", _("NIK ini sudah terdaftar. Jika Anda sudah pernah mendaftar, cek status dengan kode pelacakan Anda, atau hubungi petugas desa."))
            except ValidationError as error:
                person_form.add_error(None, error)
            else:
                request.session["last_tracking_code"] = registration.tracking_code
                return redirect("registry:self_register_done")
    else:
        person_form = PersonForm(prefix="p")
        business_form = SameAddressBusinessForm(prefix="b")
        consent_form = ConsentForm()
    return render(request, "registry/self_register.html", {"person_form": person_form, "business_form": business_form, "consent_form": consent_form})


def self_register_done(request):
    code = request.session.get("last_tracking_code")
    if not code:
        return redirect("registry:self_register")
    return render(request, "registry/self_register_done.html", {"tracking_code": code})


def nik_check_partial(request):
    """htmx: what is wrong with the NIK typed so far, and whether it is registered already."""
    raw = request.GET.get("nik") or next((v for k, v in request.GET.items() if k.endswith("nik")), "")
    if rate_limited(key=_client_key(request, "nikcheck"), limit=120, window_seconds=600):
        return HttpResponse(status=429)
    check = nik_check(raw) if raw.strip() else None
    lookup = selectors.nik_lookup(nik=check.nik, user=request.user) if check and check.valid else None
    return render(request, "registry/partials/nik_check.html", {"check": check, "lookup": lookup})


@login_required
def home(request):
    scope = selectors.businesses_for_user(request.user)
    return render(
        request,
        "registry/home.html",
        {
            "business_count": scope.count(),
            "people_count": selectors.people_for_user(request.user).count(),
            "recent": selectors.registrations_for_user(request.user)[:10],
        },
    )


def _region_filter_choices(user):
    """Kecamatan (and, for narrower scopes, desa) a viewer can filter by."""
    top = user.region or regency()
    if top.level in ("kabupaten", "provinsi"):
        return region_children(parent_code=top.code, level="kecamatan")
    if top.level == "kecamatan":
        return region_children(parent_code=top.code, level="desa")
    return []


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def business_list(request):
    group = request.GET.get("group", "")
    queryset = selectors.business_filter(
        selectors.businesses_for_user(request.user),
        q=request.GET.get("q", ""),
        region=request.GET.get("region", ""),
        affected_group=int(group) if group.isdigit() else None,
    )
    context = {
        "page": _page(request, selectors.with_desa_name(queryset)),
        "groups": AffectedGroup.choices,
        "region_choices": _region_filter_choices(request.user),
    }
    template = "registry/business_list.html#rows" if request.htmx else "registry/business_list.html"
    return render(request, template, context)


@login_required
def person_list(request):
    # Records merged into another are one person with their survivor: hidden unless asked for.
    include_merged = request.GET.get("merged") == "1"
    queryset = selectors.person_filter(
        selectors.people_for_user(request.user), q=request.GET.get("q", ""), region=request.GET.get("region", ""),
        include_merged=include_merged,
    )
    context = {
        "page": _page(request, selectors.with_desa_name(queryset)),
        "region_choices": _region_filter_choices(request.user),
        "merged_filter": True,
    }
    template = "registry/person_list.html#rows" if request.htmx else "registry/person_list.html"
    return render(request, template, context)


@login_required
def person_detail(request, pk):
    person = selectors.get_person_for_user_or_404(user=request.user, pk=pk)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "nik_masked": mask_nik(person.nik),
            "phone_masked": mask_phone(person.phone),
            # Merged into another record: that one (the survivor) is who this person is.
            "survivor": person.merged_into,
            "survivor_visible": person.merged_into_id is not None
            and selectors.people_for_user(request.user).filter(pk=person.merged_into_id).exists(),
            "merged_records": list(person.merged_records.order_by("pk")),
            "businesses": selectors.businesses_for_user(request.user).filter(owner=person),
            "history": selectors.record_history(person)[:50],
        },
    )


@login_required
@require_POST
def person_reveal(request, pk):
    """htmx: the unmasked NIK and phone, for roles that need them; audited."""
    person = selectors.get_person_for_user_or_404(user=request.user, pk=pk)
    if not request.user.needs_pii:
        return HttpResponseForbidden(_("Peran Anda tidak memerlukan NIK dan nomor HP lengkap."))
    data = services.person_pii_reveal(viewer=request.user, person=person, request=request)
    return render(request, "registry/partials/pii.html", {"person": person, "nik": data["nik"], "phone": data["phone"], "revealed": True})


def _save_form(request, form, save, *, message: str) -> bool:
    """Run ``save`` (a service call) for a valid POSTed form; service errors land on the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, message)
    return True


@login_required
def person_edit(request, pk):
    person = selectors.get_person_for_user_or_404(user=request.user, pk=pk)
    form = PersonForm(request.POST or None, instance=person)
    saved = _save_form(
        request, form, message=_("Perubahan data pemilik disimpan."),
        save=lambda: services.person_update(
            actor=request.user, person=person, data=form.person_data(),
            expected_version=_posted_version(request), request=request,
        ),
    )
    if saved:
        return redirect("registry:person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person, "version": _form_version(request, person)})


@login_required
def business_detail(request, pk):
    business = selectors.get_business_for_user_or_404(user=request.user, pk=pk)
    return render(
        request,
        "registry/business_detail.html",
        {
            "business": business,
            "owner_nik_masked": mask_nik(business.owner.nik),
            "registrations": business.registrations.all(),
            "history": selectors.record_history(business)[:50],
        },
    )


@login_required
def business_edit(request, pk):
    business = selectors.get_business_for_user_or_404(user=request.user, pk=pk)
    form = BusinessForm(request.POST or None, instance=business, koperasi=selectors.koperasi_for_user(request.user))
    saved = _save_form(
        request, form, message=_("Perubahan data usaha disimpan."),
        save=lambda: services.business_update(
            actor=request.user, business=business, data=form.business_data(),
            expected_version=_posted_version(request), request=request,
        ),
    )
    if saved:
        return redirect("registry:business_detail", pk=business.pk)
    return render(request, "registry/business_form.html", {"form": form, "business": business, "version": _form_version(request, business)})


def _posted_version(request) -> int:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else -1


def _form_version(request, obj) -> int:
    # A re-rendered form keeps the version it was opened with, so a stale edit stays stale.
    return _posted_version(request) if request.method == "POST" else obj.version


@login_required
def officer_register(request):
    """An officer registers a business, with a new owner or one already in the registry."""
    person_form = PersonForm(request.POST or None, prefix="p")
    business_form = SameAddressBusinessForm(request.POST or None, prefix="b", owner_form=person_form)
    existing = None
    if request.method == "POST" and person_form.is_valid() and business_form.is_valid():
        try:
            registration = services.registration_submit(
                person_data=person_form.person_data(), business_data=business_form.business_data(),
                channel=Channel.OFFICER, actor=request.user, request=request,
            )
        except services.NikAlreadyRegistered:
            existing = selectors.nik_lookup(nik=person_form.cleaned_data["nik"], user=request.user)
            person_form.add_error("nik", _("NIK ini sudah terdaftar. Tambahkan usaha pada data pemilik yang sudah ada."))
        except ValidationError as error:
            add_service_errors(person_form, error)
        else:
            messages.success(request, _("Usaha terdaftar dengan kode %(code)s.") % {"code": registration.tracking_code})
            return redirect("registry:business_detail", pk=registration.business_id)
    return render(request, "registry/officer_register.html", {"person_form": person_form, "business_form": business_form, "existing": existing})


@login_required
def business_add(request, pk):
    """Register another business for an owner already in the registry."""
    person = selectors.get_person_for_user_or_404(user=request.user, pk=pk)
    form = BusinessForm(
        request.POST or None,
        initial={"address": person.address, "rt": person.rt, "rw": person.rw, "region": person.region_id[: selectors.DESA_CODE_LENGTH]},
        koperasi=selectors.koperasi_for_user(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_submit(
                person=person, business_data=form.business_data(), channel=Channel.OFFICER, actor=request.user, request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Usaha terdaftar dengan kode %(code)s.") % {"code": registration.tracking_code})
            return redirect("registry:business_detail", pk=registration.business_id)
    return render(request, "registry/business_form.html", {"form": form, "person": person, "adding": True})



@login_required
def koperasi_list(request):
    queryset = selectors.koperasi_for_user(request.user)
    if q := request.GET.get("q", "").strip():
        queryset = queryset.filter(name__icontains=q)
    return render(request, "registry/koperasi_list.html", {"page": _page(request, queryset)})


@login_required
def koperasi_detail(request, pk):
    koperasi = selectors.get_koperasi_for_user_or_404(user=request.user, pk=pk)
    return render(
        request,
        "registry/koperasi_detail.html",
        {
            "koperasi": koperasi,
            "members": selectors.businesses_for_user(request.user).filter(koperasi=koperasi),
            "history": selectors.record_history(koperasi)[:50],
        },
    )


@login_required
def koperasi_edit(request, pk=None):
    """Register a koperasi (no ``pk``) or change one; the chair is picked by NIK."""
    koperasi = selectors.get_koperasi_for_user_or_404(user=request.user, pk=pk) if pk else None
    form = KoperasiForm(request.POST or None, instance=koperasi, people=selectors.people_for_user(request.user))

    def save():
        nonlocal koperasi
        if koperasi is None:
            koperasi = services.koperasi_create(actor=request.user, data=form.koperasi_data(), request=request)
        else:
            services.koperasi_update(
                actor=request.user, koperasi=koperasi, data=form.koperasi_data(),
                expected_version=_posted_version(request), request=request,
            )

    if _save_form(request, form, save, message=_("Data koperasi disimpan.")):
        return redirect("registry:koperasi_detail", pk=koperasi.pk)
    version = _form_version(request, koperasi) if koperasi else None
    return render(request, "registry/koperasi_form.html", {"form": form, "koperasi": koperasi, "version": version})
