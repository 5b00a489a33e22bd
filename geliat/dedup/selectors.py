"""Reads for duplicate settling, always scoped to what the viewer serves.

Scope rule: a pair is *visible* to a user when at least one of its two people lives inside
the user's region (an officer learns that one of theirs is registered elsewhere too), and
*decidable* only when both do: a desa officer settles pairs inside the desa, a pair across
two desa goes to the kecamatan, across kecamatan to the kabupaten. A merge follows the
same rule through its survivor and absorbed record.
"""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from geliat.accounts.models import Role
from geliat.core.scope import region_prefix_q, user_covers, user_region_code, user_region_q
from geliat.dedup.models import CandidatePair, DedupRun, Merge
from geliat.registry.models import Person
from geliat.wilayah.models import LEVEL_DEPTH, Level

# Probability bands of the review queue: key → (lowest, highest exclusive or None).
BANDS = {
    "tinggi": (0.99, None),
    "sedang": (0.9, 0.99),
    "rendah": (0.0, 0.9),
}

# Fields a merge lets the officer choose between, as groups written together: an
# address is its street line, RT, RW and region node, never half of one and half of the other.
MERGE_GROUPS: dict[str, tuple[str, ...]] = {
    "full_name": ("full_name",),
    "sex": ("sex",),
    "birth_place": ("birth_place",),
    "birth_date": ("birth_date",),
    "phone": ("phone",),
    "address": ("address", "rt", "rw", "region"),
}


def review_threshold() -> float:
    """Pairs at least this likely are stored for officers (``GELIAT_DEDUP_REVIEW_THRESHOLD``)."""
    return float(getattr(settings, "GELIAT_DEDUP_REVIEW_THRESHOLD", 0.8))


def auto_merge_threshold() -> float | None:
    """Pairs at least this likely are merged without asking (``GELIAT_DEDUP_AUTO_MERGE``; None: never)."""
    value = getattr(settings, "GELIAT_DEDUP_AUTO_MERGE", None)
    return None if value in (None, "") else float(value)


def _pair_scope_q(user) -> Q:
    return user_region_q(user, "left__region__code") | user_region_q(user, "right__region__code")


def pairs_for_user(user) -> QuerySet[CandidatePair]:
    """Pairs with at least one of the two people inside the user's region."""
    return CandidatePair.objects.filter(_pair_scope_q(user)).select_related(
        "left", "right", "left__region", "right__region", "decided_by"
    )


