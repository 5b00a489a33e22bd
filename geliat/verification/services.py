"""Verification decisions. Every function checks the same rules, one record or ten thousand.

Rules: only an officer assigned to the node a record waits at may decide there; a
decision is taken against the version the officer saw (two officers at once: one wins,
the other is told); reject, return and send-back need a reason; the chain never skips a
level without a ``skip`` decision saying why.
"""

import dataclasses
import datetime
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from geliat.accounts.models import Role
from geliat.audit.models import AuditEvent
from geliat.audit.services import actor_label as _label
from geliat.audit.services import actor_user as _user
from geliat.audit.services import audit_record
from geliat.core.bulk import insert_rows
from geliat.core.scope import user_covers
from geliat.registry.models import Registration
from geliat.registry.services import business_update, person_update
from geliat.verification.chain import chain_for
from geliat.verification.models import Decision, FieldVisit, Verification, VerificationRule
from geliat.wilayah.models import LEVEL_DEPTH, Level

Action = Decision.Action
Status = Verification.Status
_BATCH = 1000


class StaleDecision(ValidationError):
    """Someone decided on the record after this officer opened it."""

    def __init__(self):
        super().__init__(
            _("Data ini sudah diputuskan atau diubah petugas lain sejak Anda membukanya. Muat ulang untuk melihat statusnya."),
            code="stale",
        )


class NotYourTurn(PermissionDenied):
    """The officer may not decide on this record now; the message says why."""




def _rules_for(desa_codes: Iterable[str]) -> dict[str, VerificationRule]:
    return {rule.desa_id: rule for rule in VerificationRule.objects.filter(desa_id__in=set(desa_codes))}


def _desa_of(code: str) -> str:
    return ".".join(code.split(".")[:4])


def _skipped(chain: list[dict], step: int) -> tuple[list[dict], int]:
    """The skipped steps from ``step`` on, and the first step that is not skipped (or the end)."""
    skipped = []
    while step < len(chain) and chain[step]["skip"]:
        skipped.append(chain[step])
        step += 1
    return skipped, step


def _position(chain: list[dict], step: int) -> tuple[str, int, str, str]:
    """(status, step, level, node_code) of a record at ``step`` of its chain (past the end: verified)."""
    if step >= len(chain):
        return Status.VERIFIED, len(chain), "", ""
    return Status.WAITING, step, chain[step]["level"], chain[step]["node"]


def _move_to(verification: Verification, step: int, *, now) -> None:
    verification.status, verification.step, verification.level, verification.node_code = _position(verification.chain, step)
    verification.waiting_since = now


def _advance(verification: Verification, step: int, *, now, actor) -> list[Decision]:
    """Move to the first step at or after ``step`` that is not skipped; returns the skip decisions."""
    skipped, step = _skipped(verification.chain, step)
    _move_to(verification, step, now=now)
    return [
        Decision(
            verification=verification, at=now, level=entry["level"], action=Action.SKIP,
            reason=entry["skip"], actor=_user(actor), actor_label=_label(actor),
        )
        for entry in skipped
    ]


_VERIFICATION_COLUMNS = ("registration_id", "region_code", "chain", "status", "step", "level", "node_code", "waiting_since")


@transaction.atomic
def verification_start(*, registration_ids: list[int], actor="sistem", start_level: str | None = None) -> int:
    """Put new registrations in the queue of their first level; returns how many started.

    ``start_level``: the level of the officer who brought the records in (an import);
    lower levels are recorded as skipped with that reason.
    """
    registrations = list(
        Registration.objects.filter(pk__in=registration_ids, verification__isnull=True).values_list("pk", "business__region_id")
    )
    rules = _rules_for(_desa_of(code) for _, code in registrations)
    now = timezone.now()
    created = 0
    user, label = _user(actor), _label(actor)
    user_id = user.pk if user is not None else None
    # Records of one RT share their chain: built once (and stored as one JSON text).
    chains: dict[str, tuple[list, tuple]] = {}
    for start in range(0, len(registrations), _BATCH):
        batch = []
        for pk, region_code in registrations[start : start + _BATCH]:
            if region_code not in chains:
                chain = chain_for(region_code, rule=rules.get(_desa_of(region_code)), start_level=start_level)
                chains[region_code] = (chain, _position(chain, _skipped(chain, 0)[1]))
            chain, position = chains[region_code]
            batch.append((pk, region_code, chain, *position, now))
        # Imports start thousands at a time: rows go in without building a model for each.
        pks = insert_rows(Verification, _VERIFICATION_COLUMNS, batch)
        _decisions_start(pks, now=now, user_id=user_id, label=label)
        created += len(batch)
    return created


