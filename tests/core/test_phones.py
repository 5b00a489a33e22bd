"""No. HP/WA checks: the ways people write Indonesian numbers, normalised to E.164."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geliat.core.phones import phone_check


@pytest.mark.parametrize(
    "raw",
    [
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "081234567890",
        "6281234567890",
        "62-812-3456-7890",
        "+62 812 3456 7890",
        "+6281234567890",
        "+62 0812 3456 7890",
        "+62 (0)812-3456-7890",
        "(+62) 812 3456 7890",
        "  0812\u00a03456\t7890 ",
    ],
)
def test_mobile_numbers_as_people_write_them(raw):
    """Every common way of writing the same mobile number gives the same E.164, no warning."""
    result = phone_check(raw)
    assert result.valid
    assert result.e164 == "+6281234567890"
    assert result.warnings == []


@pytest.mark.parametrize(("raw", "e164"), [("(0343) 123456", "+62343123456"), ("021-5551234", "+62215551234")])
def test_landline_is_valid_but_warns_about_whatsapp(raw, e164):
    result = phone_check(raw)
    assert result.valid and result.e164 == e164
    assert len(result.warnings) == 1
    assert "WhatsApp" in result.warnings[0] and "nomor HP" in result.warnings[0]


def test_empty_is_not_an_error():
    """The phone is optional; whether it is required is the caller's decision."""
    for raw in ("", "   "):
        result = phone_check(raw)
        assert result.valid and result.e164 is None and result.warnings == []


def test_foreign_mobile_is_valid_with_a_warning():
    result = phone_check("+60 12-345 6789")
    assert result.valid and result.e164 == "+60123456789"
    assert result.warnings == ["No. HP/WA ini nomor luar negeri (+60). Pastikan nomornya benar."]


@pytest.mark.parametrize(
    "raw",
    ["0812-FLOWERS", "0812345678x", "0812-3456-7890 (Budi)", "0812345678 / 085712345678", "0812_3456_7890"],
)
def test_letters_and_other_signs_are_refused(raw):
    """phonenumbers would read letters as digits or glue names on; here they are an error."""
    result = phone_check(raw)
    assert not result.valid and result.e164 is None
    assert result.errors[0].startswith("No. HP/WA hanya boleh berisi angka")


@pytest.mark.parametrize(("raw", "count"), [("0812", 4), ("0812 3456 7890 0857", 16), ("0000000000", 10), ("+62 812 345", 7)])
def test_wrong_indonesian_number_names_the_rule(raw, count):
    """The digit count is given as the number is written the 08… way, like the rule."""
    result = phone_check(raw)
    assert not result.valid and result.e164 is None
    assert f"berisi {count} angka" in result.errors[0]
    assert "berawalan 08" in result.errors[0]


def test_unknown_country_code_is_an_error():
    result = phone_check("+999 1234 5678")
    assert not result.valid
    assert "Kode negara" in result.errors[0] and "+62" in result.errors[0]


def test_not_a_number_at_all_is_an_error():
    for raw in ("+", "((( )))", "-.-"):
        result = phone_check(raw)
        assert not result.valid
        assert result.errors[0].startswith("No. HP/WA tidak dikenali")


@given(st.text(max_size=30) | st.from_regex(r"[0-9 +().\-]{0,25}", fullmatch=True))
def test_any_text_gets_an_answer_not_an_exception(raw):
    """Whatever is typed, the check answers; E.164 comes only without errors, short enough
    for the 16-character column."""
    result = phone_check(raw)
    if result.e164 is not None:
        assert result.valid
        assert result.e164.startswith("+") and len(result.e164) <= 16
    else:
        assert not result.valid or not raw.strip()
