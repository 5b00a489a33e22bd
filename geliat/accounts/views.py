"""Pages of the accounts app: login, activation, administration down the hierarchy, API token."""

import base64
import functools

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from geliat.accounts import selectors, services
from geliat.accounts.forms import (
    ActivationForm,
    ImportForm,
    LoginForm,
    UserCreateForm,
    UserFilterForm,
)
from geliat.accounts.models import Role
from geliat.accounts.spreadsheet import TEMPLATE_HEADERS, csv_bytes
from geliat.audit.selectors import audit_for_object
from geliat.core.forms import add_service_errors
from geliat.wilayah.models import Level

PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _with_trails(users):
    """Give each user ``region_trail``, their node named down from the kecamatan (one query)."""
    users = list(users)
    trails = selectors.region_trails(user.region_id for user in users)
    for user in users:
        user.region_trail = trails.get(user.region_id, "")
    return users


def manager_required(view):
    """Only account managers; anyone else is refused (403)."""

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not selectors.is_account_manager(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@never_cache
def activate(request):
    """An officer sets their password with the one-time code from their account manager."""
    form = ActivationForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_activate(
                username=form.cleaned_data["username"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["new_password1"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Akun Anda sudah aktif. Silakan masuk dengan nama pengguna dan sandi baru."))
            return redirect("accounts:login")
    return render(request, "accounts/activate.html", {"form": form})


@manager_required
def user_list(request):
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = selectors.user_filter(selectors.users_for_user(viewer=request.user), **filters)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _with_trails(page.object_list)
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


def _code_page(request, *, account, code: str, heading: str):
    """The one time an activation code is shown; never cached, never stored."""
    _with_trails([account])
    activate_url = request.build_absolute_uri(reverse("accounts:activate"))
    expires = formats.date_format(timezone.localtime(account.activation_expires), "DATE_FORMAT")
    message = _(
        "Akun Geliat Anda: nama pengguna %(username)s, kode aktivasi %(code)s (berlaku sampai %(expires)s). "
        "Buka %(url)s untuk membuat sandi Anda sendiri."
    ) % {"username": account.username, "code": code, "expires": expires, "url": activate_url}
    response = render(
        request,
        "accounts/code_issued.html",
        {"account": account, "code": code, "heading": heading, "message": message,
         "wa_number": account.phone.lstrip("+")},
    )
    response["Cache-Control"] = "no-store"
    return response


@manager_required
def user_create(request):
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, code = services.user_create_at(
                actor=request.user,
                level=data["level"],
                kecamatan=data["kecamatan"],
                desa=data["desa"],
                dusun=data["dusun"],
                rw=data["rw"],
                rt=data["rt"],
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                role=data.get("role", Role.OFFICER),
                agency=data.get("agency"),
                can_manage_accounts=data["can_manage_accounts"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _code_page(request, account=account, code=code, heading=_("Akun dibuat"))
    context = {
        "form": form,
        "kecamatan_names": selectors.place_names(viewer=request.user, level=Level.KECAMATAN),
        "desa_names": selectors.place_names(viewer=request.user, level=Level.DESA),
    }
    return render(request, "accounts/user_form.html", context)


@manager_required
def user_detail(request, pk: int):
    account = selectors.get_user_for_user_or_404(viewer=request.user, pk=pk)
    _with_trails([account])
    history = audit_for_object(object_type=account._meta.label_lower, object_id=account.pk)[:50]
    return render(request, "accounts/user_detail.html", {"account": account, "history": history})


@require_POST
@manager_required
def user_deactivate(request, pk: int):
    account = selectors.get_user_for_user_or_404(viewer=request.user, pk=pk)
    services.user_deactivate(actor=request.user, user=account, request=request)
    messages.success(request, _("Akun %(name)s dinonaktifkan.") % {"name": account})
    return redirect("accounts:user_detail", pk=account.pk)


@require_POST
@manager_required
def user_reactivate(request, pk: int):
    account = selectors.get_user_for_user_or_404(viewer=request.user, pk=pk)
    services.user_reactivate(actor=request.user, user=account, request=request)
    messages.success(request, _("Akun %(name)s aktif kembali.") % {"name": account})
    return redirect("accounts:user_detail", pk=account.pk)


@require_POST
@manager_required
def user_reset(request, pk: int):
    account = selectors.get_user_for_user_or_404(viewer=request.user, pk=pk)
    try:
        code = services.user_reset(actor=request.user, user=account, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:user_detail", pk=account.pk)
    return _code_page(request, account=account, code=code, heading=_("Kode aktivasi baru"))


def _import_csv(outcomes) -> bytes:
    header = [_("Baris"), _("Nama"), _("No HP"), _("Wilayah"), _("Nama pengguna"), _("Kode aktivasi"),
              _("Berlaku sampai"), _("Status"), _("Keterangan")]
    rows = []
    for outcome in outcomes:
        user = outcome.user
        rows.append([
            outcome.row.line,
            outcome.row.name,
            user.phone if user else outcome.row.phone,
            user.region_trail if user else "",
            user.username if user else outcome.row.username,
            outcome.code,
            formats.date_format(timezone.localtime(user.activation_expires), "DATE_FORMAT") if user else "",
            _("dibuat") if user else _("ditolak"),
            outcome.reason,
        ])
    return csv_bytes(header, rows)


@never_cache
@manager_required
def user_import(request):
    """Officers from a spreadsheet; the answer lists every row, created or refused, with codes."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        outcomes = services.officers_import(actor=request.user, rows=form.rows, request=request)
        _with_trails(outcome.user for outcome in outcomes if outcome.created)
        created = sum(outcome.created for outcome in outcomes)
        # The codes leave only with this page: a data: link, so nothing is kept on the server.
        download = "data:text/csv;base64," + base64.b64encode(_import_csv(outcomes)).decode()
        response = render(
            request,
            "accounts/import_result.html",
            {"outcomes": outcomes, "created": created, "rejected": len(outcomes) - created, "download": download},
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "accounts/import_form.html", {"form": form, "headers": TEMPLATE_HEADERS})


@manager_required
def import_template(request):
    """An empty sheet with the expected headers and two example rows."""
    examples = [
        ["Siti Aminah", "0812-3456-7890", "RT", "Purwodadi", "Gerbo", "Krajan", "1", "3", ""],
        ["Ahmad Fauzi", "081298765432", "RW", "Purwodadi", "Gerbo", "", "2", "", "ahmad.rw02"],
    ]
    response = HttpResponse(csv_bytes(TEMPLATE_HEADERS, examples), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contoh-akun-petugas.csv"'
    return response


@never_cache
@login_required
def api_token(request):
    """A user's own API token: created or replaced on request, its key shown only then."""
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.token_revoke(user=request.user, request=request):
                messages.success(request, _("Token API dicabut; aplikasi yang memakainya tidak bisa masuk lagi."))
            return redirect("accounts:api_token")
        new_key = services.token_rotate(user=request.user, request=request)
    response = render(
        request,
        "accounts/api_token.html",
        {"token": selectors.token_for_user(user=request.user), "new_key": new_key},
    )
    response["Cache-Control"] = "no-store"
    return response

