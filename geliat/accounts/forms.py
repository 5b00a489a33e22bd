"""Forms of the accounts pages: login, activation, account administration, import."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from geliat.accounts.models import Agency, Role
from geliat.accounts.selectors import AccountStatus, can_keep_agency_staff
from geliat.accounts.spreadsheet import officer_rows_read
from geliat.core.ratelimit import rate_limited
from geliat.wilayah.models import LEVEL_DEPTH, Level

# Attempts per username and address before a pause; enough for typos, too few for guessing.
ATTEMPT_LIMIT = 10
ATTEMPT_WINDOW_SECONDS = 15 * 60

_USERNAME_ATTRS = {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false", "autocomplete": "username"}


def _attempt_key(request, scope: str, username: str) -> str:
    return f"{scope}:{username.strip().lower()}:{request.META.get('REMOTE_ADDR', '')}"


def _too_many_attempts() -> ValidationError:
    return ValidationError(
        _("Terlalu banyak percobaan untuk akun ini. Tunggu 15 menit, lalu coba lagi."), code="rate_limited"
    )


class LoginForm(AuthenticationForm):
    """Django's login form, refusing further attempts on a username from one address for a while."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _lazy("Nama pengguna atau sandi salah. Perhatikan huruf besar dan kecil."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _lazy("Nama pengguna")
        self.fields["username"].widget.attrs.update(_USERNAME_ATTRS)
        self.fields["password"].label = _lazy("Sandi")

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if rate_limited(
            key=_attempt_key(self.request, "login", username),
            limit=ATTEMPT_LIMIT,
            window_seconds=ATTEMPT_WINDOW_SECONDS,
        ):
            raise _too_many_attempts()
        return super().clean()


class ActivationForm(forms.Form):
    username = forms.CharField(label=_lazy("Nama pengguna"), max_length=150, widget=forms.TextInput(attrs=_USERNAME_ATTRS))
    code = forms.CharField(
        label=_lazy("Kode aktivasi"),
        max_length=20,
        help_text=_lazy("Kode dari pengelola akun Anda, misalnya 3FA2-91BC-07DE."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "one-time-code"}),
    )
    new_password1 = forms.CharField(
        label=_lazy("Sandi baru"),
        strip=False,
        help_text=_lazy("Minimal 8 karakter, tidak hanya angka, tidak mirip nama pengguna, bukan sandi umum."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_lazy("Ulangi sandi baru"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        cleaned = super().clean()
        if rate_limited(
            key=_attempt_key(self.request, "activation", cleaned.get("username") or ""),
            limit=ATTEMPT_LIMIT,
            window_seconds=ATTEMPT_WINDOW_SECONDS,
        ):
            raise _too_many_attempts()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("Kedua sandi tidak sama. Ketik ulang sandi yang sama."))
        return cleaned


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_lazy("Cari"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    level = forms.ChoiceField(label=_lazy("Tingkat"), required=False)
    status = forms.ChoiceField(label=_lazy("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _lazy("Semua tingkat")), *Level.choices[1:]]
        self.fields["status"].choices = [("", _lazy("Semua status")), *AccountStatus.choices]


def _place_field(label, help_text=""):
    return forms.CharField(label=label, required=False, max_length=120, help_text=help_text)


class UserCreateForm(forms.Form):
    """A new account. The node is named like in the spreadsheet: kecamatan, desa, dusun, RW, RT."""

    full_name = forms.CharField(label=_lazy("Nama lengkap"), max_length=150)
    phone = forms.CharField(
        label=_lazy("No. HP/WA"), required=False, max_length=30,
        help_text=_lazy("Untuk mengirim kode aktivasi lewat WhatsApp/SMS."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    username = forms.CharField(
        label=_lazy("Nama pengguna"), required=False, max_length=30,
        help_text=_lazy("Kosongkan agar dibuatkan dari nama, misalnya budi.santoso."),
        widget=forms.TextInput(attrs=_USERNAME_ATTRS),
    )
    role = forms.ChoiceField(label=_lazy("Peran"))
    agency = forms.ModelChoiceField(
        label=_lazy("OPD"), required=False, queryset=Agency.objects.all(), help_text=_lazy("Hanya untuk staf OPD.")
    )
    level = forms.ChoiceField(label=_lazy("Tingkat"), help_text=_lazy("Staf OPD dan koordinator bertugas di tingkat kabupaten."))
    kecamatan = _place_field(_lazy("Kecamatan"), _lazy("Kosongkan untuk kecamatan Anda sendiri."))
    desa = _place_field(_lazy("Desa/kelurahan"), _lazy("Kosongkan untuk desa Anda sendiri."))
    dusun = _place_field(_lazy("Dusun"), _lazy("Nama atau nomor dusun; kosongkan bila tidak ada."))
    rw = _place_field(_lazy("RW"))
    rt = _place_field(_lazy("RT"))
    can_manage_accounts = forms.BooleanField(
        label=_lazy("Pengelola akun: boleh membuat dan mengelola akun tingkat di bawahnya"), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        roles = [(Role.OFFICER.value, Role.OFFICER.label)]
        if actor.is_superuser or can_keep_agency_staff(actor):
            roles.append((Role.AGENCY.value, Role.AGENCY.label))
        if actor.is_superuser:
            roles.append((Role.COORDINATOR.value, Role.COORDINATOR.label))
        self.fields["role"].choices = roles
        own_depth = 0 if actor.is_superuser else actor.level_depth
        self.fields["level"].choices = [
            (level.value, level.label)
            for level, depth in LEVEL_DEPTH.items()
            if depth > own_depth and depth >= LEVEL_DEPTH[Level.KABUPATEN]
        ]
        if len(roles) == 1:
            del self.fields["role"], self.fields["agency"]
        for name, list_id in (("kecamatan", "kecamatan-list"), ("desa", "desa-list")):
            self.fields[name].widget.attrs["list"] = list_id

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role", Role.OFFICER) != Role.OFFICER:
            # OPD staff and coordinators serve the whole regency.
            cleaned["level"] = Level.KABUPATEN
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_lazy("Berkas spreadsheet (.xlsx atau .csv)"),
        help_text=_lazy("Baris pertama berisi judul kolom. Maksimal 10.000 baris, 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        self.rows = officer_rows_read(self.cleaned_data["file"])
        return self.cleaned_data["file"]
