"""Cleaning one imported row: values as people write them into typed values, or reasons.

Each cleaner takes the cell's text and returns the value and an error sentence in
Indonesian (without the column name: ``clean_row`` puts the user's own header in
front, "Kolom “Tgl Lahir”: …"). A row with any error is rejected whole; warnings
are kept with an accepted row.

Speed: ``clean_row`` runs once per row of files with a million rows. Patterns are
compiled once, nothing here queries the database per row, and everything read from
the region table goes through a :class:`RegionCache` built once per import: the
codes a NIK is checked against are loaded once, and each distinct kecamatan, desa and
RW/RT spelling is looked up once.
"""

import dataclasses
import datetime
import functools
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from geliat.core.money import MoneyError, parse_rupiah
from geliat.core.phones import PhoneCheck, phone_check
from geliat.core.scope import region_prefix_q
from geliat.imports.fields import FIELDS
from geliat.registry.models import AffectedGroup, Impact, KbliSection
from geliat.registry.nik import NikCheck, nik_check, nik_maybe_zeroed
from geliat.wilayah.models import Level, Region
from geliat.wilayah.selectors import level_word_re, region_match, unit_resolve
from geliat.wilayah.text import name_key
from geliat.wilayah.units import unit_number

# "-", "N/A", "tidak ada" and the like mean an empty cell.
_BLANK = re.compile(r"[\s\-–—./?]*|(?i:n/?a|nan|none|null|kosong|tidak ada|tdk ada|belum ada)")
_LETTERS = re.compile(r"[^\W\d_].*[^\W\d_]", re.DOTALL)

# The largest amount accepted, as in the registry's forms: far above any UMKM figure.
MAX_AMOUNT = 10**15
MAX_EMPLOYEES = 100_000
# A float holds every integer below this exactly; a number cell above it may be off.
_FLOAT_EXACT_BELOW = 2**53


# First characters of the forms above: most cells start otherwise and skip the pattern.
_BLANK_START = frozenset(" \t\r\n\xa0-–—./?nNkKtTbB")


def _blank(text: str) -> bool:
    return not text or (text[0] in _BLANK_START and _BLANK.fullmatch(text) is not None)


def _squash(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=8192)
def _category_key(text: str) -> str:
    """``name_key`` of a cell holding a category (sex, group, impacts): such cells repeat
    down a file, so each spelling is folded once."""
    return name_key(text)


# Dates ----------------------------------------------------------------------------

_MONTH_NAMES = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
_MONTHS = {
    **{name.lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)},
    **{name.lower()[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)},
    "pebruari": 2, "peb": 2, "agt": 8, "ags": 8, "agst": 8, "sept": 9, "nopember": 11, "nop": 11,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "aug": 8, "october": 10, "oct": 10, "december": 12, "dec": 12,
}
_ISO_DATE = re.compile(
    r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_NUMERIC_DATE = re.compile(r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?: 0?0:00(?::00)?)?")
_NAMED_DATE = re.compile(r"(?P<d>\d{1,2})[\s\-/.]*(?P<m>[^\W\d_]+)\.?[\s\-/.,]*(?P<y>\d{4})")
_SHORT_YEAR = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2}|\d{1,2}[\s\-/.]*[^\W\d_]+\.?[\s\-/.]*\d{2}")
_EARLIEST = datetime.date(1900, 1, 1)


def _spoken(date: datetime.date) -> str:
    """``17 Agustus 1980``: a date no reader can take the wrong way round."""
    return f"{date.day} {_MONTH_NAMES[date.month - 1]} {date.year}"


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _date_readings(text: str) -> tuple[list[datetime.date], str | None]:
    """The dates ``text`` can mean (two when day and month could be swapped), or an error."""
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        readings = [(year, month, day)]
    elif match := _NUMERIC_DATE.fullmatch(text):
        first, second, year = int(match["a"]), int(match["b"]), int(match["y"])
        if first > 12 or second > 12 or first == second:
            # Unambiguous: whichever is above 12 is the day (8/17/1980 came from a US spreadsheet).
            readings = [(year, second, first)] if second <= 12 else [(year, first, second)]
        else:
            readings = [(year, second, first), (year, first, second)]
    elif (match := _NAMED_DATE.fullmatch(text)) and match["m"].lower() in _MONTHS:
        readings = [(int(match["y"]), _MONTHS[match["m"].lower()], int(match["d"]))]
    elif _SHORT_YEAR.fullmatch(text):
        return [], _("tahun pada “%(value)s” hanya 2 angka. Tulis tahun lengkap 4 angka, misalnya 17/08/1980.") % {"value": text}
    else:
        return [], _(
            "“%(value)s” tidak terbaca sebagai tanggal. Tulis hh/bb/tttt (17/08/1980), tttt-bb-hh (1980-08-17) "
            "atau dengan nama bulan (17 Agustus 1980)."
        ) % {"value": text}
    dates = [date for date in (_make_date(*parts) for parts in readings) if date]
    if not dates:
        return [], _("“%(value)s” tidak ada di kalender. Periksa tanggal dan bulannya.") % {"value": text}
    return dates, None


