"""Verification over the API: the caller's queue, one record's chain and timeline, decisions
and bulk approval. The rules are the verification services'; this module only translates.

A record outside the caller's region answers 404 like a missing one; a decision the caller
may not take now answers 403 with the reason; a decision on a record someone else changed
since it was read answers 409.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from geliat.api.exceptions import Conflict
from geliat.api.serializers import ApiSerializer, OwnerSerializer, VersionedMixin
from geliat.api.views import ApiViewSet
from geliat.core.scope import user_covers
from geliat.registry.models import AffectedGroup, Business
from geliat.verification import selectors, services
from geliat.verification.chain import skip_reason
from geliat.verification.models import Decision, Verification
from geliat.verification.sla import sla_state
from geliat.wilayah.models import Level

BULK_LIMIT = 1000

_NOT_FOUND = OpenApiResponse(description=_lazy("Tidak ada, atau di luar wilayah Anda."))
_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_lazy("id data verifikasi."))
_ERRORS_400 = OpenApiResponse(description=_lazy("Isian salah: pesan per bidang, {\"bidang\": [\"pesan\"]}."))


# ---------------------------------------------------------------- representations


class QueueBusinessSerializer(serializers.ModelSerializer):
    class Meta:
        model = Business
        fields = ["id", "name", "affected_group"]
        read_only_fields = fields


class VerificationItemSerializer(serializers.ModelSerializer):
    tracking_code = serializers.CharField(source="registration.tracking_code", read_only=True, label=_lazy("kode pelacakan"))
    business = QueueBusinessSerializer(source="registration.business", read_only=True, label=_lazy("usaha"))
    owner = OwnerSerializer(source="registration.person", read_only=True, label=_lazy("pemilik"))
    nik_warnings = serializers.ListField(
        source="registration.person.nik_warnings", child=serializers.CharField(), read_only=True,
        label=_lazy("peringatan NIK"),
    )
    # "state", not "status": the schema's StatusEnum is the registration's.
    state = serializers.ChoiceField(source="status", choices=Verification.Status.choices, read_only=True, label=_lazy("status"))
    days_waiting = serializers.SerializerMethodField(label=_lazy("hari menunggu di tingkat ini"))
    overdue = serializers.SerializerMethodField(label=_lazy("melewati batas waktu"))

    class Meta:
        model = Verification
        fields = [
            "id", "version", "state", "level", "node_code", "region_code", "waiting_since", "days_waiting",
            "overdue", "registration", "tracking_code", "business", "owner", "nik_warnings",
        ]
        read_only_fields = fields

    def get_days_waiting(self, verification) -> int:
        return sla_state(verification)[0]

    def get_overdue(self, verification) -> bool:
        return sla_state(verification)[1]


class ChainStepSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices)
    node = serializers.CharField(help_text=_lazy("Kode wilayah petugas yang memutuskan di tingkat ini; kosong bila dilewati."))
    outcome = serializers.ChoiceField(choices=["approved", "skipped", "waiting", "returned", "rejected", "pending"])
    skip_reason = serializers.CharField(help_text=_lazy("Mengapa tingkat ini dilewati; kosong bila tidak."))


class TimelineEntrySerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    reason = serializers.SerializerMethodField()
    actor = serializers.CharField(source="actor_label", read_only=True, label=_lazy("oleh"))

    class Meta:
        model = Decision
        fields = ["at", "level", "node_code", "action", "action_label", "reason", "fields", "waited_seconds", "actor"]
        read_only_fields = fields

    def get_reason(self, decision) -> str:
        return skip_reason(decision.reason) if decision.action == Decision.Action.SKIP else decision.reason


def _step_outcome(verification: Verification, index: int, step: dict) -> str:
    if step["skip"]:
        return "skipped"
    if index < verification.step or verification.status == Verification.Status.VERIFIED:
        return "approved"
    if index == verification.step:
        return verification.status
    return "pending"


class VerificationDetailSerializer(VerificationItemSerializer):
    chain = serializers.SerializerMethodField(label=_lazy("rantai verifikasi"))
    timeline = serializers.SerializerMethodField(label=_lazy("riwayat keputusan"))
    send_back_levels = serializers.SerializerMethodField(
        label=_lazy("tingkat tujuan kirim kembali"), help_text=_lazy("Tingkat di bawah yang dapat dituju send_back.")
    )

    class Meta(VerificationItemSerializer.Meta):
        fields = [*VerificationItemSerializer.Meta.fields, "return_reason", "return_fields", "chain", "timeline", "send_back_levels"]
        read_only_fields = fields

    @extend_schema_field(ChainStepSerializer(many=True))
    def get_chain(self, verification):
        return [
            {
                "level": step["level"], "node": step["node"], "outcome": _step_outcome(verification, index, step),
                "skip_reason": skip_reason(step["skip"]) if step["skip"] else "",
            }
            for index, step in enumerate(verification.chain)
        ]

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, verification):
        return TimelineEntrySerializer(selectors.timeline(verification), many=True).data

    def get_send_back_levels(self, verification) -> list[str]:
        return [step["level"] for step in services.lower_steps(verification)]


class RefusalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    approved = serializers.ListField(child=serializers.IntegerField(), label=_lazy("id yang disetujui"))
    refused = RefusalSerializer(many=True, label=_lazy("yang ditolak, dengan alasannya"))


# ---------------------------------------------------------------- input


class QueueFilterSerializer(ApiSerializer):
    region = serializers.CharField(
        required=False, allow_blank=True, help_text=_lazy("Kode wilayah: hanya data di wilayah ini dan di bawahnya.")
    )
    affected_group = serializers.ChoiceField(
        choices=AffectedGroup.choices, required=False, help_text=_lazy("Kelompok terdampak (1–10).")
    )
    min_days = serializers.IntegerField(
        required=False, min_value=1, max_value=3650,
        help_text=_lazy("Hanya yang sudah menunggu di tingkat ini sekurang-kurangnya sekian hari."),
    )
    warnings = serializers.BooleanField(
        required=False, help_text=_lazy("true: hanya data yang NIK pemiliknya berperingatan.")
    )


class VerificationDecisionSerializer(VersionedMixin, ApiSerializer):
    action = serializers.ChoiceField(
        choices=[
            ("approve", _lazy("setujui")), ("reject", _lazy("tolak")),
            ("return", _lazy("kembalikan untuk perbaikan")), ("send_back", _lazy("kirim kembali ke tingkat bawah")),
        ],
        label=_lazy("tindakan"),
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, label=_lazy("alasan"),
        help_text=_lazy("Wajib untuk reject, return dan send_back; pendaftar membacanya."),
    )
    fields = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50, label=_lazy("data yang harus diperbaiki"),
        help_text=_lazy("Wajib untuk return: nama data yang harus diperbaiki pendaftar."),
    )
    # Checked against the record's chain by the service (a plain string keeps one LevelEnum in the schema).
    to_level = serializers.CharField(
        required=False, allow_blank=True, label=_lazy("tingkat tujuan"),
        help_text=_lazy("Wajib untuk send_back: salah satu send_back_levels dari data ini (rt, rw, dusun, desa, kecamatan)."),
    )


class BulkApproveItemSerializer(ApiSerializer):
    id = serializers.IntegerField(min_value=1)
    version = serializers.IntegerField(min_value=1, help_text=_lazy("Nilai version dari data yang dibaca."))


class BulkApproveRequestSerializer(serializers.ListSerializer):
    default_error_messages = {
        "not_a_list": _lazy("Kirim daftar (list) JSON berisi {{\"id\": …, \"version\": …}}."),
        "empty": _lazy("Daftar kosong: kirim sekurang-kurangnya satu data."),
        "max_length": _lazy("Paling banyak {max_length} data per permintaan."),
    }


def _bulk_request(**kwargs) -> BulkApproveRequestSerializer:
    return BulkApproveRequestSerializer(child=BulkApproveItemSerializer(), allow_empty=False, max_length=BULK_LIMIT, **kwargs)


# ---------------------------------------------------------------- views


@extend_schema(tags=["verifikasi"])
@extend_schema_view(
    list=extend_schema(
        summary=_lazy("Antrean verifikasi Anda"),
        description=_lazy("Data yang menunggu keputusan Anda di tingkat Anda, yang terlama dulu, dengan saringan seperti halaman antrean."),
        parameters=[QueueFilterSerializer],
        responses={200: VerificationItemSerializer(many=True), 400: _ERRORS_400},
    ),
)
class VerificationQueueViewSet(mixins.ListModelMixin, ApiViewSet):
    """What waits for the caller's decision."""

    serializer_class = VerificationItemSerializer
    filter_serializer_class = QueueFilterSerializer

    def get_queryset(self):
        filters = self.query_filters()
        if filters.get("region") and not user_covers(self.request.user, filters["region"]):
            raise ValidationError({"region": [_("Wilayah ini di luar wilayah tugas Anda. Pilih wilayah di dalamnya.")]})
        return selectors.queue_for_user(self.request.user, **filters)


