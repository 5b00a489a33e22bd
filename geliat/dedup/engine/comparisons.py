"""The comparisons of the model, written once and read three ways.

Each comparison lists its levels, strongest first, the last one being "everything
else". A level has SQL (for Splink on DuckDB and on Spark; the few functions that
differ are named by placeholders filled per dialect) and the Python function of the
comparison decides the same level from two prepared records, for scoring at entry
without a database. Tests check that both agree on the same pairs.

The coarse label of each level (``exact``/``close``/``different``; ``missing`` when a
side is empty) is what officers are shown for "which fields agreed".

Hard negatives. Household members share phone, RT/RW, address and often a surname;
twins also share birth date and a NIK that differs in one serial digit; namesakes share
a name and a desa. Those agreements are correlated, which a naive-Bayes model counts
again and again, and unsupervised EM does not learn that "both have a valid NIK and
the NIKs are clearly different" almost never happens to one person. So:

- the m probability of the "different" level of NIK, birth date and sex is fixed (not
  trained): one person in a thousand has two clearly different NIKs, and so on; the
  weight of that disagreement therefore stays strongly negative;
- NIK levels that only repeat what the birth date and desa comparisons already
  count (see the NIK comparison) have fixed m and u, so that evidence is not counted
  twice;
- names are "close" by Jaro-Winkler or one typo only when the first letter agrees:
  typos seldom hit it, while siblings are often named alike (Vina, Rina);
- ``guard`` then vetoes pairs whose agreement is household-shaped (see there).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import jellyfish

MISSING = "missing"
EXACT = "exact"
CLOSE = "close"
DIFFERENT = "different"

# SQL functions that are spelt differently per dialect.
DIALECT_FUNCTIONS = {
    "duckdb": {
        "jw": "jaro_winkler_similarity",
        "lev": "levenshtein",
        "dlev": "damerau_levenshtein",
        "subset": "(list_has_all({a}, {b}) OR list_has_all({b}, {a}))",
    },
    "spark": {
        "jw": "jaro_winkler",
        "lev": "levenshtein",
        "dlev": "damerau_levenshtein",
        "subset": "(size(array_except({b}, {a})) = 0 OR size(array_except({a}, {b})) = 0)",
    },
}

NAME_CLOSE_JW = 0.92
NAME_PARTIAL_JW = 0.88
PLACE_CLOSE_JW = 0.9
ADDRESS_CLOSE_JW = 0.9


@dataclass(frozen=True)
class Level:
    key: str
    coarse: str
    sql: str  # a template (see DIALECT_FUNCTIONS); "ELSE" for the last level
    m: float  # starting m probability (and the fixed one when ``fix_m``)
    u: float  # starting u probability (and the fixed one when ``fix_u``)
    fix_m: bool = False
    fix_u: bool = False


@dataclass(frozen=True)
class Comparison:
    name: str  # Splink's output column name (gamma_<name>)
    field: str  # the key in PairScore.levels
    description: str
    null_sql: str
    levels: tuple[Level, ...]
    level_of: Callable[[Mapping, Mapping], int | None] = field(repr=False)

    def sql(self, dialect: str) -> list[tuple[Level | None, str]]:
        functions = DIALECT_FUNCTIONS[dialect]

        def fill(template: str) -> str:
            text = template
            if "{subset}" in text:
                text = text.replace(
                    "{subset}", functions["subset"].format(a="name_tokens_l", b="name_tokens_r")
                )
            return text.format(**{k: v for k, v in functions.items() if k != "subset"})

        return [(None, self.null_sql)] + [(level, fill(level.sql)) for level in self.levels]


def _jw(a: str, b: str) -> float:
    return jellyfish.jaro_winkler_similarity(a, b)


# --- Python decisions: the same conditions as the SQL, in the same order --------------


def _nik(left: Mapping, right: Mapping) -> int | None:
    a, b = left["nik"], right["nik"]
    if not a or not b:
        return None
    if a == b and a[15] != "0":
        return 0
    fa, fb = left["nik_f"], right["nik_f"]
    dob_missing = not left["dob"] or not right["dob"]
    if fa == fb and a != b:
        return 1
    if fa[:15] == fb[:15] and (a[15] == "0" or b[15] == "0"):
        return 2 if dob_missing else 3
    if fa[:12] == fb[:12]:
        return 4 if dob_missing else 5
    if fa[6:] == fb[6:]:
        return 6
    if fa[6:12] != fb[6:12] and fa[6:12] == left["dob6"] and fb[6:12] == right["dob6"]:
        return 7
    if fa[:6] == fb[:6] and (
        jellyfish.damerau_levenshtein_distance(a[6:], b[6:]) <= 1
        or jellyfish.damerau_levenshtein_distance(fa[6:], fb[6:]) <= 1
    ):
        return 8
    return 9


def _similar(a: str, b: str, threshold: float) -> bool:
    """Jaro-Winkler at or above ``threshold`` and the same first letter: typos rarely
    hit the first letter, while siblings' names often differ only there (Vina, Rina)."""
    return a[:1] == b[:1] and _jw(a, b) >= threshold