def _decisions_start(verification_ids: list[int], *, now, user_id: int | None, label: str) -> None:
    """A START decision for each new verification, then a SKIP for each level its chain skips
    before its first waiting step (the reason from the chain), written by the database.

    An import starts thousands of records whose chains skip several levels each: generating
    those rows in SQL from the stored chains costs a fraction of building them in Python.
    Within a record, START comes first and the skips follow in chain order (same time,
    rising id), as the timeline reads them.
    """
    if not verification_ids:
        return
    table = connection.ops.quote_name(Decision._meta.db_table)
    verifications = connection.ops.quote_name(Verification._meta.db_table)
    at = Decision._meta.get_field("at").get_db_prep_save(now, connection)
    columns = "verification_id, at, level, node_code, action, reason, fields, actor_id, actor_label"
    if connection.vendor == "postgresql":
        ids, empty = "v.id = ANY(%s)", "'[]'::jsonb"
        skips = (
            "CROSS JOIN LATERAL jsonb_array_elements(v.chain) WITH ORDINALITY AS j(entry, n) WHERE j.n <= v.step AND",
            "j.entry->>'level'", "j.entry->>'skip'", "v.id, j.n",
        )
        id_param = list(verification_ids)
    else:
        ids, empty = "v.id IN (SELECT value FROM json_each(%s))", "'[]'"
        skips = (
            "JOIN json_each(v.chain) AS j ON j.key < v.step WHERE",
            "json_extract(j.value, '$.level')", "json_extract(j.value, '$.skip')", "v.id, j.key",
        )
        id_param = json.dumps(list(verification_ids))
    join, level, reason, order = skips
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT v.id, %s, '', '', %s, '', {empty}, %s, %s "
            f"FROM {verifications} v WHERE {ids} ORDER BY v.id",
            [at, Action.START, user_id, label, id_param],
        )
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT v.id, %s, {level}, '', %s, {reason}, {empty}, %s, %s "
            f"FROM {verifications} v {join} {ids} ORDER BY {order}",
            [at, Action.SKIP, user_id, label, id_param],
        )


def _check_turn(actor, verification: Verification) -> None:
    if actor.role != Role.OFFICER or not actor.is_active:
        raise NotYourTurn(_("Hanya petugas wilayah yang dapat memverifikasi."))
    if verification.status != Status.WAITING:
        raise NotYourTurn(
            _("Data ini tidak sedang menunggu verifikasi (status: %(status)s).") % {"status": verification.get_status_display()}
        )
    if verification.node_code != actor.region_id:
        waiting = Level(verification.level)
        if actor.region is not None and actor.level == waiting:
            raise NotYourTurn(_("Data ini menunggu petugas wilayah lain pada tingkat yang sama."))
        if actor.region is not None and actor.level_depth > LEVEL_DEPTH[waiting]:
            raise NotYourTurn(
                _("Data ini sudah berada di tingkat %(level)s, di atas tingkat Anda.") % {"level": waiting.label}
            )
        raise NotYourTurn(
            _("Data ini masih menunggu verifikasi tingkat %(level)s; tingkat Anda belum dapat bertindak.")
            % {"level": waiting.label}
        )


def _locked(verification_id: int, expected_version: int | None) -> Verification:
    verification = Verification.objects.select_for_update().get(pk=verification_id)
    if expected_version is not None and verification.version != expected_version:
        raise StaleDecision()
    return verification


def _record(verification: Verification, *, actor, action: str, reason: str = "", fields=(), now, request=None, level=None, node=None) -> Decision:
    decision = Decision.objects.create(
        verification=verification, at=now, level=level if level is not None else verification.level,
        node_code=node if node is not None else verification.node_code, action=action, reason=reason,
        fields=list(fields), waited_seconds=int((now - verification.waiting_since).total_seconds()),
        actor=_user(actor), actor_label=_label(actor),
    )
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, object_type="registry.registration",
        object_id=verification.registration_id, region_code=verification.region_code,
        after={"verification": action, "level": decision.level, "reason": reason, "fields": list(fields)},
        request=request,
    )
    return decision


