"""NIK (Nomor Induk Kependudukan) checks, including NIKs damaged by spreadsheets.

Layout: ``PP KK CC DDMMYY SSSS`` — provinsi, kabupaten/kota and kecamatan where the NIK
was issued, the birth date (day + 40 for women) and a serial.

python-stdnum's ``stdnum.id.nik`` does the first gate (its ``compact`` and the digits and
length check its ``validate`` starts with). It is too
lenient to decide validity on its own: it decodes the day modulo 40 (day 81 passes as
the 1st), tries 19xx before 20xx, and checks the place against its own fixed table,
while here the region table is the authority on places. Its verdicts on dates and
places are therefore replaced by the stricter rules below.

A NIK is valid when, after removing spaces (including NBSP and zero-width characters),
dots, dashes and Excel's leading apostrophe, it is:

- exactly 16 digits;
- a provinsi and kabupaten/kota prefix found in the region table (an unknown kecamatan
  prefix is only a warning: NIKs issued before a kecamatan was split keep the old code);
- a birth day 01–31 (man) or 41–71 (woman) and month 01–12 forming a real date; the
  century is the latest that does not put the date in the future (``290200`` is
  29 February 2000, ``310299`` exists in no century);
- a serial other than ``0000``.

Spreadsheet damage. A NIK typed into a number cell keeps only 15 significant digits
(Excel, LibreOffice and Google Sheets alike), so its 16th digit becomes 0.

- Scientific notation (``3.51401E+15``, ``3,51401E+15``, ``3.51401e15``): the tail is
  gone. Damaged.
- Number shapes: 15 or more digits with a zero fraction (``3514012345678900.0``,
  ``…,00``), or digits grouped by thousands (``3.514.012.345.678.900``,
  ``3,514,012,345,678,900``). The value went through a number cell. Its digits are
  trusted only when there are 16, the 16th is not 0 (no truncation happened) and the
  value is below 2**53 (a float holds it exactly); the NIK is then checked as usual,
  with a warning to format the column as text. Otherwise damaged.
- Plain digits ending in 0 are accepted: serials ending in 0 are legitimate. Importers
  that know a value came from a number cell ask ``nik_maybe_zeroed`` and warn. Pass a
  cell's float as ``str(value)`` so its ``.0`` reaches the check above.
- 15 digits is a length error, not damage: no provinsi code starts with 0, so a number
  cell never drops a NIK's leading digit; a missing digit is a typing slip.

Damaged values get ``damaged=True`` and one error telling the user to format the column
as text and retype the NIK; nothing else is checked, since the digits cannot be trusted.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from stdnum.id import nik as stdnum_nik
from stdnum.util import isdigits

_SPACES = re.compile(r"[\s\u200b-\u200d\ufeff]+")
_SEPARATORS = re.compile(r"[.\-\u2010-\u2015]+")
_SCIENTIFIC = re.compile(r"\+?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+")
_NUMBER_CELL = re.compile(
    r"(?P<plain>[0-9]{15,})[.,]0+"
    r"|(?P<dotted>[0-9]{1,3}(?:\.[0-9]{3}){4,})(?:,0+)?"
    r"|(?P<commas>[0-9]{1,3}(?:,[0-9]{3}){4,})(?:\.0+)?"
)
_FLOAT_EXACT_BELOW = 2**53
_DIGITS = frozenset("0123456789")
_FIX = gettext_noop("Ubah format kolom NIK di spreadsheet menjadi Teks, lalu ketik ulang NIK sesuai KTP.")


@dataclass(frozen=True)
class NikCheck:
    """The outcome of ``nik_check``.

    ``sex``, ``birth_date`` and ``kecamatan_code`` are what the digits encode, filled
    whenever they can be decoded, even if another part of the NIK is wrong; trust them
    only when ``valid``.
    """

    raw: str
    nik: str | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    damaged: bool = False
    sex: str | None = None
    birth_date: datetime.date | None = None
    kecamatan_code: str | None = None

    @property
    def valid(self) -> bool:
        return not self.errors


def _squeeze(raw: str) -> str:
    return _SPACES.sub("", raw).removeprefix("'")


def nik_clean(raw: str) -> str:
    """Drop spaces, NBSP, dots, dashes and a leading apostrophe; no validation."""
    return _SEPARATORS.sub("", _squeeze(raw))


def nik_maybe_zeroed(nik: str) -> bool:
    """True for a 16-digit NIK ending in 0: had it sat in a number cell, Excel may have
    replaced its real 16th digit with 0. Importers reading number cells warn on this."""
    digits = nik_clean(nik)
    return len(digits) == 16 and set(digits) <= _DIGITS and digits.endswith("0")


def nik_make(*, kecamatan_code: str, birth_date: datetime.date, sex: str, serial: int) -> str:
    """A valid NIK for a person of ``sex`` ("L"/"P") born on ``birth_date`` in the
    kecamatan ``kecamatan_code`` (dotted, ``35.14.01``)."""
    parts = kecamatan_code.split(".")
    if len(parts) != 3 or not all(len(part) == 2 and set(part) <= _DIGITS for part in parts):
        raise ValueError(f"kecamatan_code must look like 35.14.01, not {kecamatan_code!r}")
    if sex not in ("L", "P"):
        raise ValueError(f"sex must be 'L' or 'P', not {sex!r}")
    if not 1 <= serial <= 9999:
        raise ValueError(f"serial must be 1–9999, not {serial}")
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{''.join(parts)}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def _existing_region_codes(codes: list[str]) -> set[str]:
    # Imported here so callers passing ``region_codes`` need no loaded app registry.
    from geliat.wilayah.models import Region

    return set(Region.objects.filter(code__in=codes).values_list("code", flat=True))


def _real_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _decode_birth(digits: str, today: datetime.date) -> tuple[str | None, datetime.date | None, list[str]]:
    """Sex and birth date encoded in ``digits`` (16 digits), with what is wrong with them."""
    encoded_day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    errors = []
    sex = "L" if 1 <= encoded_day <= 31 else "P" if 41 <= encoded_day <= 71 else None
    if sex is None:
        errors.append(
            _(
                "Tanggal lahir pada NIK (angka ke-7 dan ke-8: %(day)s) tidak mungkin: untuk "
                "laki-laki 01–31, untuk perempuan tanggal + 40 yaitu 41–71. Periksa kembali NIK sesuai KTP."
            )
            % {"day": digits[6:8]}
        )
    if not 1 <= month <= 12:
        errors.append(
            _("Bulan lahir pada NIK (angka ke-9 dan ke-10: %(month)s) harus 01–12. Periksa kembali NIK sesuai KTP.")
            % {"month": digits[8:10]}
        )
    if errors:
        return sex, None, errors
    day = encoded_day - (40 if sex == "P" else 0)
    candidates = [_real_date(century + yy, month, day) for century in (2000, 1900)]
    past = [date for date in candidates if date is not None and date <= today]
    if not past:
        errors.append(
            _("Tanggal lahir pada NIK (%(date)s) tidak ada di kalender. Periksa kembali NIK sesuai KTP.")
            % {"date": f"{day:02d}-{digits[8:10]}-{digits[10:12]}"}
        )
        return sex, None, errors
    return sex, past[0], errors


def _failed(raw: str, error: str, *, damaged: bool = False) -> NikCheck:
    return NikCheck(raw=raw, nik=None, errors=[error], damaged=damaged)


def nik_check(
    raw: str,
    *,
    sex: str | None = None,
    birth_date: datetime.date | None = None,
    region_codes: Callable[[list[str]], set[str]] | None = None,
    today: datetime.date | None = None,
) -> NikCheck:
    """Check a NIK as typed or imported; see the module docstring for the rules.

    ``sex`` and ``birth_date`` are what the form says; disagreement with the NIK is a
    warning. ``region_codes`` gets dotted provinsi, kabupaten and kecamatan codes and
    returns those that exist (default: one query on the region table).
    """
    squeezed = _squeeze(raw)
    if not squeezed:
        return _failed(raw, _("NIK wajib diisi: ketik 16 angka sesuai KTP."))
    if _SCIENTIFIC.fullmatch(squeezed):
        return _failed(
            raw,
            _(
                "NIK rusak oleh spreadsheet: tertulis %(value)s karena kolomnya berformat angka, "
                "sehingga angka-angka terakhirnya hilang dan tidak bisa dipulihkan. %(fix)s"
            )
            % {"value": squeezed, "fix": _(_FIX)},
            damaged=True,
        )
    warnings = []
    if number := _NUMBER_CELL.fullmatch(squeezed):
        digits = re.sub(r"[.,]", "", number["plain"] or number["dotted"] or number["commas"])
        if len(digits) != 16 or digits.endswith("0") or int(digits) >= _FLOAT_EXACT_BELOW:
            return _failed(
                raw,
                _(
                    "NIK rusak oleh spreadsheet: tertulis %(value)s karena kolomnya berformat angka. "
                    "Spreadsheet hanya menyimpan 15 angka, sehingga angka ke-16 bisa berubah menjadi 0 "
                    "dan NIK ini tidak bisa dipastikan benar. %(fix)s"
                )
                % {"value": squeezed, "fix": _(_FIX)},
                damaged=True,
            )
        warnings.append(
            _(
                "NIK tertulis sebagai angka (%(value)s); ke-16 angkanya masih utuh, tetapi ubah format "
                "kolom NIK di spreadsheet menjadi Teks agar NIK lain tidak rusak."
            )
            % {"value": squeezed}
        )
    else:
        digits = _SEPARATORS.sub("", squeezed)

    errors = []
    # stdnum's own characters-and-length gate; its date and place verdicts are replaced by
    # the stricter rules below (and its place lookup, a costly table search, is not run).
    digits = stdnum_nik.compact(digits)
    if not isdigits(digits) or len(digits) != 16:
        count = sum(char in _DIGITS for char in digits)
        if not isdigits(digits):
            others = sorted({char for char in digits if char not in _DIGITS})
            errors.append(
                _("NIK hanya boleh berisi angka; ada huruf atau tanda lain: %(chars)s. Periksa kembali sesuai KTP.")
                % {"chars": " ".join(f"“{char}”" for char in others[:5])}
            )
        if count != 16:
            errors.append(
                _("NIK harus 16 angka; yang diisi %(count)d angka. Periksa kembali sesuai KTP.") % {"count": count}
            )
    if errors:
        return NikCheck(raw=raw, nik=None, errors=errors, warnings=warnings)

    provinsi = digits[:2]
    kabupaten = f"{provinsi}.{digits[2:4]}"
    kecamatan = f"{kabupaten}.{digits[4:6]}"
    existing = (region_codes or _existing_region_codes)([provinsi, kabupaten, kecamatan])
    if provinsi not in existing:
        errors.append(
            _("Kode provinsi pada NIK (%(code)s, 2 angka pertama) tidak dikenal. Periksa kembali NIK sesuai KTP.")
            % {"code": provinsi}
        )
    elif kabupaten not in existing:
        errors.append(
            _(
                "Kode kabupaten/kota pada NIK (%(code)s, 4 angka pertama) tidak dikenal. "
                "Periksa kembali NIK sesuai KTP."
            )
            % {"code": kabupaten}
        )
    elif kecamatan not in existing:
        warnings.append(
            _(
                "Kode kecamatan pada NIK (%(code)s, 6 angka pertama) tidak ada dalam daftar wilayah sekarang. "
                "NIK lama bisa memakai kode sebelum pemekaran; pastikan NIK sesuai KTP."
            )
            % {"code": kecamatan}
        )

    nik_sex, nik_birth_date, birth_errors = _decode_birth(digits, today or timezone.localdate())
    errors += birth_errors
    if digits[12:] == "0000":
        errors.append(_("Nomor urut pada NIK (4 angka terakhir) tidak boleh 0000. Periksa kembali NIK sesuai KTP."))

    given_sex = sex.upper() if isinstance(sex, str) else None
    if nik_sex == "P" and given_sex == "L":
        warnings.append(
            _(
                "NIK menunjukkan perempuan (tanggal lahir +40) tetapi jenis kelamin diisi laki-laki. "
                "Periksa kembali NIK atau jenis kelamin."
            )
        )
    elif nik_sex == "L" and given_sex == "P":
        warnings.append(
            _(
                "NIK menunjukkan laki-laki (tanggal lahir 01–31) tetapi jenis kelamin diisi perempuan. "
                "Periksa kembali NIK atau jenis kelamin."
            )
        )
    # The NIK holds only two year digits: a given date a century apart still agrees.
    if (
        nik_birth_date
        and birth_date
        and (nik_birth_date.day, nik_birth_date.month, nik_birth_date.year % 100)
        != (birth_date.day, birth_date.month, birth_date.year % 100)
    ):
        warnings.append(
            _(
                "Tanggal lahir pada NIK (%(nik_date)s) berbeda dengan tanggal lahir yang diisi (%(given)s). "
                "Periksa kembali NIK atau tanggal lahir."
            )
            % {"nik_date": f"{nik_birth_date:%d-%m-%Y}", "given": f"{birth_date:%d-%m-%Y}"}
        )

    return NikCheck(
        raw=raw,
        nik=None if errors else digits,
        errors=errors,
        warnings=warnings,
        sex=nik_sex,
        birth_date=nik_birth_date,
        kecamatan_code=kecamatan,
    )
