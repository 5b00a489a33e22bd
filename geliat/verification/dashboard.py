"""The coordinators' backlog page (``/verifikasi/rekap/``): registered vs verified, what waits
at each level and in each kecamatan or desa, overdue counts and median waits.

For coordinators and for officers at kecamatan and kabupaten level, inside their region.
"""

import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import Substr
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from geliat.accounts.models import Role
from geliat.core.scope import region_prefix_q, user_region_code
from geliat.verification import selectors
from geliat.verification.models import LEVELS, Verification
from geliat.wilayah.models import Level, Region
from geliat.wilayah.selectors import region_children

Status = Verification.Status
MEDIAN_DAYS = 90
# The area each scope is broken down by.
_AREA_LEVEL = {Level.KABUPATEN: Level.KECAMATAN, Level.KECAMATAN: Level.DESA}


def _scope(user) -> Region | None:
    """The region whose backlog the user may read; None for users the page is not for."""
    code = user_region_code(user)
    if code is None:
        return None
    if not (user.is_superuser or user.role in (Role.COORDINATOR, Role.OFFICER)):
        return None
    region = Region.objects.filter(code=code).first()
    return region if region is not None and region.level in _AREA_LEVEL else None


def _figures(*, within: Region, now: datetime.datetime) -> dict:
    """Counts inside ``within`` per status and level, per area below it, and overdue counts.

    Two grouped queries over the verification rows; areas come from the region tree, so an
    area with nothing registered still shows its zeros.
    """
    areas = list(region_children(parent_code=within.code, level=_AREA_LEVEL[Level(within.level)]))
    length = len(areas[0].code) if areas else len(within.code)
    scoped = Verification.objects.filter(region_prefix_q(within.code, "region_code"))
    area_rows = {area.code: {"region": area, "status": Counter(), "waiting": Counter(), "overdue": 0} for area in areas}
    levels = {level: Counter() for level in LEVELS}
    totals: Counter = Counter()
    grouped = scoped.annotate(area=Substr("region_code", 1, length)).values("area", "status", "level").annotate(n=Count("id"))
    for row in grouped:
        totals[row["status"]] += row["n"]
        if row["level"]:
            levels[row["level"]][row["status"]] += row["n"]
        area = area_rows.get(row["area"])
        if area is not None:
            area["status"][row["status"]] += row["n"]
            if row["status"] == Status.WAITING:
                area["waiting"][row["level"]] += row["n"]
    overdue = (
        selectors.overdue(sla_days=settings.GELIAT_VERIFICATION_SLA_DAYS, now=now)
        .filter(region_prefix_q(within.code, "region_code"))
        .annotate(area=Substr("region_code", 1, length))
        .values("area", "level")
        .annotate(n=Count("id"))
    )
    for row in overdue:
        totals["overdue"] += row["n"]
        levels[row["level"]]["overdue"] += row["n"]
        if row["area"] in area_rows:
            area_rows[row["area"]]["overdue"] += row["n"]
    return {
        "totals": {**totals, "registered": sum(totals[status] for status in Status.values)},
        "levels": levels,
        "areas": [
            {**row, "registered": sum(row["status"].values()), "waiting_by_level": [row["waiting"][level] for level in LEVELS]}
            for row in area_rows.values()
        ],
    }


@login_required
def backlog(request):
    scope = _scope(request.user)
    if scope is None:
        return render(request, "verification/backlog.html", {"denied": True}, status=403)
    within, notes = scope, []
    chosen = request.GET.get("kecamatan", "").strip()
    if chosen and chosen != scope.code:
        region = Region.objects.filter(code=chosen, level=Level.KECAMATAN).first()
        if region is not None and scope.contains(region.code):
            within = region
        else:
            notes.append(
                _("Kecamatan dengan kode «%(code)s» tidak ada di wilayah tugas Anda; pilihan itu diabaikan dan yang ditampilkan adalah %(scope)s.")
                % {"code": chosen, "scope": scope.label}
            )
    now = timezone.now()
    figures = _figures(within=within, now=now)
    medians = selectors.median_wait_by_level(request.user, since=now - datetime.timedelta(days=MEDIAN_DAYS))
    sla_days = settings.GELIAT_VERIFICATION_SLA_DAYS
    level_rows = [
        {
            "level": Level(level), "waiting": figures["levels"][level][Status.WAITING],
            "overdue": figures["levels"][level]["overdue"], "limit": sla_days.get(level),
            "returned": figures["levels"][level][Status.RETURNED], "rejected": figures["levels"][level][Status.REJECTED],
            "median_hours": medians.get(level),
        }
        for level in LEVELS
    ]
    context = {
        "scope": scope, "within": within, "notes": notes, "totals": defaultdict(int, figures["totals"]),
        "level_rows": level_rows, "levels": [Level(level) for level in LEVELS], "areas": figures["areas"],
        "area_level": Level(_AREA_LEVEL[Level(within.level)]), "median_days": MEDIAN_DAYS,
        "kecamatan_choices": (
            region_children(parent_code=scope.code, level=Level.KECAMATAN) if scope.level == Level.KABUPATEN else []
        ),
    }
    return render(request, "verification/backlog.html", context)
