"""What the map can colour areas by: one figure of an area's :class:`Tally`."""

import math
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from geliat.coordination.geo import FIFTHS, Scale, quantile_uppers
from geliat.coordination.selectors import Tally

# Recovery against before the pandemic: under half, …, back to (or above) where it was.
RECOVERY = (50.0, 70.0, 85.0, 100.0, math.inf)


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    value: Callable[[Tally], float | None]
    percent: bool = False
    uppers: tuple[float, ...] | None = None

    def scale(self, values: list[float | None]) -> Scale:
        if self.percent:
            return Scale(uppers=self.uppers or FIFTHS, counts=False, unit="%")
        return Scale(uppers=quantile_uppers(values))


METRICS = (
    Metric("registered", _("Usaha terdaftar"), lambda t: t.registered),
    Metric("verified", _("Usaha terverifikasi"), lambda t: t.verified),
    Metric("verified_pct", _("Terverifikasi (% dari terdaftar)"), lambda t: t.verified_pct, percent=True),
    Metric("waiting", _("Menunggu verifikasi"), lambda t: t.waiting),
    Metric("reached", _("Dijangkau program (usaha)"), lambda t: t.reached),
    Metric("reached_pct", _("Terverifikasi yang sudah dijangkau program (%)"), lambda t: t.reached_pct, percent=True),
    Metric("unreached", _("Terverifikasi, belum dijangkau program apa pun"), lambda t: t.unreached_verified),
    Metric("revenue_pct", _("Omzet sekarang (% dari sebelum pandemi)"), lambda t: t.revenue_pct, percent=True, uppers=RECOVERY),
    Metric("jobs_pct", _("Tenaga kerja sekarang (% dari sebelum pandemi)"), lambda t: t.jobs_pct, percent=True, uppers=RECOVERY),
)
BY_KEY = {metric.key: metric for metric in METRICS}
CHOICES = [(metric.key, metric.label) for metric in METRICS]