def _date_bounds_error(date: datetime.date, text: str, today: datetime.date) -> str | None:
    if date > today:
        return _("“%(value)s” belum terjadi. Periksa tahunnya.") % {"value": text}
    if date < _EARLIEST:
        return _("“%(value)s” terlalu lampau. Periksa tahunnya.") % {"value": text}
    return None


def clean_date(text: str, *, today: datetime.date | None = None) -> tuple[datetime.date | None, str | None, bool]:
    """(date, error, ambiguous) for a date written dd/mm/yyyy, d-m-yyyy, yyyy-mm-dd or
    "17 Agustus 1980". A date whose day and month could be swapped (05/06/1980) is not
    guessed: it comes back as an error with ``ambiguous`` True. Empty: (None, None, False)."""
    text = _squash(text)
    if _blank(text):
        return None, None, False
    dates, error = _date_readings(text)
    if error:
        return None, error, False
    if len(dates) > 1:
        return None, _ambiguous_date_error(text, dates), True
    error = _date_bounds_error(dates[0], text, today or timezone.localdate())
    return (None, error, False) if error else (dates[0], None, False)


def _ambiguous_date_error(text: str, dates: list[datetime.date]) -> str:
    return _(
        "“%(value)s” bisa berarti %(first)s atau %(second)s. Tulis dengan nama bulan (misalnya %(first)s) "
        "atau sebagai tttt-bb-hh."
    ) % {"value": text, "first": _spoken(dates[0]), "second": _spoken(dates[1])}


def _excel_serial_date(text: str) -> datetime.date | None:
    """A date cell Excel saved as its serial number (29450 is 17 August 1980)."""
    try:
        serial = float(text)
    except ValueError:
        return None
    if not 1 <= serial < 100_000:
        return None
    return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(serial))


# Sex, money, counts ---------------------------------------------------------------

_SEXES = {
    **dict.fromkeys(("l", "lk", "laki", "lakilaki", "pria", "cowok", "male", "m", "man", "1"), "L"),
    **dict.fromkeys(("p", "pr", "prp", "perempuan", "wanita", "cewek", "female", "f", "woman", "w", "2"), "P"),
}


def clean_sex(text: str) -> tuple[str | None, str | None]:
    """("L"/"P", error): Laki-laki/L/Pria/Male/1 and Perempuan/P/Wanita/Female/2."""
    if _blank(text):
        return None, None
    sex = _SEXES.get(_category_key(text))
    if sex is None:
        return None, _("“%(value)s” tidak dikenali. Tulis L (laki-laki) atau P (perempuan).") % {"value": _squash(text)}
    return sex, None


def clean_money(text: str, *, numeric: bool = False) -> tuple[int | None, str | None]:
    """(whole Rupiah, error) from 1.500.000, Rp 1,5 juta, 750rb; a number cell as its value."""
    text = text.strip()
    if _blank(text):
        return None, None
    try:
        if numeric:
            amount = int(Decimal(text).to_integral_value())
            if amount < 0:
                raise MoneyError(text)
        elif len(text) > 40:
            raise MoneyError(text)
        else:
            amount = parse_rupiah(text)
    except (MoneyError, InvalidOperation):
        return None, _(
            "“%(value)s” bukan jumlah rupiah yang terbaca. Tulis angka, misalnya 1.500.000, 2,5 juta atau 750rb."
        ) % {"value": text}
    if amount is not None and amount > MAX_AMOUNT:
        return None, _("“%(value)s” terlalu besar: periksa jumlah angka nolnya.") % {"value": text}
    return amount, None


