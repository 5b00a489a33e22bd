"""What the API reads and writes.

Representations mask NIK and phone numbers. Input is checked in two steps: DRF fields,
derived from the page forms' fields, check the JSON types (and give the schema); then
the page form itself cleans the values and applies the registry's rules, so each rule
lives in one place, ``geliat.registry.forms``.
"""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings
from rest_framework.utils.serializer_helpers import ReturnDict

from geliat.api.exceptions import django_error_detail
from geliat.core.masking import mask_nik, mask_phone
from geliat.core.scope import user_covers
from geliat.registry import selectors
from geliat.registry.forms import BusinessForm, PersonForm, RupiahField
from geliat.registry.models import AffectedGroup, Business, Impact, Person, Registration
from geliat.wilayah.forms import RegionPickerField
from geliat.wilayah.models import LEVEL_DEPTH, Level, Region


class ApiSerializer(serializers.Serializer):
    default_error_messages = {
        "invalid": _("Data harus berupa objek JSON, bukan {datatype}."),
    }

    @property
    def errors(self):
        errors = super().errors
        non_field = errors.get(api_settings.NON_FIELD_ERRORS_KEY, [])
        if [getattr(error, "code", None) for error in non_field] == ["null"]:
            # DRF's text for a ``null`` body is English and not translatable.
            message = ErrorDetail(str(_("Data harus berupa objek JSON, bukan null.")), code="null")
            return ReturnDict({api_settings.NON_FIELD_ERRORS_KEY: [message]}, serializer=self)
        return errors


# ---------------------------------------------------------------- representations


@extend_schema_field(str)
class MaskedField(serializers.ReadOnlyField):
    """A personal-data value shown masked (UU 27/2022 PDP)."""

    def __init__(self, *, mask, **kwargs):
        self.mask = mask
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.mask(value)


class OwnerSerializer(serializers.ModelSerializer):
    nik = MaskedField(mask=mask_nik, label=_("NIK (disamarkan)"))

    class Meta:
        model = Person
        fields = ["id", "full_name", "nik"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    nik = MaskedField(
        mask=mask_nik, label=_("NIK"),
        help_text=_("Disamarkan; ?reveal=1 membukanya untuk peran yang memerlukannya (tercatat di log audit)."),
    )
    phone = MaskedField(mask=mask_phone, label=_("No. HP/WA"), help_text=_("Disamarkan, seperti NIK."))
    region_label = serializers.CharField(source="region.label", read_only=True, label=_("nama wilayah"))
    nik_warnings = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("peringatan NIK"))

    class Meta:
        model = Person
        fields = [
            "id", "nik", "full_name", "sex", "birth_place", "birth_date", "phone", "address", "rt", "rw",
            "region", "region_label", "nik_warnings", "version", "created_at", "updated_at",
        ]
        read_only_fields = fields


class BusinessSerializer(serializers.ModelSerializer):
    owner = OwnerSerializer(read_only=True)
    region_label = serializers.CharField(source="region.label", read_only=True, label=_("nama wilayah"))
    impacts = serializers.ListField(child=serializers.ChoiceField(choices=Impact.choices), read_only=True, label=_("dampak"))

    class Meta:
        model = Business
        fields = [
            "id", "owner", "name", "affected_group", "kbli_section", "products", "address", "rt", "rw", "region",
            "region_label", "capital", "annual_sales", "size", "employees_before", "employees_now",
            "revenue_before", "revenue_now", "impacts", "impact_note", "koperasi", "version", "created_at", "updated_at",
        ]
        read_only_fields = fields


class RegistrationSerializer(serializers.ModelSerializer):
    person = OwnerSerializer(read_only=True)
    business = BusinessSerializer(read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "tracking_code", "channel", "status", "created_at", "person", "business"]
        read_only_fields = fields


class RegionSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, label=_("nama lengkap"))
    matched_alias = serializers.CharField(
        read_only=True, default=None, allow_null=True, label=_("ejaan lain yang cocok"),
        help_text=_("Terisi bila wilayah ditemukan lewat ejaan lama/lain namanya."),
    )

    class Meta:
        model = Region
        fields = ["code", "name", "label", "level", "parent", "matched_alias"]
        read_only_fields = fields