def get_pair_for_user_or_404(*, user, pk) -> CandidatePair:
    try:
        return pairs_for_user(user).get(pk=pk)
    except (CandidatePair.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def review_queue(
    user, *, band: str = "", source: str = "", status: str = CandidatePair.Status.OPEN, region: str = ""
) -> QuerySet[CandidatePair]:
    """Pairs for the review page, most likely first; ``status`` empty shows every status."""
    queryset = pairs_for_user(user)
    if status:
        queryset = queryset.filter(status=status)
    if band in BANDS:
        low, high = BANDS[band]
        queryset = queryset.filter(probability__gte=low)
        if high is not None:
            queryset = queryset.filter(probability__lt=high)
    if source:
        queryset = queryset.filter(source=source)
    if region:
        queryset = queryset.filter(
            region_prefix_q(region, "left__region__code") | region_prefix_q(region, "right__region__code")
        )
    return queryset.order_by("-probability", "id")


def may_decide(user) -> bool:
    """Officers and coordinators settle pairs; agency staff only look."""
    return bool(
        user.is_authenticated and user.is_active
        and (user.is_superuser or user.role in (Role.OFFICER, Role.COORDINATOR))
    )


def pair_refusal(user, pair: CandidatePair) -> str:
    """Why ``user`` may not decide on ``pair`` now ("" when they may)."""
    if not may_decide(user):
        return _("Hanya petugas wilayah dan koordinator yang dapat memutuskan data ganda.")
    if not (user_covers(user, pair.left.region_id) and user_covers(user, pair.right.region_id)):
        return _(
            "Salah satu dari dua data ini tinggal di luar wilayah tugas Anda. Pasangan ini diputuskan oleh "
            "petugas yang wilayahnya mencakup keduanya (kecamatan atau kabupaten)."
        )
    if pair.status != CandidatePair.Status.OPEN:
        return _("Pasangan ini sudah diputuskan: %(status)s.") % {"status": pair.get_status_display()}
    return ""


def open_pairs_by_person(person_ids) -> dict[int, int]:
    """Person id → the id of its most likely open pair, for the given people (one query)."""
    ids = list(person_ids)
    if not ids:
        return {}
    found: dict[int, tuple[float, int]] = {}
    rows = CandidatePair.objects.filter(
        Q(left_id__in=ids) | Q(right_id__in=ids), status=CandidatePair.Status.OPEN
    ).values_list("pk", "left_id", "right_id", "probability")
    wanted = set(ids)
    for pk, left, right, probability in rows:
        for person in (left, right):
            if person in wanted and (person not in found or probability > found[person][0]):
                found[person] = (probability, pk)
    return {person: pk for person, (_p, pk) in found.items()}


def has_open_pair(person_field: str = "pk") -> Q:
    """A filter for querysets holding a person (``person_field`` names it): the person has an open pair."""
    open_pairs = CandidatePair.objects.filter(status=CandidatePair.Status.OPEN)
    return Q(Exists(open_pairs.filter(left=OuterRef(person_field)))) | Q(
        Exists(open_pairs.filter(right=OuterRef(person_field)))
    )


def pairs_of_person(person: Person) -> QuerySet[CandidatePair]:
    return CandidatePair.objects.filter(Q(left=person) | Q(right=person)).select_related("left", "right")


def pair_between(a_id: int, b_id: int) -> CandidatePair | None:
    left, right = sorted((a_id, b_id))
    return CandidatePair.objects.filter(left_id=left, right_id=right).first()


# --- Merges --------------------------------------------------------------------------------


def merges_for_user(user) -> QuerySet[Merge]:
    """Merges whose survivor or absorbed record lives inside the user's region, newest first."""
    return Merge.objects.filter(
        user_region_q(user, "survivor__region__code") | user_region_q(user, "absorbed__region__code")
    ).select_related("survivor", "absorbed", "merged_by", "reversed_by", "survivor__region", "absorbed__region")


def get_merge_for_user_or_404(*, user, pk) -> Merge:
    try:
        return merges_for_user(user).get(pk=pk)
    except (Merge.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def merge_refusal(user, merge: Merge) -> str:
    """Why ``user`` may not undo ``merge`` ("" when they may)."""
    if not may_decide(user):
        return _("Hanya petugas wilayah dan koordinator yang dapat membatalkan penggabungan.")
    if not (user_covers(user, merge.survivor.region_id) and user_covers(user, merge.absorbed.region_id)):
        return _("Salah satu dari dua data ini di luar wilayah tugas Anda; pembatalan dilakukan petugas yang mencakup keduanya.")
    if merge.is_reversed:
        return _("Penggabungan ini sudah dibatalkan.")
    return ""


# --- Runs ----------------------------------------------------------------------------------


def may_run(user) -> bool:
    """Coordinators and kabupaten (or wider) officers start full runs."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if not user.region_id:
        return False
    return user.role == Role.COORDINATOR or (
        user.role == Role.OFFICER and user.level_depth <= LEVEL_DEPTH[Level.KABUPATEN]
    )


def runs_for_user(user) -> QuerySet[DedupRun]:
    """Runs over the user's region or a region inside it."""
    return DedupRun.objects.filter(user_region_q(user, "region_code")).select_related("created_by")


def get_run_for_user_or_404(*, user, pk) -> DedupRun:
    try:
        return runs_for_user(user).get(pk=pk)
    except (DedupRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# A run still pending or running after this long was lost (a worker killed mid-run): it no
# longer blocks a new one.
RUN_STALE_AFTER = datetime.timedelta(hours=12)


def active_run(region_code: str) -> DedupRun | None:
    """A pending or running run overlapping ``region_code`` (one at a time per area)."""
    overlapping = region_prefix_q(region_code, "region_code") | Q(region_code__in=_ancestors(region_code))
    return DedupRun.objects.filter(
        overlapping, status__in=(DedupRun.Status.PENDING, DedupRun.Status.RUNNING),
        created_at__gte=timezone.now() - RUN_STALE_AFTER,
    ).first()


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def last_finished_run(region_code: str) -> DedupRun | None:
    """The latest run that finished over ``region_code`` or a region containing it."""
    return (
        DedupRun.objects.filter(
            Q(region_code=region_code) | Q(region_code__in=_ancestors(region_code)), status=DedupRun.Status.DONE
        )
        .order_by("-started_at")
        .first()
    )


def run_scope_code(user) -> str | None:
    return user_region_code(user)