_COUNT = re.compile(r"(\d{1,9})(?:[.,]0+)?\s*(?:orang|org|people)?", re.IGNORECASE)


def clean_count(text: str) -> tuple[int | None, str | None]:
    """(number of people, error) from "5", "5 orang"."""
    if _blank(text):
        return None, None
    match = _COUNT.fullmatch(text.strip())
    if not match or int(match[1]) > MAX_EMPLOYEES:
        return None, _("“%(value)s” harus jumlah orang berupa angka, misalnya 3.") % {"value": _squash(text)}
    return int(match[1]), None


def clean_phone(text: str) -> PhoneCheck:
    """The No. HP/WA in +62 form (``.e164``), with errors and warnings. A number cell that
    lost its leading 0 (81234567890) still reads: phonenumbers takes it as national."""
    if _blank(text):
        return PhoneCheck(raw=text, e164=None)
    return phone_check(text)


def clean_nik(
    text: str,
    *,
    numeric: bool = False,
    sex: str | None = None,
    birth_date: datetime.date | None = None,
    region_codes=None,
    today: datetime.date | None = None,
) -> NikCheck:
    """``nik_check`` of the cell, knowing whether it was a number cell (``numeric``).

    A spreadsheet keeps 15 significant digits of a number, so a 16-digit NIK in a number
    cell ending in 0 may have lost its real last digit: rejected as damaged, like the
    scientific notation (3.51401E+15) ``nik_check`` itself recognises. One not ending
    in 0 was stored whole (by a program, not typed into Excel) and is checked as usual,
    with a warning to format the column as text.
    """
    if not (numeric and len(text) == 16 and text.isdigit()):
        return nik_check(text, sex=sex, birth_date=birth_date, region_codes=region_codes, today=today)
    if nik_maybe_zeroed(text) or int(text) >= _FLOAT_EXACT_BELOW:
        return NikCheck(
            raw=text,
            nik=None,
            damaged=True,
            errors=[
                _(
                    "NIK rusak oleh spreadsheet: %(value)s tersimpan di sel berformat angka, yang hanya menyimpan "
                    "15 angka, sehingga angka ke-16 menjadi 0 dan NIK ini tidak bisa dipastikan benar. Ubah format "
                    "kolom NIK di spreadsheet menjadi Teks, lalu ketik ulang NIK sesuai KTP."
                )
                % {"value": text}
            ],
        )
    check = nik_check(text, sex=sex, birth_date=birth_date, region_codes=region_codes, today=today)
    warning = _(
        "NIK %(value)s tersimpan di sel berformat angka; ke-16 angkanya masih utuh, tetapi ubah format kolom NIK "
        "di spreadsheet menjadi Teks agar NIK lain tidak rusak."
    ) % {"value": text}
    return dataclasses.replace(check, warnings=[warning, *check.warnings])


# Affected group, KBLI, impacts ----------------------------------------------------

# Words found in how people name a business, by affected group; the longest word found wins.
_GROUP_WORDS = {
    AffectedGroup.VULNERABLE: ("rentan", "lansia", "usialanjut", "65tahun"),
    AffectedGroup.FOOD_STALL: ("warung", "warungmakan", "rumahmakan", "makanminum", "katering", "catering",
                               "warteg", "angkringan", "kedai", "kafe", "cafe", "kuliner", "foodstall"),
    AffectedGroup.STREET_VENDOR: ("pkl", "kakilima", "asongan", "pedagangkeliling", "gerobak", "streetvendor"),
    AffectedGroup.CRAFT: ("kriya", "kerajinan", "anyaman", "ukiran", "handicraft", "craft"),
    AffectedGroup.FARM_FISH_LABOUR: ("buruhtani", "nelayan", "petani", "tani", "buruh", "farm", "fisher"),
    AffectedGroup.SMALL_SHOP: ("toko", "pracangan", "mlijo", "pertokoan", "kelontong", "sembako", "peracangan", "shop"),
    AffectedGroup.OJEK_BECAK: ("ojek", "ojol", "becak", "taxi"),
    AffectedGroup.GARMENT: ("konveksi", "penjahit", "jahit", "garmen", "tailor", "garment"),
    AffectedGroup.SALON: ("salon", "rias", "pangkasrambut", "barbershop", "potongrambut", "kecantikan"),
    AffectedGroup.PROCESSED_FOOD: ("olahanpangan", "olahan", "kue", "keripik", "kripik", "roti", "jajanan",
                                   "camilan", "makananringan", "snack", "sambal", "kerupuk", "krupuk"),
}
_GROUP_KEYS = sorted(
    ((word, group) for group, words in _GROUP_WORDS.items() for word in words), key=lambda item: -len(item[0])
)
_GROUP_LABELS = {name_key(str(label)): group for group, label in AffectedGroup.choices}


