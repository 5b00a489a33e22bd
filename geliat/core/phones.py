"""Phone numbers as people in Indonesia write them, normalised to E.164 by phonenumbers.

``0812-3456-7890``, ``0812 3456 7890``, ``62812…``, ``+62 812…``, ``+62 (0)812…`` and
``(0343) 123456`` all parse. Letters and other signs are refused before parsing:
phonenumbers would otherwise read ``0812-FLOWERS`` as digits, or glue a name or a second
number onto the first.
"""

import re
from dataclasses import dataclass, field

import phonenumbers
from django.utils.translation import gettext as _

_ALLOWED = re.compile(r"[0-9\s+().\-]+")
_MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


@dataclass(frozen=True)
class PhoneCheck:
    raw: str
    e164: str | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def _invalid(raw: str, error: str) -> PhoneCheck:
    return PhoneCheck(raw=raw, e164=None, errors=[error])


def _national_length(text: str, number: phonenumbers.PhoneNumber) -> int:
    """How many digits ``text`` has when written the national way (08…), as the rule is stated."""
    digits = "".join(char for char in text if char.isdigit())
    if number.country_code_source != phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY:
        digits = digits.removeprefix(str(number.country_code))
    return len(digits) + (0 if digits.startswith("0") else 1)


def phone_check(raw: str) -> PhoneCheck:
    """Check a No. HP/WA. Empty is not an error (the field is optional; callers that
    require it say so); a landline or foreign number is valid with a warning."""
    text = " ".join(raw.split())
    if not text:
        return PhoneCheck(raw=raw, e164=None)
    if not _ALLOWED.fullmatch(text):
        return _invalid(
            raw,
            _(
                "No. HP/WA hanya boleh berisi angka, spasi, tanda +, tanda -, titik dan tanda kurung. "
                "Tulis satu nomor saja, misalnya 0812-3456-7890."
            ),
        )
    try:
        number = phonenumbers.parse(text, "ID", keep_raw_input=True)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return _invalid(
                raw, _("Kode negara pada No. HP/WA tidak dikenal. Untuk nomor Indonesia, awali dengan 08 atau +62.")
            )
        return _invalid(
            raw, _("No. HP/WA tidak dikenali sebagai nomor telepon. Tulis lengkap, misalnya 0812-3456-7890.")
        )
    # One type lookup decides validity too: is_valid_number would match the same patterns again.
    number_type = phonenumbers.number_type(number)
    if number_type == phonenumbers.PhoneNumberType.UNKNOWN:
        if number.country_code == 62:
            return _invalid(
                raw,
                _(
                    "No. HP/WA bukan nomor Indonesia yang benar (berisi %(count)d angka). Nomor HP "
                    "berawalan 08 dan panjangnya 10–13 angka, misalnya 0812-3456-7890."
                )
                % {"count": _national_length(text, number)},
            )
        return _invalid(
            raw,
            _(
                "No. HP/WA luar negeri (+%(code)d) ini tidak valid. Periksa kembali; "
                "untuk nomor Indonesia, awali dengan 08 atau +62."
            )
            % {"code": number.country_code},
        )

    warnings = []
    if number.country_code != 62:
        warnings.append(
            _("No. HP/WA ini nomor luar negeri (+%(code)d). Pastikan nomornya benar.") % {"code": number.country_code}
        )
    if number_type not in _MOBILE_TYPES:
        warnings.append(
            _(
                "No. HP/WA ini bukan nomor HP (misalnya telepon rumah atau kantor), sehingga tidak bisa "
                "menerima WhatsApp. Bila ada, isi nomor HP."
            )
        )
    return PhoneCheck(
        raw=raw,
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        warnings=warnings,
    )
