"""The regency drawn as SVG from its boundaries, with no tile server: works offline.

The boundary files (``geliat/wilayah/data/pasuruan_{kecamatan,desa}.geojson``, WGS84
lon/lat) are projected once per process into SVG path strings (equirectangular, with
longitude scaled by the cosine of the middle latitude, which at 7.75° S distorts less than
0.1 % across the regency), thinned to what shows at the drawing's size, and kept. A map is
then the cached paths with a fill class per area: no geometry work per request.
"""

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps

WIDTH = 1000.0
# Points closer than this (in drawing units) to the last one kept are dropped: finer for a
# kecamatan's desa drawn large than for all 365 desa at once.
TOLERANCE = {"kecamatan": 0.9, "desa": 2.5, "drill": 0.9}
FILES = {"kecamatan": "pasuruan_kecamatan.geojson", "desa": "pasuruan_desa.geojson"}


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    d: str  # SVG path data
    x: float  # label point (centre of the largest ring's box)
    y: float


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    shapes: tuple[Shape, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:.0f} {self.height:.0f}"


def _data_dir() -> Path:
    return Path(apps.get_app_config("wilayah").path) / "data"


@functools.cache
def _features(level: str) -> tuple[tuple[str, str, str, tuple], ...]:
    """(code, name, kecamatan code, polygons) of every area at ``level``; polygons are lists of rings."""
    with open(_data_dir() / FILES[level], encoding="utf-8") as handle:
        collection = json.load(handle)
    features = []
    for feature in collection["features"]:
        props, geometry = feature["properties"], feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        parent = props.get("kecamatan_code") or props["code"]
        features.append((props["code"], props["name"], parent, tuple(polygons)))
    return tuple(features)


def boundary_codes(level: str) -> frozenset[str]:
    """Codes that have a boundary at ``level`` (the map cannot draw any other)."""
    return frozenset(code for code, *_rest in _features(level))


def _bounds(polygons_list) -> tuple[float, float, float, float]:
    lons, lats = [], []
    for polygons in polygons_list:
        for polygon in polygons:
            for ring in polygon:
                for lon, lat in ring:
                    lons.append(lon)
                    lats.append(lat)
    return min(lons), min(lats), max(lons), max(lats)


def _ring_path(points: list[tuple[float, float]], tolerance: float) -> str:
    """Absolute first point, then relative moves: about half the characters of absolute ones."""
    kept = [points[0]]
    for x, y in points[1:]:
        last_x, last_y = kept[-1]
        if abs(x - last_x) + abs(y - last_y) >= tolerance:
            kept.append((x, y))
    if len(kept) < 3:
        return ""
    parts = [f"M{kept[0][0]:.1f} {kept[0][1]:.1f}l"]
    last_x, last_y = round(kept[0][0], 1), round(kept[0][1], 1)
    moves = []
    for x, y in kept[1:]:
        x, y = round(x, 1), round(y, 1)
        moves.append(f"{x - last_x:.1f} {y - last_y:.1f}".replace("-0.0", "0.0"))
        last_x, last_y = x, y
    return parts[0] + " ".join(moves) + "z"


@functools.cache
def drawing(level: str, within: str = "") -> Drawing:
    """The areas at ``level`` (``kecamatan`` or ``desa``) inside region ``within`` (all when
    empty), fitted to a drawing ``WIDTH`` wide. Cached for the life of the process."""
    features = [
        feature for feature in _features(level)
        if not within or feature[0] == within or feature[0].startswith(within + ".")
    ]
    if not features:
        return Drawing(width=WIDTH, height=WIDTH / 2, shapes=())
    min_lon, min_lat, max_lon, max_lat = _bounds([feature[3] for feature in features])
    x_scale = math.cos(math.radians((min_lat + max_lat) / 2))
    margin = 4.0
    scale = (WIDTH - 2 * margin) / ((max_lon - min_lon) * x_scale)
    height = (max_lat - min_lat) * scale + 2 * margin

    def project(lon: float, lat: float) -> tuple[float, float]:
        return margin + (lon - min_lon) * x_scale * scale, margin + (max_lat - lat) * scale

    tolerance = TOLERANCE["drill" if within else level]
    shapes = []
    for code, name, _parent, polygons in features:
        paths, best = [], (0.0, 0.0, 0.0)
        for polygon in polygons:
            for index, ring in enumerate(polygon):
                points = [project(lon, lat) for lon, lat in ring]
                path = _ring_path(points, tolerance)
                if path:
                    paths.append(path)
                if index == 0:
                    xs, ys = [p[0] for p in points], [p[1] for p in points]
                    area = (max(xs) - min(xs)) * (max(ys) - min(ys))
                    if area > best[0]:
                        best = (area, (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
        shapes.append(Shape(code=code, name=name, d="".join(paths), x=round(best[1], 1), y=round(best[2], 1)))
    return Drawing(width=WIDTH, height=round(height, 1), shapes=tuple(shapes))


# ---------------------------------------------------------------- classes and legend

# ColorBrewer "Greens" (5 classes), readable for colour-blind viewers, printable in grey.
PALETTE = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")
NO_DATA = "#f1f1f1"
SUPPRESSED = "#d9d9d9"
FIFTHS = (20.0, 40.0, 60.0, 80.0, math.inf)


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str


def _nice(value: float) -> float:
    """Round a break up to 1, 2, 2.5 or 5 × a power of ten, so the legend reads easily."""
    if value <= 0:
        return 0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def quantile_uppers(values, *, floor: float = 0) -> tuple[float, ...]:
    """Upper bounds of up to five classes: rounded quantiles of the values above ``floor``,
    the last class open-ended."""
    positive = sorted(value for value in values if value is not None and value > floor)
    if not positive:
        return ()
    uppers: list[float] = []
    top = positive[-1]
    for share in (0.2, 0.4, 0.6, 0.8):
        value = positive[min(len(positive) - 1, math.ceil(share * len(positive)) - 1)]
        # Rounded when that keeps the class below the largest value, else as it is.
        upper = _nice(value) if _nice(value) < top else value
        if upper < top and (not uppers or upper > uppers[-1]):
            uppers.append(upper)
    return (*uppers, math.inf)


@dataclass(frozen=True)
class Scale:
    """Classes for a choropleth. ``counts``: integers, with 0 drawn as "none"."""

    uppers: tuple[float, ...]
    counts: bool = True
    unit: str = ""

    def _palette(self) -> tuple[str, ...]:
        # Fewer classes use the darker end, so "most" always looks like the darkest green.
        return PALETTE[len(PALETTE) - len(self.uppers):]

    def colour(self, value) -> str:
        if value is None:
            return NO_DATA
        if self.counts and value <= 0:
            return NO_DATA
        for colour, upper in zip(self._palette(), self.uppers, strict=True):
            if value <= upper:
                return colour
        return PALETTE[-1]

    def legend(self, *, none_label: str) -> list[LegendItem]:
        items = [LegendItem(label=none_label, colour=NO_DATA)]
        lower = 1.0 if self.counts else 0.0
        for colour, upper in zip(self._palette(), self.uppers, strict=True):
            if math.isinf(upper):
                label = f"≥ {_number(lower)}{self.unit}" if self.counts else f"> {_number(lower)}{self.unit}"
            elif self.counts and lower == upper:
                label = f"{_number(upper)}{self.unit}"
            else:
                label = f"{_number(lower)}–{_number(upper)}{self.unit}"
            items.append(LegendItem(label=label, colour=colour))
            lower = upper + 1 if self.counts else upper
        return items


def _number(value: float) -> str:
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return text.replace(",", ".")
