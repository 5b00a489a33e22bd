"""Charts as inline SVG drawn on the server: no JavaScript library, nothing fetched.

Each chart is a ``<figure>`` holding an SVG whose bars carry a ``<title>`` (the exact
figure on hover or long-press) and a text value beside them; the same numbers are in a
table on the page, so the chart is for seeing and the table for reading.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

BAR = 12
GAP = 3
ROW_GAP = 10
LABEL_WIDTH = 210
VALUE_WIDTH = 90
WIDTH = 640


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # class of its bars and legend key (coordination.css gives the colour)


def _format(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.0f}%"
    if unit == "Rp":
        if value >= 1_000_000_000:
            return _("Rp%(n)s M") % {"n": f"{value / 1_000_000_000:.1f}".replace(".", ",")}
        if value >= 1_000_000:
            return _("Rp%(n)s jt") % {"n": f"{value / 1_000_000:.1f}".replace(".", ",")}
        return f"Rp{value:,.0f}".replace(",", ".")
    return f"{value:,.0f}".replace(",", ".")


def bar_chart(
    rows: list[tuple[str, list[float | None]]], series: list[Series], *, title: str, unit: str = "", test_id: str = ""
) -> SafeString:
    """Horizontal grouped bars: one group per row (its label on the left), one bar per series."""
    top = max((value or 0 for _label, values in rows for value in values), default=0) or 1
    per_row = len(series) * (BAR + GAP) - GAP
    height = len(rows) * (per_row + ROW_GAP) + 4
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = []
    y = 2
    for label, values in rows:
        parts.append(format_html(
            '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
            LABEL_WIDTH - 6, y + per_row / 2 + 4, label[:34] + ("…" if len(label) > 34 else ""),
        ))
        for index, (value, serie) in enumerate(zip(values, series, strict=True)):
            bar_y = y + index * (BAR + GAP)
            length = 0 if not value else max(1.0, span * value / top)
            shown = "–" if value is None else _format(value, unit)
            # format_html escapes its arguments into text: numbers are formatted first.
            parts.append(format_html(
                '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}"><title>{}: {} — {}</title></rect>'
                '<text class="chart-value" x="{}" y="{}">{}</text>',
                serie.css, LABEL_WIDTH, bar_y, f"{length:.1f}", BAR, label, serie.name, shown,
                f"{LABEL_WIDTH + length + 4:.1f}", bar_y + BAR - 2, shown,
            ))
        y += per_row + ROW_GAP
    legend = format_html_join(
        "", '<span class="key"><span class="swatch {}"></span>{}</span>', ((serie.css, serie.name) for serie in series)
    )
    return format_html(
        '<figure class="chart"{}><figcaption>{}</figcaption><div class="legend">{}</div>'
        '<svg viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMinYMin meet">{}</svg></figure>',
        format_html(' data-testid="{}"', test_id) if test_id else "", title, legend, WIDTH, height, title,
        mark_safe("".join(parts)),  # noqa: S308 - every part was built by format_html above
    )
