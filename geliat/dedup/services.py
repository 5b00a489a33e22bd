"""Writes of duplicate settling: candidates at entry and in full runs, officers' decisions,
merges and their undoing, automatic merges. Every decision and merge is audited.

Rules:
- A pair is one unordered pair of people; "different people" is kept on its row, and a
  pair found again (at entry or by a run) never reopens a decided pair.
- A merge keeps both records: the absorbed record keeps its data, businesses,
  registrations and history, and points at the survivor (``Person.merged_into``, flat:
  records merged into the absorbed one are pointed at the survivor too). The survivor
  takes the chosen values through ``registry.services.person_update`` (versioned,
  audited). The survivor keeps its own NIK (NIK is unique): to keep the other NIK,
  choose the other record as survivor.
- Undoing a merge restores exactly the survivor fields the merge changed. It is refused,
  naming the fields, when one of those fields was changed again since (someone else's
  later edit would be silently lost), and when the survivor has since been merged into a
  third record (undo that first). Edits to other fields are kept.
- Deciding (merge, different, undo) needs both records inside the actor's region;
  a decision is taken against the pair version the officer saw, under a row lock:
  two officers at once, one wins and the other is told.
"""

import dataclasses
import datetime
import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from geliat.audit.models import AuditEvent
from geliat.audit.services import actor_label as _label
from geliat.audit.services import actor_user as _user
from geliat.audit.services import audit_record, model_snapshot
from geliat.core.bulk import bulk_insert
from geliat.core.scope import region_prefix_q, user_covers
from geliat.dedup import engine
from geliat.dedup.models import BlockKey, CandidatePair, DedupRun, Merge, Source
from geliat.dedup.selectors import (
    MERGE_GROUPS,
    active_run,
    auto_merge_threshold,
    last_finished_run,
    may_decide,
    may_run,
    review_threshold,
)
from geliat.registry.models import Channel, Person, Registration
from geliat.registry.services import person_update
from geliat.wilayah.models import Region

logger = logging.getLogger(__name__)

SYSTEM = "sistem"
Status = CandidatePair.Status
SURVIVOR, ABSORBED = "survivor", "absorbed"
_CHUNK = 500  # ids per IN (...) list: well under SQLite's parameter limit


class PairAlreadyDecided(ValidationError):
    """Someone decided on the pair after this officer opened it."""

    def __init__(self, pair: CandidatePair | None = None):
        status = pair.get_status_display() if pair is not None else ""
        message = _("Pasangan ini sudah diputuskan petugas lain sejak Anda membukanya")
        if status:
            message += _(" (sekarang: %(status)s)") % {"status": status}
        super().__init__(message + _(". Muat ulang halaman untuk melihat keputusannya."), code="stale")


class MergeRefused(ValidationError):
    """A merge or its undoing cannot go ahead; the message says why and what to do."""




def _check_decider(actor, *regions: str) -> None:
    """A person acting (not the system) must be allowed to decide and cover every record's region."""
    if isinstance(actor, str):
        return
    if not may_decide(actor):
        raise PermissionDenied(_("Hanya petugas wilayah dan koordinator yang dapat memutuskan data ganda."))
    if not all(user_covers(actor, code) for code in regions):
        raise PermissionDenied(
            _("Salah satu data di luar wilayah tugas Anda. Keputusan ini diambil petugas yang wilayahnya mencakup keduanya.")
        )


# --- Records as the engine reads them ----------------------------------------------------

RECORD_COLUMNS = ("pk", "nik", "full_name", "sex", "birth_date", "address", "rt", "rw", "region_id", "phone")


def _desa(code: str) -> str:
    parts = code.split(".")
    return ".".join(parts[:4]) if len(parts) >= 4 else ""


def _kecamatan(code: str) -> str:
    parts = code.split(".")
    return ".".join(parts[:3]) if len(parts) >= 3 else ""


def record_from_row(row) -> dict:
    """One person as the engine reads it, from a ``values_list(*RECORD_COLUMNS)`` row."""
    pk, nik, name, sex, birth_date, address, rt, rw, region, phone = row
    return {
        "id": str(pk), "nik": nik or "", "name": name or "", "sex": sex or "",
        "birth_date": birth_date.isoformat() if birth_date else "", "address": address or "", "rt": rt or "",
        "rw": rw or "", "village": _desa(region or ""), "district": _kecamatan(region or ""), "phone": phone or "",
    }


def person_record(person: Person) -> dict:
    return record_from_row(tuple(getattr(person, "pk" if c == "pk" else c) for c in RECORD_COLUMNS))


