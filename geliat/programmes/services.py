"""Writes of programmes: the catalogue, proposals, enrolments, deliveries, assistance.

No doubled benefit. Before an enrolment lands, one query looks for an active enrolment of
the same *identity* (``Coalesce(person.merged_into_id, person_id)``: a record merged by
dedup is its survivor) in this programme, or in another programme of the same overlap
class whose period overlaps; it is refused naming that programme. Two enrolments racing
each other past that check are stopped by the database: each writes ``EnrolmentClaim``
rows (identity, class, month of the period) under a unique constraint, so only the first
commits (PostgreSQL makes the second wait on the index, then fails it; SQLite runs
writers one at a time, ``transaction_mode IMMEDIATE``, so the second sees the first).
Quota: the programme row is locked while enrolments are counted and added.
"""

import dataclasses
import datetime
import logging
import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Min, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from geliat.audit.models import AuditEvent
from geliat.audit.services import actor_user as _user
from geliat.audit.services import audit_object, audit_record, model_snapshot, snapshot_diff
from geliat.programmes import selectors
from geliat.programmes.models import (
    Assistance,
    Delivery,
    Enrolment,
    EnrolmentClaim,
    OutsideList,
    Programme,
    Proposal,
    ProposalRow,
)
from geliat.programmes.rules import (
    compile_conditions,
    evaluation_queryset,
)
from geliat.registry.models import Business, Person
from geliat.registry.services import StaleEdit

logger = logging.getLogger(__name__)

PROGRAMME_FIELDS = (
    "code", "name", "description", "source", "kind", "overlap_class", "benefit_amount", "benefit_item", "quota",
    "budget", "starts_on", "ends_on", "rules", "status", "run_here",
)


class EnrolmentRefused(ValidationError):
    """An enrolment that would double a benefit, exceed the quota, or is otherwise not allowed."""

    def __init__(self, message: str, *, code: str, conflicting: Programme | None = None):
        self.conflicting = conflicting
        super().__init__(message, code=code)



def _require_manage(actor, programme: Programme) -> None:
    if actor is not None and not isinstance(actor, str) and not selectors.may_manage_programme(actor, programme):
        raise PermissionDenied(_("Hanya OPD penanggung jawab program ini atau koordinator yang dapat menjalankannya."))


# ------------------------------------------------------------------ catalogue


def _snapshot(programme: Programme) -> dict:
    data = model_snapshot(programme)
    data["agencies"] = sorted(programme.agencies.values_list("code", flat=True)) if programme.pk else []
    return data


@transaction.atomic
def programme_create(*, actor, data: dict[str, Any], agencies=(), request=None) -> Programme:
    """Add a programme to the catalogue; its rules are checked before it is saved."""
    user = _user(actor)
    if user is not None and not selectors.may_create_programme(user):
        raise PermissionDenied(_("Hanya staf OPD atau koordinator yang dapat menambah program."))
    agencies = list(agencies)
    if user is not None and selectors.is_agency(user) and user.agency_id not in {a.pk for a in agencies}:
        # Staff add programmes for their own agency (they could not see it otherwise).
        agencies.append(user.agency)
    programme = Programme(**{k: v for k, v in data.items() if k in PROGRAMME_FIELDS}, created_by=user)
    programme.full_clean()
    programme.save()
    programme.agencies.set(agencies)
    audit_object(actor=actor, action=AuditEvent.Action.CREATE, obj=programme, after=_snapshot(programme), request=request)
    return programme


@transaction.atomic
def programme_update(
    *, actor, programme: Programme, data: dict[str, Any], expected_version: int, agencies=None, request=None
) -> Programme:
    """Change a programme (rules checked again); a form opened before someone else's save is refused."""
    _require_manage(actor, programme)
    current = Programme.objects.select_for_update().get(pk=programme.pk)
    if current.version != expected_version:
        raise StaleEdit()
    before = _snapshot(current)
    for key, value in data.items():
        if key in PROGRAMME_FIELDS:
            setattr(current, key, value)
    current.full_clean()
    current.version += 1
    current.save()
    if agencies is not None:
        current.agencies.set(agencies)
    changed_before, changed_after = snapshot_diff(before, _snapshot(current))
    if changed_after:
        audit_object(actor=actor, action=AuditEvent.Action.UPDATE, obj=current, before=changed_before, after=changed_after, request=request)
    return current


# ------------------------------------------------------------------ proposals


