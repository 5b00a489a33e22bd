"""Indonesian names and places as keys that compare the same person the same way.

Three forms of a person's name, each built on the one before:

- ``name_normalise``: readable, lower case, one space between words. Titles and
  degrees go (H., Hj., Haji, Hajjah, Drs., Ir., Dr., KH., S.Pd, S.E., M.Pd, A.Md …),
  spelling families become one word (Moch./Moh./M./Mochammad/Mohamad/Mohammad/
  Muhamad → ``muhammad``; Ach./Achmad/Akhmad → ``ahmad``; Abd./Abdoel → ``abdul``;
  St./Sitti → ``siti``; Noor/Noer → ``nur``), and the pre-1972 spellings become the
  current ones (oe → u, dj → j, tj → c, sj → sy, word-initial nj → ny, ch → kh).
- ``name_tokens``: the words of the normalised name, each folded by ``phonetic``
  (kh/ch → h, sy → s, dh → d, th → t, dz → z, q → k, j → y, doubled letters once,
  a final h after a vowel dropped), so "Chusnul", "Khusnul" and "Husnul" agree, and
  "Jusuf" (old spelling) meets "Yusuf".
- ``name_key``: those tokens joined without spaces, so "Nur Aisyah" and "Nuraisyah"
  have one key; ``name_core`` is the same without the common leading words
  (muhammad, ahmad, siti), which tell little about who someone is.

Places: ``place_key`` folds a desa/kecamatan name the same way (and drops "Desa",
"Ds.", "Kel." …); a dotted or plain Kemendagri code stays a code.

All functions take anything (None, numbers, garbage) and return a string, possibly
empty; results are cached because lists repeat the same names many times.
"""

import functools
import re
import unicodedata

_APOSTROPHES = re.compile(r"['`’‘ʼ´]")
_WORDS = re.compile(r"[a-z]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Titles written before a name, religious, academic or of address.
_TITLES = frozenset(
    "h hj haji hajjah hajah hajji drs dra dr ir prof kh kyai kiai ust ustad ustadz ustadzah ustaz ustazah "
    "ny nyonya tn tuan bpk bapak ibu bu pak sdr sdri saudara saudari alm almh almarhum almarhumah mbah "
    "ning gus".split()
)
# Degrees written after a name, as their letters run together ("S.Pd.I" → "spdi",
# "A. Md" → "amd"); stripped from the end, one to three words at a time.
_DEGREES = frozenset(
    "se sh st spd spdi spdsd sag ssos sip skom skm skep sked ssi sth shi sp spt sfarm spsi sak ssy sei ak "
    "mm msi mpd mh mkes mag mkom mt mpdi mhi amd ama amk amkeb amdkep amdkeb amg amdpar bsc ba msc mba phd "
    "dra drs ir".split()
)
_FAMILIES = {
    "muhammad": "muhammad moh moch mokh mukh mochammad mochamad mohammad mohamad muhamad muhammad mukhammad mokhammad "
    "much muchammad muchamad muh mhd mohd mohamed mohammed muhammed muhamed mochamat mukhamad",
    "ahmad": "ahmad ach achmad akhmad ahmat achmat akhmat",
    "abdul": "abdul abd abdoel abdol",
    "siti": "siti sitti",
    "nur": "nur noor noer nor",
}
_FAMILY_OF = {variant: head for head, variants in _FAMILIES.items() for variant in variants.split()}
# Words that start many names and tell little about who someone is.
_COMMON_LEADING = frozenset({"muhammad", "ahmad", "siti"})

_OLD_SPELLING = (
    (re.compile(r"oe"), "u"),
    (re.compile(r"dj"), "j"),
    (re.compile(r"tj"), "c"),
    (re.compile(r"sj"), "sy"),
    (re.compile(r"^nj"), "ny"),
    (re.compile(r"ch"), "kh"),
)
_PHONETIC = (
    (re.compile(r"kh"), "h"),
    (re.compile(r"sy"), "s"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"ts"), "s"),
    (re.compile(r"dh"), "d"),
    (re.compile(r"th"), "t"),
    (re.compile(r"dz"), "z"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"q"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"v"), "f"),
    (re.compile(r"j"), "y"),
    (re.compile(r"([a-z])\1+"), r"\1"),
    (re.compile(r"(?<=[aiueo])h$"), ""),
)