def _records(person_ids: Iterable[int], *, region_code: str | None = None) -> dict[int, dict]:
    """Records of the given people who are not merged into another (and live inside
    ``region_code`` when given), by id."""
    ids = sorted(person_ids)
    people = Person.objects.filter(merged_into__isnull=True)
    if region_code:
        people = people.filter(region_prefix_q(region_code, "region__code"))
    out: dict[int, dict] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = people.filter(pk__in=ids[start : start + _CHUNK]).values_list(*RECORD_COLUMNS)
        out.update((row[0], record_from_row(row)) for row in rows)
    return out


# --- Blocking keys ---------------------------------------------------------------------------


def _key_strings(record: Mapping) -> list[str]:
    # Hashed: the keys hold NIK, phone and birth date, which need not be kept twice in clear.
    return sorted({
        hashlib.blake2b(f"{kind}:{value}".encode(), digest_size=16).hexdigest()
        for kind, value in engine.blocking_keys(record).items() if value
    })


def block_keys_refresh(*, records: Mapping[int, Mapping], region_code: str | None = None) -> dict[int, list[str]]:
    """Replace the stored blocking keys of these people; returns each one's keys.

    ``region_code``: ``records`` are everyone in that region (a full run), so the keys of
    the whole region go in one statement, merged-away records' included."""
    keys = {pk: _key_strings(record) for pk, record in records.items()}
    if region_code:
        BlockKey.objects.filter(region_prefix_q(region_code, "person__region__code")).delete()
    else:
        ids = list(keys)
        for start in range(0, len(ids), _CHUNK):
            BlockKey.objects.filter(person_id__in=ids[start : start + _CHUNK]).delete()
    rows = [BlockKey(person_id=pk, key=key) for pk, person_keys in keys.items() for key in person_keys]
    for start in range(0, len(rows), 5000):
        bulk_insert(BlockKey, rows[start : start + 5000])
    return keys


def block_keys_drop(*, person_ids: Iterable[int]) -> None:
    """A merged-away record is nobody's candidate any more."""
    BlockKey.objects.filter(person_id__in=list(person_ids)).delete()


def _neighbours(keys: Iterable[str]) -> dict[str, set[int]]:
    """Key → the people stored with it."""
    wanted = sorted(set(keys))
    found: dict[str, set[int]] = defaultdict(set)
    for start in range(0, len(wanted), _CHUNK):
        for key, person in BlockKey.objects.filter(key__in=wanted[start : start + _CHUNK]).values_list("key", "person_id"):
            found[key].add(person)
    return found


def _pool_size() -> int:
    return int(getattr(settings, "GELIAT_DEDUP_POOL", 200))


# --- Storing pairs ---------------------------------------------------------------------------


@dataclasses.dataclass
class Stored:
    new: int = 0
    updated: int = 0
    known: int = 0  # already decided (different, same): left as decided

    def __iadd__(self, other: "Stored") -> "Stored":
        self.new += other.new
        self.updated += other.updated
        self.known += other.known
        return self


def _ordered(scores: Iterable[engine.PairScore]) -> dict[tuple[int, int], engine.PairScore]:
    """Unordered pair → its best score (a pair found from both sides is stored once)."""
    best: dict[tuple[int, int], engine.PairScore] = {}
    for score in scores:
        a, b = int(score.left_id), int(score.right_id)
        if a == b:
            continue
        key = (a, b) if a < b else (b, a)
        if key not in best or score.probability > best[key].probability:
            best[key] = score
    return best