def _insert_select(table: str, columns: list[str], queryset) -> int:
    """``INSERT INTO table (columns) SELECT …`` from a values() queryset: rows never leave the database."""
    sql, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) {sql}", params)
        return cursor.rowcount


@transaction.atomic
def proposal_build(*, actor, programme: Programme, background: bool = False, request=None) -> Proposal:
    """Start a proposal of ``programme``: evaluated now, or by a background task after this
    transaction commits (``background``, what the page does: over a million businesses it
    takes longer than a request may)."""
    from geliat.programmes.tasks import evaluate_proposal

    _require_manage(actor, programme)
    proposal = Proposal.objects.create(programme=programme, created_by=_user(actor), rules=programme.rules or {})
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, object_type="programmes.proposal", object_id=proposal.pk,
        after={"programme": programme.code, "rules": proposal.rules},
        note=_("Usulan penerima %(programme)s diminta.") % {"programme": programme.name}, request=request,
    )
    if background:
        transaction.on_commit(lambda: evaluate_proposal.enqueue(proposal.pk))
        return proposal
    return proposal_evaluate(proposal_id=proposal.pk)


def proposal_evaluate(*, proposal_id: int) -> Proposal:
    """Evaluate a proposal's rules over the whole registry (the background task's body).

    One aggregate query counts, per condition, how many businesses fail it; one
    ``INSERT … SELECT`` stores the eligible, one business per identity (the lowest id),
    so one person is proposed once. Rows and counts land together, or the proposal is
    marked failed with the reason.
    """
    proposal = Proposal.objects.select_related("programme").get(pk=proposal_id)
    if proposal.status != Proposal.Status.BUILDING:
        return proposal
    started = time.perf_counter()
    try:
        with transaction.atomic():
            _evaluate(proposal)
            proposal.status = Proposal.Status.READY
            proposal.seconds = time.perf_counter() - started
            proposal.save(update_fields=["evaluated", "eligible", "failed_counts", "seconds", "status"])
            audit_record(
                actor="sistem", action=AuditEvent.Action.UPDATE, object_type="programmes.proposal", object_id=proposal.pk,
                after={"programme": proposal.programme.code, "evaluated": proposal.evaluated, "eligible": proposal.eligible},
                note=_("Usulan penerima %(programme)s disusun.") % {"programme": proposal.programme.name},
            )
    except Exception as exc:
        logger.exception("proposal %s failed", proposal.pk)
        Proposal.objects.filter(pk=proposal.pk).update(
            status=Proposal.Status.FAILED,
            error=_("Usulan gagal disusun karena kesalahan sistem (%(error)s). Susun ulang; bila berulang, hubungi pengelola.")
            % {"error": type(exc).__name__},
        )
        proposal.refresh_from_db()
    return proposal


def _evaluate(proposal: Proposal) -> None:
    conditions = compile_conditions(proposal.programme, proposal.rules)
    evaluated = evaluation_queryset()
    counts = evaluated.aggregate(
        total=Count("pk"), **{f"pass_{c.key}": Count("pk", filter=c.flag) for c in conditions}
    )
    eligible = evaluated.filter(*[c.q for c in conditions])
    firsts = eligible.values("owner_identity").annotate(first=Min("pk")).values("first")
    rows = (
        Business.objects.filter(pk__in=firsts)
        .annotate(
            _proposal=Value(proposal.pk), _status=Value(ProposalRow.Status.PENDING), _note=Value(""),
        )
        .values_list("_proposal", "pk", "owner_id", "region_id", "_status", "_note")
    )
    stored = _insert_select(
        ProposalRow._meta.db_table, ["proposal_id", "business_id", "person_id", "region_code", "status", "note"], rows
    )
    if stored < 0:  # a backend without rowcount for INSERT … SELECT
        stored = ProposalRow.objects.filter(proposal=proposal).count()
    proposal.evaluated = counts["total"]
    proposal.eligible = stored
    proposal.failed_counts = {c.key: counts["total"] - counts[f"pass_{c.key}"] for c in conditions}


# ------------------------------------------------------------------ enrolment


def identity_of(person: Person) -> int:
    return person.merged_into_id or person.pk


