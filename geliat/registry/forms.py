"""Forms for registering and editing people and businesses.

Forms clean what people type (NIK with spaces, phones in any local form, money as
``1,5 juta``) and name every error in Indonesian with its fix. Writes go through
``geliat.registry.services``.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from geliat.core.money import MoneyError, parse_rupiah
from geliat.core.phones import phone_check
from geliat.registry.models import (
    AffectedGroup,
    Business,
    Impact,
    KbliSection,
    Koperasi,
    Person,
    Sex,
)
from geliat.registry.nik import nik_check, nik_clean
from geliat.wilayah.forms import RegionPickerField
from geliat.wilayah.selectors import unit_resolve
from geliat.wilayah.units import numbers_from_code, unit_number


class RupiahField(forms.Field):
    """A Rupiah amount written the way people write it; cleans to whole Rupiah."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _lazy("Contoh: 1.500.000 atau 1,5 juta atau 750rb"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 40}))
        super().__init__(**kwargs)

    # Far above any UMKM figure, and inside the database's 64-bit integer.
    MAX_AMOUNT = 10**15

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        try:
            if len(text) > 40:
                raise MoneyError(text)
            amount = parse_rupiah(text)
        except MoneyError:
            raise forms.ValidationError(
                _("%(label)s tidak terbaca: tulis angka rupiah, misalnya 1.500.000 atau 1,5 juta.")
                % {"label": self.label}
            ) from None
        if amount is not None and amount > self.MAX_AMOUNT:
            raise forms.ValidationError(
                _("%(label)s terlalu besar: periksa jumlah angka nolnya.") % {"label": self.label}
            )
        return amount


def _number_field(label):
    return forms.CharField(label=label, required=False, max_length=3, widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 3}))


def located_initial(instance, fields) -> dict:
    """Initial values for editing: the picker shows the desa; RT/RW stay as numbers."""
    initial = {f: getattr(instance, f) for f in fields if f != "region"}
    initial["region"] = ".".join(instance.region_id.split(".")[:4])
    # A record placed in an RT unit keeps it on save even if its RT/RW text was left blank.
    for key, number in numbers_from_code(instance.region_id).items():
        initial[key] = initial.get(key) or number
    return initial


class LocatedForm(forms.Form):
    """Address down to RT: street line, RT/RW numbers and the region picker."""

    address = forms.CharField(label=_lazy("Alamat (jalan, gang, nomor rumah)"), max_length=255)
    rt = _number_field(_lazy("RT"))
    rw = _number_field(_lazy("RW"))
    region = RegionPickerField(label=_lazy("Desa/kelurahan"))

    def _clean_unit_number(self, name, label):
        value = self.cleaned_data.get(name, "").strip()
        if not value:
            return ""
        number = unit_number(value)
        if number is None:
            raise forms.ValidationError(_("%(label)s harus angka, misalnya 3 atau 003.") % {"label": label})
        return f"{number:03d}"

    def clean_rt(self):
        return self._clean_unit_number("rt", "RT")

    def clean_rw(self):
        return self._clean_unit_number("rw", "RW")

    def clean(self):
        cleaned = super().clean()
        region = cleaned.get("region")
        # A desa picked by name with RT/RW typed as numbers lands on the desa's own unit when it has one.
        if region is not None and region.level == "desa" and (cleaned.get("rw") or cleaned.get("rt")):
            cleaned["region"] = unit_resolve(desa=region, rw=cleaned.get("rw"), rt=cleaned.get("rt"))
        return cleaned


