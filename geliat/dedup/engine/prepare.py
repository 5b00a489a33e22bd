"""From records as people typed them to the columns the comparisons read.

Every value is cleaned by a pure function that never raises: what cannot be read
becomes None (missing), which lowers the evidence instead of stopping a run. Whole
tables are prepared column by column on the distinct values only (lists repeat
names, places and dates many times), so a million rows cost seconds, not minutes.

Prepared columns (None when missing or unreadable):

- ``unique_id``: the record's id, as text.
- ``nik``: 16 digits; placeholders (one digit repeated, a leading 0, only zeros after
  the kecamatan) count as missing. ``nik_f``: the NIK with a woman's day (41–71)
  brought back to 01–31, so a NIK typed without the +40 agrees with the real one.
  ``nik15``: the first 15 digits of ``nik_f`` (Excel zeroes the 16th); ``nik12``: its
  first 12 (kecamatan and birth date, without the serial).
- ``name_key``, ``name_core``, ``name_tokens`` (list of words): see
  ``geliat.dedup.names``; ``name_count``: how many distinct words;
  ``name_letters``: the distinct letters of the key, sorted (for blocking).
- ``sex``: "L" or "P".
- ``dob``: birth date as ISO text; ``dob_swap``: the same with day and month swapped,
  when that is another real date; ``dob_year``: the year as text; ``dob6``: ddmmyy,
  as the NIK writes it (without the +40).
- ``vil`` / ``dist``: desa and kecamatan as a dotted code or a folded name
  (``names.place_key``); a desa code also gives its kecamatan. ``vil_name``: ``vil``
  when it is a name (compared by spelling), None when it is a code.
- ``rt`` / ``rw``: the number without leading zeros ("003" → "3"); "03/05" in the RT
  column fills both.
- ``addr``: the address folded, with the usual abbreviations written one way.
- ``phone``: the subscriber number without +62/62/0 ("0812-3456-7890" → "81234567890").
"""

import datetime
import functools
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from geliat.dedup import names

FIELDS = ("id", "nik", "name", "sex", "birth_date", "address", "rt", "rw", "village", "district", "phone")
COLUMNS = (
    "unique_id", "nik", "nik_f", "nik15", "nik12", "name_key", "name_core", "name_tokens", "name_count", "name_letters", "sex", "dob", "dob_swap",
    "dob_year", "dob6", "vil", "vil_name", "dist", "rt", "rw", "addr", "phone",
)

_NOT_DIGITS = re.compile(r"[^0-9]")
_NIK_NUMBER_CELL = re.compile(r"^([0-9]{16})[.,]0+$")
_REPEATED = re.compile(r"^(\d)\1+$")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN from pandas
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


_NIK_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u200b-\u200d\ufeff\u00a0]")
_NIK_SHAPE = re.compile(r"^[1-9][0-9]{15}$")
_NIK_PLACEHOLDER = re.compile(r"^[0-9]{6}0{10}$")


def clean_nik(value) -> str | None:
    """16 digits, or None for an empty, short, long, lettered ("3.51401E+15": the digits
    are gone) or placeholder NIK (one digit repeated, only zeros after the kecamatan).
    Spaces, dots, dashes, a leading apostrophe and a number cell's ".0" are dropped."""
    text = _text(value)
    if not text:
        return None
    text = text.removeprefix("'")
    if match := _NIK_NUMBER_CELL.match(text):
        text = match.group(1)
    digits = _NIK_SEPARATORS.sub("", text)
    if not _NIK_SHAPE.match(digits) or _NIK_PLACEHOLDER.match(digits) or digits == digits[0] * 16:
        return None
    return digits


def nik_female_normalised(nik: str | None) -> str | None:
    """The NIK with a woman's encoded day (41–71) written as the day itself (01–31)."""
    if not nik:
        return None
    day = int(nik[6:8])
    if 41 <= day <= 71:
        return f"{nik[:6]}{day - 40:02d}{nik[8:]}"
    return nik