def _refusal_for(programme: Programme, conflicting: Programme) -> EnrolmentRefused:
    if conflicting.pk == programme.pk:
        return EnrolmentRefused(
            _("Orang ini sudah menjadi penerima %(programme)s.") % {"programme": programme.name},
            code="already_enrolled", conflicting=conflicting,
        )
    return EnrolmentRefused(
        _(
            "Ditolak: orang ini sudah menerima %(other)s (kelas %(cls)s, %(start)s–%(end)s), yang periodenya "
            "beririsan dengan %(programme)s. Satu orang hanya boleh menerima satu program sekelas dalam satu periode."
        ) % {
            "other": conflicting.name, "cls": programme.overlap_class, "programme": programme.name,
            "start": conflicting.starts_on.strftime("%d/%m/%Y"), "end": conflicting.ends_on.strftime("%d/%m/%Y"),
        },
        code="overlap", conflicting=conflicting,
    )


def _quota_refusal(programme: Programme) -> EnrolmentRefused:
    return EnrolmentRefused(
        _("Kuota %(programme)s (%(quota)s penerima) sudah penuh. Batalkan penerima lain atau naikkan kuotanya.")
        % {"programme": programme.name, "quota": programme.quota},
        code="quota",
    )


def _lock_programme(programme: Programme) -> Programme:
    return Programme.objects.select_for_update().get(pk=programme.pk)


def _room(programme: Programme) -> int | None:
    if programme.quota is None:
        return None
    used = Enrolment.objects.filter(programme=programme, status__in=Enrolment.ACTIVE).count()
    return max(programme.quota - used, 0)


def _claims(enrolment: Enrolment, programme: Programme) -> list[EnrolmentClaim]:
    if not programme.overlap_class:
        return []
    return [
        EnrolmentClaim(enrolment=enrolment, identity_id=enrolment.identity_id, overlap_class=programme.overlap_class, month=month)
        for month in programme.months
    ]


def _new_enrolment(*, programme, person, business, actor, now, origin=Enrolment.Origin.HERE, entry=None) -> Enrolment:
    region = business.region_id if business is not None else person.region_id
    return Enrolment(
        programme=programme, person=person, business=business, identity_id=identity_of(person), region_code=region,
        status=Enrolment.Status.CONFIRMED, origin=origin, outside_entry=entry, confirmed_at=now,
        confirmed_by=_user(actor),
    )


def _enrolment_audit(enrolment: Enrolment) -> dict:
    return {
        "programme": enrolment.programme.code, "person": enrolment.person_id, "business": enrolment.business_id,
        "identity": enrolment.identity_id, "status": enrolment.status, "origin": enrolment.origin,
    }


@transaction.atomic
def enrolment_create(
    *, actor, programme: Programme, person: Person, business: Business | None = None, request=None,
) -> Enrolment:
    """Enrol one person (with the business it is for) in a programme, or raise :class:`EnrolmentRefused`."""
    _require_manage(actor, programme)
    programme = _lock_programme(programme)
    if programme.status == Programme.Status.CLOSED:
        raise EnrolmentRefused(_("%(programme)s sudah selesai; tidak menerima penerima baru.") % {"programme": programme.name}, code="closed")
    person = Person.objects.get(pk=person.pk)  # the current merge state
    identity = identity_of(person)
    conflict = selectors.benefit_conflicts(programme, {identity}).get(identity)
    if conflict is not None:
        raise _refusal_for(programme, conflict)
    room = _room(programme)
    if room is not None and room < 1:
        raise _quota_refusal(programme)
    enrolment = _new_enrolment(programme=programme, person=person, business=business, actor=actor, now=timezone.now())
    try:
        with transaction.atomic():
            enrolment.save()
            EnrolmentClaim.objects.bulk_create(_claims(enrolment, programme))
    except IntegrityError:
        # Another enrolment of this identity in the class committed meanwhile.
        conflict = selectors.benefit_conflicts(programme, {identity}).get(identity)
        raise _refusal_for(programme, conflict or programme) from None
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, object_type="programmes.enrolment", object_id=enrolment.pk,
        region_code=enrolment.region_code, after=_enrolment_audit(enrolment), request=request,
    )
    return enrolment


@dataclasses.dataclass
class ConfirmResult:
    confirmed: list[ProposalRow]
    refused: dict[int, str]  # proposal row id → reason


def proposal_rows_confirm(*, actor, proposal: Proposal, row_ids: list[int], request=None) -> ConfirmResult:
    """Confirm proposal rows as enrolments (bulk): each is checked for doubled benefits and the
    quota; those that pass are written together, the others come back with their reason."""
    programme = proposal.programme
    _require_manage(actor, programme)
    try:
        with transaction.atomic():
            return _confirm_rows(actor=actor, proposal=proposal, row_ids=row_ids, request=request, one_by_one=False)
    except IntegrityError:
        # A concurrent enrolment took an identity between our check and our claims: redo
        # row by row, so only the rows that really collide are refused.
        with transaction.atomic():
            return _confirm_rows(actor=actor, proposal=proposal, row_ids=row_ids, request=request, one_by_one=True)