def _typo(a: str, b: str) -> bool:
    """One letter added, dropped, changed or two swapped, not the first ("Edi", "Eid")."""
    return a[:1] == b[:1] and jellyfish.damerau_levenshtein_distance(a, b) <= 1


def _name(left: Mapping, right: Mapping) -> int | None:
    a, b = left["name_key"], right["name_key"]
    if not a or not b:
        return None
    if a == b:
        return 0
    ta, tb = set(left["name_tokens"]), set(right["name_tokens"])
    smaller = min(len(ta), len(tb))
    subset = bool(ta and tb) and (ta <= tb or tb <= ta)
    if (_similar(a, b, NAME_CLOSE_JW) or _typo(a, b) or left["name_core"] == right["name_core"]
            or (subset and smaller >= 2)):
        return 1
    if subset or _similar(left["name_core"], right["name_core"], NAME_PARTIAL_JW):
        return 2
    return 3


def _dob(left: Mapping, right: Mapping) -> int | None:
    a, b = left["dob"], right["dob"]
    if not a or not b:
        return None
    if a == b:
        return 0
    if a == right["dob_swap"]:
        return 1
    if jellyfish.levenshtein_distance(a, b) <= 1:
        return 2
    return 3


def _equal(column: str) -> Callable[[Mapping, Mapping], int | None]:
    def level_of(left: Mapping, right: Mapping) -> int | None:
        a, b = left[column], right[column]
        if not a or not b:
            return None
        return 0 if a == b else 1

    return level_of


def _village(left: Mapping, right: Mapping) -> int | None:
    vl, vr, dl, dr = left["vil"], right["vil"], left["dist"], right["dist"]
    if (not vl or not vr) and (not dl or not dr):
        return None
    if vl and vr and vl == vr:
        return 0
    nl, nr = left["vil_name"], right["vil_name"]
    if nl and nr and _jw(nl, nr) >= PLACE_CLOSE_JW:
        return 1
    if dl and dr and dl == dr:
        return 2
    return 3


def _rt_rw(left: Mapping, right: Mapping) -> int | None:
    if not left["rw"] or not right["rw"]:
        return None
    if left["rw"] == right["rw"]:
        return 0 if left["rt"] is not None and left["rt"] == right["rt"] else 1
    return 2


def _address(left: Mapping, right: Mapping) -> int | None:
    a, b = left["addr"], right["addr"]
    if not a or not b:
        return None
    if a == b:
        return 0
    return 1 if _jw(a, b) >= ADDRESS_CLOSE_JW else 2


_SAME_START = "substr({c}_l, 1, 1) = substr({c}_r, 1, 1)"
_EXCEL = "nik15_l = nik15_r AND (substr(nik_l, 16, 1) = '0' OR substr(nik_r, 16, 1) = '0')"