def _group_list() -> str:
    return "; ".join(f"{value} {label}" for value, label in AffectedGroup.choices)


@functools.lru_cache(maxsize=4096)
def _group_of(key: str) -> int | None:
    if key.isdigit():
        return int(key) if 1 <= int(key) <= 10 else None
    if key in _GROUP_LABELS:
        return _GROUP_LABELS[key]
    return next((int(group) for word, group in _GROUP_KEYS if word in key), None)


def clean_affected_group(text: str) -> tuple[int | None, str | None]:
    """(group 1–10, error) from its number, its name, or words such as warung, PKL, salon."""
    if _blank(text):
        return None, None
    group = _group_of(_category_key(text))
    if group is not None:
        return group, None
    return None, _("“%(value)s” bukan kelompok usaha yang dikenal. Isi angka 1–10 atau nama kelompoknya: %(groups)s.") % {
        "value": _squash(text), "groups": _group_list(),
    }


# KBLI 2020: the first two digits of a code (the division) tell the section.
_KBLI_DIVISIONS = (
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43), ("G", 45, 47),
    ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68), ("M", 69, 75), ("N", 77, 82),
    ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93), ("S", 94, 96), ("T", 97, 98), ("U", 99, 99),
)
_KBLI_SECTION = re.compile(r"(?:kategori|kbli|section)?\s*(?P<letter>[a-u])(?:\s*[.:)\-]\s*.*)?", re.IGNORECASE)
_KBLI_CODE = re.compile(r"\d{2,5}")
# Where the KBLI is not given, the affected group usually settles it.
KBLI_BY_GROUP = {
    AffectedGroup.FOOD_STALL: "I", AffectedGroup.STREET_VENDOR: "G", AffectedGroup.CRAFT: "C",
    AffectedGroup.FARM_FISH_LABOUR: "A", AffectedGroup.SMALL_SHOP: "G", AffectedGroup.OJEK_BECAK: "H",
    AffectedGroup.GARMENT: "C", AffectedGroup.SALON: "S", AffectedGroup.PROCESSED_FOOD: "C",
}


@functools.cache
def _kbli_names() -> dict[str, str]:
    return {letter: name_key(str(label).split(".", 1)[1]) for letter, label in KbliSection.choices}


def clean_kbli(text: str) -> tuple[str | None, str | None]:
    """(section letter, error) from "C", "C. Industri pengolahan", a KBLI code (10792) or a
    word from the section's name found in one section only ("perdagangan")."""
    if _blank(text):
        return None, None
    squashed = _squash(text)
    if _KBLI_CODE.fullmatch(squashed):
        division = int(squashed[:2])
        for letter, low, high in _KBLI_DIVISIONS:
            if low <= division <= high:
                return letter, None
    elif match := _KBLI_SECTION.fullmatch(squashed):
        return match["letter"].upper(), None
    else:
        key = name_key(squashed)
        found = [letter for letter, name in _kbli_names().items() if len(key) >= 4 and key in name]
        if len(found) == 1:
            return found[0], None
    return None, _(
        "“%(value)s” bukan kategori KBLI 2020 yang dikenal. Isi huruf kategorinya A–U (misalnya C untuk "
        "industri pengolahan, G untuk perdagangan) atau kode KBLI 5 angka."
    ) % {"value": squashed}