def _merged_ids(ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    merged: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        merged.update(
            Person.objects.filter(pk__in=ids[start : start + _CHUNK], merged_into__isnull=False).values_list("pk", flat=True)
        )
    return merged


def pairs_store(
    *,
    scores: Iterable[engine.PairScore],
    source: str,
    run: DedupRun | None = None,
    origin_merge: Merge | None = None,
    threshold: float | None = None,
) -> Stored:
    """Store candidate pairs at or above ``threshold`` (default: the review threshold): new
    ones open, open ones re-scored, decided ones left as they are. Pairs with a merged-away
    record are skipped."""
    threshold = review_threshold() if threshold is None else threshold
    best = {key: s for key, s in _ordered(scores).items() if s.probability >= threshold}
    merged = _merged_ids({pk for key in best for pk in key})
    best = {key: s for key, s in best.items() if not (set(key) & merged)}
    stored = Stored()
    now = timezone.now()
    keys = sorted(best)
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        lefts = {left for left, _right in chunk}
        existing = {
            (pair.left_id, pair.right_id): pair
            for pair in CandidatePair.objects.filter(left_id__in=lefts, right_id__in={r for _l, r in chunk})
        }
        new, changed = [], []
        for key in chunk:
            score = best[key]
            probability = min(1.0, max(0.0, float(score.probability)))
            pair = existing.get(key)
            if pair is None:
                new.append(CandidatePair(
                    left_id=key[0], right_id=key[1], probability=probability, weight=float(score.weight),
                    levels=dict(score.levels), source=source, run=run, origin_merge=origin_merge,
                    found_at=now, scored_at=now,
                ))
            elif pair.status in (Status.OPEN, Status.OBSOLETE):
                # An obsolete pair whose two records are both unmerged again is a question again.
                pair.probability, pair.weight, pair.levels = probability, float(score.weight), dict(score.levels)
                pair.scored_at, pair.run = now, run or pair.run
                if pair.status == Status.OBSOLETE:
                    pair.status, pair.merge, pair.version = Status.OPEN, None, pair.version + 1
                changed.append(pair)
            else:
                stored.known += 1
        # A concurrent writer may have stored the same pair a moment ago: theirs stands.
        CandidatePair.objects.bulk_create(new, ignore_conflicts=True)
        CandidatePair.objects.bulk_update(
            changed, ["probability", "weight", "levels", "scored_at", "run", "status", "merge", "version"]
        )
        stored.new += len(new)
        stored.updated += len(changed)
    return stored


# --- At entry --------------------------------------------------------------------------------


def _entry_inline_limit() -> int:
    return int(getattr(settings, "GELIAT_DEDUP_ENTRY_INLINE", 200))


@transaction.atomic
def candidates_for_people(*, person_ids: Iterable[int], source: str = Source.ENTRY) -> Stored:
    """Find and store the likely matches of these people, without a full run.

    Their blocking keys are stored, the records sharing a key with each are fetched (an
    indexed lookup; at most ``GELIAT_DEDUP_POOL`` per person, those sharing the most keys
    first) and scored in Python with the engine's model. Merges pairs above
    ``GELIAT_DEDUP_AUTO_MERGE`` when set.
    """
    records = _records(person_ids)
    if not records:
        return Stored()
    keys = block_keys_refresh(records=records)
    holders = _neighbours(key for person_keys in keys.values() for key in person_keys)
    limit = _pool_size()
    pools: dict[int, list[int]] = {}
    for pk, person_keys in keys.items():
        shared: dict[int, int] = defaultdict(int)
        for key in person_keys:
            for other in holders.get(key, ()):
                if other != pk:
                    shared[other] += 1
        pools[pk] = sorted(shared, key=lambda other: (-shared[other], other))[:limit]
    candidates = _records({other for pool in pools.values() for other in pool} - set(records)) | records
    model = engine.default_model()
    scores = []
    for pk, pool in pools.items():
        others = [candidates[other] for other in pool if other in candidates]
        if others:
            scores += engine.score_candidates(records[pk], others, model=model)
    stored = pairs_store(scores=scores, source=source)
    auto_merge(person_ids=list(records))
    return stored


def candidates_for_person(person: Person) -> list[CandidatePair]:
    """The open pairs of one new or changed person, found at once (see ``candidates_for_people``)."""
    candidates_for_people(person_ids=[person.pk])
    return list(
        CandidatePair.objects.filter(Q(left=person) | Q(right=person), status=Status.OPEN).select_related("left", "right")
    )


def registrations_candidates_find(*, registration_ids: list[int]) -> int:
    """For the people of new registrations: find candidates in this transaction, or for a
    large batch (imports, demo data) in background tasks once it commits. Returns how many
    people were handled inline."""
    by_source: dict[str, set[int]] = defaultdict(set)
    ids = list(registration_ids)
    for start in range(0, len(ids), _CHUNK):
        rows = Registration.objects.filter(pk__in=ids[start : start + _CHUNK]).values_list("person_id", "channel")
        for person_id, channel in rows:
            by_source[Source.IMPORT if channel == Channel.IMPORT else Source.ENTRY].add(person_id)
    total = sum(len(ids) for ids in by_source.values())
    if total <= _entry_inline_limit():
        for source, ids in by_source.items():
            candidates_for_people(person_ids=sorted(ids), source=source)
        return total
    from geliat.dedup.tasks import find_candidates  # tasks import services

    for source, ids in by_source.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), 2000):
            chunk = ordered[start : start + 2000]
            transaction.on_commit(lambda chunk=chunk, source=str(source): find_candidates.enqueue(chunk, source))
    return 0


