"""Forms of the verification pages: decisions, queue filters, field visits, desa rules, and the
registrant's correction. Writes go through ``geliat.verification.services``."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from geliat.registry.forms import BusinessForm, PersonForm
from geliat.registry.models import AffectedGroup
from geliat.verification.services import lower_steps
from geliat.wilayah.forms import RegionPickerField
from geliat.wilayah.models import Level

# The registrant's forms, with the prefix each is posted under on the status page.
_ENTITIES = (("person", PersonForm, "p"), ("business", BusinessForm, "b"))
# RT, RW and desa are checked together (they resolve to one region node), so naming one
# of them opens all three for correction.
_LOCATION = frozenset({"rt", "rw", "region"})


def correctable_fields() -> dict[str, str]:
    """What an officer can name when returning a record: ``person.<field>``/``business.<field>`` → label."""
    groups = {"person": _("Pemilik"), "business": _("Usaha")}
    return {
        f"{entity}.{name}": f"{groups[entity]}: {form_class.base_fields[name].label}"
        for entity, form_class, _prefix in _ENTITIES
        for name in form_class.field_order
        if name != "koperasi"  # linking a koperasi is an officer's choice, not the registrant's
    }


def correction_forms(*, registration, fields: list[str], data=None) -> dict[str, forms.Form]:
    """The owner's and business's forms cut down to the fields named for correction.

    Keys are ``"person"`` and ``"business"``; an entity with nothing named is left out.
    """
    found = {}
    for entity, form_class, prefix in _ENTITIES:
        named = {key.split(".", 1)[1] for key in fields if key.startswith(entity + ".")}
        if named & _LOCATION:
            named |= _LOCATION
        form = form_class(data, instance=getattr(registration, entity), prefix=prefix)
        named &= set(form.fields)
        if not named:
            continue
        for name in list(form.fields):
            if name not in named:
                del form.fields[name]
        found[entity] = form
    return found


def correction_data(form: forms.Form) -> dict:
    """What a valid correction form changes, for ``person_update``/``business_update``."""
    data = {name: form.cleaned_data[name] for name in form.fields}
    if "nik" in data:
        data["nik_warnings"] = form.cleaned_data.get("nik_warnings", [])
    return data


class DecisionForm(forms.Form):
    """Every decision carries the version of the record the officer opened."""

    action = ""  # the decision's name; also keeps element ids apart when all forms share a page

    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1,
        error_messages={
            "required": _lazy("Formulir tidak lengkap. Muat ulang halaman, lalu ulangi."),
            "invalid": _lazy("Formulir tidak lengkap. Muat ulang halaman, lalu ulangi."),
        },
    )

    def __init__(self, *args, verification, **kwargs):
        kwargs.setdefault("initial", {"version": verification.version})
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)
        self.verification = verification

    def service_kwargs(self) -> dict:
        return {"expected_version": self.cleaned_data["version"]}


def _reason_field(required_message):
    return forms.CharField(
        label=_lazy("Alasan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": required_message},
    )


class ApproveForm(DecisionForm):
    action = "approve"


class RejectForm(DecisionForm):
    action = "reject"
    reason = _reason_field(_lazy("Tulis alasan penolakan; pendaftar akan membacanya."))

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "reason": self.cleaned_data["reason"]}


class ReturnForm(DecisionForm):
    action = "return"
    reason = _reason_field(_lazy("Tulis apa yang harus diperbaiki; pendaftar akan membacanya."))
    fields = forms.MultipleChoiceField(
        label=_lazy("Data yang harus diperbaiki"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _lazy("Pilih data yang harus diperbaiki.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"].choices = list(correctable_fields().items())

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "reason": self.cleaned_data["reason"], "fields": self.cleaned_data["fields"]}


class SendBackForm(DecisionForm):
    action = "send_back"
    to_level = forms.ChoiceField(
        label=_lazy("Kirim ke tingkat"),
        error_messages={"required": _lazy("Pilih tingkat di bawah Anda yang harus memeriksa ulang.")},
    )
    reason = _reason_field(_lazy("Tulis alasan mengirim kembali ke tingkat bawah."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_level"].choices = [
            (step["level"], Level(step["level"]).label) for step in lower_steps(self.verification)
        ]

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "reason": self.cleaned_data["reason"], "to_level": self.cleaned_data["to_level"]}


class QueueFilterForm(forms.Form):
    region = forms.ChoiceField(label=_lazy("Wilayah"), required=False)
    group = forms.TypedChoiceField(
        label=_lazy("Kelompok terdampak"), required=False, coerce=int, empty_value=None,
        choices=[("", _lazy("Semua"))] + AffectedGroup.choices,
    )
    min_days = forms.IntegerField(
        label=_lazy("Menunggu minimal (hari)"), required=False, min_value=1, max_value=3650,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _lazy("Isi jumlah hari dengan angka, misalnya 3.")},
    )
    warnings = forms.BooleanField(label=_lazy("Hanya yang NIK-nya berperingatan"), required=False)
    duplicates = forms.BooleanField(label=_lazy("Hanya yang diduga data ganda"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        """``regions``: the sub-regions of the officer's node the queue can be narrowed to."""
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Semua"))] + [(r.code, r.label) for r in regions]
        if not regions:
            del self.fields["region"]

    def queue_filters(self) -> dict:
        """Keyword arguments for ``queue_for_user``; filters typed wrongly are left out."""
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "region": cleaned.get("region") or "",
            "affected_group": cleaned.get("group"),
            "min_days": cleaned.get("min_days"),
            "warnings": bool(cleaned.get("warnings")),
            "duplicates": bool(cleaned.get("duplicates")),
        }