_IMPACT_WORDS = {
    Impact.SALES_DROP: ("penjualanturun", "omzetturun", "omsetturun", "pendapatanturun", "sepi", "salesdrop", "turun"),
    Impact.CLOSED: ("tutup", "berhenti", "closed"),
    Impact.SUPPLY: ("bahanbaku", "supply", "pasokan"),
    Impact.DISTRIBUTION: ("distribusi", "pengiriman", "distribution"),
    Impact.CAPITAL: ("modal", "capital"),
    Impact.CREDIT: ("kredit", "angsuran", "cicilan", "utang", "hutang", "pinjaman", "credit"),
    Impact.LAYOFF: ("karyawan", "phk", "pekerja", "layoff"),
    Impact.OTHER: ("lainnya", "lain", "other"),
}
_IMPACT_KEYS = sorted(
    ((word, impact) for impact, words in _IMPACT_WORDS.items() for word in words), key=lambda item: -len(item[0])
)
_IMPACT_EXACT = {
    **{name_key(value): value for value in Impact.values},
    **{name_key(str(label)): value for value, label in Impact.choices},
}
_IMPACT_SPLIT = re.compile(r"\s*[,;/|\n]\s*|\s+(?:dan|&)\s+")


def _impact_of(part: str) -> str | None:
    key = _category_key(part)
    if key in _IMPACT_EXACT:
        return _IMPACT_EXACT[key]
    return next((impact for word, impact in _IMPACT_KEYS if word in key), None)


def clean_impacts(text: str) -> tuple[list[str], list[str]]:
    """(impact codes, parts not recognised) from "penjualan turun, tutup sementara", the
    codes, or a KoboToolbox multiple choice ("sales_drop closed")."""
    if _blank(text):
        return [], []
    parts = [part for part in _IMPACT_SPLIT.split(text.strip()) if part]
    words = text.split()
    if len(parts) == 1 and len(words) > 1 and all(_category_key(word) in _IMPACT_EXACT for word in words):
        parts = words
    impacts, unknown = [], []
    for part in parts:
        impact = _impact_of(part)
        if impact is None:
            unknown.append(part)
        elif impact not in impacts:
            impacts.append(impact)
    return impacts, unknown


# Regions --------------------------------------------------------------------------

_REGION_CODE = re.compile(r"(\d{2})\.?(\d{2})\.?(\d{2})(?:\.?(\d{4}))?")