# --- Decisions -----------------------------------------------------------------------------


def _locked_pair(pair_id: int, expected_version: int | None) -> CandidatePair:
    pair = CandidatePair.objects.select_for_update().select_related("left", "right").get(pk=pair_id)
    if (expected_version is not None and pair.version != expected_version) or pair.status != Status.OPEN:
        raise PairAlreadyDecided(pair)
    return pair


def _pair_audit(actor, pair: CandidatePair, before: dict, *, note: str, request=None) -> None:
    after = {key: getattr(pair, key if key != "merge" else "merge_id") for key in before}
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, object_type=pair._meta.label_lower, object_id=pair.pk,
        region_code=pair.left.region_id, before=before, after=after, note=note, request=request,
    )


@transaction.atomic
def pair_decide_different(*, actor, pair_id: int, expected_version: int, reason: str = "", request=None) -> CandidatePair:
    """The two records are different people: remembered on the pair, never asked again."""
    pair = _locked_pair(pair_id, expected_version)
    _check_decider(actor, pair.left.region_id, pair.right.region_id)
    before = {"status": pair.status, "reason": pair.reason}
    pair.status, pair.reason = Status.DIFFERENT, reason.strip()
    pair.decided_by, pair.decided_at = _user(actor), timezone.now()
    pair.version += 1
    pair.save(update_fields=["status", "reason", "decided_by", "decided_at", "version"])
    _pair_audit(
        actor, pair, before, request=request,
        note=_("Diputuskan orang berbeda: %(left)s dan %(right)s") % {"left": pair.left.full_name, "right": pair.right.full_name},
    )
    return pair


@transaction.atomic
def pair_decide_same(
    *, actor, pair_id: int, expected_version: int, survivor_id: int, choices: Mapping[str, str], request=None
) -> Merge:
    """The two records are one person: merge the other into ``survivor_id`` keeping ``choices``."""
    pair = _locked_pair(pair_id, expected_version)
    if survivor_id not in (pair.left_id, pair.right_id):
        raise MergeRefused(_("Pilih data yang dipertahankan: salah satu dari dua data pasangan ini."))
    survivor, absorbed = (pair.left, pair.right) if survivor_id == pair.left_id else (pair.right, pair.left)
    return person_merge(actor=actor, survivor=survivor, absorbed=absorbed, choices=choices, pair=pair, request=request)


# --- Merging ---------------------------------------------------------------------------------


def _field_value(person: Person, field: str):
    return person.region if field == "region" else getattr(person, field)


def _check_choices(choices: Mapping[str, str]) -> None:
    unknown = [group for group in choices if group not in MERGE_GROUPS]
    bad = [group for group, side in choices.items() if side not in (SURVIVOR, ABSORBED)]
    if unknown or bad:
        raise MergeRefused(
            _("Pilihan kolom tidak dikenal: %(fields)s. NIK tidak dapat dipilih: pilih data yang NIK-nya benar sebagai data yang dipertahankan.")
            % {"fields": ", ".join(unknown + bad)}
        )


def _auto_choices(survivor: Person, absorbed: Person) -> dict[str, str]:
    """The survivor's values, except a blank one the absorbed record fills."""
    choices = {}
    for group, fields in MERGE_GROUPS.items():
        empty = all(getattr(survivor, f) in (None, "") for f in fields if f != "region")
        filled = any(getattr(absorbed, f) not in (None, "") for f in fields if f != "region")
        choices[group] = ABSORBED if empty and filled else SURVIVOR
    return choices


