"""Reads for verification: queues, scoped lookups, timelines and backlog figures."""

import datetime
import statistics
from collections import defaultdict

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from geliat.core.scope import region_prefix_q, user_region_q
from geliat.dedup.selectors import has_open_pair
from geliat.verification.models import LEVELS, Decision, Verification


def verifications_for_user(user) -> QuerySet[Verification]:
    """Verifications of records inside the user's region."""
    return Verification.objects.filter(user_region_q(user, "region_code")).select_related(
        "registration", "registration__business", "registration__person"
    )


def get_verification_for_user_or_404(*, user, pk) -> Verification:
    try:
        return verifications_for_user(user).get(pk=pk)
    except (Verification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def queue_for_user(
    user,
    *,
    region: str = "",
    affected_group: int | None = None,
    min_days: int | None = None,
    warnings: bool = False,
    duplicates: bool = False,
) -> QuerySet[Verification]:
    """What waits for this officer's decision, oldest first, with the queue filters."""
    if not user.region_id:
        return Verification.objects.none()
    queryset = Verification.objects.filter(node_code=user.region_id, status=Verification.Status.WAITING)
    if region:
        queryset = queryset.filter(region_prefix_q(region, "region_code"))
    if affected_group:
        queryset = queryset.filter(registration__business__affected_group=affected_group)
    if min_days:
        queryset = queryset.filter(waiting_since__lte=timezone.now() - datetime.timedelta(days=min_days))
    if warnings:
        queryset = queryset.exclude(registration__person__nik_warnings=[])
    if duplicates:
        # Suspected duplicates: the owner has a candidate pair waiting for a decision.
        queryset = queryset.filter(has_open_pair("registration__person"))
    return queryset.select_related("registration__business", "registration__person").order_by("waiting_since", "pk")


def timeline(verification: Verification) -> list[Decision]:
    """The decisions on one record in order; who decided is for officers' eyes only."""
    return list(verification.decisions.select_related("actor").order_by("at", "id"))


def registration_verification(registration) -> Verification | None:
    return Verification.objects.filter(registration=registration).first()


def backlog_by_level(user) -> dict[str, dict[str, int]]:
    """Counts per level of what waits or was returned, inside the user's region."""
    rows = (
        Verification.objects.filter(user_region_q(user, "region_code"))
        .values("status", "level")
        .annotate(n=Count("id"))
    )
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        table[row["level"] or row["status"]][row["status"]] += row["n"]
    # Plain dicts: a template looks up ``table.items`` as a key first, which a defaultdict would invent.
    return {level: dict(counts) for level, counts in table.items()}


def backlog_by_area(user, *, depth: int) -> list[dict]:
    """What waits per area (kecamatan: depth 8 chars ``35.14.01``; desa: 13) and level."""
    return list(
        Verification.objects.filter(user_region_q(user, "region_code"), status=Verification.Status.WAITING)
        .annotate(area=Substr("region_code", 1, depth))
        .values("area", "level")
        .annotate(n=Count("id"))
        .order_by("area", "level")
    )


def status_counts(user) -> dict[str, int]:
    """Registered (everything) and verified (approved at Kabupaten) inside the user's region."""
    counts = dict(
        Verification.objects.filter(user_region_q(user, "region_code")).values_list("status").annotate(n=Count("id"))
    )
    # Every status is present, so "verified: 0" reads as zero rather than missing.
    return {"registered": sum(counts.values()), **{status: counts.get(status, 0) for status in Verification.Status.values}}


def median_wait_by_level(user, *, since: datetime.datetime | None = None) -> dict[str, float]:
    """Median hours a record waited at each level before its decision."""
    decisions = Decision.objects.filter(
        action__in=[Decision.Action.APPROVE, Decision.Action.RETURN, Decision.Action.REJECT, Decision.Action.SEND_BACK],
        waited_seconds__isnull=False,
    ).filter(user_region_q(user, "verification__region_code"))
    if since:
        decisions = decisions.filter(at__gte=since)
    waits: dict[str, list[int]] = defaultdict(list)
    for level, seconds in decisions.values_list("level", "waited_seconds").iterator():
        waits[level].append(seconds)
    return {level: statistics.median(waits[level]) / 3600 for level in LEVELS if waits.get(level)}


def overdue(*, sla_days: dict[str, int], now=None) -> QuerySet[Verification]:
    """Waiting longer than their level allows."""
    now = now or timezone.now()
    queryset = Verification.objects.none()
    for level, days in sla_days.items():
        queryset |= Verification.objects.filter(
            status=Verification.Status.WAITING, level=level, waiting_since__lt=now - datetime.timedelta(days=days)
        )
    return queryset.annotate(age=now - F("waiting_since"))
