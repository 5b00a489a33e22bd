"""Programmes over the API (/api/v1/): programmes, proposals, enrolments, deliveries.

Part of the API layer (it sits above programmes): it builds on ``geliat.api``'s view
base (JSON parser, Indonesian pagination and errors) and only translates to the
programme selectors and services. Out of scope answers 404 like missing; acting on a
programme one does not run answers 403; a doubled benefit or a full quota answers 409
naming the conflicting programme.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from geliat.api.serializers import ApiSerializer, OwnerSerializer
from geliat.api.views import ApiViewSet
from geliat.programmes import eligibility, selectors, services
from geliat.programmes.models import Delivery, Enrolment, Programme, Proposal, ProposalRow
from geliat.programmes.rules import compile_conditions
from geliat.registry.models import Business

BULK_LIMIT = 2000
_NOT_FOUND = OpenApiResponse(description=_lazy("Tidak ada, atau di luar wilayah/OPD Anda."))
_ERRORS_400 = OpenApiResponse(description=_lazy("Isian salah: pesan per bidang, {\"bidang\": [\"pesan\"]}."))
_FORBIDDEN = OpenApiResponse(description=_lazy("Hanya OPD penanggung jawab program atau koordinator."))
_REFUSED = OpenApiResponse(description=_lazy("Ditolak: manfaat ganda (program yang bertabrakan disebut) atau kuota penuh."))


# ---------------------------------------------------------------- representations


class ProgrammeSerializer(serializers.ModelSerializer):
    # Not "status": the schema's StatusEnum names are taken by other resources' statuses.
    programme_status = serializers.ChoiceField(source="status", choices=Programme.Status.choices, read_only=True, label=_lazy("status program"))
    agencies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True, label=_lazy("OPD penanggung jawab"))
    conditions = serializers.SerializerMethodField(label=_lazy("syarat penerima, dalam kata"))

    class Meta:
        model = Programme
        fields = [
            "id", "code", "name", "description", "source", "kind", "agencies", "overlap_class", "benefit_amount",
            "benefit_item", "quota", "budget", "starts_on", "ends_on", "rules", "conditions", "programme_status",
            "run_here", "version",
        ]
        read_only_fields = fields

    def get_conditions(self, programme) -> list[str]:
        return [c.label for c in compile_conditions(programme)]


class ProgrammeWriteSerializer(ApiSerializer):
    """Input of a programme; the rules are checked by the model (reasons in Indonesian)."""

    code = serializers.SlugField(max_length=60, required=False)
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=Programme._meta.get_field("source").choices, required=False)
    kind = serializers.ChoiceField(choices=Programme._meta.get_field("kind").choices, required=False)
    agencies = serializers.ListField(child=serializers.SlugField(), required=False, help_text=_lazy("Kode OPD, misalnya [\"diskopum\"]."))
    overlap_class = serializers.CharField(max_length=40, required=False, allow_blank=True)
    benefit_amount = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    benefit_item = serializers.CharField(max_length=200, required=False, allow_blank=True)
    quota = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    budget = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    rules = serializers.JSONField(required=False)
    programme_status = serializers.ChoiceField(choices=Programme.Status.choices, required=False)
    run_here = serializers.BooleanField(required=False)
    version = serializers.IntegerField(min_value=1, required=False, help_text=_lazy("Wajib saat mengubah: version yang dibaca."))


class ProposalSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    proposal_status = serializers.ChoiceField(
        source="status", choices=Proposal.Status.choices, read_only=True, label=_lazy("status usulan"),
        help_text=_lazy("building: sedang disusun (baca ulang sampai ready); ready: siap ditinjau; failed: lihat error."),
    )
    failed = serializers.SerializerMethodField(label=_lazy("jumlah usaha yang tidak memenuhi tiap syarat"))

    class Meta:
        model = Proposal
        fields = ["id", "programme", "proposal_status", "error", "created_at", "rules", "evaluated", "eligible", "failed", "seconds"]
        read_only_fields = fields

    def get_failed(self, proposal) -> list[dict]:
        labels = {c.key: c.label for c in compile_conditions(proposal.programme, proposal.rules)}
        return [{"key": key, "condition": labels.get(key, key), "businesses": n} for key, n in proposal.failed_counts.items()]


class ProposalRowSerializer(serializers.ModelSerializer):
    decision = serializers.ChoiceField(source="status", choices=ProposalRow.Status.choices, read_only=True, label=_lazy("keputusan"))
    business_name = serializers.CharField(source="business.name", read_only=True)
    owner = OwnerSerializer(source="person", read_only=True)

    class Meta:
        model = ProposalRow
        fields = ["id", "business", "business_name", "owner", "region_code", "decision", "note", "enrolment"]
        read_only_fields = fields


class VerdictSerializer(serializers.Serializer):
    business = serializers.IntegerField(source="business.pk")
    business_name = serializers.CharField(source="business.name")
    region_code = serializers.CharField(source="business.region_id")
    failed = serializers.ListField(child=serializers.CharField(), label=_lazy("syarat yang tidak terpenuhi"))
    conflicting_programme = serializers.SerializerMethodField()

    def get_conflicting_programme(self, verdict) -> str | None:
        return verdict.conflict.code if verdict.conflict else None


class EnrolmentSerializer(serializers.ModelSerializer):
    enrolment_status = serializers.ChoiceField(source="status", choices=Enrolment.Status.choices, read_only=True, label=_lazy("status penerima"))
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner = OwnerSerializer(source="person", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id", "programme", "owner", "business", "identity_id", "region_code", "enrolment_status", "origin", "confirmed_at",
            "cancelled_at", "cancel_reason", "version",
        ]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, default="")

    class Meta:
        model = Delivery
        fields = ["id", "enrolment", "delivered_on", "amount", "item", "note", "recorded_by", "created_at"]
        read_only_fields = fields


# ---------------------------------------------------------------- input


class ConfirmSerializer(ApiSerializer):
    rows = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=BULK_LIMIT,
                                 label=_lazy("id baris usulan yang ditetapkan"))


class ConfirmResultSerializer(serializers.Serializer):
    confirmed = serializers.ListField(child=serializers.IntegerField())
    refused = serializers.DictField(child=serializers.CharField(), label=_lazy("id baris → alasan"))


class EnrolSerializer(ApiSerializer):
    programme = serializers.SlugField(label=_lazy("kode program"))
    business = serializers.IntegerField(min_value=1, label=_lazy("id usaha"))


class CancelSerializer(ApiSerializer):
    reason = serializers.CharField(max_length=300)
    version = serializers.IntegerField(min_value=1)


class DeliveryCreateSerializer(ApiSerializer):
    enrolment = serializers.IntegerField(min_value=1)
    delivered_on = serializers.DateField()
    amount = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    item = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


def _refused(error: services.EnrolmentRefused) -> Response:
    body = {"detail": error.message, "code": error.code}
    if error.conflicting is not None:
        body["conflicting_programme"] = error.conflicting.code
    return Response(body, status=status.HTTP_409_CONFLICT)


def _require_manage(user, programme) -> None:
    if not selectors.may_manage_programme(user, programme):
        raise PermissionDenied(_("Hanya OPD penanggung jawab program ini atau koordinator yang dapat menjalankannya."))


# ---------------------------------------------------------------- views


@extend_schema(tags=["program"])
@extend_schema_view(
    list=extend_schema(summary=_lazy("Katalog program yang dapat Anda lihat")),
    retrieve=extend_schema(summary=_lazy("Satu program"), responses={200: ProgrammeSerializer, 404: _NOT_FOUND}),
    create=extend_schema(summary=_lazy("Tambah program"), request=ProgrammeWriteSerializer, responses={201: ProgrammeSerializer, 400: _ERRORS_400, 403: _FORBIDDEN}),
    partial_update=extend_schema(summary=_lazy("Ubah program"), request=ProgrammeWriteSerializer, responses={200: ProgrammeSerializer, 400: _ERRORS_400, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: OpenApiResponse(description=_lazy("version usang."))}),
)
class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ProgrammeSerializer
    lookup_field = "code"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.programmes_for_user(self.request.user).order_by("-starts_on", "name")

    def get_object(self):
        return selectors.get_programme_for_user_or_404(user=self.request.user, code=self.kwargs["code"])

    def _input(self, *, partial: bool):
        checked = ProgrammeWriteSerializer(data=self.request.data, partial=partial)
        checked.is_valid(raise_exception=True)
        data = dict(checked.validated_data)
        if "programme_status" in data:
            data["status"] = data.pop("programme_status")
        agencies = data.pop("agencies", None)
        if agencies is not None:
            from geliat.accounts.models import Agency

            found = list(Agency.objects.filter(code__in=agencies))
            missing = sorted(set(agencies) - {a.code for a in found})
            if missing:
                raise serializers.ValidationError({"agencies": [_("Kode OPD tidak dikenal: %(codes)s.") % {"codes": ", ".join(missing)}]})
            agencies = found
        return data, agencies

    def create(self, request, *args, **kwargs):
        data, agencies = self._input(partial=False)
        data.pop("version", None)
        programme = services.programme_create(actor=request.user, data=data, agencies=agencies or [], request=request)
        return Response(ProgrammeSerializer(programme).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        from geliat.api.exceptions import Conflict
        from geliat.registry.services import StaleEdit

        programme = self.get_object()
        data, agencies = self._input(partial=True)
        version = data.pop("version", None)
        if version is None:
            raise serializers.ValidationError({"version": [_("Wajib diisi: version program yang Anda baca.")]})
        data.pop("code", None)
        try:
            programme = services.programme_update(
                actor=request.user, programme=programme, data=data, expected_version=version, agencies=agencies, request=request,
            )
        except StaleEdit as stale:
            raise Conflict({"version": stale.messages}) from None
        return Response(ProgrammeSerializer(programme).data)

    @extend_schema(
        summary=_lazy("Susun usulan penerima"),
        description=_lazy("Disusun di latar belakang: jawabannya usulan dengan proposal_status building; baca /proposals/{id}/ sampai ready."),
        request=None, responses={202: ProposalSerializer, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def proposals(self, request, code=None):
        programme = self.get_object()
        _require_manage(request.user, programme)
        proposal = services.proposal_build(actor=request.user, programme=programme, background=True, request=request)
        return Response(ProposalSerializer(proposal).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["program"])
@extend_schema_view(
    list=extend_schema(summary=_lazy("Usulan penerima program yang dapat Anda lihat")),
    retrieve=extend_schema(summary=_lazy("Satu usulan"), responses={200: ProposalSerializer, 404: _NOT_FOUND}),
)
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ProposalSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.proposals_for_user(self.request.user).order_by("-created_at", "-pk")

    def get_object(self):
        return selectors.get_proposal_for_user_or_404(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(summary=_lazy("Usaha yang memenuhi syarat"), responses={200: ProposalRowSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def rows(self, request, pk=None):
        rows = selectors.proposal_rows_for_user(request.user, self.get_object()).order_by("pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ProposalRowSerializer(page, many=True).data)

    @extend_schema(
        summary=_lazy("Usaha yang tidak memenuhi syarat, dengan alasannya"),
        description=_lazy(
            "Dihitung saat diminta, 50 per halaman: ?after=<id usaha terakhir> untuk halaman berikutnya (next_after), "
            "?failing=<kunci syarat> untuk satu syarat saja."
        ),
        responses={200: VerdictSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def ineligible(self, request, pk=None):
        proposal = self.get_object()
        after = request.query_params.get("after", "0")
        if not after.isdigit():
            raise serializers.ValidationError({"after": [_("after harus id usaha (angka) dari next_after halaman sebelumnya.")]})
        page = eligibility.ineligible_page(proposal, user=request.user, after=int(after), failing=request.query_params.get("failing", ""))
        return Response({"next_after": page.next_after, "results": VerdictSerializer(page.verdicts, many=True).data})

    @extend_schema(
        summary=_lazy("Tetapkan baris usulan sebagai penerima"),
        description=_lazy("Setiap baris diperiksa (manfaat ganda, kuota); yang lolos ditetapkan, yang lain disebut di refused dengan alasannya."),
        request=ConfirmSerializer, responses={200: ConfirmResultSerializer, 400: _ERRORS_400, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        proposal = self.get_object()
        _require_manage(request.user, proposal.programme)
        checked = ConfirmSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        result = services.proposal_rows_confirm(actor=request.user, proposal=proposal, row_ids=checked.validated_data["rows"], request=request)
        return Response({"confirmed": [row.pk for row in result.confirmed], "refused": {str(k): v for k, v in result.refused.items()}})


@extend_schema(tags=["program"])
@extend_schema_view(
    list=extend_schema(summary=_lazy("Penerima program yang dapat Anda lihat")),
    retrieve=extend_schema(summary=_lazy("Satu penerima"), responses={200: EnrolmentSerializer, 404: _NOT_FOUND}),
    create=extend_schema(
        summary=_lazy("Tetapkan satu usaha sebagai penerima"), request=EnrolSerializer,
        responses={201: EnrolmentSerializer, 400: _ERRORS_400, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _REFUSED},
    ),
)
class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = EnrolmentSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        params = self.request.query_params
        return selectors.enrolment_filter(
            selectors.enrolments_for_user(self.request.user), programme=params.get("programme", ""),
            status=params.get("enrolment_status", ""), region=params.get("region", ""),
        ).order_by("-confirmed_at", "-pk")

    def get_object(self):
        return selectors.get_enrolment_for_user_or_404(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        checked = EnrolSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        programme = selectors.get_programme_for_user_or_404(user=request.user, code=checked.validated_data["programme"])
        _require_manage(request.user, programme)
        business = _business_or_404(request.user, checked.validated_data["business"])
        try:
            enrolment = services.enrolment_create(actor=request.user, programme=programme, person=business.owner, business=business, request=request)
        except services.EnrolmentRefused as error:
            return _refused(error)
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_lazy("Batalkan penerima"), request=CancelSerializer, responses={200: EnrolmentSerializer, 400: _ERRORS_400, 403: _FORBIDDEN, 404: _NOT_FOUND})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        enrolment = self.get_object()
        _require_manage(request.user, enrolment.programme)
        checked = CancelSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        enrolment = services.enrolment_cancel(
            actor=request.user, enrolment=enrolment, reason=checked.validated_data["reason"],
            expected_version=checked.validated_data["version"], request=request,
        )
        return Response(EnrolmentSerializer(enrolment).data)


def _business_or_404(user, pk) -> Business:
    from geliat.registry.selectors import get_business_for_user_or_404

    return get_business_for_user_or_404(user=user, pk=pk)


@extend_schema(tags=["program"])
@extend_schema_view(
    list=extend_schema(summary=_lazy("Penyaluran yang dapat Anda lihat")),
    retrieve=extend_schema(summary=_lazy("Satu penyaluran"), responses={200: DeliverySerializer, 404: _NOT_FOUND}),
    create=extend_schema(summary=_lazy("Catat penyaluran"), request=DeliveryCreateSerializer, responses={201: DeliverySerializer, 400: _ERRORS_400, 403: _FORBIDDEN, 404: _NOT_FOUND}),
)
class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = DeliverySerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.deliveries_for_user(self.request.user).order_by("-delivered_on", "-pk")

    def get_object(self):
        return selectors.get_delivery_for_user_or_404(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        checked = DeliveryCreateSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        data = dict(checked.validated_data)
        enrolment = selectors.get_enrolment_for_user_or_404(user=request.user, pk=data.pop("enrolment"))
        _require_manage(request.user, enrolment.programme)
        delivery = services.delivery_record(actor=request.user, enrolment=enrolment, request=request, **data)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)