@transaction.atomic
def person_merge(
    *,
    actor,
    survivor: Person,
    absorbed: Person,
    choices: Mapping[str, str] | None = None,
    pair: CandidatePair | None = None,
    automatic: bool = False,
    request=None,
) -> Merge:
    """Merge ``absorbed`` into ``survivor``; ``choices``: field group (see ``MERGE_GROUPS``) →
    ``"survivor"`` or ``"absorbed"``, whose value the survivor keeps (default: its own)."""
    if survivor.pk == absorbed.pk:
        raise MergeRefused(_("Data tidak dapat digabung dengan dirinya sendiri."))
    choices = dict(choices or {})
    _check_choices(choices)
    if pair is None:
        left, right = sorted((survivor.pk, absorbed.pk))
        pair = CandidatePair.objects.select_for_update().filter(left_id=left, right_id=right).first()
        if pair is not None and pair.status != Status.OPEN:
            raise PairAlreadyDecided(pair)
    # Row locks in id order, so two merges touching the same people cannot deadlock.
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, absorbed.pk]).order_by("pk")}
    survivor, absorbed = locked[survivor.pk], locked[absorbed.pk]
    _check_decider(actor, survivor.region_id, absorbed.region_id)
    for person in (survivor, absorbed):
        if person.merged_into_id:
            raise MergeRefused(
                _("%(name)s sudah digabung ke data lain. Buka data itu, atau batalkan dulu penggabungannya.")
                % {"name": person.full_name}
            )
    survivor_before, absorbed_before = model_snapshot(survivor), model_snapshot(absorbed)
    data = {
        field: _field_value(absorbed, field)
        for group, side in choices.items() if side == ABSORBED
        for field in MERGE_GROUPS[group]
    }
    now = timezone.now()
    merge = Merge.objects.create(
        survivor=survivor, absorbed=absorbed, pair=pair, choices=choices, survivor_before=survivor_before,
        absorbed_before=absorbed_before, automatic=automatic, probability=pair.probability if pair else None,
        merged_by=_user(actor), merged_by_label=_label(actor), merged_at=now,
    )
    if data:
        survivor = person_update(actor=actor, person=survivor, data=data, expected_version=survivor.version, request=request)
    survivor_after = model_snapshot(survivor)
    merge.changes = {
        field: [survivor_before.get(field), survivor_after.get(field)]
        for field in survivor_after if survivor_before.get(field) != survivor_after.get(field)
    }
    person_update(actor=actor, person=absorbed, data={"merged_into": survivor}, expected_version=absorbed.version, request=request)
    # Kept flat: whatever was merged into the absorbed record now points at the survivor.
    for earlier in Person.objects.select_for_update().filter(merged_into=absorbed).order_by("pk"):
        person_update(actor=actor, person=earlier, data={"merged_into": survivor}, expected_version=earlier.version, request=request)
        merge.repointed.append(earlier.pk)
    merge.save(update_fields=["changes", "repointed"])

    if pair is not None:
        before = {"status": pair.status, "merge": pair.merge_id}
        pair.status = Status.AUTO_MERGED if automatic else Status.SAME
        pair.merge, pair.decided_by, pair.decided_at = merge, _user(actor), now
        pair.version += 1
        pair.save(update_fields=["status", "merge", "decided_by", "decided_at", "version"])
        _pair_audit(actor, pair, before, request=request, note=_("Digabung (penggabungan #%(id)s)") % {"id": merge.pk})
    others = _obsolete_pairs_of(absorbed, merge)
    block_keys_drop(person_ids=[absorbed.pk])
    block_keys_refresh(records={survivor.pk: person_record(survivor)})
    _rescore(survivor, others, merge)
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, object_type=merge._meta.label_lower, object_id=merge.pk,
        region_code=survivor.region_id,
        before={"survivor": survivor_before, "absorbed": absorbed_before},
        after={"survivor": survivor.pk, "absorbed": absorbed.pk, "choices": choices, "changes": merge.changes,
               "repointed": merge.repointed, "automatic": automatic, "probability": merge.probability},
        note=(_("Digabung otomatis: %(absorbed)s ke %(survivor)s") if automatic else _("Digabung: %(absorbed)s ke %(survivor)s"))
        % {"absorbed": absorbed.full_name, "survivor": survivor.full_name},
        request=request,
    )
    return merge


def _obsolete_pairs_of(absorbed: Person, merge: Merge) -> list[int]:
    """Open pairs of the absorbed record no longer ask anything; returns their other people."""
    pairs = list(
        CandidatePair.objects.select_for_update().filter(Q(left=absorbed) | Q(right=absorbed), status=Status.OPEN)
    )
    for pair in pairs:
        pair.status, pair.merge, pair.version = Status.OBSOLETE, merge, pair.version + 1
    CandidatePair.objects.bulk_update(pairs, ["status", "merge", "version"])
    return [pair.right_id if pair.left_id == absorbed.pk else pair.left_id for pair in pairs]


def _rescore(survivor: Person, others: list[int], merge: Merge) -> None:
    """The absorbed record's other candidates are asked again against the survivor."""
    others = [pk for pk in others if pk != survivor.pk]
    records = _records(others)
    if not records:
        return
    scores = engine.score_candidates(person_record(survivor), list(records.values()), model=engine.default_model())
    pairs_store(scores=scores, source=Source.MERGE, origin_merge=merge)


def _restorable(field: str, value):
    """A snapshot value back as what ``person_update`` takes."""
    if value is None:
        return None
    if field == "region":
        return Region.objects.get(pk=value)
    if field == "birth_date":
        return datetime.date.fromisoformat(value)
    return value


