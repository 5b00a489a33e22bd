"""Keeping exported text from running as a spreadsheet formula (CSV/formula injection).

Following OWASP's guidance, a text cell that starts with a character a spreadsheet reads
as the start of a formula gets a leading apostrophe, so it shows as text. Numbers typed
as numbers are not text: they stay numbers (a negative amount is still a number).
"""

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
