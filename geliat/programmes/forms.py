"""Forms of the programme pages. Rules and writes are the services'; these only read input."""

import json

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from geliat.accounts.models import Agency
from geliat.imports.readers import open_table
from geliat.programmes.models import Assistance, OutsideList, Programme
from geliat.programmes.rules import FIELDS, OP_LABELS
from geliat.registry.forms import RupiahField
from geliat.registry.models import AffectedGroup


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RulesField(forms.JSONField):
    """The rules as JSON text; a syntax error is explained in Indonesian, the rest by ``rules_validate``."""

    default_error_messages = {
        "invalid": _lazy(
            "Aturan bukan JSON yang sah. Tulis seperti {\"conditions\": [{\"field\": \"affected_group\", "
            "\"op\": \"in\", \"value\": [2, 10]}]}; periksa tanda kutip dan koma."
        ),
    }

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value or {}, ensure_ascii=False, indent=2)


def rules_help() -> list[dict]:
    """The fields of the rule language for the form's help box."""
    return [
        {"field": name, "label": spec.label, "ops": ", ".join(f"{op} ({OP_LABELS[op]})" for op in spec.ops), "help": spec.help}
        for name, spec in FIELDS.items()
    ]


class ProgrammeForm(forms.ModelForm):
    benefit_amount = RupiahField(label=_lazy("Nilai manfaat per penerima (Rp)"))
    budget = RupiahField(label=_lazy("Anggaran (Rp)"))
    rules = RulesField(
        label=_lazy("Aturan kelayakan (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=_lazy("Semua syarat harus terpenuhi. Daftar isian dan operator ada di bawah formulir."),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_lazy("OPD penanggung jawab"), queryset=Agency.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Programme
        fields = [
            "code", "name", "description", "source", "kind", "agencies", "overlap_class", "benefit_amount",
            "benefit_item", "quota", "budget", "starts_on", "ends_on", "status", "run_here", "rules",
        ]
        widgets = {"starts_on": _date_widget(), "ends_on": _date_widget(), "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "code": _lazy("Huruf kecil, angka dan tanda hubung, misalnya bpum-2021. Tidak dapat diubah kemudian."),
            "overlap_class": _lazy(
                "Program sekelas tidak boleh sama-sama diterima satu orang pada periode yang beririsan, "
                "misalnya bansos_tunai. Kosongkan bila boleh digabung dengan program lain."
            ),
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["agencies"].initial = list(self.instance.agencies.values_list("pk", flat=True))

    def _post_clean(self):
        # Rules are checked (and explained) by the model's clean, which the ModelForm calls.
        if self.cleaned_data.get("rules") is None:
            self.cleaned_data["rules"] = {}
        super()._post_clean()

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in {"agencies", "version"}}
        if self.fields["code"].disabled:
            data.pop("code", None)
        return data


class RefuseForm(forms.Form):
    note = forms.CharField(label=_lazy("Alasan tidak ditetapkan"), max_length=300)


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_lazy("Tanggal penyaluran"), widget=_date_widget())
    amount = RupiahField(label=_lazy("Nilai (Rp)"))
    item = forms.CharField(label=_lazy("Barang/jasa yang diserahkan"), max_length=200, required=False)
    note = forms.CharField(label=_lazy("Catatan"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") is None and not (cleaned.get("item") or "").strip() and not self.errors.get("amount"):
            self.add_error("amount", _("Isi nilai (Rp) atau barang/jasa yang diserahkan."))
        return cleaned


class CancelForm(forms.Form):
    cancel_reason = forms.CharField(label=_lazy("Alasan pembatalan"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)


class OutsideListForm(forms.Form):
    name = forms.CharField(label=_lazy("Nama daftar"), max_length=200, help_text=_lazy("Misalnya: Penerima BPUM 2020 tahap 1 dari Kemenkop UKM"))
    code = forms.SlugField(label=_lazy("Kode"), max_length=60, help_text=_lazy("Huruf kecil, angka, tanda hubung; unik."))
    kind = forms.ChoiceField(label=_lazy("Jenis daftar"), choices=OutsideList.Kind.choices)
    category = forms.ChoiceField(
        label=_lazy("Kategori pengecualian"), choices=[("", "—"), *OutsideList.Category.choices], required=False,
        help_text=_lazy("Untuk daftar pengecualian: siapa yang dikecualikan."),
    )
    programme = forms.ModelChoiceField(
        label=_lazy("Program (untuk daftar penerima)"), queryset=Programme.objects.none(), required=False,
        to_field_name="code",
    )
    issuer = forms.CharField(label=_lazy("Sumber daftar"), max_length=200, required=False, help_text=_lazy("Misalnya: Kemenkop UKM, BRI Cabang Pasuruan, BKPSDM"))
    file = forms.FileField(
        label=_lazy("Berkas CSV atau XLSX"),
        help_text=_lazy("Kolom NIK; atau Nama, Tanggal Lahir dan Desa (Kecamatan bila ada)."),
        error_messages={"required": _lazy("Pilih berkas .csv atau .xlsx berisi daftar.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx,.xlsm"}),
    )

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programmes is not None:
            self.fields["programme"].queryset = programmes
        # The importer's upload limit applies to outside lists too.
        self.max_bytes = settings.GELIAT_IMPORT_MAX_MB * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("Berkas terlalu besar (%(size)s); maksimal %(max)s. Pecah menjadi beberapa berkas, lalu unggah satu per satu.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(self.max_bytes)}
            )
        # A wrong or broken file is answered here, with what to do (the importer's reader says it).
        with open_table(upload, name=upload.name):
            pass
        upload.seek(0)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == OutsideList.Kind.EXCLUSION and not cleaned.get("category"):
            self.add_error("category", _("Daftar pengecualian harus memilih kategori (ASN, TNI, Polri, …)."))
        if cleaned.get("kind") == OutsideList.Kind.RECIPIENTS and not cleaned.get("programme"):
            self.add_error("programme", _("Daftar penerima harus menyebut programnya."))
        code = cleaned.get("code")
        if code and OutsideList.objects.filter(code=code).exists():
            self.add_error("code", _("Kode ini sudah dipakai daftar lain. Pilih kode lain."))
        return cleaned


class AssistanceForm(forms.ModelForm):
    amount_requested = RupiahField(label=_lazy("Nilai diajukan (Rp)"))
    amount_approved = RupiahField(label=_lazy("Nilai disetujui (Rp)"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Assistance
        fields = [
            "programme", "programme_name", "institution", "status", "submitted_on", "decided_on",
            "amount_requested", "amount_approved", "outcome",
        ]
        widgets = {"submitted_on": _date_widget(), "decided_on": _date_widget(), "outcome": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(run_here=False).order_by("name")
        self.fields["programme"].help_text = _lazy("Program yang diajukan di luar Geliat (KUR di bank, LPDB, Prakerja, CSR).")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("programme") and not (cleaned.get("programme_name") or "").strip():
            self.add_error("programme", _("Pilih program dari katalog atau tuliskan nama programnya."))
        return cleaned

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def _post_clean(self):
        # The model's own checks run in the service (with the business set there).
        pass


class GapFilterForm(forms.Form):
    region = forms.CharField(required=False)
    group = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=[("", "—"), *AffectedGroup.choices]
    )
    programme = forms.CharField(required=False)