@transaction.atomic
def person_unmerge(*, actor, merge_id: int, request=None) -> Merge:
    """Undo a merge exactly: the survivor's changed fields back, the absorbed record (and
    those re-pointed with it) on its own again, its pairs open again. Refused with the
    reason when that would lose a later change (see the module's rules)."""
    merge = Merge.objects.select_for_update().get(pk=merge_id)
    if merge.is_reversed:
        raise MergeRefused(_("Penggabungan ini sudah dibatalkan sebelumnya."), code="reversed")
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[merge.survivor_id, merge.absorbed_id]).order_by("pk")
    }
    survivor, absorbed = locked[merge.survivor_id], locked[merge.absorbed_id]
    _check_decider(actor, survivor.region_id, absorbed.region_id)
    if survivor.merged_into_id:
        raise MergeRefused(
            _("%(name)s sudah digabung lagi ke data lain sesudah penggabungan ini. Batalkan dulu penggabungan yang terakhir.")
            % {"name": survivor.full_name}
        )
    if absorbed.merged_into_id != survivor.pk:
        raise MergeRefused(_("%(name)s tidak lagi tergabung ke data ini; tidak ada yang dibatalkan.") % {"name": absorbed.full_name})
    current = model_snapshot(survivor)
    edited = [field for field, (_before, after) in merge.changes.items() if current.get(field) != after]
    if edited:
        labels = ", ".join(str(Person._meta.get_field(field).verbose_name) for field in edited)
        raise MergeRefused(
            _("Kolom %(fields)s pada %(name)s sudah diubah lagi sesudah penggabungan. Agar perubahan itu tidak hilang, "
              "penggabungan tidak dibatalkan: kembalikan dulu kolom tersebut seperti hasil penggabungan, atau ubah data secara manual.")
            % {"fields": labels, "name": survivor.full_name},
            code="edited",
        )
    data = {field: _restorable(field, before) for field, (before, _after) in merge.changes.items()}
    if data:
        survivor = person_update(actor=actor, person=survivor, data=data, expected_version=survivor.version, request=request)
    person_update(actor=actor, person=absorbed, data={"merged_into": None}, expected_version=absorbed.version, request=request)
    for earlier in Person.objects.select_for_update().filter(pk__in=merge.repointed, merged_into=survivor).order_by("pk"):
        person_update(actor=actor, person=earlier, data={"merged_into": absorbed}, expected_version=earlier.version, request=request)
    now = timezone.now()
    merge.reversed_at, merge.reversed_by = now, _user(actor)
    merge.save(update_fields=["reversed_at", "reversed_by"])
    reopened = _reopen_pairs(merge)
    block_keys_refresh(records=_records([survivor.pk, absorbed.pk]))
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, object_type=merge._meta.label_lower, object_id=merge.pk,
        region_code=survivor.region_id, before={"reversed_at": None},
        after={"reversed_at": now.isoformat(), "restored": merge.changes, "reopened_pairs": reopened},
        note=_("Penggabungan dibatalkan: %(absorbed)s dipisah lagi dari %(survivor)s")
        % {"absorbed": absorbed.full_name, "survivor": survivor.full_name},
        request=request,
    )
    return merge


def _reopen_pairs(merge: Merge) -> list[int]:
    """The pairs the merge settled or made obsolete are open again; those it derived go."""
    CandidatePair.objects.filter(origin_merge=merge, status=Status.OPEN).delete()
    pairs = list(CandidatePair.objects.select_for_update().filter(merge=merge).select_related("left", "right"))
    reopened = []
    for pair in pairs:
        if pair.left.merged_into_id or pair.right.merged_into_id:
            continue
        pair.status, pair.merge, pair.decided_by, pair.decided_at = Status.OPEN, None, None, None
        pair.version += 1
        reopened.append(pair)
    CandidatePair.objects.bulk_update(reopened, ["status", "merge", "decided_by", "decided_at", "version"])
    return [pair.pk for pair in reopened]