def _confirm_rows(*, actor, proposal: Proposal, row_ids: list[int], request, one_by_one: bool) -> ConfirmResult:
    if Proposal.objects.filter(pk=proposal.pk).values_list("status", flat=True).first() != Proposal.Status.READY:
        raise ValidationError(_("Usulan ini belum selesai disusun; tunggu sampai siap ditinjau."))
    programme = _lock_programme(proposal.programme)
    if programme.status == Programme.Status.CLOSED:
        raise EnrolmentRefused(_("%(programme)s sudah selesai; tidak menerima penerima baru.") % {"programme": programme.name}, code="closed")
    rows = list(
        ProposalRow.objects.select_for_update(of=("self",)).filter(proposal=proposal, pk__in=row_ids)
        .select_related("person", "business").order_by("pk")
    )
    refused: dict[int, str] = {}
    pending = []
    for row in rows:
        if row.status != ProposalRow.Status.PENDING:
            refused[row.pk] = _("Sudah diputuskan sebelumnya (%(status)s).") % {"status": row.get_status_display()}
        else:
            pending.append(row)
    conflicts = selectors.benefit_conflicts(programme, {identity_of(row.person) for row in pending})
    room = _room(programme)
    now = timezone.now()
    accepted: list[tuple[ProposalRow, Enrolment]] = []
    taken: set[int] = set()
    for row in pending:
        identity = identity_of(row.person)
        if identity in conflicts:
            refused[row.pk] = _refusal_for(programme, conflicts[identity]).message
        elif identity in taken:
            refused[row.pk] = _("Orang yang sama sudah dikonfirmasi lewat baris lain usulan ini.")
        elif room is not None and len(accepted) >= room:
            refused[row.pk] = _quota_refusal(programme).message
        else:
            taken.add(identity)
            accepted.append((row, _new_enrolment(programme=programme, person=row.person, business=row.business, actor=actor, now=now)))
    if one_by_one:
        kept = []
        for row, enrolment in accepted:
            try:
                with transaction.atomic():
                    enrolment.save()
                    EnrolmentClaim.objects.bulk_create(_claims(enrolment, programme))
                kept.append((row, enrolment))
            except IntegrityError:
                identity = enrolment.identity_id
                conflict = selectors.benefit_conflicts(programme, {identity}).get(identity)
                refused[row.pk] = _refusal_for(programme, conflict or programme).message
        accepted = kept
    else:
        enrolments = Enrolment.objects.bulk_create([enrolment for _row, enrolment in accepted])
        EnrolmentClaim.objects.bulk_create([claim for enrolment in enrolments for claim in _claims(enrolment, programme)])
    user = _user(actor)
    for row, enrolment in accepted:
        row.status, row.enrolment, row.decided_at, row.decided_by = ProposalRow.Status.CONFIRMED, enrolment, now, user
    if accepted:
        # One UPDATE (bulk_update would send a CASE per row): each row points at the enrolment
        # just written for its business.
        ProposalRow.objects.filter(pk__in=[row.pk for row, _e in accepted]).update(
            status=ProposalRow.Status.CONFIRMED, decided_at=now, decided_by=user,
            enrolment=Subquery(
                Enrolment.objects.filter(
                    programme=programme, business_id=OuterRef("business_id"), person_id=OuterRef("person_id"), confirmed_at=now,
                ).values("pk")[:1]
            ),
        )
    if accepted:
        audit_record(
            actor=actor, action=AuditEvent.Action.CREATE, object_type="programmes.enrolment",
            object_id=accepted[0][1].pk if len(accepted) == 1 else "",
            after={
                "programme": programme.code, "proposal": proposal.pk,
                "enrolments": [{"id": e.pk, "person": e.person_id, "business": e.business_id, "identity": e.identity_id} for _r, e in accepted],
            },
            note=_("%(n)d penerima %(programme)s dikonfirmasi.") % {"n": len(accepted), "programme": programme.name},
            request=request,
        )
    if refused:
        audit_record(
            actor=actor, action=AuditEvent.Action.UPDATE, object_type="programmes.proposal", object_id=proposal.pk,
            after={"refused": {str(k): v for k, v in refused.items()}},
            note=_("Konfirmasi ditolak untuk %(n)d baris usulan.") % {"n": len(refused)}, request=request,
        )
    return ConfirmResult(confirmed=[row for row, _e in accepted], refused=refused)