_SEX = {
    "l": "L", "lk": "L", "laki": "L", "lakilaki": "L", "laki2": "L", "pria": "L", "m": "L", "male": "L", "1": "L",
    "p": "P", "pr": "P", "pr.": "P", "perempuan": "P", "wanita": "P", "w": "P", "f": "P", "female": "P", "2": "P",
}


def clean_sex(value) -> str | None:
    """"L" or "P" from the ways lists write it (L, LK, Laki-laki, Pria, P, Perempuan, Wanita…)."""
    text = _text(value).lower()
    return _SEX.get(re.sub(r"[^a-z0-9]", "", text))


_MONTHS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "pebruari": 2, "february": 2, "mar": 3,
    "maret": 3, "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6, "june": 6, "jul": 7,
    "juli": 7, "july": 7, "agu": 8, "agt": 8, "ags": 8, "agustus": 8, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "okt": 10, "oktober": 10, "oct": 10, "october": 10, "nov": 11, "nop": 11, "november": 11,
    "nopember": 11, "des": 12, "desember": 12, "dec": 12, "december": 12,
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_DMY = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2}|\d{4})$")
_WORDY = re.compile(r"^(\d{1,2})[-/. ]+([a-z]+)[-/. ,]+(\d{4})$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{4})$")


def _this_year() -> int:
    # Read when used, not at import: a worker running across New Year sees the new year.
    return datetime.date.today().year


def _date(year: int, month: int, day: int) -> datetime.date | None:
    if year < 100:
        this_year = _this_year()
        year += 1900 if year > this_year % 100 else 2000
    if not 1900 <= year <= _this_year():
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


@functools.lru_cache(maxsize=200_000)
def _clean_date_text(text: str) -> datetime.date | None:
    text = text.strip().lower()
    if "," in text:  # "Pasuruan, 12-03-1985": place and date of birth in one cell
        text = text.rsplit(",", 1)[1].strip()
    if match := _ISO.match(text):
        return _date(int(match[1]), int(match[2]), int(match[3]))
    if match := _DMY.match(text):
        return _date(int(match[3]), int(match[2]), int(match[1]))
    if match := _WORDY.match(text):
        month = _MONTHS.get(match[2])
        return _date(int(match[3]), month, int(match[1])) if month else None
    if match := _COMPACT.match(text):
        return _date(int(match[3]), int(match[2]), int(match[1]))
    return None


