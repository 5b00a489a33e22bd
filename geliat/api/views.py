"""The REST API, v1. Scoping, rules and writes are the registry's; these views only translate.

Every list comes from ``geliat.registry.selectors.*_for_user`` and every record from
``get_*_for_user_or_404``: out of scope answers 404, like missing.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from geliat.api import serializers as api
from geliat.api.exceptions import nik_conflict_response
from geliat.api.pagination import Pagination
from geliat.api.parsers import JsonParser
from geliat.registry import selectors, services
from geliat.registry.models import Channel
from geliat.wilayah.forms import in_regency
from geliat.wilayah.selectors import region_children, region_search

_ERRORS_400 = OpenApiResponse(description=_lazy("Isian salah: pesan per bidang, {\"bidang\": [\"pesan\"]}."))
_NOT_FOUND = OpenApiResponse(description=_lazy("Tidak ada, atau di luar wilayah Anda."))
_STALE = OpenApiResponse(description=_lazy("version sudah usang: data diubah orang lain sejak dibaca. Baca ulang lalu kirim lagi."))


class ApiViewSet(viewsets.GenericViewSet):
    parser_classes = [JsonParser]
    pagination_class = Pagination
    filter_serializer_class: type[serializers.Serializer] | None = None

    def query_filters(self) -> dict:
        """The list's query parameters, checked by ``filter_serializer_class`` (400 when wrong)."""
        checked = self.filter_serializer_class(data=self.request.query_params)
        checked.is_valid(raise_exception=True)
        return {key: value for key, value in checked.validated_data.items() if value not in ("", None)}