def auto_merge(*, person_ids: Iterable[int] | None = None, run: DedupRun | None = None) -> int:
    """Merge open pairs at or above ``GELIAT_DEDUP_AUTO_MERGE`` (of these people, or found by
    ``run``), the older record surviving with its own values except blanks. Returns how many."""
    threshold = auto_merge_threshold()
    if threshold is None:
        return 0
    pairs = CandidatePair.objects.filter(status=Status.OPEN, probability__gte=threshold)
    if person_ids is not None:
        ids = list(person_ids)
        pairs = pairs.filter(Q(left_id__in=ids) | Q(right_id__in=ids))
    if run is not None:
        pairs = pairs.filter(run=run)
    merged = 0
    for pair_id in list(pairs.order_by("-probability", "id").values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                pair = CandidatePair.objects.select_for_update().select_related("left", "right").get(pk=pair_id)
                if pair.status != Status.OPEN or pair.left.merged_into_id or pair.right.merged_into_id:
                    continue
                # The older record (registered first) survives.
                survivor, absorbed = pair.left, pair.right
                person_merge(
                    actor=SYSTEM, survivor=survivor, absorbed=absorbed, choices=_auto_choices(survivor, absorbed),
                    pair=pair, automatic=True,
                )
                merged += 1
        except (ValidationError, PermissionDenied) as refusal:
            logger.info("auto-merge of pair %s skipped: %s", pair_id, refusal)
    return merged


# --- Full runs -------------------------------------------------------------------------------


def _default_backend() -> str:
    return getattr(settings, "GELIAT_DEDUP_BACKEND", "duckdb")


@transaction.atomic
def dedup_run_start(
    *,
    actor,
    region_code: str | None = None,
    backend: str | None = None,
    threshold: float | None = None,
    mode: str = DedupRun.Mode.INCREMENTAL,
    enqueue: bool = True,
    request=None,
) -> DedupRun:
    """Create a run over ``region_code`` (default: the actor's region, or the regency for the
    system) and queue it as a background job once this transaction commits."""
    user = _user(actor)
    if user is not None:
        if not may_run(user):
            raise PermissionDenied(_("Pencarian menyeluruh dijalankan oleh koordinator atau petugas kabupaten."))
        region_code = region_code or user.region_id or settings.GELIAT_REGENCY_CODE
        if not user_covers(user, region_code):
            raise PermissionDenied(_("Wilayah ini di luar wilayah tugas Anda."))
    region_code = region_code or settings.GELIAT_REGENCY_CODE
    backend = backend or _default_backend()
    if backend not in ("duckdb", "spark"):
        raise ValidationError({"backend": _("Mesin harus duckdb atau spark.")})
    threshold = review_threshold() if threshold is None else float(threshold)
    if not 0 < threshold <= 1:
        raise ValidationError({"threshold": _("Ambang peluang harus di atas 0 dan paling besar 1, misalnya 0.9.")})
    if mode not in DedupRun.Mode.values:
        raise ValidationError({"mode": _("Cakupan harus menyeluruh atau hanya data baru/berubah.")})
    running = active_run(region_code)
    if running is not None:
        raise ValidationError(
            _("Pencarian lain untuk wilayah ini masih berjalan (dimulai %(at)s). Tunggu sampai selesai.")
            % {"at": timezone.localtime(running.created_at).strftime("%d-%m-%Y %H:%M")},
            code="busy",
        )
    run = DedupRun.objects.create(
        created_by=user, region_code=region_code, backend=backend, threshold=threshold, mode=mode,
    )
    audit_record(
        actor=actor or SYSTEM, action=AuditEvent.Action.CREATE, object_type=run._meta.label_lower, object_id=run.pk,
        region_code=region_code, after={"backend": backend, "threshold": threshold, "mode": mode},
        note=_("Pencarian duplikat dimulai"), request=request,
    )
    if enqueue:
        from geliat.dedup.tasks import run_dedup

        transaction.on_commit(lambda: run_dedup.enqueue(run.pk))
    return run


def _progress(run: DedupRun, percent: int, stage: str) -> None:
    # Outside the job's own transactions, so the page polling it sees each step.
    run.percent, run.stage = max(0, min(100, int(percent))), stage[:100]
    DedupRun.objects.filter(pk=run.pk).update(percent=run.percent, stage=run.stage)


def _scope_people(region_code: str):
    return Person.objects.filter(region_prefix_q(region_code, "region__code"), merged_into__isnull=True)


def _scope_records(region_code: str, on_step: Callable[[int], None]) -> dict[int, dict]:
    """Every unmerged person living inside ``region_code``, streamed."""
    out: dict[int, dict] = {}
    rows = _scope_people(region_code).values_list(*RECORD_COLUMNS).iterator(chunk_size=5000)
    for count, row in enumerate(rows, 1):
        out[row[0]] = record_from_row(row)
        if count % 20000 == 0:
            on_step(count)
    return out


def dedup_run_execute(*, run_id: int, on_progress: Callable[[DedupRun], None] | None = None) -> DedupRun:
    """Run a search: load the records in scope (incremental: changed since the last finished
    run over the area, plus the records sharing a blocking key with them), link them with
    the engine, store new pairs, skip decided ones, and auto-merge when configured."""
    run = DedupRun.objects.get(pk=run_id)
    if run.status != DedupRun.Status.PENDING:
        return run
    started = time.perf_counter()
    run.status, run.started_at = DedupRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])

    def step(percent: int, stage: str) -> None:
        _progress(run, percent, stage)
        if on_progress:
            on_progress(run)

    try:
        _execute(run, step)
    except Exception as error:  # a run must end failed and say why, never hang as running
        logger.exception("dedup run %s failed", run.pk)
        run.status, run.error = DedupRun.Status.FAILED, f"{type(error).__name__}: {error}"[:2000]
    else:
        run.status, run.percent = DedupRun.Status.DONE, 100
        run.stage = _("Selesai")
    run.finished_at, run.seconds = timezone.now(), time.perf_counter() - started
    run.save()
    audit_record(
        actor=run.created_by or SYSTEM, action=AuditEvent.Action.UPDATE, object_type=run._meta.label_lower,
        object_id=run.pk, region_code=run.region_code,
        after={"status": run.status, "records": run.records, "pairs_new": run.pairs_new, "pairs_known": run.pairs_known,
               "auto_merged": run.auto_merged, "error": run.error},
        note=_("Pencarian duplikat %(status)s") % {"status": run.get_status_display().lower()},
    )
    if on_progress:
        on_progress(run)
    return run


