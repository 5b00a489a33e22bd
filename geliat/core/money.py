"""Rupiah amounts as people write them: ``1.500.000``, ``Rp 1,5 juta``, ``750rb``, ``2,5jt``."""

import re
from decimal import Decimal, InvalidOperation

_UNITS = {
    "rb": 1_000, "ribu": 1_000, "k": 1_000,
    "jt": 1_000_000, "juta": 1_000_000,
    "m": 1_000_000_000, "milyar": 1_000_000_000, "miliar": 1_000_000_000,
}
_PATTERN = re.compile(r"^(?P<num>[0-9][0-9.,]*)\s*(?P<unit>[a-z]*)$")


class MoneyError(ValueError):
    pass


def parse_rupiah(raw: str | int | None) -> int | None:
    """Whole Rupiah, or None for an empty value; :class:`MoneyError` when unreadable.

    With a unit (``2,5 juta``) a comma or dot is a decimal mark. Without one, dots and
    commas followed by exactly three digits group thousands (``1.500.000``); a final
    ``,00`` is cents and dropped.
    """
    if raw is None:
        return None
    if isinstance(raw, int):
        if raw < 0:
            raise MoneyError(raw)
        return raw
    text = str(raw).strip().lower().replace("rp.", "").replace("rp", "").replace("idr", "").replace(" ", "")
    text = text.rstrip(",-").rstrip(".")
    if not text:
        return None
    match = _PATTERN.match(text)
    if not match:
        raise MoneyError(raw)
    number, unit = match.group("num"), match.group("unit")
    if unit:
        if unit not in _UNITS:
            raise MoneyError(raw)
        try:
            return int(Decimal(number.replace(".", "").replace(",", ".") if "," in number else number) * _UNITS[unit])
        except InvalidOperation:
            raise MoneyError(raw) from None
    number = re.sub(r"[.,]00$", "", number)
    groups = re.split(r"[.,]", number)
    if len(groups) > 1 and not all(len(g) == 3 for g in groups[1:]):
        raise MoneyError(raw)
    return int("".join(groups))