def clean_date(value) -> datetime.date | None:
    """A birth date from a date, ISO text (with or without a time), day-month-year with
    / - . or spaces (Indonesian order), "12 Maret 1985" or "12031985", also after a
    place and a comma ("Pasuruan, 12-03-1985"); None otherwise."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value if 1900 <= value.year <= _this_year() else None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else clean_date(value.date())
    text = _text(value)
    return _clean_date_text(text) if text else None


def swapped(born: datetime.date | None) -> datetime.date | None:
    """The date with day and month swapped, when that is another real date."""
    if born is None or born.day > 12 or born.day == born.month:
        return None
    return born.replace(month=born.day, day=born.month)


@functools.lru_cache(maxsize=10_000)
def clean_unit(value) -> str | None:
    """An RT or RW number without leading zeros ("003" → "3"); None if there is none."""
    digits = re.findall(r"\d+", _text(value))
    if not digits:
        return None
    number = int(digits[0])
    return str(number) if 0 < number < 1000 else None


def split_rt_rw(rt, rw) -> tuple[str | None, str | None]:
    """RT and RW; an RT cell holding both ("03/05", "RT 3 RW 5") fills the RW too."""
    text = _text(rt)
    numbers = re.findall(r"\d+", text)
    if len(numbers) >= 2 and not _text(rw):
        return clean_unit(numbers[0]), clean_unit(numbers[1])
    return clean_unit(text), clean_unit(rw)


_ADDRESS_WORDS = {
    "jalan": "jl", "jln": "jl", "gang": "gg", "dusun": "dsn", "dukuh": "dsn", "perumahan": "perum",
    "nomor": "no", "nmr": "no", "blk": "blok", "desa": "ds", "kelurahan": "kel",
}


@functools.lru_cache(maxsize=200_000)
def clean_address(value) -> str | None:
    """The address folded: "Jalan Masjid No. 12" and "JL. MASJID NO 12" → "jl masjid no 12"."""
    words = re.findall(r"[a-z0-9]+", names._fold(value))
    words = [_ADDRESS_WORDS.get(word, word) for word in words]
    return " ".join(names.phonetic(names.old_spelling_modernise(word)) for word in words) or None


def clean_phone(value) -> str | None:
    """The subscriber number without country code or trunk 0; None when under 8 digits."""
    text = _text(value)
    if not text:
        return None
    digits = _NOT_DIGITS.sub("", text)
    if digits.startswith("62"):
        digits = digits[2:]
    digits = digits.lstrip("0")
    if len(digits) < 8 or len(digits) > 13 or _REPEATED.match(digits):
        return None
    return digits


def _none_if_empty(value: str) -> str | None:
    return value or None


@functools.lru_cache(maxsize=200_000)
def _name_parts(value) -> tuple[str | None, str | None, tuple[str, ...]]:
    key = names.name_key(value)
    if not key:
        return None, None, ()
    return key, names.name_core(value), names.name_tokens(value)


def _letters(key: str | None) -> str | None:
    """The distinct letters of a name key, sorted: a typo that swaps or doubles a letter
    keeps them ("teguh", "teugh" → "eghtu"), so blocking on them reaches such pairs."""
    return "".join(sorted(set(key))) if key else None


def _place(value) -> str | None:
    return names.place_key(_text(value)) or None


def _place_name(key: str | None) -> str | None:
    """The key when it is a folded name, None when it is a code (codes are not spelt)."""
    return None if not key or key[:1].isdigit() else key


def _district_of(village: str | None, district: str | None) -> str | None:
    if district:
        return district
    if village and village[:1].isdigit() and village.count(".") == 3:
        return village.rsplit(".", 1)[0]  # a desa code names its kecamatan
    return None


def prepare_record(record: Mapping) -> dict:
    """One record as the prepared columns (see the module docstring)."""
    nik = clean_nik(record.get("nik"))
    nik_f = nik_female_normalised(nik)
    key, core, tokens = _name_parts(_text(record.get("name")))
    born = clean_date(record.get("birth_date"))
    other = swapped(born)
    rt, rw = split_rt_rw(record.get("rt"), record.get("rw"))
    village = _place(record.get("village"))
    return {
        "unique_id": _text(record.get("id")),
        "nik": nik,
        "nik_f": nik_f,
        "nik15": nik_f[:15] if nik_f else None,
        "nik12": nik_f[:12] if nik_f else None,
        "name_key": key,
        "name_core": core,
        "name_tokens": tokens,
        "name_count": len(set(tokens)),
        "name_letters": _letters(key),
        "sex": clean_sex(record.get("sex")),
        "dob": born.isoformat() if born else None,
        "dob_swap": other.isoformat() if other else None,
        "dob_year": str(born.year) if born else None,
        "dob6": f"{born:%d%m%y}" if born else None,
        "vil": village,
        "vil_name": _place_name(village),
        "dist": _district_of(village, _place(record.get("district"))),
        "rt": rt,
        "rw": rw,
        "addr": clean_address(_text(record.get("address"))),
        "phone": clean_phone(record.get("phone")),
    }


def _codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    return pd.factorize(series, use_na_sentinel=True)


def _spread(codes: np.ndarray, uniques, function, outputs: int) -> list[np.ndarray]:
    """``function`` (returning ``outputs`` values) applied once per distinct value, each
    output spread over the rows; rows with a missing value get None."""
    columns = [np.empty(len(uniques) + 1, dtype=object) for _ in range(outputs)]
    for index, value in enumerate(uniques):
        result = function(value)
        for column, item in zip(columns, result if outputs > 1 else (result,), strict=True):
            column[index] = item
    empty = function(None)
    for column, item in zip(columns, empty if outputs > 1 else (empty,), strict=True):
        column[-1] = item  # code -1: None or NaN in the column
    return [column[codes] for column in columns]


def _mapped(series: pd.Series, function, outputs: int = 1) -> list[np.ndarray]:
    codes, uniques = _codes(series)
    return _spread(codes, uniques, function, outputs)


def _arrow_text(series: pd.Series):
    """The column as a pyarrow string array (nulls for None/NaN), or None when it holds
    values that are not text (dates, numbers): those go the per-value way."""
    import pyarrow as pa

    if series.dtype != object and not pd.api.types.is_string_dtype(series.dtype):
        return None
    try:
        return pa.array(series, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def _arrow_nik(text):
    """``clean_nik`` and ``nik_female_normalised`` over a whole pyarrow string array."""
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(text)
    text = pc.replace_substring_regex(text, r"^'", "")
    text = pc.replace_substring_regex(text, r"^([0-9]{16})[.,]0+$", r"\1")
    text = pc.replace_substring_regex(text, r"[\s.\-\x{2010}-\x{2015}\x{200b}-\x{200d}\x{feff}\x{a0}]", "")
    shape = pc.match_substring_regex(text, r"^[1-9][0-9]{15}$")
    placeholder = pc.match_substring_regex(text, r"^[0-9]{6}0{10}$")
    repeated = pc.equal(text, pc.binary_repeat(pc.utf8_slice_codeunits(text, 0, 1), 16))
    valid = pc.fill_null(pc.and_(shape, pc.invert(pc.or_(placeholder, repeated))), False)
    nik = pc.if_else(valid, text, None)
    day = pc.cast(pc.utf8_slice_codeunits(nik, 6, 8), "int32")
    female = pc.and_(pc.greater_equal(day, 41), pc.less_equal(day, 71))
    day = pc.if_else(female, pc.subtract(day, 40), day)
    nik_f = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(nik, 0, 6), pc.utf8_lpad(pc.cast(day, "string"), 2, "0"),
        pc.utf8_slice_codeunits(nik, 8, 16), "",
    )
    return nik.to_numpy(zero_copy_only=False), nik_f.to_numpy(zero_copy_only=False)


def _arrow_phone(text):
    """``clean_phone`` over a whole pyarrow string array."""
    import pyarrow.compute as pc

    digits = pc.replace_substring_regex(text, r"[^0-9]", "")
    digits = pc.replace_substring_regex(digits, r"^62", "")
    digits = pc.replace_substring_regex(digits, r"^0+", "")
    length = pc.utf8_length(digits)
    repeated = pc.equal(digits, pc.binary_repeat(pc.utf8_slice_codeunits(digits, 0, 1), length))
    valid = pc.fill_null(pc.and_(pc.and_(pc.greater_equal(length, 8), pc.less_equal(length, 13)), pc.invert(repeated)), False)
    return pc.if_else(valid, digits, None).to_numpy(zero_copy_only=False)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def to_frame(records) -> pd.DataFrame:
    """Records (an iterable of Mappings, or a DataFrame with ``FIELDS`` columns) as a DataFrame of raw fields."""
    if isinstance(records, pd.DataFrame):
        return records
    rows = records if isinstance(records, list) else list(records)
    return pd.DataFrame.from_records([{field: row.get(field) for field in FIELDS} for row in rows], columns=list(FIELDS))


def _name_all(value) -> tuple:
    key, core, tokens = _name_parts(_text(value))
    return key, core, list(tokens), len(set(tokens)), _letters(key)


def _date_all(value) -> tuple:
    born = clean_date(value)
    if born is None:
        return None, None, None, None
    other = swapped(born)
    return born.isoformat(), other.isoformat() if other else None, str(born.year), f"{born:%d%m%y}"


def _rt_all(value) -> tuple:
    text = _text(value)
    numbers = re.findall(r"\d+", text)
    return clean_unit(text), clean_unit(numbers[1]) if len(numbers) >= 2 else None


def _rw_all(value) -> tuple:
    text = _text(value)
    return clean_unit(text), not text


def prepare_frame(records) -> pd.DataFrame:
    """All records as prepared columns, one row each, in input order.

    Text columns are cleaned once per distinct value (lists repeat names, places and
    dates), NIK and phone (nearly all distinct) with pyarrow over the whole column; the
    results equal ``prepare_record`` row by row.
    """
    frame = to_frame(records).reset_index(drop=True)
    out = {}

    ids = _column(frame, "id")
    ids = ids.astype(str) if ids.map(type).eq(str).all() else ids.map(_text)
    if ids.duplicated().any() or (ids == "").any():
        raise ValueError("every record needs a distinct, non-empty id")
    out["unique_id"] = ids.to_numpy(dtype=object)

    raw_nik = _column(frame, "nik")
    arrow = _arrow_text(raw_nik)
    if arrow is not None:
        nik, nik_f = _arrow_nik(arrow)
    else:
        nik, nik_f = _mapped(raw_nik, lambda v: (n := clean_nik(v), nik_female_normalised(n)), 2)
    out["nik"], out["nik_f"] = nik, nik_f
    nik_f_series = pd.Series(nik_f, dtype=object)
    out["nik15"] = nik_f_series.str.slice(0, 15).to_numpy(dtype=object)
    out["nik12"] = nik_f_series.str.slice(0, 12).to_numpy(dtype=object)

    (out["name_key"], out["name_core"], out["name_tokens"], out["name_count"],
     out["name_letters"]) = _mapped(_column(frame, "name"), _name_all, 5)
    out["sex"], = _mapped(_column(frame, "sex"), clean_sex)
    out["dob"], out["dob_swap"], out["dob_year"], out["dob6"] = _mapped(_column(frame, "birth_date"), _date_all, 4)

    village, vil_name = _mapped(_column(frame, "village"), lambda v: (p := _place(v), _place_name(p)), 2)
    district, = _mapped(_column(frame, "district"), _place)
    out["vil"], out["vil_name"] = village, vil_name
    from_code = pd.Series(village, dtype=object).map(lambda v: _district_of(v, None), na_action="ignore")
    out["dist"] = np.where(pd.isna(district), from_code.to_numpy(dtype=object), district)

    rt, rw_in_rt = _mapped(_column(frame, "rt"), _rt_all, 2)
    rw, rw_blank = _mapped(_column(frame, "rw"), _rw_all, 2)
    out["rt"] = rt
    out["rw"] = np.where(rw_blank.astype(bool), rw_in_rt, rw)

    out["addr"], = _mapped(_column(frame, "address"), lambda v: clean_address(_text(v)))
    raw_phone = _column(frame, "phone")
    arrow = _arrow_text(raw_phone)
    out["phone"] = _arrow_phone(arrow) if arrow is not None else _mapped(raw_phone, clean_phone)[0]

    prepared = pd.DataFrame({name: out[name] for name in COLUMNS})
    prepared["name_count"] = prepared["name_count"].astype("int64")
    for name in COLUMNS:
        if name not in ("name_tokens", "name_count"):
            column = prepared[name]
            prepared[name] = column.astype(object).where(column.notna(), None)
    prepared["name_tokens"] = [tokens if isinstance(tokens, list) else [] for tokens in prepared["name_tokens"]]
    return prepared