def _execute(run: DedupRun, step: Callable[[int, str], None]) -> None:
    previous = last_finished_run(run.region_code) if run.mode == DedupRun.Mode.INCREMENTAL else None
    step(1, _("Membaca data"))
    if previous is None:
        # Nothing to be incremental from: everything in scope, every key refreshed.
        run.mode, run.since, changed = DedupRun.Mode.FULL, None, None
        records = _scope_records(run.region_code, lambda n: step(1, _("Membaca data: %(n)d") % {"n": n}))
        step(10, _("Menyusun kunci blok"))
        block_keys_refresh(records=records, region_code=run.region_code)
    else:
        # Changed since the last run, and whoever shares a blocking key with them: every
        # pair the engine could find with a changed record lies inside that set.
        run.since = previous.started_at
        changed = set(
            _scope_people(run.region_code)
            .filter(Q(updated_at__gte=run.since) | Q(created_at__gte=run.since))
            .values_list("pk", flat=True)
        )
        records = _records(changed)
        keys = block_keys_refresh(records=records)
        holders = _neighbours(key for person_keys in keys.values() for key in person_keys)
        neighbours = {pk for people in holders.values() for pk in people} - changed
        records |= _records(neighbours, region_code=run.region_code)
    run.records = len(records)
    run.save(update_fields=["records", "mode", "since"])
    step(20, _("Mencocokkan %(n)d data") % {"n": len(records)})

    def engine_progress(*args) -> None:
        fraction = _fraction(args)
        if fraction is not None:
            step(20 + int(60 * fraction), _("Mencocokkan %(n)d data") % {"n": len(records)})

    result = engine.link_records(
        list(records.values()), backend=run.backend, threshold=run.threshold, progress=engine_progress
    ) if len(records) > 1 else engine.LinkResult(pairs=[], clusters={}, best={}, seconds=0.0)
    pairs = result.pairs
    if changed is not None:
        pairs = [p for p in pairs if int(p.left_id) in changed or int(p.right_id) in changed]
    run.pairs_found = len(pairs)
    step(80, _("Menyimpan %(n)d pasangan") % {"n": len(pairs)})
    stored = Stored()
    for start in range(0, len(pairs), 2000):
        with transaction.atomic():
            stored += _store_for_run(pairs[start : start + 2000], run)
        step(80 + int(18 * min(1, (start + 2000) / max(1, len(pairs)))), _("Menyimpan %(n)d pasangan") % {"n": len(pairs)})
    run.pairs_new, run.pairs_known = stored.new, stored.known
    run.auto_merged = auto_merge(run=run)


def _store_for_run(scores, run: DedupRun) -> Stored:
    return pairs_store(scores=scores, source=Source.RUN, run=run, threshold=run.threshold)


def _fraction(args) -> float | None:
    """The engine's progress report as a fraction: ``(done, total)``, ``(fraction,)`` or ``(stage, fraction)``."""
    numbers = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
    if len(numbers) >= 2 and numbers[1]:
        return max(0.0, min(1.0, numbers[0] / numbers[1]))
    if len(numbers) == 1 and 0 <= numbers[0] <= 1:
        return float(numbers[0])
    return None
