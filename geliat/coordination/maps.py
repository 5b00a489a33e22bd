"""A choropleth of the regency (or one kecamatan) as data for the SVG template."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from geliat.coordination import geo
from geliat.coordination.metrics import Metric
from geliat.coordination.selectors import Figures, Tally


@dataclass(frozen=True)
class Area:
    shape: geo.Shape
    value: float | None
    display: str
    colour: str
    href: str | None


@dataclass(frozen=True)
class Choropleth:
    drawing: geo.Drawing
    areas: list[Area]
    legend: list[geo.LegendItem]
    labels: bool  # names drawn on the map (few areas) or left to the titles and the table


def display(value: float | None, *, percent: bool) -> str:
    if value is None:
        return "–"
    if percent:
        return f"{value:.0f}%"
    return f"{value:,.0f}".replace(",", ".")


def choropleth(
    *, level: str, within: str, metric: Metric, figures: Figures, href: Callable[[str], str | None],
    hidden: dict[str, str] | None = None,
) -> Choropleth:
    """Areas at ``level`` inside ``within`` ("" for the whole regency) coloured by ``metric``.

    ``hidden`` (the public map) maps an area's code to what it shows instead of its
    figure ("<5", "×"): such an area gets the suppressed colour and its figure is left out
    of the class breaks, so the legend cannot narrow it down either.
    """
    hidden = hidden or {}
    drawing = geo.drawing(level, within)
    values = {shape.code: metric.value(figures.areas.get(shape.code, Tally())) for shape in drawing.shapes}
    visible = [value for code, value in values.items() if code not in hidden]
    scale = metric.scale(visible)
    areas = []
    for shape in drawing.shapes:
        value = values[shape.code]
        if shape.code in hidden:
            areas.append(Area(shape=shape, value=None, display=hidden[shape.code], colour=geo.SUPPRESSED, href=None))
            continue
        areas.append(Area(
            shape=shape, value=value, display=display(value, percent=metric.percent), colour=scale.colour(value),
            href=href(shape.code),
        ))
    legend = scale.legend(none_label=_("tidak ada data") if metric.percent else _("0 / tidak ada"))
    if hidden:
        legend.insert(1, geo.LegendItem(label=_("disembunyikan (angka kecil)"), colour=geo.SUPPRESSED))
    return Choropleth(drawing=drawing, areas=areas, legend=legend, labels=len(drawing.shapes) <= 40)


def render_svg(chart: Choropleth, *, test_id: str, title: str, htmx: bool = False, small: bool = False) -> SafeString:
    """The map as inline SVG. Built here rather than in a template loop: the 365 desa of the
    regency would cost a template engine far more than joining their cached paths does."""
    classes = "map" + ("" if chart.labels else " desa") + (" small" if small else "")
    parts = [
        f'<svg class="{classes}" viewBox="{chart.drawing.view_box}" role="img" aria-labelledby="{test_id}-title" '
        f'data-testid="{escape(test_id)}"><title id="{escape(test_id)}-title">{escape(title)}</title>'
    ]
    for area in chart.areas:
        shape = area.shape
        code, name, shown = escape(shape.code), escape(shape.name), escape(area.display)
        path = (
            f'<path d="{shape.d}" fill="{area.colour}" data-code="{code}" data-value="{shown}">'
            f"<title>{name}: {shown}</title></path>"
        )
        if area.href:
            href = escape(area.href)
            swap = f' hx-get="{href}" hx-target="#map-panel" hx-swap="outerHTML" hx-push-url="true"' if htmx else ""
            path = f'<a href="{href}"{swap} data-code="{code}">{path}</a>'
        parts.append(path)
    if chart.labels:
        parts += [
            f'<text x="{area.shape.x:.1f}" y="{area.shape.y:.1f}" text-anchor="middle">{escape(area.shape.name)}</text>'
            for area in chart.areas
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - names and links escaped above; paths are our own numbers