def _null(*columns: str) -> str:
    return " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        # "exact" needs a 16th digit other than 0: Excel zeroes it, so two people's
        # damaged NIKs can agree exactly; a 0 at the end is weighed as "excel".
        # "female40": equal once a woman's day is written without +40 (trained).
        # "excel_no_dob" / "serial_no_dob": the first 15 digits agree and one NIK ends in
        # a zeroed digit, or only the serial differs, and a birth date is missing: then
        # the NIK alone says both were born the same day in the same kecamatan (trained).
        # "excel" (with both birth dates present), "serial" (only the last 4 digits
        # differ) and "other_region" (only the first 6):
        # NIK repeats birth date and place, so agreement there is already counted by the
        # birth date and desa comparisons; given that, a differing serial or kecamatan
        # part mostly means another person (two people born the same day in one
        # kecamatan get serials 0001 and 0002). Their m and u are fixed, not trained:
        # u is this conditional chance, not the chance among random pairs.
        # "birth_part": the NIKs differ in their birth-date digits and each agrees with
        # its own record's birth date: two people born on different days, whatever the
        # edit distance. "one_edit": what is left of a single typo or transposition
        # after the kecamatan part (a slip inside the kecamatan part or the serial alone
        # is taken above); checked on those 10 digits only, which is cheaper.
        "nik", "nik", "NIK: exact / missing female +40 / Excel-zeroed 16th digit (birth date missing) / Excel-zeroed / "
        "serial only (birth date missing) / serial only / kecamatan part only / "
        "birth-date part, each as its record's birth date / one other typo or transposition / different",
        _null("nik"),
        (
            Level("exact", EXACT, "nik_l = nik_r AND substr(nik_l, 16, 1) <> '0'", 0.5, 1e-7),
            Level("female40", CLOSE, "nik_f_l = nik_f_r AND nik_l <> nik_r", 0.08, 1e-8),
            Level("excel_no_dob", CLOSE, f"{_EXCEL} AND (dob_l IS NULL OR dob_r IS NULL)", 0.01, 1e-8),
            Level("excel", CLOSE, _EXCEL, 0.1, 0.1, fix_m=True, fix_u=True),
            Level("serial_no_dob", CLOSE, "nik12_l = nik12_r AND (dob_l IS NULL OR dob_r IS NULL)", 0.02, 1e-6),
            Level("serial", CLOSE, "nik12_l = nik12_r", 0.05, 1.0, fix_m=True, fix_u=True),
            Level("other_region", CLOSE, "substr(nik_f_l, 7, 10) = substr(nik_f_r, 7, 10)", 0.02, 1.0,
                  fix_m=True, fix_u=True),
            Level("birth_part", DIFFERENT,
                  "substr(nik_f_l, 7, 6) <> substr(nik_f_r, 7, 6) AND substr(nik_f_l, 7, 6) = dob6_l "
                  "AND substr(nik_f_r, 7, 6) = dob6_r", 0.01, 1.0, fix_m=True, fix_u=True),
            Level("one_edit", CLOSE,
                  "substr(nik_f_l, 1, 6) = substr(nik_f_r, 1, 6) "
                  "AND ({dlev}(substr(nik_l, 7, 10), substr(nik_r, 7, 10)) <= 1 "
                  "OR {dlev}(substr(nik_f_l, 7, 10), substr(nik_f_r, 7, 10)) <= 1)", 0.25, 1e-6),
            Level("different", DIFFERENT, "ELSE", 0.002, 1.0, fix_m=True),
        ),
        _nik,
    ),
    Comparison(
        "name", "name", "Name (normalised): exact / Jaro-Winkler high, one typo, same core or one name's 2+ words all in the "
        "other / a single word in the other or core similar / different",
        _null("name_key"),
        (
            Level("exact", EXACT, "name_key_l = name_key_r", 0.8, 0.001),
            Level("close", CLOSE,
                  f"({_SAME_START.format(c='name_key')} AND ({{jw}}(name_key_l, name_key_r) >= {NAME_CLOSE_JW}"
                  " OR {dlev}(name_key_l, name_key_r) <= 1)) OR name_core_l = name_core_r"
                  " OR ({subset} AND least(name_count_l, name_count_r) >= 2)", 0.15, 0.003),
            Level("partial", CLOSE,
                  f"{{subset}} OR ({_SAME_START.format(c='name_core')} AND {{jw}}(name_core_l, name_core_r) >= "
                  f"{NAME_PARTIAL_JW})", 0.04, 0.01),
            Level("different", DIFFERENT, "ELSE", 0.01, 0.986),
        ),
        _name,
    ),
    Comparison(
        "dob", "birth_date", "Birth date: exact / day and month swapped / one digit off / different",
        _null("dob"),
        (
            Level("exact", EXACT, "dob_l = dob_r", 0.88, 5e-5),
            Level("swapped", CLOSE, "dob_l = dob_swap_r", 0.05, 5e-5),
            Level("one_digit", CLOSE, "{lev}(dob_l, dob_r) <= 1", 0.05, 0.004),
            Level("different", DIFFERENT, "ELSE", 0.005, 0.996, fix_m=True),
        ),
        _dob,
    ),
    Comparison(
        "sex", "sex", "Sex: same / different",
        _null("sex"),
        (
            Level("exact", EXACT, "sex_l = sex_r", 0.995, 0.5),
            Level("different", DIFFERENT, "ELSE", 0.005, 0.5, fix_m=True),
        ),
        _equal("sex"),
    ),
    Comparison(
        "village", "village", "Desa: same / similar spelling / same kecamatan / different",
        "(vil_l IS NULL OR vil_r IS NULL) AND (dist_l IS NULL OR dist_r IS NULL)",
        (
            Level("exact", EXACT, "vil_l = vil_r", 0.9, 0.003),
            Level("spelling", CLOSE, f"{{jw}}(vil_name_l, vil_name_r) >= {PLACE_CLOSE_JW}", 0.06, 0.002),
            Level("district", CLOSE, "dist_l = dist_r", 0.02, 0.04),
            Level("different", DIFFERENT, "ELSE", 0.02, 0.955),
        ),
        _village,
    ),
    Comparison(
        "rt_rw", "rt_rw", "RT/RW: both same / RW same / different",
        _null("rw"),
        (
            Level("exact", EXACT, "rw_l = rw_r AND rt_l = rt_r", 0.85, 0.05),
            Level("rw", CLOSE, "rw_l = rw_r", 0.05, 0.2),
            Level("different", DIFFERENT, "ELSE", 0.1, 0.75),
        ),
        _rt_rw,
    ),
    Comparison(
        "address", "address", "Address: same / similar / different",
        _null("addr"),
        (
            Level("exact", EXACT, "addr_l = addr_r", 0.8, 0.005),
            Level("close", CLOSE, f"{{jw}}(addr_l, addr_r) >= {ADDRESS_CLOSE_JW}", 0.1, 0.02),
            Level("different", DIFFERENT, "ELSE", 0.1, 0.975),
        ),
        _address,
    ),
    Comparison(
        "phone", "phone", "Phone: same / different",
        _null("phone"),
        (
            Level("exact", EXACT, "phone_l = phone_r", 0.85, 1e-5),
            Level("different", DIFFERENT, "ELSE", 0.15, 1.0),
        ),
        _equal("phone"),
    ),
)
BY_NAME = {comparison.name: comparison for comparison in COMPARISONS}
SPEC_VERSION = 1

