"""Codes of the units a desa keeps below itself: dusun, RW and RT.

``{desa}.D{nn}`` for a dusun, ``{parent}.RW{nnn}`` for an RW (parent: the dusun it
belongs to, or the desa), ``{rw}.RT{nnn}`` for an RT. Numbers are zero-padded so
codes sort in order.
"""

import re

from geliat.wilayah.models import Level

_PREFIX = {Level.DUSUN: ("D", 2), Level.RW: ("RW", 3), Level.RT: ("RT", 3)}
_DIGITS = re.compile(r"\d+")


def unit_number(value: str | int) -> int | None:
    """``"RT 03"``, ``"003"``, ``3`` → 3; ``None`` when there is no positive number."""
    if isinstance(value, int):
        return value if value > 0 else None
    match = _DIGITS.search(str(value or ""))
    if not match:
        return None
    number = int(match.group())
    return number if 0 < number < 1000 else None


def unit_code(parent_code: str, level: str, number: int) -> str:
    """The code of unit ``number`` at ``level`` directly under ``parent_code``."""
    prefix, width = _PREFIX[Level(level)]
    return f"{parent_code}.{prefix}{number:0{width}d}"


def unit_name(level: str, number: int, name: str = "") -> str:
    if level == Level.DUSUN:
        return name or str(number)
    return f"{'RW' if level == Level.RW else 'RT'} {number:03d}"


_SEGMENT = re.compile(r"^(D|RW|RT)(\d+)$")


def numbers_from_code(code: str) -> dict[str, str]:
    """The RW and RT numbers a unit code carries: ``….RW001.RT003`` → ``{"rw": "001", "rt": "003"}``."""
    found = {"rw": "", "rt": ""}
    for part in code.split(".")[4:]:
        match = _SEGMENT.match(part)
        if match and match.group(1) in ("RW", "RT"):
            found[match.group(1).lower()] = f"{int(match.group(2)):03d}"
    return found
