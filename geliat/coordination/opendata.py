"""The public open-data page's tables: aggregates only, small counts suppressed.

Every published count comes out of a kecamatan × affected-group table suppressed as a
whole (``suppression.suppress_table``): the per-kecamatan and per-group figures are that
table's margins, so a figure hidden in one place is hidden everywhere it appears and no
hidden figure can be worked out from the others.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from geliat.coordination import selectors
from geliat.coordination.suppression import suppress_table
from geliat.registry.models import AffectedGroup
from geliat.wilayah.models import Level, Region


def threshold() -> int:
    """Counts below this are not published (``GELIAT_OPEN_DATA_MIN_COUNT``, default 5)."""
    return int(getattr(settings, "GELIAT_OPEN_DATA_MIN_COUNT", 5))


def _crosstab(fig, areas, measure, minimum: int):
    counts = {
        (area.code, group): measure(fig.area_groups.get((area.code, group), selectors.Tally()))
        for area in areas for group in AffectedGroup.values
    }
    return suppress_table(
        counts, row_keys=[area.code for area in areas], column_keys=list(AffectedGroup.values), threshold=minimum
    )


def open_data_tables() -> dict:
    minimum = threshold()
    regency = Region.objects.get(code=settings.GELIAT_REGENCY_CODE)
    fig = selectors.figures(within=regency.code, area_level=Level.KECAMATAN, by_area_group=True)
    areas = selectors.area_regions(within=regency, level=Level.KECAMATAN)
    registered = _crosstab(fig, areas, lambda t: t.registered, minimum)
    verified = _crosstab(fig, areas, lambda t: t.verified, minimum)
    reached = _crosstab(fig, areas, lambda t: t.reached, minimum)
    by_area = [
        {"area": area, "registered": registered.row_totals[area.code], "verified": verified.row_totals[area.code],
         "reached": reached.row_totals[area.code]}
        for area in areas
    ]
    by_group = []
    for group in AffectedGroup.values:
        tally = fig.groups.get(group, selectors.Tally())
        enough = tally.revenue_reported >= minimum
        jobs_enough = tally.jobs_reported >= minimum
        by_group.append({
            "group": group, "label": AffectedGroup(group).label,
            "registered": registered.column_totals[group], "verified": verified.column_totals[group],
            "reached": reached.column_totals[group],
            "revenue_pct": tally.revenue_pct if enough else None, "revenue_hidden": not enough,
            "jobs_pct": tally.jobs_pct if jobs_enough else None, "jobs_hidden": not jobs_enough,
        })
    crosstab_rows = [
        {"area": area, "cells": registered.row(area.code), "total": registered.row_totals[area.code]} for area in areas
    ]
    totals = {"registered": registered.total, "verified": verified.total, "reached": reached.total}
    group_labels = [str(AffectedGroup(group).label) for group in AffectedGroup.values]
    downloads = {
        "kecamatan": (
            [_("Kecamatan"), _("Usaha terdaftar"), _("Terverifikasi"), _("Dijangkau program")],
            [[row["area"].name, row["registered"].csv, row["verified"].csv, row["reached"].csv] for row in by_area]
            + [[_("Jumlah"), totals["registered"].csv, totals["verified"].csv, totals["reached"].csv]],
        ),
        "kelompok": (
            [_("Kelompok terdampak"), _("Usaha terdaftar"), _("Terverifikasi"), _("Dijangkau program")],
            [[str(row["label"]), row["registered"].csv, row["verified"].csv, row["reached"].csv] for row in by_group],
        ),
        "kecamatan-kelompok": (
            [_("Kecamatan"), *group_labels, _("Jumlah")],
            [[row["area"].name, *(cell.csv for cell in row["cells"]), row["total"].csv] for row in crosstab_rows]
            + [[_("Jumlah"), *(cell.csv for cell in registered.column_total_list()), registered.total.csv]],
        ),
    }
    hidden = {
        area.code: cell.display for area in areas for cell in [registered.row_totals[area.code]] if cell.hidden
    }
    return {
        "threshold": minimum, "stats": selectors.latest_stats(), "regency": regency, "figures": fig,
        "by_area": by_area, "by_group": by_group, "crosstab_rows": crosstab_rows, "totals": totals,
        "column_totals": registered.column_total_list(), "group_labels": group_labels,
        "downloads": downloads, "hidden_areas": hidden,
    }