def _require(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


@transaction.atomic
def verification_approve(*, actor, verification_id: int, expected_version: int | None, request=None) -> Verification:
    """The officer of the waiting level approves; the record climbs to the next level that applies."""
    verification = _locked(verification_id, expected_version)
    _check_turn(actor, verification)
    now = timezone.now()
    _record(verification, actor=actor, action=Action.APPROVE, now=now, request=request)
    skips = _advance(verification, verification.step + 1, now=now, actor=actor)
    Decision.objects.bulk_create(skips)
    verification.version += 1
    verification.save()
    return verification


@transaction.atomic
def verification_reject(*, actor, verification_id: int, expected_version: int | None, reason: str, request=None) -> Verification:
    """Reject for good, with a reason the registrant will read."""
    reason = _require(reason, "reason", _("Tulis alasan penolakan; pendaftar akan membacanya."))
    verification = _locked(verification_id, expected_version)
    _check_turn(actor, verification)
    now = timezone.now()
    _record(verification, actor=actor, action=Action.REJECT, reason=reason, now=now, request=request)
    verification.status = Status.REJECTED
    verification.version += 1
    verification.save()
    return verification


@transaction.atomic
def verification_return(
    *, actor, verification_id: int, expected_version: int | None, reason: str, fields: list[str], request=None
) -> Verification:
    """Return for correction, naming what to fix; once corrected it comes back to this level."""
    reason = _require(reason, "reason", _("Tulis apa yang harus diperbaiki; pendaftar akan membacanya."))
    if not fields:
        raise ValidationError({"fields": _("Pilih data yang harus diperbaiki.")})
    verification = _locked(verification_id, expected_version)
    _check_turn(actor, verification)
    now = timezone.now()
    _record(verification, actor=actor, action=Action.RETURN, reason=reason, fields=fields, now=now, request=request)
    verification.status = Status.RETURNED
    verification.return_reason, verification.return_fields = reason, list(fields)
    verification.version += 1
    verification.save()
    return verification


def lower_steps(verification: Verification) -> list[dict]:
    """The levels below the waiting one that a record can be sent back to (those not skipped)."""
    return [
        {"index": index, **step}
        for index, step in enumerate(verification.chain[: verification.step])
        if not step["skip"]
    ]


@transaction.atomic
def verification_send_back(
    *, actor, verification_id: int, expected_version: int | None, to_level: str, reason: str, request=None
) -> Verification:
    """A higher level sends the record back down to a lower level, with a reason."""
    reason = _require(reason, "reason", _("Tulis alasan mengirim kembali ke tingkat bawah."))
    verification = _locked(verification_id, expected_version)
    _check_turn(actor, verification)
    target = next((s for s in lower_steps(verification) if s["level"] == to_level), None)
    if target is None:
        raise ValidationError({"to_level": _("Pilih tingkat di bawah Anda yang ikut memverifikasi data ini.")})
    now = timezone.now()
    _record(verification, actor=actor, action=Action.SEND_BACK, reason=reason, fields=[to_level], now=now, request=request)
    verification.step, verification.level, verification.node_code = target["index"], target["level"], target["node"]
    verification.waiting_since = now
    verification.version += 1
    verification.save()
    return verification


@transaction.atomic
def verification_resubmit(*, actor, verification_id: int, request=None) -> Verification:
    """After a correction the record climbs again from the level that returned it.

    The chain is remade from the record's current address (a corrected RT moves it to
    that RT's chain); levels below the returning one are not asked again.
    """
    verification = _locked(verification_id, None)
    if verification.status != Status.RETURNED:
        raise ValidationError(_("Data ini tidak sedang menunggu perbaikan."))
    region_code = verification.registration.business.region_id
    returned_level = verification.level
    verification.region_code = region_code
    verification.chain = chain_for(region_code, rule=_rules_for([_desa_of(region_code)]).get(_desa_of(region_code)))
    index = next(i for i, step in enumerate(verification.chain) if step["level"] == returned_level)
    now = timezone.now()
    _record(verification, actor=actor, action=Action.RESUBMIT, fields=verification.return_fields, now=now, request=request)
    skips = _advance(verification, index, now=now, actor=actor)
    Decision.objects.bulk_create(skips)
    verification.return_reason, verification.return_fields = "", []
    verification.version += 1
    verification.save()
    return verification


@dataclasses.dataclass
class BulkResult:
    approved: list[int]
    refused: dict[int, str]  # verification id → reason


@transaction.atomic
def verification_bulk_approve(
    *, actor, verification_ids: list[int], versions: Mapping[int, int] | None = None, request=None
) -> BulkResult:
    """Approve many at once with the one-by-one rules: each is checked, refusals say why."""
    versions = versions or {}
    result = BulkResult(approved=[], refused={})
    now = timezone.now()
    # A fixed lock order: two overlapping bulk approvals cannot deadlock.
    found = {v.pk: v for v in Verification.objects.select_for_update().filter(pk__in=verification_ids).order_by("pk")}
    changed, decisions = [], []
    # An id listed twice is decided once (the second pass would refuse what the first approved).
    for pk in dict.fromkeys(verification_ids):
        verification = found.get(pk)
        if verification is None:
            result.refused[pk] = _("Data tidak ditemukan.")
            continue
        if pk in versions and versions[pk] != verification.version:
            result.refused[pk] = str(StaleDecision().message)
            continue
        try:
            _check_turn(actor, verification)
        except NotYourTurn as refusal:
            result.refused[pk] = str(refusal)
            continue
        decisions.append(
            Decision(
                verification=verification, at=now, level=verification.level, node_code=verification.node_code,
                action=Action.APPROVE, waited_seconds=int((now - verification.waiting_since).total_seconds()),
                actor=_user(actor), actor_label=_label(actor),
            )
        )
        decisions.extend(_advance(verification, verification.step + 1, now=now, actor=actor))
        verification.version += 1
        changed.append(verification)
        result.approved.append(pk)
    # Records approved together mostly move to the same next step: one UPDATE per distinct
    # destination is far cheaper than bulk_update's per-row CASE expressions.
    destinations: dict[tuple, list[int]] = defaultdict(list)
    for verification in changed:
        destinations[(verification.status, verification.step, verification.level, verification.node_code)].append(verification.pk)
    for (status, step, level, node_code), pks in destinations.items():
        for start in range(0, len(pks), _BATCH):
            Verification.objects.filter(pk__in=pks[start : start + _BATCH]).update(
                status=status, step=step, level=level, node_code=node_code,
                waiting_since=now, version=F("version") + 1, updated_at=now,
            )
    Decision.objects.bulk_create(decisions, batch_size=_BATCH)
    if changed:
        audit_record(
            actor=actor, action=AuditEvent.Action.UPDATE, object_type="verification.bulk",
            region_code=actor.region_id or "", after={"approved": len(result.approved), "refused": len(result.refused)},
            note=_("Persetujuan massal di tingkat %(level)s") % {"level": Level(actor.level).label}, request=request,
        )
    return result


@transaction.atomic
def rule_set(*, actor, desa, desa_verifies_rt: bool, desa_verifies_rw: bool, desa_verifies_dusun: bool, note: str = "", request=None) -> VerificationRule:
    """Set how a desa runs the levels below it; applies to records that start (or restart) afterwards."""
    rule, _created = VerificationRule.objects.get_or_create(desa=desa)
    before = {"rt": rule.desa_verifies_rt, "rw": rule.desa_verifies_rw, "dusun": rule.desa_verifies_dusun}
    rule.desa_verifies_rt, rule.desa_verifies_rw, rule.desa_verifies_dusun = desa_verifies_rt, desa_verifies_rw, desa_verifies_dusun
    rule.note = note
    rule.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, object_type="verification.verificationrule", object_id=rule.pk,
        region_code=desa.code, before=before,
        after={"rt": desa_verifies_rt, "rw": desa_verifies_rw, "dusun": desa_verifies_dusun}, request=request,
    )
    return rule