class RegionCache:
    """What cleaning needs from the region table, for one import into ``regency_code``.

    Built once per import. ``region_codes`` answers the NIK check from the provinsi,
    kabupaten and kecamatan codes loaded on first use; kecamatan, desa and RW/RT
    spellings are looked up once each and remembered.
    """

    def __init__(self, regency_code: str, *, today: datetime.date | None = None):
        self.regency_code = regency_code
        self.today = today or timezone.localdate()
        self._codes: frozenset[str] | None = None
        self._regency_label: str | None = None
        self._kecamatan: dict[str, tuple[Region | None, str | None]] = {}
        self._desa: dict[tuple[str, str], tuple[Region | None, str | None]] = {}
        self._units: dict[tuple[str, int | None, int | None], str] = {}

    def region_codes(self, codes: list[str]) -> set[str]:
        """Of ``codes`` (provinsi, kabupaten, kecamatan), those that exist."""
        if self._codes is None:
            self._codes = frozenset(
                Region.objects.filter(level__in=[Level.PROVINSI, Level.KABUPATEN, Level.KECAMATAN]).values_list(
                    "code", flat=True
                )
            )
        return {code for code in codes if code in self._codes}

    @property
    def regency_label(self) -> str:
        if self._regency_label is None:
            region = Region.objects.filter(code=self.regency_code).first()
            self._regency_label = region.label if region else self.regency_code
        return self._regency_label

    def _by_code(self, text: str, level: str) -> Region | None:
        """The region of a code written in the cell (35.14.01.2001 or 3514012001)."""
        match = _REGION_CODE.fullmatch(text.strip())
        if not match or bool(match[4]) != (level == Level.DESA):
            return None
        code = ".".join(part for part in match.groups() if part)
        if not code.startswith(self.regency_code + "."):
            return None
        return Region.objects.filter(code=code, level=level).first()

    def kecamatan(self, text: str) -> tuple[Region | None, str | None]:
        """(kecamatan, error) for the name (or code) written."""
        key = text.strip().lower()
        if key not in self._kecamatan:
            region = self._by_code(text, Level.KECAMATAN) or region_match(
                name=text, level=Level.KECAMATAN, within=self.regency_code
            )
            error = None
            if region is None:
                error = _("Kecamatan “%(value)s” tidak ditemukan di %(regency)s. Periksa ejaannya.") % {
                    "value": _squash(text), "regency": self.regency_label,
                }
            self._kecamatan[key] = (region, error)
        return self._kecamatan[key]

    def desa(self, *, kecamatan: Region | None, text: str) -> tuple[Region | None, str | None]:
        """(desa, error) for the name (or code) written, inside ``kecamatan`` when given."""
        key = (kecamatan.code if kecamatan else "", text.strip().lower())
        if key not in self._desa:
            self._desa[key] = self._find_desa(kecamatan, text)
        return self._desa[key]

    def _find_desa(self, kecamatan: Region | None, text: str) -> tuple[Region | None, str | None]:
        within = kecamatan.code if kecamatan else self.regency_code
        region = self._by_code(text, Level.DESA)
        if region is not None and not region.code.startswith(within + "."):
            region = None
        region = region or region_match(name=text, level=Level.DESA, within=within)
        if region is not None:
            return region, None
        value = _squash(text)
        if kecamatan is not None:
            elsewhere = region_match(name=text, level=Level.DESA, within=self.regency_code)
            if elsewhere is not None:
                return None, _(
                    "Desa “%(value)s” tidak ada di %(kecamatan)s, tetapi ada di %(other)s. "
                    "Periksa kolom Kecamatan dan Desa/Kelurahan."
                ) % {"value": value, "kecamatan": kecamatan.label, "other": elsewhere.parent.label}
            return None, _("Desa/kelurahan “%(value)s” tidak ditemukan di %(kecamatan)s. Periksa ejaannya.") % {
                "value": value, "kecamatan": kecamatan.label,
            }
        key = name_key(level_word_re(Level.DESA).sub("", text))
        namesakes = Region.objects.filter(region_prefix_q(self.regency_code, "code"), level=Level.DESA, name_key=key)
        if namesakes.count() > 1:
            return None, _(
                "Ada beberapa desa bernama “%(value)s” di %(regency)s. Isi kolom Kecamatan agar desanya jelas."
            ) % {"value": value, "regency": self.regency_label}
        return None, _("Desa/kelurahan “%(value)s” tidak ditemukan di %(regency)s. Periksa ejaannya.") % {
            "value": value, "regency": self.regency_label,
        }

    def unit_code(self, desa: Region, rw: int | None, rt: int | None) -> str:
        """Code of the deepest existing unit for RW/RT numbers under ``desa``, else the desa's."""
        key = (desa.code, rw, rt)
        if key not in self._units:
            self._units[key] = unit_resolve(desa=desa, rw=rw or "", rt=rt or "").code
        return self._units[key]


# Rows -----------------------------------------------------------------------------

_PERSON_FIELDS = ("nik", "full_name", "sex", "birth_place", "birth_date", "phone", "address")
_BUSINESS_FIELDS = (
    "affected_group", "kbli_section", "products", "capital", "annual_sales", "employees_before", "employees_now",
    "revenue_before", "revenue_now", "impacts", "impact_note",
)
_MONEY_FIELDS = ("capital", "annual_sales", "revenue_before", "revenue_now")
_TEXT_LIMITS = {
    "full_name": 150, "birth_place": 100, "address": 255, "business_name": 150, "business_address": 255,
    "dusun": 120, "products": 2000, "impact_note": 2000, "external_id": 200,
}
_RT_RW = re.compile(r"(\d{1,3})\s*[/\\\-]\s*(\d{1,3})")
_PLACE_AND_DATE = re.compile(r"(?P<place>[^\d,][^,]*?)\s*,\s*(?P<date>\S.*)")
_UNIT_ZERO = re.compile(r"0+")


@dataclass
class CleanRow:
    """One row after cleaning: ``values`` by field key (see ``clean_row``), and the reasons.

    ``given``: field keys whose column is in the file, so an update can leave the
    other fields of an existing record as they are.
    """

    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    given: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.errors

    def person_data(self, *, given_only: bool = False) -> dict[str, Any]:
        """Keyword arguments for ``Person`` (``region_id`` for the place)."""
        data = {name: self.values[name] for name in _PERSON_FIELDS if not given_only or name in self.given}
        data.update(self._place(given_only))
        data["nik_warnings"] = self.values["nik_warnings"]
        return data

    def business_data(self, *, given_only: bool = False) -> dict[str, Any]:
        """Keyword arguments for ``Business`` (without ``owner``); it sits in the owner's
        desa/RT, at ``business_address`` or else the owner's address."""
        data = {name: self.values[name] for name in _BUSINESS_FIELDS if not given_only or name in self.given}
        if not given_only or "business_name" in self.given:
            data["name"] = self.values["business_name"]
        if not given_only or {"address", "business_address"} & self.given:
            data["address"] = self.values["business_address"]
        data.update(self._place(given_only))
        return data

    def _place(self, given_only: bool) -> dict[str, Any]:
        # RT/RW text and the region node change together, so they never disagree.
        if given_only and not {"desa", "rt", "rw"} & self.given:
            return {}
        return {"rt": self.values["rt"], "rw": self.values["rw"], "region_id": self.values["region_code"]}