class VersionedUpdateMixin:
    """PUT and PATCH carrying the ``version`` read; the service refuses a stale one (409)."""

    update_serializer_class: type[api.FormSerializer]

    def save_record(self, record, *, data: dict, version: int):
        raise NotImplementedError

    def update(self, request, *args, partial=False, **kwargs):
        record = self.get_object()
        serializer = self.update_serializer_class(
            record, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        return Response(self.get_serializer(self.save_record(record, data=data, version=version)).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


_REVEAL = OpenApiParameter(
    "reveal", OpenApiTypes.BOOL, description=_lazy(
        "1: NIK dan no. HP tanpa samaran, hanya untuk peran yang memerlukannya; setiap pembukaan dicatat di log audit."
    ),
)


@extend_schema(
    tags=["pemilik"],
    description=_lazy("Pemilik usaha dan ketua koperasi di wilayah Anda. NIK dan no. HP disamarkan."),
)
@extend_schema_view(
    list=extend_schema(summary=_lazy("Daftar pemilik di wilayah Anda"), parameters=[api.PersonFilterSerializer]),
    retrieve=extend_schema(
        summary=_lazy("Satu pemilik"), parameters=[_REVEAL],
        responses={200: api.PersonSerializer, 403: OpenApiResponse(description=_lazy("Peran Anda tidak boleh membuka data pribadi.")), 404: _NOT_FOUND},
    ),
    update=extend_schema(
        summary=_lazy("Ubah data pemilik"), request=api.PersonUpdateSerializer,
        responses={200: api.PersonSerializer, 400: _ERRORS_400, 404: _NOT_FOUND, 409: _STALE},
    ),
    partial_update=extend_schema(
        summary=_lazy("Ubah sebagian data pemilik"), request=api.PersonUpdateSerializer,
        responses={200: api.PersonSerializer, 400: _ERRORS_400, 404: _NOT_FOUND, 409: _STALE},
    ),
)
class PersonViewSet(VersionedUpdateMixin, mixins.ListModelMixin, ApiViewSet):
    """Business owners and koperasi chairs. NIK and phone are masked."""

    serializer_class = api.PersonSerializer
    update_serializer_class = api.PersonUpdateSerializer
    filter_serializer_class = api.PersonFilterSerializer
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.people_for_user(self.request.user)

    def filter_queryset(self, queryset):
        return selectors.person_filter(queryset, **self.query_filters())

    def get_object(self):
        return selectors.get_person_for_user_or_404(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        data = self.get_serializer(person).data
        if request.query_params.get("reveal", "") in serializers.BooleanField.TRUE_VALUES:
            if not request.user.needs_pii:
                raise PermissionDenied(_("Peran Anda tidak memerlukan NIK dan nomor HP lengkap."))
            data |= services.person_pii_reveal(viewer=request.user, person=person, request=request)
        return Response(data)

    def save_record(self, record, *, data, version):
        return services.person_update(
            actor=self.request.user, person=record, data=data, expected_version=version, request=self.request
        )


@extend_schema(tags=["usaha"], description=_lazy("Usaha yang terdaftar di wilayah Anda."))
@extend_schema_view(
    list=extend_schema(summary=_lazy("Daftar usaha di wilayah Anda"), parameters=[api.BusinessFilterSerializer]),
    retrieve=extend_schema(summary=_lazy("Satu usaha"), responses={200: api.BusinessSerializer, 404: _NOT_FOUND}),
    update=extend_schema(
        summary=_lazy("Ubah data usaha"), request=api.BusinessUpdateSerializer,
        responses={200: api.BusinessSerializer, 400: _ERRORS_400, 404: _NOT_FOUND, 409: _STALE},
    ),
    partial_update=extend_schema(
        summary=_lazy("Ubah sebagian data usaha"), request=api.BusinessUpdateSerializer,
        responses={200: api.BusinessSerializer, 400: _ERRORS_400, 404: _NOT_FOUND, 409: _STALE},
    ),
)
class BusinessViewSet(VersionedUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Businesses registered in the caller's region."""

    serializer_class = api.BusinessSerializer
    update_serializer_class = api.BusinessUpdateSerializer
    filter_serializer_class = api.BusinessFilterSerializer
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.businesses_for_user(self.request.user)

    def filter_queryset(self, queryset):
        return selectors.business_filter(queryset, **self.query_filters())

    def get_object(self):
        return selectors.get_business_for_user_or_404(user=self.request.user, pk=self.kwargs["pk"])

    def save_record(self, record, *, data, version):
        return services.business_update(
            actor=self.request.user, business=record, data=data, expected_version=version, request=self.request
        )


@extend_schema(tags=["pendaftaran"], description=_lazy("Pendaftaran usaha di wilayah Anda, dengan kode pelacakannya."))
@extend_schema_view(
    list=extend_schema(summary=_lazy("Pendaftaran usaha di wilayah Anda")),
    retrieve=extend_schema(summary=_lazy("Satu pendaftaran"), responses={200: api.RegistrationSerializer, 404: _NOT_FOUND}),
    create=extend_schema(
        summary=_lazy("Daftarkan usaha"),
        description=_lazy(
            "Usaha dengan pemilik baru (person) atau pemilik yang sudah terdaftar (person_id). NIK yang sudah "
            "terdaftar dijawab 409; existing_person_id diberikan bila pemilik itu ada di wilayah Anda."
        ),
        request=api.RegistrationCreateSerializer,
        responses={
            201: api.RegistrationSerializer,
            400: _ERRORS_400,
            409: OpenApiResponse(description=_lazy("NIK pemilik baru sudah terdaftar.")),
        },
    ),
)
class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Registrations of businesses in the caller's region, with their tracking codes."""

    serializer_class = api.RegistrationSerializer

    def get_queryset(self):
        return selectors.registrations_for_user(self.request.user).select_related("business__owner")

    def get_object(self):
        return selectors.get_registration_for_user_or_404(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        serializer = api.RegistrationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            registration = services.registration_submit(
                person_data=data.get("person"),
                person=data.get("owner"),
                business_data=data["business"],
                channel=Channel.API,
                actor=request.user,
                request=request,
            )
        except services.NikAlreadyRegistered as error:
            return nik_conflict_response(error, user=request.user, path=("person",))
        return Response(self.get_serializer(registration).data, status=status.HTTP_201_CREATED)


REGION_LIMIT = 50


@extend_schema(tags=["wilayah"])
@extend_schema_view(
    list=extend_schema(
        summary=_lazy("Cari wilayah"),
        description=_lazy(
            "Wilayah di kabupaten yang dilayani. Dengan q: pencarian nama (paling banyak 50, terbaik dulu). "
            "Tanpa q: anak langsung dari parent (bawaan: kecamatan di kabupaten)."
        ),
        parameters=[api.RegionFilterSerializer],
    ),
)
class RegionViewSet(mixins.ListModelMixin, ApiViewSet):
    """The region tree of the served regency, for filling ``region`` fields."""

    serializer_class = api.RegionSerializer
    filter_serializer_class = api.RegionFilterSerializer

    def get_queryset(self):
        filters = self.query_filters()
        regency_code = settings.GELIAT_REGENCY_CODE
        parent = filters.get("parent", regency_code)
        if not in_regency(parent):
            raise ValidationError(
                {"parent": [_("Kode induk harus di dalam kabupaten yang dilayani (%(code)s).") % {"code": regency_code}]}
            )
        level = filters.get("level")
        if "q" in filters:
            return region_search(q=filters["q"], within=parent, levels=[level] if level else None, limit=REGION_LIMIT)
        return region_children(parent_code=parent, level=level)
