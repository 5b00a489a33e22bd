"""Forms of coordination pages. Errors name the field and say how to fix it."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from geliat.accounts.models import Agency
from geliat.coordination.models import Activity, Actor, Engagement, Helix, Indicator, Offer, Theme
from geliat.core.phones import phone_check
from geliat.core.scope import region_prefix_q
from geliat.programmes.models import Programme
from geliat.wilayah.models import Level, Region


def _area_choices() -> list:
    """Regency, then each kecamatan with its desa, for a grouped ``<select>``."""
    regency = settings.GELIAT_REGENCY_CODE
    regions = Region.objects.filter(
        region_prefix_q(regency, "code"), level__in=[Level.KABUPATEN, Level.KECAMATAN, Level.DESA]
    ).order_by("code")
    kecamatan: dict[str, list] = {}
    names: dict[str, str] = {}
    head = []
    for region in regions:
        if region.level == Level.KABUPATEN:
            head.append((region.code, _("Seluruh %(name)s") % {"name": region.name}))
        elif region.level == Level.KECAMATAN:
            names[region.code] = region.name
            kecamatan.setdefault(region.code, []).insert(0, (region.code, _("Seluruh Kecamatan %(name)s") % {"name": region.name}))
        else:
            kecamatan.setdefault(region.code[:8], []).append((region.code, region.label))
    groups = [(_("Kecamatan %(name)s") % {"name": names.get(code, code)}, options) for code, options in sorted(
        kecamatan.items(), key=lambda item: names.get(item[0], item[0])
    )]
    return head + groups


class RegionCodeField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("choices", [])
        super().__init__(**kwargs)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("Wilayah ini tidak dikenal. Pilih kabupaten, kecamatan atau desa dari daftar."))
        return region


class ActorForm(forms.Form):
    name = forms.CharField(label=_lazy("Nama lembaga/komunitas"), max_length=200)
    helix = forms.ChoiceField(label=_lazy("Unsur pentahelix"), choices=Helix.choices)
    description = forms.CharField(label=_lazy("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    offers = forms.MultipleChoiceField(
        label=_lazy("Yang ditawarkan"), choices=Offer.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _lazy("Centang sedikitnya satu hal yang ditawarkan aktor ini.")},
    )
    areas = forms.MultipleChoiceField(
        label=_lazy("Wilayah kerja"), widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_lazy("Pilih seluruh kabupaten, kecamatan, atau desa (tahan Ctrl/Cmd untuk memilih lebih dari satu)."),
        error_messages={"required": _lazy("Pilih sedikitnya satu wilayah kerja.")},
    )
    contact_name = forms.CharField(label=_lazy("Nama narahubung"), max_length=150, required=False)
    contact_phone = forms.CharField(label=_lazy("No. HP/WA narahubung"), max_length=30, required=False)
    contact_email = forms.EmailField(
        label=_lazy("E-mail narahubung"), required=False,
        error_messages={"invalid": _lazy("Alamat e-mail tidak sah. Tulis seperti nama@contoh.id.")},
    )
    website = forms.URLField(
        label=_lazy("Situs web"), required=False, assume_scheme="https",
        error_messages={"invalid": _lazy("Alamat situs tidak sah. Tulis lengkap, seperti https://contoh.id.")},
    )
    active = forms.BooleanField(label=_lazy("Aktif"), required=False, initial=True)

    def __init__(self, *args, instance: Actor | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in (
                    "name", "helix", "description", "offers", "contact_name", "contact_phone", "contact_email", "website", "active",
                )},
                "areas": list(instance.areas.values_list("code", flat=True)),
            }
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = _area_choices()

    def clean_contact_phone(self):
        raw = self.cleaned_data.get("contact_phone", "")
        if not raw:
            return ""
        check = phone_check(raw)
        if check.errors:
            raise forms.ValidationError(check.errors)
        return check.e164 or ""

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["areas"] = list(Region.objects.filter(code__in=data["areas"]))
        return data


class EngagementForm(forms.Form):
    activity = forms.ModelChoiceField(
        label=_lazy("Kegiatan matriks aksi"), queryset=Activity.objects.order_by("affected_group", "number"),
        error_messages={"required": _lazy("Pilih kegiatan dari matriks aksi."),
                        "invalid_choice": _lazy("Kegiatan ini tidak ada di matriks aksi. Pilih dari daftar.")},
    )
    agency = forms.ModelChoiceField(label=_lazy("OPD pelaksana"), queryset=Agency.objects.all(), required=False)
    actor = forms.ModelChoiceField(label=_lazy("atau aktor pentahelix"), queryset=Actor.objects.filter(active=True), required=False)
    region = RegionCodeField(
        label=_lazy("Wilayah"), error_messages={"required": _lazy("Pilih wilayah tempat kegiatan berjalan.")},
    )
    starts_on = forms.DateField(
        label=_lazy("Mulai"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _lazy("Tanggal mulai tidak sah. Tulis seperti 2026-01-31.")},
    )
    ends_on = forms.DateField(
        label=_lazy("Selesai"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _lazy("Tanggal selesai tidak sah. Tulis seperti 2026-12-31.")},
    )
    note = forms.CharField(label=_lazy("Keterangan"), max_length=300, required=False)

    def __init__(self, *args, instance: Engagement | None = None, fixed_agency: Agency | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "activity": instance.activity_id, "agency": instance.agency_id, "actor": instance.actor_id,
                "region": instance.region_id, "starts_on": instance.starts_on, "ends_on": instance.ends_on,
                "note": instance.note,
            }
        super().__init__(*args, **kwargs)
        self.fixed_agency = fixed_agency
        self.fields["region"].choices = [("", "—")] + _area_choices()
        if fixed_agency is not None:
            # Agency staff record what their own agency does.
            del self.fields["agency"]
            del self.fields["actor"]

    def clean(self):
        cleaned = super().clean()
        if self.fixed_agency is not None:
            cleaned["agency"], cleaned["actor"] = self.fixed_agency, None
        elif bool(cleaned.get("agency")) == bool(cleaned.get("actor")):
            self.add_error("agency", _("Pilih satu pelaksana: sebuah OPD atau sebuah aktor pentahelix (bukan keduanya)."))
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Tanggal selesai tidak boleh sebelum tanggal mulai."))
        return cleaned

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("activity", "agency", "actor", "region", "starts_on", "ends_on", "note")}


class ActivityForm(forms.Form):
    """Everything coordinators set on a matrix activity."""

    name = forms.CharField(label=_lazy("Program/kegiatan"), max_length=250)
    theme = forms.ChoiceField(label=_lazy("Tema"), choices=Theme.choices)
    agencies = forms.ModelMultipleChoiceField(
        label=_lazy("OPD penanggung jawab"), queryset=Agency.objects.all(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _lazy("Pilih sedikitnya satu OPD penanggung jawab.")},
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_lazy("Program terkait"), queryset=Programme.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_lazy("Capaian dihitung dari penerima program-program ini yang termasuk kelompok kegiatan ini."),
    )
    indicator = forms.ChoiceField(label=_lazy("Indikator"), choices=Indicator.choices)
    target = forms.IntegerField(
        label=_lazy("Target"), required=False, min_value=0,
        error_messages={"invalid": _lazy("Target harus bilangan bulat, misalnya 250."),
                        "min_value": _lazy("Target tidak boleh negatif.")},
    )
    deadline = forms.DateField(
        label=_lazy("Tenggat"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _lazy("Tanggal tenggat tidak sah. Tulis seperti 2026-12-31.")},
    )
    manual_actual = forms.IntegerField(
        label=_lazy("Capaian (hanya untuk indikator yang diisi manual)"), required=False, min_value=0,
        error_messages={"invalid": _lazy("Capaian harus bilangan bulat, misalnya 40."),
                        "min_value": _lazy("Capaian tidak boleh negatif.")},
    )
    manual_note = forms.CharField(label=_lazy("Sumber capaian manual"), max_length=300, required=False)

    def __init__(self, *args, instance: Activity, **kwargs):
        if "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in ("name", "theme", "indicator", "target", "deadline", "manual_actual", "manual_note")},
                "agencies": list(instance.agencies.all()), "programmes": list(instance.programmes.all()),
            }
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("indicator") != Indicator.MANUAL and cleaned.get("manual_actual") is not None:
            self.add_error("manual_actual", _(
                "Capaian kegiatan ini dihitung sistem. Kosongkan isian ini, atau pilih indikator “diisi manual”."
            ))
        return cleaned


class ActualForm(forms.Form):
    """The typed actual of a manual-indicator activity (responsible agency staff)."""

    manual_actual = forms.IntegerField(
        label=_lazy("Capaian"), min_value=0,
        error_messages={"required": _lazy("Isi capaian sebagai bilangan bulat, misalnya 40."),
                        "invalid": _lazy("Capaian harus bilangan bulat, misalnya 40."),
                        "min_value": _lazy("Capaian tidak boleh negatif.")},
    )
    manual_note = forms.CharField(
        label=_lazy("Sumber angka"), max_length=300,
        error_messages={"required": _lazy("Tulis dari mana angka ini berasal (mis. daftar hadir pelatihan 12 Mei).")},
    )


def _month_choices() -> list[tuple[str, str]]:
    today = timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _index in range(24):
        months.append((f"{year:04d}-{month:02d}", f"{datetime.date(year, month, 1):%m/%Y}"))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


class ReportForm(forms.Form):
    month = forms.CharField(
        label=_lazy("Bulan"), widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"required": _lazy("Pilih bulan laporan.")},
    )
    agency = forms.ModelChoiceField(
        label=_lazy("Cakupan"), queryset=Agency.objects.all(), required=False,
        empty_label=_lazy("Kabupaten (semua OPD)"),
        error_messages={"invalid_choice": _lazy("OPD ini tidak ada. Pilih dari daftar.")},
    )

    def __init__(self, *args, fixed_agency: Agency | None = None, **kwargs):
        kwargs.setdefault("initial", {"month": _month_choices()[0][0]})
        super().__init__(*args, **kwargs)
        self.fixed_agency = fixed_agency
        if fixed_agency is not None:
            del self.fields["agency"]

    def clean_month(self):
        raw = self.cleaned_data["month"].strip()
        try:
            month = datetime.datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Bulan tidak sah. Tulis tahun-bulan seperti 2026-05.")) from None
        if month > timezone.localdate():
            raise forms.ValidationError(_("Bulan laporan belum tiba. Pilih bulan ini atau bulan yang sudah lewat."))
        return month

    def chosen_agency(self) -> Agency | None:
        return self.fixed_agency if self.fixed_agency is not None else self.cleaned_data.get("agency")