@transaction.atomic
def proposal_row_refuse(*, actor, row: ProposalRow, note: str, request=None) -> ProposalRow:
    """The agency decides not to take this proposed business in, saying why."""
    _require_manage(actor, row.proposal.programme)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Tuliskan alasan tidak menetapkan usaha ini sebagai penerima.")})
    current = ProposalRow.objects.select_for_update().get(pk=row.pk)
    if current.status != ProposalRow.Status.PENDING:
        raise ValidationError(_("Baris ini sudah diputuskan (%(status)s).") % {"status": current.get_status_display()})
    current.status, current.note, current.decided_at, current.decided_by = (
        ProposalRow.Status.REFUSED, note[:300], timezone.now(), _user(actor),
    )
    current.save(update_fields=["status", "note", "decided_at", "decided_by"])
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, object_type="programmes.proposalrow", object_id=current.pk,
        region_code=current.region_code, before={"status": ProposalRow.Status.PENDING},
        after={"status": current.status, "note": current.note}, request=request,
    )
    return current


@transaction.atomic
def enrolment_cancel(*, actor, enrolment: Enrolment, reason: str, expected_version: int | None = None, request=None) -> Enrolment:
    """Cancel an enrolment (wrong person, withdrawn); its claims go, freeing the class for others."""
    _require_manage(actor, enrolment.programme)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancel_reason": _("Tuliskan alasan pembatalan.")})
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit()
    if current.status == Enrolment.Status.CANCELLED:
        raise ValidationError(_("Penerima ini sudah dibatalkan."))
    if current.status == Enrolment.Status.DELIVERED:
        raise ValidationError(_("Manfaat sudah disalurkan; penerima yang sudah menerima tidak dapat dibatalkan."))
    before = {"status": current.status}
    current.status, current.cancelled_at, current.cancel_reason = Enrolment.Status.CANCELLED, timezone.now(), reason[:300]
    current.version += 1
    current.save(update_fields=["status", "cancelled_at", "cancel_reason", "version"])
    current.claims.all().delete()
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, object_type="programmes.enrolment", object_id=current.pk,
        region_code=current.region_code, before=before, after={"status": current.status, "reason": current.cancel_reason},
        request=request,
    )
    return current


@transaction.atomic
def delivery_record(
    *, actor, enrolment: Enrolment, delivered_on: datetime.date, amount: int | None = None, item: str = "",
    note: str = "", request=None,
) -> Delivery:
    """Record that the benefit was handed over (date, amount or item, by whom); the enrolment becomes delivered."""
    _require_manage(actor, enrolment.programme)
    current = Enrolment.objects.select_for_update().select_related("programme").get(pk=enrolment.pk)
    if current.status == Enrolment.Status.CANCELLED:
        raise ValidationError(_("Penerima ini sudah dibatalkan; penyaluran tidak dapat dicatat."))
    errors = {}
    if amount is None and not (item or "").strip():
        errors["amount"] = _("Isi nilai (Rp) atau barang/jasa yang diserahkan.")
    if delivered_on and delivered_on > timezone.localdate():
        errors["delivered_on"] = _("Tanggal penyaluran belum terjadi. Periksa tanggalnya.")
    if delivered_on and delivered_on < current.programme.starts_on:
        errors["delivered_on"] = _("Tanggal penyaluran sebelum program dimulai (%(start)s). Periksa tanggalnya.") % {
            "start": current.programme.starts_on.strftime("%d/%m/%Y")
        }
    if errors:
        raise ValidationError(errors)
    delivery = Delivery(
        enrolment=current, delivered_on=delivered_on, amount=amount, item=(item or "").strip()[:200],
        note=(note or "").strip()[:300], recorded_by=_user(actor),
    )
    delivery.full_clean(exclude=["recorded_by", "enrolment"])
    delivery.save()
    before = current.status
    if current.status != Enrolment.Status.DELIVERED:
        current.status = Enrolment.Status.DELIVERED
        current.version += 1
        current.save(update_fields=["status", "version"])
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, object_type="programmes.delivery", object_id=delivery.pk,
        region_code=current.region_code,
        before={"enrolment_status": before},
        after={**model_snapshot(delivery), "enrolment_status": current.status}, request=request,
    )
    return delivery


