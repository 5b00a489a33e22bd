"""Reads of coordination, always scoped to what the viewer serves.

Who sees what:
- coordinators (and superusers): everything;
- agency (OPD) staff: aggregates of their region, their own agency's page, programmes and
  reports, every matrix activity and actor (no personal data), and edit their own
  agency's who-does-what-where entries;
- officers at desa level or above: aggregates and 3W of their region, and the actors
  working there.

Figures come from the summary tables (``AreaStat`` …), never from a scan of the registry.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils import translation

from geliat.accounts.models import Agency, Role, User
from geliat.coordination.models import (
    Activity,
    ActivityStat,
    Actor,
    AreaStat,
    Engagement,
    Helix,
    Indicator,
    ProgrammeStat,
    ReportJob,
    StatsRun,
)
from geliat.core.scope import region_prefix_q, user_region_code
from geliat.programmes.models import Programme
from geliat.registry.models import AffectedGroup
from geliat.verification.models import LEVELS, Verification
from geliat.wilayah.models import Level, Region

Status = Verification.Status
# The area level a scope is broken down by.
CHILD_LEVEL = {Level.KABUPATEN: Level.KECAMATAN, Level.KECAMATAN: Level.DESA}
AREA_CODE_LENGTH = {Level.KECAMATAN: len("35.14.01"), Level.DESA: len("35.14.01.2001")}


# ---------------------------------------------------------------- who may see what


def is_coordinator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.COORDINATOR))


def is_agency_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.AGENCY and user.agency_id)


def dashboard_region(user) -> Region | None:
    """The region whose aggregates ``user`` may read: theirs, if at desa level or above."""
    code = user_region_code(user)
    if code is None:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None or region.level not in (Level.PROVINSI, Level.KABUPATEN, Level.KECAMATAN, Level.DESA):
        return None
    if region.level == Level.PROVINSI:
        # A superuser without a region serves the regency; nobody reads a whole province here.
        return Region.objects.filter(code=settings.GELIAT_REGENCY_CODE).first()
    return region


def agencies_for_user(user) -> QuerySet[Agency]:
    if is_coordinator(user):
        return Agency.objects.all()
    if is_agency_staff(user):
        return Agency.objects.filter(pk=user.agency_id)
    return Agency.objects.none()


def get_agency_for_user_or_404(*, user, code: str) -> Agency:
    agency = agencies_for_user(user).filter(code=code).first()
    if agency is None:
        raise Http404
    return agency


def agency_staff(agency: Agency) -> QuerySet[User]:
    return User.objects.filter(agency=agency, role=Role.AGENCY).select_related("region").order_by("full_name", "username")


def overlapping_q(code: str, column: str) -> Q:
    """Rows whose region ``column`` lies inside ``code`` or contains it (the regency-wide
    entries reach a desa officer too)."""
    parts = code.split(".")
    ancestors = [".".join(parts[:i]) for i in range(1, len(parts))]
    return region_prefix_q(code, column) | Q(**{f"{column}__in": ancestors})


def actors_for_user(user) -> QuerySet[Actor]:
    """Coordinators and agency staff: every actor; officers: those working in their region."""
    if is_coordinator(user) or is_agency_staff(user):
        return Actor.objects.all()
    region = dashboard_region(user)
    if region is None:
        return Actor.objects.none()
    inside = Actor.objects.filter(overlapping_q(region.code, "areas__code")).values("pk")
    return Actor.objects.filter(pk__in=inside)


def get_actor_for_user_or_404(*, user, pk) -> Actor:
    try:
        return actors_for_user(user).get(pk=pk)
    except (Actor.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def actor_filter(actors, *, helix: str = "", offer: str = "", kecamatan: str = "", active_only: bool = True) -> list[Actor]:
    queryset = actors.prefetch_related("areas")
    if helix:
        queryset = queryset.filter(helix=helix)
    if kecamatan:
        queryset = queryset.filter(overlapping_q(kecamatan, "areas__code")).distinct()
    if active_only:
        queryset = queryset.filter(active=True)
    found = list(queryset.order_by("name", "id"))
    return [actor for actor in found if offer in actor.offers] if offer else found


def may_edit_engagements(user) -> bool:
    return is_coordinator(user) or is_agency_staff(user)


def engagements_for_user(user) -> QuerySet[Engagement]:
    """Who-does-what-where entries the user may see: all for coordinators and agency
    staff; those touching their region for officers."""
    queryset = Engagement.objects.select_related("activity", "agency", "actor", "region")
    if is_coordinator(user) or is_agency_staff(user):
        return queryset
    region = dashboard_region(user)
    if region is None:
        return queryset.none()
    return queryset.filter(overlapping_q(region.code, "region__code"))


def get_engagement_for_edit_or_404(*, user, pk) -> Engagement:
    """An entry the user may change: any for coordinators, their agency's for its staff."""
    queryset = Engagement.objects.select_related("activity", "agency", "actor", "region")
    if is_agency_staff(user):
        queryset = queryset.filter(agency_id=user.agency_id)
    elif not is_coordinator(user):
        queryset = queryset.none()
    try:
        return queryset.get(pk=pk)
    except (Engagement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def activities() -> QuerySet[Activity]:
    return Activity.objects.prefetch_related("agencies", "programmes").order_by("affected_group", "number")


def get_activity_or_404(*, pk) -> Activity:
    try:
        return activities().get(pk=pk)
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def may_record_actual(user, activity: Activity) -> bool:
    """Coordinators, and staff of an agency responsible for the activity."""
    if is_coordinator(user):
        return True
    return is_agency_staff(user) and any(agency.pk == user.agency_id for agency in activity.agencies.all())


def reports_for_user(user) -> QuerySet[ReportJob]:
    queryset = ReportJob.objects.select_related("agency", "created_by")
    if is_coordinator(user):
        return queryset
    if is_agency_staff(user):
        return queryset.filter(agency_id=user.agency_id)
    return queryset.none()


def get_report_for_user_or_404(*, user, pk) -> ReportJob:
    try:
        return reports_for_user(user).get(pk=pk)
    except (ReportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def programmes_of(agency: Agency) -> QuerySet[Programme]:
    return Programme.objects.filter(agencies=agency).order_by("-starts_on", "name")


# ---------------------------------------------------------------- figures


def latest_stats() -> StatsRun | None:
    return StatsRun.objects.filter(status=StatsRun.Status.DONE).order_by("-finished_at").first()


_LEVEL_FIELDS = {level: f"waiting_{level}" for level in LEVELS}
_FIELDS = (
    "registered", "verified", "waiting", "returned", "rejected", "reached", "reached_verified",
    "revenue_reported", "revenue_before", "revenue_now", "jobs_reported", "jobs_before", "jobs_now",
    *_LEVEL_FIELDS.values(),
)


def _sums() -> dict:
    # Prefixed: an annotation may not take the name of the column it sums.
    return {f"t_{name}": Sum("businesses" if name == "registered" else name) for name in _FIELDS}


@dataclass
class Tally:
    """Counts for one slice of the registry (an area, a group, or both)."""

    registered: int = 0
    verified: int = 0
    waiting: int = 0
    returned: int = 0
    rejected: int = 0
    reached: int = 0
    reached_verified: int = 0
    revenue_reported: int = 0
    revenue_before: int = 0
    revenue_now: int = 0
    jobs_reported: int = 0
    jobs_before: int = 0
    jobs_now: int = 0
    waiting_rt: int = 0
    waiting_rw: int = 0
    waiting_dusun: int = 0
    waiting_desa: int = 0
    waiting_kecamatan: int = 0
    waiting_kabupaten: int = 0

    @classmethod
    def of(cls, row: dict) -> "Tally":
        return cls(**{name: row[f"t_{name}"] or 0 for name in _FIELDS})

    def add(self, other: "Tally") -> None:
        for name in _FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def waiting_by_level(self) -> dict[str, int]:
        return {level: getattr(self, name) for level, name in _LEVEL_FIELDS.items()}

    @property
    def affected(self) -> int:
        """Registered and not rejected: those someone should serve."""
        return self.registered - self.rejected

    @property
    def verified_pct(self) -> float | None:
        return 100 * self.verified / self.registered if self.registered else None

    @property
    def unreached_verified(self) -> int:
        return self.verified - self.reached_verified

    @property
    def reached_pct(self) -> float | None:
        return 100 * self.reached_verified / self.verified if self.verified else None

    @property
    def revenue_pct(self) -> float | None:
        """Monthly revenue now as a share of before, over businesses that gave both."""
        return 100 * self.revenue_now / self.revenue_before if self.revenue_before else None

    @property
    def jobs_pct(self) -> float | None:
        return 100 * self.jobs_now / self.jobs_before if self.jobs_before else None


@dataclass
class Figures:
    total: Tally
    groups: dict[int, Tally]
    areas: dict[str, Tally]
    area_groups: dict[tuple[str, int], Tally]

    def group_rows(self) -> list[tuple[int, str, Tally]]:
        return [(group, AffectedGroup(group).label, self.groups.get(group, Tally())) for group in AffectedGroup.values]


def _stats_within(within: str) -> QuerySet[AreaStat]:
    return AreaStat.objects.filter(region_prefix_q(within, "desa_code"))


def group_tallies(*, within: str) -> dict[int, Tally]:
    """Counts per affected group inside region ``within`` (one query, ten rows)."""
    rows = _stats_within(within).values("affected_group").annotate(**_sums()).order_by()
    return {row["affected_group"]: Tally.of(row) for row in rows}


def figures(*, within: str, area_level: str | None, group: int | None = None, by_area_group: bool = False) -> Figures:
    """Counts inside region ``within``: overall, per affected group, per area at
    ``area_level`` (kecamatan or desa), and with ``by_area_group`` per area and group.

    The summary table is folded by conditional sums in the database, so Python sees one
    row per area (or area and group). ``group`` narrows everything but the per-group counts.
    """
    key = {Level.KECAMATAN: "kecamatan_code", Level.DESA: "desa_code"}.get(area_level, "kecamatan_code")
    stats = _stats_within(within)
    total, areas, area_groups = Tally(), {}, {}
    if by_area_group:
        groups: dict[int, Tally] = {}
        for row in stats.values(key, "affected_group").annotate(**_sums()).order_by():
            tally = Tally.of(row)
            area_groups[(row[key], row["affected_group"])] = tally
            groups.setdefault(row["affected_group"], Tally()).add(tally)
            if group and row["affected_group"] != group:
                continue
            areas.setdefault(row[key], Tally()).add(tally)
            total.add(tally)
    else:
        groups = group_tallies(within=within)
        narrowed = stats.filter(affected_group=group) if group else stats
        for row in narrowed.values(key).annotate(**_sums()).order_by():
            tally = Tally.of(row)
            areas[row[key]] = tally
            total.add(tally)
    return Figures(total=total, groups=groups, areas=areas, area_groups=area_groups)


def area_regions(*, within: Region, level: str) -> list[Region]:
    """The areas at ``level`` inside ``within``, by name (an area with nothing registered still shows)."""
    return list(Region.objects.filter(region_prefix_q(within.code, "code"), level=level).order_by("name", "code"))


def waiting_levels(tally: Tally) -> list[tuple[Level, int]]:
    return [(Level(level), count) for level, count in tally.waiting_by_level.items()]


@dataclass
class Reach:
    programme: Programme
    reached: int = 0
    delivered: int = 0
    deliveries: int = 0
    amount: int = 0

    @property
    def quota_pct(self) -> float | None:
        return 100 * self.reached / self.programme.quota if self.programme.quota else None


def programme_reach(*, within: str, group: int | None = None, agency: Agency | None = None) -> list[Reach]:
    """Each programme's recipients, deliveries and amounts inside ``within``
    (only ``agency``'s programmes when given); programmes reaching nobody there are listed too."""
    programmes = Programme.objects.prefetch_related("agencies").order_by("-starts_on", "name")
    if agency is not None:
        programmes = programmes.filter(agencies=agency)
    stats = ProgrammeStat.objects.filter(region_prefix_q(within, "desa_code"))
    if group:
        stats = stats.filter(affected_group=group)
    if agency is not None:
        stats = stats.filter(programme__agencies=agency)
    sums = {
        row["programme_id"]: row
        for row in stats.values("programme_id").annotate(
            reached=Sum("reached"), delivered=Sum("delivered"), deliveries=Sum("deliveries"), amount=Sum("amount")
        ).order_by()
    }
    out = []
    for programme in programmes:
        row = sums.get(programme.pk, {})
        out.append(Reach(
            programme=programme, reached=row.get("reached") or 0, delivered=row.get("delivered") or 0,
            deliveries=row.get("deliveries") or 0, amount=row.get("amount") or 0,
        ))
    return out


# ---------------------------------------------------------------- the action matrix


@dataclass
class MatrixLine:
    activity: Activity
    actual: int | None
    computed: bool  # False: typed by hand (manual indicator)
    group: Tally

    @property
    def progress_pct(self) -> float | None:
        if self.actual is None or not self.activity.target:
            return None
        return min(100.0, 100 * self.actual / self.activity.target)

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        deadline = self.activity.deadline
        return bool(deadline and deadline < timezone.localdate() and (self.progress_pct or 0) < 100)


def matrix_lines(
    *, within: str | None = None, agency: Agency | None = None, groups: dict[int, Tally] | None = None
) -> list[MatrixLine]:
    """The matrix with each activity's actual: computed from the summary tables for the
    indicators the system knows, the typed figure for a manual one (regency-wide only)."""
    within = within or settings.GELIAT_REGENCY_CODE
    items = list(activities().filter(agencies=agency) if agency is not None else activities())
    stats = ActivityStat.objects.filter(region_prefix_q(within, "desa_code"))
    sums = {
        row["activity_id"]: row
        for row in stats.values("activity_id").annotate(
            reached=Sum("reached"), delivered=Sum("delivered"), deliveries=Sum("deliveries")
        ).order_by()
    }
    if groups is None:
        groups = group_tallies(within=within)
    lines = []
    for activity in items:
        row = sums.get(activity.pk, {})
        group = groups.get(activity.affected_group, Tally())
        if activity.indicator == Indicator.MANUAL:
            actual, computed = activity.manual_actual, False
        elif activity.indicator == Indicator.VERIFIED:
            actual, computed = group.verified, True
        else:
            actual, computed = row.get(activity.indicator) or 0, True
        lines.append(MatrixLine(activity=activity, actual=actual, computed=computed, group=group))
    return lines


# ---------------------------------------------------------------- who does what where (3W)

ALL_AREAS = "*"  # a doer working regency-wide: present in every area
THREE_W_CACHE_SECONDS = 3600


@dataclass(frozen=True, eq=False)
class Doer:
    kind: str  # "agency" or "actor"
    key: str  # agency code or actor id
    name: str
    helix: str

    # Compared and hashed by identity string alone: the 3W adds doers to sets thousands of
    # times per page, and hashing four fields each time shows.
    @property
    def ident(self) -> str:
        return f"{self.kind}:{self.key}"

    def __eq__(self, other) -> bool:
        return isinstance(other, Doer) and self.kind == other.kind and self.key == other.key

    def __hash__(self) -> int:
        return hash((self.kind, self.key))

    @property
    def helix_label(self) -> str:
        return Helix(self.helix).label


@dataclass(frozen=True)
class Presence:
    """One doer doing one activity in one area (``ALL_AREAS`` for regency-wide)."""

    doer: Doer
    code: str  # the activity's: presences are compared and hashed by it, not by the model
    area: str
    source: str  # "recorded" (an entry) or "programme" (a linked programme reached people there)
    partial: bool = False  # recorded for a desa inside the area, not the whole area
    activity: Activity = field(default=None, compare=False, hash=False)


@dataclass
class Overlap:
    area: str
    group: int
    theme: str
    doers: list[Doer]
    codes: list[str]  # the activities' codes, in matrix order


@dataclass
class ThreeW:
    within: Region
    area_level: str
    areas: list[Region]
    presences: list[Presence]
    doers: list[Doer]
    cells: dict  # (doer, area) → sorted activity codes
    regency_wide: dict  # doer → activity codes done across the whole scope
    served: dict  # (area, group) → set of doers
    affected: dict  # (area, group) → businesses registered and not rejected
    gaps: list[tuple[Region, int, int]]  # (area, group, businesses) nobody serves
    idle_areas: list[tuple[Region, int]]  # areas with affected businesses and nobody at all
    overlaps: list[Overlap]

    def group_gap_rows(self) -> list[dict]:
        """Group × area: affected businesses and how many doers serve each."""
        rows = []
        for group in AffectedGroup.values:
            cells = []
            for area in self.areas:
                count = self.affected.get((area.code, group), 0)
                doers = self.served.get((area.code, group), set())
                cells.append({"area": area, "businesses": count, "doers": len(doers), "gap": count > 0 and not doers})
            rows.append({"group": group, "label": AffectedGroup(group).label, "cells": cells})
        return rows


def _agency_doer(agency: Agency) -> Doer:
    return Doer(kind="agency", key=agency.code, name=str(agency), helix=Helix.GOVERNMENT)


def _actor_doer(actor: Actor) -> Doer:
    return Doer(kind="actor", key=str(actor.pk), name=actor.name, helix=actor.helix)


def _area_of(code: str, *, within: Region, level: str) -> tuple[str, bool] | None:
    """The pivot area an entry's region falls in: (area code, partial), ``ALL_AREAS`` when
    it spans the whole scope, None when it lies outside."""
    if within.contains(code):
        length = AREA_CODE_LENGTH[level]
        if len(code) < length:
            return (ALL_AREAS, False) if code == within.code else (code, False)
        return code[:length], len(code) > length
    if code == within.code or within.code.startswith(code + "."):
        return ALL_AREAS, False
    return None


def _three_w_key(**filters) -> str | None:
    """A cache key that changes whenever what the 3W is made of changes: the figures (a
    rebuild), an entry (added, changed or removed), or an activity (its links, names)."""
    run = latest_stats()
    if run is None:
        return None
    entries = Engagement.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    changed = Activity.objects.aggregate(last=Max("updated_at"))["last"]
    parts = [
        run.pk, run.finished_at.isoformat(), entries["n"], entries["last"] and entries["last"].isoformat(),
        changed and changed.isoformat(), translation.get_language(),
        *(f"{name}={getattr(value, 'pk', value)}" for name, value in sorted(filters.items())),
    ]
    return "coordination:3w:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def three_w(
    *, within: Region, group: int | None = None, activity: Activity | None = None, helix: str = "",
    agency: Agency | None = None, source: str = "",
) -> ThreeW:
    """:func:`three_w_compute`, kept in the cache until its inputs change (see ``_three_w_key``),
    without its ``presences``. Programmes changing their agencies show at the next rebuild
    of the figures."""
    filters = {"within": within.code, "group": group, "activity": activity, "helix": helix, "agency": agency, "source": source}
    key = _three_w_key(**filters)
    view = cache.get(key) if key else None
    if view is None:
        view = three_w_compute(within=within, group=group, activity=activity, helix=helix, agency=agency, source=source)
        if key:
            # Kept without the row-by-row presences (with their activities): what pages show
            # unpickles in a few milliseconds. Exports ask three_w_compute for those.
            cache.set(key, replace(view, presences=[]), timeout=THREE_W_CACHE_SECONDS)
    return view


def three_w_compute(
    *, within: Region, group: int | None = None, activity: Activity | None = None, helix: str = "",
    agency: Agency | None = None, source: str = "",
) -> ThreeW:
    """Who does what where inside ``within``, broken down by its kecamatan (or, inside a
    kecamatan, its desa); with the gaps (groups or areas with affected businesses that no
    one serves) and overlaps (two doers of one theme for one group in one area).

    Presence comes from the recorded entries and from the linked programmes' reach: an
    agency whose programme, linked to an activity, reached businesses of its group in an
    area, does that activity there.
    """
    level = CHILD_LEVEL.get(Level(within.level), Level.DESA)
    areas = area_regions(within=within, level=level) if within.level != Level.DESA else [within]
    if within.level == Level.DESA:
        level = Level.DESA
    all_activities = {a.pk: a for a in activities()}
    presences: list[Presence] = []

    if source in ("", "recorded"):
        for entry in Engagement.objects.filter(overlapping_q(within.code, "region__code")).select_related(
            "agency", "actor", "region"
        ):
            place = _area_of(entry.region_id, within=within, level=level)
            if place is None:
                continue
            doer = _agency_doer(entry.agency) if entry.agency_id else _actor_doer(entry.actor)
            activity_obj = all_activities[entry.activity_id]
            presences.append(Presence(
                doer=doer, code=activity_obj.code, activity=activity_obj, area=place[0], source="recorded", partial=place[1]
            ))

    if source in ("", "programme"):
        links = defaultdict(list)
        for activity_obj in all_activities.values():
            for programme in activity_obj.programmes.all():
                links[programme.pk].append(activity_obj)
        agencies_of = defaultdict(list)
        for programme in Programme.objects.filter(pk__in=list(links)).prefetch_related("agencies"):
            agencies_of[programme.pk] = list(programme.agencies.all())
        key = "kecamatan_code" if level == Level.KECAMATAN else "desa_code"
        stats = (
            ProgrammeStat.objects.filter(region_prefix_q(within.code, "desa_code"), reached__gt=0,
                                         programme_id__in=list(links))
            .values("programme_id", key, "affected_group").distinct().order_by()
        )
        for row in stats:
            for activity_obj in links[row["programme_id"]]:
                if activity_obj.affected_group != row["affected_group"]:
                    continue
                for agency_obj in agencies_of[row["programme_id"]]:
                    presences.append(Presence(
                        doer=_agency_doer(agency_obj), code=activity_obj.code, activity=activity_obj, area=row[key],
                        source="programme",
                    ))

    if group:
        presences = [p for p in presences if p.activity.affected_group == group]
    if activity is not None:
        presences = [p for p in presences if p.code == activity.code]
    if helix:
        presences = [p for p in presences if p.doer.helix == helix]
    if agency is not None:
        presences = [p for p in presences if p.doer.kind == "agency" and p.doer.key == agency.code]
    presences = list(dict.fromkeys(presences))

    cells: dict = defaultdict(set)
    regency_wide: dict = defaultdict(set)
    served: dict = defaultdict(set)
    by_theme: dict = defaultdict(lambda: (set(), {}))
    area_codes = [area.code for area in areas]
    for presence in presences:
        code = presence.activity.code + ("*" if presence.partial else "")
        targets = area_codes if presence.area == ALL_AREAS else [presence.area]
        if presence.area == ALL_AREAS:
            regency_wide[presence.doer].add(presence.activity.code)
        else:
            cells[(presence.doer, presence.area)].add(code)
        for area_code in targets:
            served[(area_code, presence.activity.affected_group)].add(presence.doer)
            doers, acts = by_theme[(area_code, presence.activity.affected_group, presence.activity.theme)]
            doers.add(presence.doer)
            acts[presence.code] = presence.activity

    counts = figures(within=within.code, area_level=level, group=group, by_area_group=True).area_groups
    affected = {key: tally.affected for key, tally in counts.items()}
    by_code = {area.code: area for area in areas}
    gaps = [
        (by_code[code], grp, n) for (code, grp), n in sorted(affected.items())
        if n > 0 and code in by_code and not served.get((code, grp)) and (not group or grp == group)
    ]
    idle = []
    for area in areas:
        total = sum(n for (code, _grp), n in affected.items() if code == area.code)
        if total and not any(served.get((area.code, grp)) for grp in AffectedGroup.values):
            idle.append((area, total))
    overlaps = [
        Overlap(area=code, group=grp, theme=theme, doers=sorted(doers, key=lambda d: d.name),
                codes=[a.code for a in sorted(acts.values(), key=lambda a: (a.affected_group, a.number))])
        for (code, grp, theme), (doers, acts) in sorted(by_theme.items())
        if len(doers) >= 2
    ]
    doers = sorted({p.doer for p in presences}, key=lambda d: (d.kind != "agency", d.helix, d.name))
    return ThreeW(
        within=within, area_level=level, areas=areas, presences=presences, doers=doers,
        cells={k: sorted(v) for k, v in cells.items()}, regency_wide={k: sorted(v) for k, v in regency_wide.items()},
        served=dict(served), affected=affected, gaps=gaps, idle_areas=idle, overlaps=overlaps,
    )


# ---------------------------------------------------------------- monthly figures for reports


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following