PHOTO_MAX_BYTES = 5 * 1024 * 1024


def photo_kind(head: bytes, size: int) -> str | None:
    """``"jpg"``, ``"png"`` or ``"webp"`` when the first bytes have that format's structure."""
    # JPEG: start-of-image then another marker.
    if head[:3] == b"\xff\xd8\xff" and len(head) > 3 and head[3] >= 0xC0:
        return "jpg"
    # PNG: signature, then the IHDR chunk that must come first.
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        return "png"
    # WebP: a RIFF container whose declared length is the file's, holding a VP8* chunk.
    if (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:16] in (b"VP8 ", b"VP8L", b"VP8X")
        and int.from_bytes(head[4:8], "little") + 8 == size
    ):
        return "webp"
    return None


class PhotoField(forms.FileField):
    """A photo of the business: JPEG, PNG or WebP up to 5 MB, checked by content, not by name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if upload.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(
                _("Foto terlalu besar (%(size).1f MB); maksimal 5 MB. Kecilkan ukuran foto, lalu unggah lagi.")
                % {"size": upload.size / 1024 / 1024}
            )
        upload.seek(0)
        kind = photo_kind(upload.read(16), upload.size)
        upload.seek(0)
        if kind is None:
            raise forms.ValidationError(
                _("Berkas ini bukan foto JPEG, PNG atau WebP. Ambil foto dengan kamera ponsel, lalu unggah lagi.")
            )
        # The stored name is generated; only the checked type's extension is kept.
        upload.name = f"foto.{kind}"
        return upload


class FieldVisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_lazy("Tanggal kunjungan"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
        error_messages={"invalid": _lazy("Tanggal kunjungan tidak terbaca: pilih dari kalender atau tulis hh/bb/tttt.")},
    )
    note = forms.CharField(
        label=_lazy("Catatan kunjungan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _lazy("Tulis catatan kunjungan: apa yang Anda lihat di tempat usaha.")},
    )
    photo = PhotoField(label=_lazy("Foto usaha (JPEG, PNG atau WebP, maks. 5 MB)"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"visited_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_visited_on(self):
        visited_on: datetime.date = self.cleaned_data["visited_on"]
        if visited_on > timezone.localdate():
            raise forms.ValidationError(_("Tanggal kunjungan tidak boleh setelah hari ini."))
        return visited_on


class DesaPickForm(forms.Form):
    desa = RegionPickerField(label=_lazy("Desa/kelurahan"))


class RuleForm(forms.Form):
    desa_verifies_rt = forms.BooleanField(label=_lazy("Desa memverifikasi untuk RT (tidak ada petugas RT)"), required=False)
    desa_verifies_rw = forms.BooleanField(label=_lazy("Desa memverifikasi untuk RW (tidak ada petugas RW)"), required=False)
    desa_verifies_dusun = forms.BooleanField(label=_lazy("Desa memverifikasi untuk dusun"), required=False)
    note = forms.CharField(label=_lazy("Keterangan"), max_length=200, required=False)