class PersonForm(LocatedForm):
    nik = forms.CharField(
        label=_lazy("NIK"), max_length=40,
        help_text=_lazy("16 angka sesuai KTP."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_lazy("Nama lengkap sesuai KTP"), max_length=150)
    sex = forms.ChoiceField(label=_lazy("Jenis kelamin"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_place = forms.CharField(label=_lazy("Tempat lahir"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_lazy("Tanggal lahir"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
        error_messages={"invalid": _lazy("Tanggal lahir tidak terbaca: pilih dari kalender atau tulis hh/bb/tttt.")},
    )
    phone = forms.CharField(
        label=_lazy("No. HP/WhatsApp"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )

    field_order = ["nik", "full_name", "sex", "birth_place", "birth_date", "phone", "address", "rt", "rw", "region"]

    def __init__(self, *args, instance: Person | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = located_initial(instance, self.base_fields)
        super().__init__(*args, **kwargs)
        self.nik_warnings: list[str] = []
        self.phone_warnings: list[str] = []
        # Checked as it is typed: format errors and "already registered" show before submitting.
        self.fields["nik"].widget.attrs.update(
            {
                "hx-get": reverse("registry:nik_check"),
                "hx-trigger": "input changed delay:600ms, change",
                "hx-target": f"#{self.add_prefix('nik')}-check",
                "hx-sync": "this:replace",
            }
        )

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if sum(ch.isalpha() for ch in name) < 2:
            raise forms.ValidationError(_("Nama lengkap harus berisi huruf, sesuai KTP."))
        return name

    def clean_phone(self):
        check = phone_check(self.cleaned_data.get("phone", ""))
        if check.errors:
            raise forms.ValidationError(check.errors)
        self.phone_warnings = list(check.warnings)
        return check.e164 or ""

    def clean(self):
        cleaned = super().clean()
        raw = cleaned.get("nik")
        if raw is not None:
            check = nik_check(raw, sex=cleaned.get("sex"), birth_date=cleaned.get("birth_date"))
            if check.errors:
                self.add_error("nik", check.errors)
            else:
                cleaned["nik"] = check.nik
                cleaned["nik_warnings"] = list(check.warnings)
                self.nik_warnings = list(check.warnings)
        return cleaned

    def person_data(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.field_order}
        data["nik_warnings"] = self.cleaned_data.get("nik_warnings", [])
        return data


class BusinessForm(LocatedForm):
    name = forms.CharField(label=_lazy("Nama usaha"), max_length=150)
    affected_group = forms.TypedChoiceField(
        label=_lazy("Kelompok usaha terdampak"), coerce=int, choices=[("", "—")] + AffectedGroup.choices
    )
    kbli_section = forms.ChoiceField(label=_lazy("Bidang usaha (KBLI 2020)"), choices=[("", "—")] + KbliSection.choices)
    products = forms.CharField(label=_lazy("Produk atau jasa"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    capital = RupiahField(label=_lazy("Modal usaha, di luar tanah dan bangunan (Rp)"))
    annual_sales = RupiahField(label=_lazy("Hasil penjualan setahun (Rp)"))
    employees_before = forms.IntegerField(label=_lazy("Jumlah karyawan sebelum pandemi"), required=False, min_value=0, max_value=100_000)
    employees_now = forms.IntegerField(label=_lazy("Jumlah karyawan sekarang"), required=False, min_value=0, max_value=100_000)
    revenue_before = RupiahField(label=_lazy("Omzet per bulan sebelum pandemi (Rp)"))
    revenue_now = RupiahField(label=_lazy("Omzet per bulan sekarang (Rp)"))
    impacts = forms.MultipleChoiceField(
        label=_lazy("Dampak yang dialami"), choices=Impact.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    impact_note = forms.CharField(label=_lazy("Keterangan dampak"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    koperasi = forms.ModelChoiceField(
        label=_lazy("Anggota koperasi"), queryset=Koperasi.objects.none(), required=False, empty_label=_lazy("— bukan anggota —")
    )

    field_order = [
        "name", "affected_group", "kbli_section", "products", "address", "rt", "rw", "region",
        "capital", "annual_sales", "employees_before", "employees_now", "revenue_before", "revenue_now",
        "impacts", "impact_note", "koperasi",
    ]

    def __init__(self, *args, instance: Business | None = None, koperasi=None, **kwargs):
        """``koperasi``: the koperasi the person filling in may link to (none: the field is left out)."""
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = located_initial(instance, self.base_fields)
        super().__init__(*args, **kwargs)
        if koperasi is None:
            del self.fields["koperasi"]
        else:
            self.fields["koperasi"].queryset = koperasi

    def business_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.field_order if f in self.fields}


class SameAddressBusinessForm(BusinessForm):
    """The public form: the business may sit at the owner's home address."""

    same_address = forms.BooleanField(label=_lazy("Lokasi usaha sama dengan alamat rumah"), required=False, initial=True)

    def __init__(self, *args, owner_form: PersonForm | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_form = owner_form
        if self.is_bound and self.data.get(self.add_prefix("same_address")):
            for name in ("address", "rt", "rw", "region"):
                self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("same_address") and self.owner_form is not None and self.owner_form.is_valid():
            for name in ("address", "rt", "rw", "region"):
                cleaned[name] = self.owner_form.cleaned_data[name]
        elif cleaned.get("same_address"):
            return cleaned
        elif not cleaned.get("region"):
            self.add_error("region", _("Pilih desa/kelurahan tempat usaha."))
        return cleaned


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_lazy(
            "Saya setuju data ini diolah Pemerintah Kabupaten untuk pendataan dan penyaluran program "
            "pemulihan koperasi dan UMKM, sesuai UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi."
        ),
        error_messages={"required": _lazy("Centang persetujuan agar pendaftaran dapat diproses.")},
    )


class StatusForm(forms.Form):
    tracking_code = forms.CharField(label=_lazy("Kode pelacakan"), max_length=20, help_text=_lazy("Contoh: GLT-7K3M-9QX2"))
    nik = forms.CharField(label=_lazy("NIK pemilik usaha"), max_length=40, widget=forms.TextInput(attrs={"inputmode": "numeric"}))

    def clean_nik(self):
        nik = nik_clean(self.cleaned_data["nik"])
        if len(nik) != 16 or not nik.isdigit():
            raise forms.ValidationError(_("NIK harus 16 angka sesuai KTP."))
        return nik


class KoperasiForm(LocatedForm):
    name = forms.CharField(label=_lazy("Nama koperasi"), max_length=200)
    legal_number = forms.CharField(
        label=_lazy("Nomor badan hukum"), max_length=100, required=False,
        help_text=_lazy("Contoh: AHU-0001234.AH.01.26.TAHUN 2020 atau 503/BH/XVI.12/2015"),
    )
    type = forms.ChoiceField(label=_lazy("Jenis koperasi"), choices=[("", "—")] + Koperasi.Type.choices)
    members = forms.IntegerField(label=_lazy("Jumlah anggota"), min_value=0, max_value=10_000_000, initial=0)
    chair_nik = forms.CharField(
        label=_lazy("NIK ketua"), max_length=40, required=False,
        help_text=_lazy("Ketua harus sudah terdaftar sebagai pemilik usaha di wilayah Anda."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    field_order = ["name", "legal_number", "type", "members", "chair_nik", "address", "rt", "rw", "region"]

    def __init__(self, *args, instance: Koperasi | None = None, people=None, **kwargs):
        self.instance = instance
        # The people the chair may be picked from: those the officer can see.
        self.people = people
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = located_initial(instance, [f for f in self.base_fields if f != "chair_nik"])
            kwargs["initial"]["chair_nik"] = instance.chair.nik if instance.chair_id else ""
        super().__init__(*args, **kwargs)

    def clean_legal_number(self):
        return " ".join(self.cleaned_data["legal_number"].split())

    def clean_chair_nik(self):
        raw = self.cleaned_data.get("chair_nik", "")
        if not raw.strip():
            return None
        nik = nik_clean(raw)
        chair = self.people.filter(nik=nik).first() if self.people is not None else None
        if chair is None:
            raise forms.ValidationError(
                _("NIK ketua belum terdaftar di wilayah Anda. Daftarkan dulu ketua sebagai pemilik usaha, lalu isi NIK-nya di sini.")
            )
        return chair

    def koperasi_data(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.field_order if f != "chair_nik"}
        data["chair"] = self.cleaned_data["chair_nik"]
        return data
