"""Text keys for matching region names as people write them."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def name_key(value: str) -> str:
    """Fold case, accents, spaces and punctuation: ``"Oro-Oro  Pule"`` → ``"ororopule"``."""
    folded = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub("", folded.lower())