def _fold(value) -> str:
    """Lower case ASCII of any value; None and non-text become ""."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return text.lower()


@functools.lru_cache(maxsize=100_000)
def old_spelling_modernise(word: str) -> str:
    """One lower-case word in the current spelling: "djoko" → "joko", "soekarno" → "sukarno"."""
    while True:  # until nothing changes: "ddj" → "dj" → "j"
        before = word
        for pattern, replacement in _OLD_SPELLING:
            word = pattern.sub(replacement, word)
        if word == before:
            return word


@functools.lru_cache(maxsize=100_000)
def phonetic(word: str) -> str:
    """A lower-case word folded so spellings of one sound agree ("khoirul" → "hoirul",
    "syamsul" → "samsul", "fatimah" → "fatima", "jusuf" → "yusuf")."""
    for pattern, replacement in _PHONETIC:
        word = pattern.sub(replacement, word)
    return word


def _strip_degrees(words: list[str]) -> list[str]:
    while len(words) > 1:
        for size in (3, 2, 1):
            if len(words) > size and "".join(words[-size:]) in _DEGREES:
                del words[-size:]
                break
        else:
            return words
    return words


@functools.lru_cache(maxsize=200_000)
def name_normalise(value) -> str:
    """The readable normalised name: "H. MOCH. SHOLEH, S.Pd" → "muhammad sholeh"."""
    # Digits in a name cell are noise ("Sholeh 2"): they only separate words.
    text = _APOSTROPHES.sub("", _fold(value))
    # A degree follows a comma ("Budi Santoso, S.Pd."); a name does not.
    text = text.split(",", 1)[0]
    words = _WORDS.findall(text)
    last = len(words) - 1
    words = ["muhammad" if word == "m" and index < last else "siti" if word == "st" and index < last else word
             for index, word in enumerate(words)]
    # Until nothing changes: modernising can reveal a title ("Hadji" → "haji").
    previous = None
    while words != previous:
        previous = words
        while len(words) > 1 and words[0] in _TITLES:
            words = words[1:]
        words = _strip_degrees(list(words))
        words = [_FAMILY_OF.get(word) or _FAMILY_OF.get(modern := old_spelling_modernise(word), modern)
                 for word in words]
    return " ".join(words)


@functools.lru_cache(maxsize=200_000)
def name_tokens(value) -> tuple[str, ...]:
    """The phonetic words of a name, in order: "Siti Nur Aisyah" → ("siti", "nur", "aisa")."""
    return tuple(token for token in (phonetic(word) for word in name_normalise(value).split()) if token)


_DOUBLE = re.compile(r"([a-z])\1+")


def name_key(value) -> str:
    """The name as one comparable word: "Siti Nur Aisyah" and "SITI NURAISYAH" → "sitinuraisa"."""
    # Joining can bring two equal letters together ("Nur Rohmah"), as writing it as one word does.
    return _DOUBLE.sub(r"\1", "".join(name_tokens(value)))


_COMMON_LEADING_KEYS = frozenset(phonetic(word) for word in _COMMON_LEADING)


def name_core_tokens(value) -> tuple[str, ...]:
    """``name_tokens`` without the common leading words (muhammad, ahmad, siti), unless
    nothing else is left: "Moch. Sholeh" → ("soleh",)."""
    tokens = name_tokens(value)
    start = 0
    while start < len(tokens) - 1 and tokens[start] in _COMMON_LEADING_KEYS:
        start += 1
    return tokens[start:]


def name_core(value) -> str:
    """``name_core_tokens`` joined without spaces (equal letters meeting written once)."""
    return _DOUBLE.sub(r"\1", "".join(name_core_tokens(value)))


# --- places ----------------------------------------------------------------------

_PLACE_PREFIX = re.compile(r"^(?:desa|ds|dsa|kelurahan|kel|kecamatan|kec|kabupaten|kab|dusun|dsn)\b\s*")
_CODE = re.compile(r"^\s*(\d{2})\.?(\d{2})\.?(\d{2})(?:\.?(\d{4}))?\s*$")


def region_code(value) -> str:
    """A Kemendagri kecamatan or desa code in dotted form ("3514012001" → "35.14.01.2001"),
    or "" when ``value`` is not one."""
    match = _CODE.match(value if isinstance(value, str) else "" if value is None else str(value))
    if not match:
        return ""
    return ".".join(part for part in match.groups() if part)


@functools.lru_cache(maxsize=50_000)
def place_key(value) -> str:
    """A desa or kecamatan as a comparable key: a code in dotted form, or the name folded
    ("Ds. Kedjapanan" and "KEJAPANAN" → "keyapanan"; "Oro-Oro Pule" → "ororopule")."""
    code = region_code(value)
    if code:
        return code
    text = _APOSTROPHES.sub("", _fold(value)).strip()
    text = _PLACE_PREFIX.sub("", _NON_ALNUM.sub(" ", text).strip())
    return "".join(phonetic(old_spelling_modernise(word)) for word in _WORDS.findall(text))