# ---------------------------------------------------------------- input


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "example": "1,5 juta"}]})
class RupiahInputField(serializers.Field):
    """Whole Rupiah as a number, or as people write it; the form's ``RupiahField`` reads it."""

    default_error_messages = {
        "invalid": _('Tulis jumlah rupiah sebagai angka atau teks, misalnya 1500000 atau "1,5 juta".'),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        return str(data)  # as if typed into the page form

    def to_representation(self, value):
        return value


class ChoiceListField(serializers.MultipleChoiceField):
    """A list of choices, kept as a list in the choices' order (DRF gives a set the form refuses)."""

    default_error_messages = {
        "not_a_list": _("Isi dengan daftar (list) pilihan, misalnya [\"closed\"]."),
    }

    def to_internal_value(self, data):
        chosen = super().to_internal_value(data)
        return [value for value in self.choices if value in chosen]


_TEXT_ERRORS = {"invalid": _("Isi dengan teks.")}


def _api_field(field: forms.Field) -> serializers.Field:
    """The DRF field that checks the JSON type of what ``field`` (a form field) will clean."""
    options = {"required": field.required, "label": field.label, "help_text": field.help_text or None}
    if isinstance(field, forms.MultipleChoiceField):
        return ChoiceListField(choices=field.choices, **options)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(min_value=1, allow_null=not field.required, **options)
    if not field.required:
        options["allow_null"] = True
    if isinstance(field, RupiahField):
        return RupiahInputField(**options)
    if isinstance(field, RegionPickerField):
        options["help_text"] = _(
            "Kode desa/kelurahan, misalnya 35.14.01.2001 (cari di /api/v1/regions/). RT/RW diisi di rt dan rw; "
            "kode dusun/RW/RT juga diterima dan dibaca sebagai desanya."
        )
        return serializers.CharField(error_messages=_TEXT_ERRORS, **options)
    if isinstance(field, forms.CharField):
        return serializers.CharField(
            max_length=field.max_length, allow_blank=not field.required, error_messages=_TEXT_ERRORS, **options
        )
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=[c for c in field.choices if c[0] != ""], **options)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value, **options)
    if isinstance(field, forms.DateField):
        return serializers.DateField(input_formats=list(field.input_formats), **options)
    raise TypeError(f"no API field for {type(field).__name__}")


def _desa_code(region: Region) -> str:
    """The desa a region lies in (itself when not deeper): the forms pick desa + RT/RW numbers."""
    depth = LEVEL_DEPTH[Level.DESA]
    return region.code if region.depth <= depth else region.ancestor_codes()[depth - 1]


# The input serializers below are explained in comments, not docstrings: a serializer's
# docstring becomes its description in the (Indonesian) API documentation.


# Input cleaned by ``form_class``; ``to_internal_value`` returns the form's data for the
# service. On a partial update the record's current values fill what the request leaves
# out, so the form checks the record as it will be saved.
class FormSerializer(ApiSerializer):

    form_class: type[forms.Form]

    def get_fields(self):
        return {name: _api_field(field) for name, field in self.form_class.base_fields.items()} | super().get_fields()

    def form_data(self, form) -> dict:
        raise NotImplementedError

    def form_kwargs(self) -> dict:
        return {}

    def _current_values(self) -> dict:
        values = {name: getattr(self.instance, name) for name in self.form_class.base_fields if name != "region"}
        return values | {"region": _desa_code(self.instance.region)}

    def to_internal_value(self, data):
        typed = super().to_internal_value(data)
        extra = {name: typed.pop(name) for name in list(typed) if name not in self.form_class.base_fields}
        if typed.get("region"):
            # Round trip: a representation's region may be an RT/RW unit; the form wants its desa.
            region = Region.objects.filter(code=typed["region"]).first()
            if region is not None:
                typed["region"] = _desa_code(region)
        patching = self.partial and self.instance is not None
        form = self.form_class(data=(self._current_values() if patching else {}) | typed, **self.form_kwargs())
        if not form.is_valid():
            raise serializers.ValidationError(django_error_detail(DjangoValidationError(form.errors.as_data())))
        cleaned = self.form_data(form)
        if patching and not {"region", "rt", "rw"} & typed.keys():
            # Location left out of a PATCH stays exactly as stored, even a unit the numbers would not name.
            cleaned["region"] = self.instance.region
        if self.instance is not None and cleaned["region"].pk == self.instance.region_id:
            # Not moved: nothing is placed, so the services' placement check does not apply (an
            # owner seen through a business here may live elsewhere and still be corrected).
            del cleaned["region"]
        elif not user_covers(self.context["request"].user, cleaned["region"].pk):
            raise serializers.ValidationError(
                {"region": [_("Wilayah ini di luar wilayah tugas Anda. Pilih desa/RT di wilayah Anda.")]}
            )
        return cleaned | extra