# Blocking rules that generate the candidate pairs of a full run: each joins records
# sharing a narrow key, so the number of pairs grows with n, not n². Together they
# reach a duplicate that keeps any one of: its NIK's first 15 digits (Excel, +40,
# a typo in the 16th), its first 12 (a slip in the serial), name and phone, the
# letters of the name (a swapped or doubled letter keeps them) and birth date or desa,
# birth date and kecamatan, or phone and desa.
BLOCKING_RULES = (
    "l.nik15 = r.nik15",
    "l.nik12 = r.nik12",
    "l.name_key = r.name_key AND l.phone = r.phone",
    "l.name_letters = r.name_letters AND l.dob = r.dob",
    "l.name_letters = r.name_letters AND l.vil = r.vil",
    "l.dob = r.dob AND l.dist = r.dist",
    "l.phone = r.phone AND l.vil = r.vil",
)


def levels_of(left: Mapping, right: Mapping) -> dict[str, int | None]:
    """Level index (into ``Comparison.levels``) per comparison; None when a side is missing."""
    return {comparison.name: comparison.level_of(left, right) for comparison in COMPARISONS}


def guard(keys: Mapping[str, str]) -> bool:
    """False for a pair whose agreement is household-shaped, whatever its weight.

    ``keys``: level key per comparison name ("missing" when a side is empty).

    - Both NIKs present and clearly different, and the birth dates not the same, or
      the NIKs differing in their birth-date digits as the two birth dates do: two
      people (a household member, a namesake). One person with two NIKs shows the
      same birth date and name, which the officer then reviews.
    - Names clearly different (after normalisation not similar, not even sharing all
      the words of the shorter one): twins (NIKs one serial apart, or one NIK missing)
      share birth date, address, RT/RW and phone; spouses and siblings share all but
      the birth date; a NIK mistyped into a twin's agrees exactly but brings its own
      name.
    - Names only partly alike (one's words inside the other's, or similar once the
      common leading words are set aside) without a NIK that agrees or nearly agrees:
      siblings named alike (Reza and Rizal Yaqin) with everything else of the house.
    """
    nik, name, dob = keys["nik"], keys["name"], keys["dob"]
    if (nik == "different" and dob != "exact") or nik == "birth_part":
        return False
    if name == "different":
        return False
    if name == "partial" and nik not in ("exact", "female40", "excel_no_dob", "one_edit"):
        return False
    return True