@extend_schema(tags=["verifikasi"])
@extend_schema_view(
    retrieve=extend_schema(
        summary=_lazy("Satu data verifikasi"), parameters=[_ID],
        description=_lazy("Status, rantai tingkat (yang dilewati beserta alasannya) dan riwayat keputusan."),
        responses={200: VerificationDetailSerializer, 404: _NOT_FOUND},
    ),
)
class VerificationViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    """One record's verification, and the decisions on it."""

    serializer_class = VerificationDetailSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.verifications_for_user(self.request.user)

    def get_object(self):
        return selectors.get_verification_for_user_or_404(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        summary=_lazy("Putuskan satu data"), parameters=[_ID],
        description=_lazy(
            "approve, reject (alasan wajib), return (alasan dan fields wajib) atau send_back (alasan dan to_level "
            "wajib), atas version yang dibaca. Jawabannya data dengan status barunya."
        ),
        request=VerificationDecisionSerializer,
        responses={
            200: VerificationDetailSerializer,
            400: _ERRORS_400,
            403: OpenApiResponse(description=_lazy("Bukan giliran tingkat Anda untuk data ini; detail menyebut alasannya.")),
            404: _NOT_FOUND,
            409: OpenApiResponse(description=_lazy("version sudah usang: data diputuskan atau diubah orang lain sejak dibaca.")),
        },
    )
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        verification = self.get_object()
        checked = VerificationDecisionSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        data = checked.validated_data
        common = {"actor": request.user, "verification_id": verification.pk, "expected_version": data["version"], "request": request}
        reason = data.get("reason", "")
        try:
            if data["action"] == "approve":
                services.verification_approve(**common)
            elif data["action"] == "reject":
                services.verification_reject(**common, reason=reason)
            elif data["action"] == "return":
                services.verification_return(**common, reason=reason, fields=data.get("fields", []))
            else:
                services.verification_send_back(**common, reason=reason, to_level=data.get("to_level", ""))
        except services.StaleDecision as stale:
            raise Conflict({"version": stale.messages}) from None
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary=_lazy("Setujui banyak data sekaligus"),
        description=_lazy(
            "Setiap data diperiksa seperti persetujuan satu per satu. Yang tidak dapat disetujui (di luar wilayah, "
            "bukan giliran Anda, version usang) disebut di refused beserta alasannya; yang lain tetap disetujui. "
            "Paling banyak 1000 data per permintaan."
        ),
        request=_bulk_request(),
        responses={200: BulkResultSerializer, 400: _ERRORS_400},
    )
    @action(detail=False, methods=["post"], url_path="bulk-approve")
    def bulk_approve(self, request):
        checked = _bulk_request(data=request.data)
        checked.is_valid(raise_exception=True)
        versions = {item["id"]: item["version"] for item in checked.validated_data}
        # Records outside the caller's region are refused as missing, without saying where they wait.
        visible = set(self.get_queryset().filter(pk__in=list(versions)).values_list("pk", flat=True))
        result = services.verification_bulk_approve(
            actor=request.user, verification_ids=[pk for pk in versions if pk in visible],
            versions={pk: version for pk, version in versions.items() if pk in visible}, request=request,
        )
        missing = str(_("Data tidak ditemukan."))
        refused = [
            {"id": pk, "reason": result.refused[pk] if pk in visible else missing}
            for pk in versions
            if pk not in visible or pk in result.refused
        ]
        return Response(BulkResultSerializer({"approved": result.approved, "refused": refused}).data)

