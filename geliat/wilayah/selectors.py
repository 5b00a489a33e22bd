"""Reading the region tree: the served regency, children, name search and matching."""

import functools
import re

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from geliat.core.scope import region_prefix_q
from geliat.wilayah.models import Level, Region, RegionAlias
from geliat.wilayah.text import name_key
from geliat.wilayah.units import unit_code, unit_number

# Words people put before a name ("Desa Gerbo", "Kec. Purwodadi", "Dsn Krajan").
_LEVEL_WORDS = {
    Level.KECAMATAN: "kecamatan|kec",
    Level.DESA: "desa|kelurahan|kel|ds",
    Level.DUSUN: "dusun|dsn",
}


@functools.cache
def level_word_re(level: str) -> re.Pattern:
    """Matches a leading level word such as "Desa " or "Kel." (nothing for other levels)."""
    words = _LEVEL_WORDS.get(level, r"(?!)")
    return re.compile(rf"^\s*(?:{words})(?:\.\s*|\s+)", re.IGNORECASE)


def regency() -> Region:
    """The kabupaten/kota this installation serves (``settings.GELIAT_REGENCY_CODE``)."""
    return Region.objects.get(code=settings.GELIAT_REGENCY_CODE)


def get_region_or_404(code: str) -> Region:
    return get_object_or_404(Region, code=code)


def region_children(*, parent_code: str, level: str | None = None) -> QuerySet[Region]:
    """Regions directly under ``parent_code``, by name.

    Asking a desa for its RWs also gives those that sit under its dusun: RW numbers
    run through the whole desa, so a person who skips the dusun can still pick one.
    """
    children = Q(parent_id=parent_code)
    if level == Level.RW:
        children |= Q(parent__parent_id=parent_code, parent__level=Level.DUSUN)
    regions = Region.objects.filter(children)
    if level:
        regions = regions.filter(level=level)
    return regions.order_by("name", "code")


def _rank(key: str) -> Case:
    """0 for an exact key, 1 for a prefix, 2 for a match inside the name."""
    return Case(
        When(name_key=key, then=Value(0)),
        When(name_key__startswith=key, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def region_search(
    *, q: str, within: str | None = None, levels: list[str] | None = None, limit: int = 20
) -> list[Region]:
    """Regions whose name or former spelling contains ``q``, best first.

    Case, spaces and punctuation are ignored ("ORO OROPULE" finds Oro-Oro Pule).
    Exact names come first, then names starting with ``q``, then the rest. A region
    found through an old spelling carries it in ``matched_alias``.
    """
    key = name_key(q)
    if not key:
        return []
    scope, alias_scope = Q(), Q()
    if within:
        scope &= region_prefix_q(within, "code")
        alias_scope &= region_prefix_q(within, "region__code")
    if levels:
        scope &= Q(level__in=levels)
        alias_scope &= Q(region__level__in=levels)
    found: dict[str, Region] = {}
    for region in (
        Region.objects.filter(scope, name_key__contains=key)
        .annotate(rank=_rank(key))
        .select_related("parent")
        .order_by("rank", "name", "code")[:limit]
    ):
        region.matched_alias = None
        found[region.code] = region
    for alias in (
        RegionAlias.objects.filter(alias_scope, name_key__contains=key)
        .annotate(rank=_rank(key))
        .select_related("region__parent")
        .order_by("rank", "name")[:limit]
    ):
        known = found.get(alias.region_id)
        if known is None or alias.rank < known.rank:
            alias.region.rank = alias.rank
            alias.region.matched_alias = alias.name
            found[alias.region_id] = alias.region
    return sorted(found.values(), key=lambda r: (r.rank, r.name, r.code))[:limit]


def region_match(*, name: str, level: str, within: str | None = None) -> Region | None:
    """The one region at ``level`` (inside ``within``) called ``name``; None if none or several.

    For importers: only whole names count (any case, spacing or punctuation), the
    current name before a former spelling, and "Desa X"/"Kec. X" as X.
    """
    scope = Q(level=level)
    if within:
        scope &= region_prefix_q(within, "code")
    keys = dict.fromkeys([name_key(name), name_key(level_word_re(level).sub("", name))])
    for key in filter(None, keys):
        for codes in (
            Region.objects.filter(scope, name_key=key).values_list("code", flat=True),
            RegionAlias.objects.filter(
                name_key=key, region__in=Region.objects.filter(scope)
            ).values_list("region_id", flat=True),
        ):
            distinct = set(codes.distinct()[:2])
            if len(distinct) == 1:
                return Region.objects.get(code=distinct.pop())
            if distinct:
                return None
    return None


def rw_in_desa(*, desa_code: str, number: int) -> Region | None:
    """The desa's RW of that number, directly under it or under one of its dusun."""
    # Through the parent index: a LIKE on the code would scan the whole table on SQLite.
    return (
        Region.objects.filter(
            Q(parent_id=desa_code) | Q(parent__parent_id=desa_code),
            code__endswith=unit_code("", Level.RW, number),
            level=Level.RW,
        )
        .order_by("code")
        .first()
    )


def unit_resolve(*, desa: Region, rw, rt) -> Region:
    """The deepest existing unit for RW/RT numbers under ``desa``, else the desa itself.

    Read-only: units that do not exist yet are not created (see ``unit_get_or_create``).
    """
    rw_number = unit_number(rw)
    unit = rw_in_desa(desa_code=desa.code, number=rw_number) if rw_number else None
    if unit is None:
        return desa
    rt_number = unit_number(rt)
    if rt_number:
        return Region.objects.filter(code=unit_code(unit.code, Level.RT, rt_number)).first() or unit
    return unit