def verification_turn_refusal(*, actor, verification: Verification) -> str:
    """Why ``actor`` may not decide on ``verification`` now; "" when they may (pages show it)."""
    try:
        _check_turn(actor, verification)
    except NotYourTurn as refusal:
        return str(refusal)
    return ""


@transaction.atomic
def verification_correct(
    *, verification_id: int, person_data: Mapping, business_data: Mapping, actor="pendaftar", request=None
) -> Verification:
    """The registrant fixes what the officer named; the record then climbs again from that level.

    Callers pass only the fields named for correction. Edits go through the registry's
    services (history kept) against the records' current versions.
    """
    verification = _locked(verification_id, None)
    if verification.status != Status.RETURNED:
        raise ValidationError(_("Data ini tidak sedang menunggu perbaikan."))
    registration = verification.registration
    if person_data:
        person_update(
            actor=actor, person=registration.person, data=dict(person_data),
            expected_version=registration.person.version, request=request,
        )
    if business_data:
        business_update(
            actor=actor, business=registration.business, data=dict(business_data),
            expected_version=registration.business.version, request=request,
        )
    return verification_resubmit(actor=actor, verification_id=verification_id, request=request)


@transaction.atomic
def field_visit_add(
    *, actor, verification: Verification, visited_on: datetime.date, note: str, photo=None, request=None
) -> FieldVisit:
    """An officer notes a visit to the business, optionally with a photo; audited."""
    if actor.role != Role.OFFICER or not actor.is_active or not user_covers(actor, verification.region_code):
        raise PermissionDenied(_("Hanya petugas wilayah data ini yang dapat mencatat kunjungan lapangan."))
    visit = FieldVisit.objects.create(
        verification=verification, officer=actor, visited_on=visited_on, note=note, photo=photo or "",
    )
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, object_type="verification.fieldvisit", object_id=visit.pk,
        region_code=verification.region_code,
        after={"registration": verification.registration_id, "visited_on": visited_on.isoformat(), "photo": visit.photo.name},
        request=request,
    )
    return visit