class PersonInputSerializer(FormSerializer):
    form_class = PersonForm

    def form_data(self, form) -> dict:
        return form.person_data()


class BusinessInputSerializer(FormSerializer):
    form_class = BusinessForm

    def form_data(self, form) -> dict:
        return form.business_data()

    def form_kwargs(self) -> dict:
        # Membership may only point at a koperasi the caller can see.
        return {"koperasi": selectors.koperasi_for_user(self.context["request"].user)}


# ``version`` as read with the record; required on PATCH too, so no edit is blind.
class VersionedMixin(serializers.Serializer):

    version = serializers.IntegerField(
        min_value=1, label=_("versi"),
        help_text=_("Nilai version dari data yang dibaca. Bila data sudah diubah orang lain, jawabannya 409."),
    )

    def to_internal_value(self, data):
        if isinstance(data, dict) and "version" not in data:
            raise serializers.ValidationError(
                {"version": [_("Sertakan version dari data yang Anda baca, agar perubahan orang lain tidak tertimpa.")]}
            )
        return super().to_internal_value(data)


class PersonUpdateSerializer(VersionedMixin, PersonInputSerializer):
    pass


class BusinessUpdateSerializer(VersionedMixin, BusinessInputSerializer):
    pass


# A business with its owner: new (``person``) or already registered (``person_id``).
class RegistrationCreateSerializer(ApiSerializer):

    person = PersonInputSerializer(required=False, label=_("pemilik baru"))
    person_id = serializers.IntegerField(
        required=False, min_value=1, label=_("id pemilik yang sudah terdaftar"),
        help_text=_("Isi salah satu: person (pemilik baru) atau person_id."),
    )
    business = BusinessInputSerializer(label=_("usaha"))

    def validate(self, attrs):
        if ("person" in attrs) == ("person_id" in attrs):
            raise serializers.ValidationError(
                _("Isi salah satu: person (data pemilik baru) atau person_id (pemilik yang sudah terdaftar).")
            )
        if "person_id" in attrs:
            try:
                attrs["owner"] = selectors.get_person_for_user_or_404(
                    user=self.context["request"].user, pk=attrs.pop("person_id")
                )
            except Http404:
                raise serializers.ValidationError(
                    {"person_id": [_("Pemilik dengan id ini tidak ada di wilayah Anda. Cari id-nya di /api/v1/people/.")]}
                ) from None
        return attrs


# ---------------------------------------------------------------- query parameters


def _region_filter() -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, error_messages=_TEXT_ERRORS,
        help_text=_("Kode wilayah: hanya data di wilayah ini dan di bawahnya."),
    )


class PersonFilterSerializer(ApiSerializer):
    q = serializers.CharField(
        required=False, allow_blank=True, error_messages=_TEXT_ERRORS,
        help_text=_("Nama, atau awal NIK (paling sedikit 6 angka)."),
    )
    region = _region_filter()


class BusinessFilterSerializer(ApiSerializer):
    q = serializers.CharField(
        required=False, allow_blank=True, error_messages=_TEXT_ERRORS, help_text=_("Nama usaha atau nama pemilik.")
    )
    region = _region_filter()
    affected_group = serializers.ChoiceField(
        choices=AffectedGroup.choices, required=False, help_text=_("Kelompok terdampak (1–10).")
    )


class RegionFilterSerializer(ApiSerializer):
    q = serializers.CharField(
        required=False, allow_blank=True, error_messages=_TEXT_ERRORS,
        help_text=_("Bagian nama wilayah; ejaan lama juga dicari."),
    )
    level = serializers.ChoiceField(choices=Level.choices, required=False, help_text=_("Hanya tingkat ini."))
    parent = serializers.CharField(
        required=False, allow_blank=True, error_messages=_TEXT_ERRORS,
        help_text=_("Kode induk: tanpa q, anak-anak langsungnya; dengan q, pencarian di dalamnya."),
    )