# ------------------------------------------------------------------ assistance

ASSISTANCE_FIELDS = (
    "programme", "programme_name", "institution", "officer", "status", "submitted_on", "decided_on",
    "amount_requested", "amount_approved", "outcome",
)


def _assistance_check(assistance: Assistance) -> None:
    errors = {}
    if assistance.status in {Assistance.Status.SUBMITTED, Assistance.Status.APPROVED, Assistance.Status.DISBURSED, Assistance.Status.REJECTED} and not assistance.submitted_on:
        errors["submitted_on"] = _("Isi tanggal pengajuan untuk status ini.")
    if assistance.status in {Assistance.Status.APPROVED, Assistance.Status.DISBURSED, Assistance.Status.REJECTED} and not assistance.decided_on:
        errors["decided_on"] = _("Isi tanggal keputusan untuk status ini.")
    if assistance.submitted_on and assistance.decided_on and assistance.decided_on < assistance.submitted_on:
        errors["decided_on"] = _("Tanggal keputusan tidak boleh sebelum tanggal pengajuan.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assistance_create(*, actor, business: Business, data: dict[str, Any], request=None) -> Assistance:
    """Record a business's application to a programme run elsewhere (KUR at a bank, LPDB, Prakerja, CSR)."""
    assistance = Assistance(
        business=business, region_code=business.region_id, created_by=_user(actor),
        **{k: v for k, v in data.items() if k in ASSISTANCE_FIELDS},
    )
    if assistance.officer_id is None and _user(actor) is not None:
        assistance.officer = actor
    assistance.full_clean(exclude=["created_by"])
    _assistance_check(assistance)
    assistance.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, object_type="programmes.assistance", object_id=assistance.pk,
        region_code=assistance.region_code, after=model_snapshot(assistance), request=request,
    )
    return assistance


@transaction.atomic
def assistance_update(*, actor, assistance: Assistance, data: dict[str, Any], expected_version: int, request=None) -> Assistance:
    """Update an application's status and outcome, keeping who/when/before/after."""
    current = Assistance.objects.select_for_update().get(pk=assistance.pk)
    if current.version != expected_version:
        raise StaleEdit()
    before = model_snapshot(current)
    for key, value in data.items():
        if key in ASSISTANCE_FIELDS:
            setattr(current, key, value)
    current.full_clean(exclude=["created_by"])
    _assistance_check(current)
    changed_before, changed_after = snapshot_diff(before, model_snapshot(current))
    if not changed_after:
        return current
    current.version += 1
    current.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, object_type="programmes.assistance", object_id=current.pk,
        region_code=current.region_code, before=changed_before, after=changed_after, request=request,
    )
    return current


# ------------------------------------------------------------------ outside lists (see outside.py)


def outside_list_set_active(*, actor, outside_list: OutsideList, active: bool, request=None) -> OutsideList:
    """Switch an exclusion list on or off for the rules (an outdated ASN list, say)."""
    with transaction.atomic():
        OutsideList.objects.filter(pk=outside_list.pk).update(active=active)
        outside_list.active = active
        audit_record(
            actor=actor, action=AuditEvent.Action.UPDATE, object_type="programmes.outsidelist", object_id=outside_list.pk,
            before={"active": not active}, after={"active": active}, request=request,
        )
    return outside_list



# ------------------------------------------------------------------ seeds


@transaction.atomic
def programmes_seed(*, actor=None) -> dict[str, int]:
    """Add the example 2020–2021 programmes (``seeds.PROGRAMMES``) that are missing.

    Idempotent: a programme already there (by code) is left as the regency edited it.
    """
    from geliat.accounts.models import Agency
    from geliat.programmes.seeds import PROGRAMMES

    agencies = {agency.code: agency for agency in Agency.objects.all()}
    existing = set(Programme.objects.filter(code__in=[code for code, _f, _a in PROGRAMMES]).values_list("code", flat=True))
    created = []
    for code, fields, agency_codes in PROGRAMMES:
        if code in existing:
            continue
        programme = Programme(code=code, **fields)
        programme.full_clean()
        programme.save()
        programme.agencies.set([agencies[c] for c in agency_codes if c in agencies])
        created.append(code)
    if created:
        audit_record(
            actor=actor or "sistem", action=AuditEvent.Action.LOAD, object_type="programmes.programme",
            after={"created": created}, note=_("Contoh program 2020–2021 dimuat."),
        )
    return {"created": len(created), "existing": len(existing)}
