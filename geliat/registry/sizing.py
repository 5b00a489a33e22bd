"""Business size under PP 7/2021 (Pasal 35-36).

Capital (modal usaha, excluding land and buildings) and yearly sales each give a
class; when both are known the larger class counts, since a business is micro only
if it stays under both ceilings as the regulation's tables read.
"""

from geliat.registry.models import BusinessSize

MILLION = 1_000_000
# (upper bound inclusive, class) per criterion, in Rupiah.
CAPITAL_CEILINGS = ((1_000 * MILLION, BusinessSize.MICRO), (5_000 * MILLION, BusinessSize.SMALL), (10_000 * MILLION, BusinessSize.MEDIUM))
SALES_CEILINGS = ((2_000 * MILLION, BusinessSize.MICRO), (15_000 * MILLION, BusinessSize.SMALL), (50_000 * MILLION, BusinessSize.MEDIUM))
_ORDER = [BusinessSize.MICRO, BusinessSize.SMALL, BusinessSize.MEDIUM, BusinessSize.LARGE]


def _classify(amount: int, ceilings) -> BusinessSize:
    for ceiling, size in ceilings:
        if amount <= ceiling:
            return size
    return BusinessSize.LARGE


def business_size(*, capital: int | None, annual_sales: int | None) -> str:
    """The PP 7/2021 class, or ``""`` when neither capital nor sales is known."""
    classes = []
    if capital is not None:
        classes.append(_classify(capital, CAPITAL_CEILINGS))
    if annual_sales is not None:
        classes.append(_classify(annual_sales, SALES_CEILINGS))
    if not classes:
        return BusinessSize.UNKNOWN
    return max(classes, key=_ORDER.index)