def cells_from_row(row: list[str], mapping: dict[int, str | None]) -> tuple[dict[str, str], frozenset[str]]:
    """(cells by field key, keys of number cells) for ``clean_row``, from a reader's row."""
    numeric_columns = getattr(row, "numeric", ())
    cells = {key: row[column] for column, key in mapping.items() if key and column < len(row)}
    numeric = frozenset(key for column, key in mapping.items() if key and column in numeric_columns)
    return cells, numeric


def clean_row(
    cells: dict[str, str],
    *,
    regency_code: str,
    region_cache: RegionCache,
    columns: dict[str, str] | None = None,
    numeric: Collection[str] = (),
) -> CleanRow:
    """Clean one row. ``cells``: raw text by field key (columns not in the file absent).
    ``columns``: field key → the header as the user wrote it, used to name the column
    in reasons. ``numeric``: field keys whose cell was a spreadsheet number.

    ``values`` holds every field key of ``FIELDS`` except ``desa``/``kecamatan``, plus
    ``region_code`` (deepest existing unit: RT, RW or the desa), ``desa_code`` and
    ``nik_warnings``. Sex missing is read from the NIK; KBLI missing follows the affected
    group where it settles it; the business address defaults to the owner's.
    """
    if region_cache.regency_code != regency_code:
        raise ValueError("region_cache was built for another regency")
    row = CleanRow(given=frozenset(cells))
    values = row.values
    today = region_cache.today

    def column(key: str) -> str:
        header = columns.get(key) if columns else None
        return _("Kolom “%(column)s”") % {"column": header or FIELDS[key].label}

    def fail(key: str, message: str) -> None:
        row.errors.append(f"{column(key)}: {message}")

    def warn(key: str, message: str) -> None:
        row.warnings.append(f"{column(key)}: {message}")

    def text(key: str) -> str:
        value = cells.get(key, "")
        return "" if _blank(value) else _squash(value)

    def required(key: str) -> str:
        value = text(key)
        if not value:
            fail(key, _("wajib diisi."))
        return value

    for key, limit in _TEXT_LIMITS.items():
        value = text(key)
        if len(value) > limit:
            fail(key, _("terlalu panjang (%(length)d huruf); paling banyak %(limit)d.") % {"length": len(value), "limit": limit})
        values[key] = value[:limit]

    # Person.
    full_name = required("full_name")
    if full_name and not _LETTERS.search(full_name):
        fail("full_name", _("harus berisi huruf, sesuai KTP."))
    required("address")

    sex, error = clean_sex(cells.get("sex", ""))
    if error:
        fail("sex", error)

    birth_text = text("birth_date")
    if birth_text and not values["birth_place"] and (split := _PLACE_AND_DATE.fullmatch(birth_text)):
        # "Pasuruan, 17-08-1980" in one "Tempat, Tanggal Lahir" column.
        values["birth_place"], birth_text = split["place"][:100], split["date"]
    birth_date, birth_readings, birth_error = None, [], None
    if "birth_date" in numeric and (serial := _excel_serial_date(birth_text)):
        birth_date = serial
    elif birth_text:
        birth_readings, birth_error = _date_readings(birth_text)
        if len(birth_readings) == 1:
            birth_date = birth_readings[0]

    nik_text = cells.get("nik", "")
    check = clean_nik(
        "" if _blank(nik_text) else nik_text, numeric="nik" in numeric, sex=sex, birth_date=birth_date,
        region_codes=region_cache.region_codes, today=today,
    )
    for message in check.errors:
        fail("nik", message)
    values["nik"] = check.nik
    values["nik_warnings"] = list(check.warnings)
    for message in check.warnings:
        warn("nik", message)

    if len(birth_readings) > 1:
        # The NIK holds the birth date (two year digits): it settles which reading is meant.
        nik_date = check.birth_date if check.valid else None
        matches = [
            date for date in birth_readings
            if nik_date and (date.day, date.month, date.year % 100) == (nik_date.day, nik_date.month, nik_date.year % 100)
        ]
        if len(matches) == 1:
            birth_date = matches[0]
        else:
            birth_error = _ambiguous_date_error(birth_text, birth_readings)
    if birth_date and not birth_error:
        birth_error = _date_bounds_error(birth_date, birth_text, today)
    if birth_error:
        fail("birth_date", birth_error)
    values["birth_date"] = None if birth_error else birth_date
    # Left empty, the sex is the one the NIK encodes.
    values["sex"] = sex or (check.sex if check.valid else None)

    phone = clean_phone(cells.get("phone", ""))
    for message in phone.errors:
        fail("phone", message)
    for message in phone.warnings:
        warn("phone", message)
    values["phone"] = phone.e164 or ""

    # Place.
    rt_text, rw_text = text("rt"), text("rw")
    if rt_text and not rw_text and (both := _RT_RW.fullmatch(rt_text)):
        rt_text, rw_text = both[1], both[2]  # "003/002" in an "RT/RW" column
    numbers = {}
    for key, value in (("rt", rt_text), ("rw", rw_text)):
        number = None
        if value and not _UNIT_ZERO.fullmatch(value):  # RT 0 is how some lists say "none"
            number = unit_number(value)
            if number is None:
                fail(key, _("“%(value)s” harus nomor 1–999, misalnya 3 atau 003.") % {"value": value})
        numbers[key] = number
        values[key] = f"{number:03d}" if number else ""
    if numbers["rt"] and not numbers["rw"]:
        fail("rw", _("wajib diisi bila RT diisi: RT selalu berada di bawah RW."))

    kecamatan = None
    if kecamatan_text := text("kecamatan"):
        kecamatan, error = region_cache.kecamatan(kecamatan_text)
        if error:
            fail("kecamatan", error)
    values["desa_code"] = values["region_code"] = None
    desa_text = required("desa")
    if desa_text and not (kecamatan_text and kecamatan is None):
        desa, error = region_cache.desa(kecamatan=kecamatan, text=desa_text)
        if error:
            fail("desa", error)
        else:
            values["desa_code"] = desa.code
            values["region_code"] = region_cache.unit_code(desa, numbers["rw"], numbers["rt"])

    # Business.
    required("business_name")
    values["business_address"] = values["business_address"] or values["address"]
    group, error = clean_affected_group(cells.get("affected_group", ""))
    if error:
        fail("affected_group", error)
    elif group is None:
        fail("affected_group", _("wajib diisi: angka 1–10 atau nama kelompoknya: %(groups)s.") % {"groups": _group_list()})
    values["affected_group"] = group
    kbli, error = clean_kbli(cells.get("kbli_section", ""))
    if error:
        fail("kbli_section", error)
    elif kbli is None:
        kbli = KBLI_BY_GROUP.get(group)
        if kbli is None and group is not None:
            fail("kbli_section", _("wajib diisi untuk kelompok ini: huruf kategori KBLI 2020 A–U."))
    values["kbli_section"] = kbli

    for key in _MONEY_FIELDS:
        values[key], error = clean_money(cells.get(key, ""), numeric=key in numeric)
        if error:
            fail(key, error)
    for key in ("employees_before", "employees_now"):
        values[key], error = clean_count(cells.get(key, ""))
        if error:
            fail(key, error)

    impacts, unknown = clean_impacts(cells.get("impacts", ""))
    if unknown:
        # Kept, not lost: the words go to the impact note and the impact is "other".
        if Impact.OTHER not in impacts:
            impacts.append(Impact.OTHER)
        note = "; ".join(unknown)
        values["impact_note"] = "; ".join(filter(None, [values["impact_note"], note]))[: _TEXT_LIMITS["impact_note"]]
        warn("impacts", _("“%(value)s” tidak dikenali sebagai dampak; dicatat sebagai “Lainnya” dengan keterangan.") % {"value": note})
    values["impacts"] = [str(impact) for impact in impacts]
    return row
