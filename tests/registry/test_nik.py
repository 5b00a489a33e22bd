"""NIK checks: layout, regions, encoded birth date and sex, and spreadsheet damage."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.id import nik as stdnum_nik

from geliat.registry.nik import nik_check, nik_clean, nik_make, nik_maybe_zeroed

TODAY = datetime.date(2025, 6, 1)
KECAMATAN = ["35.14.01", "35.14.24", "31.71.01", "94.71.01"]
KNOWN = {"35", "35.14", "31", "31.71", "94", "94.71", *KECAMATAN}


def known(codes: list[str]) -> set[str]:
    return {code for code in codes if code in KNOWN}


def check(raw: str, **kwargs):
    return nik_check(raw, region_codes=known, today=TODAY, **kwargs)


# 17 August 1980, man, Purwodadi (35.14.01), serial 0001.
MAN = "3514011708800001"
WOMAN = "3514015708800001"  # the same with day + 40

people = st.fixed_dictionaries(
    {
        "kecamatan_code": st.sampled_from(KECAMATAN),
        # The century is guessed as the latest that is not in the future, so only the
        # last hundred years round-trip.
        "birth_date": st.dates(min_value=datetime.date(TODAY.year - 99, 1, 1), max_value=TODAY),
        "sex": st.sampled_from(["L", "P"]),
        "serial": st.integers(1, 9999),
    }
)


@given(people)
def test_every_made_nik_is_valid_and_round_trips(person):
    """A NIK built from a person decodes back to that person, with nothing to warn about."""
    nik = nik_make(**person)
    result = check(nik, sex=person["sex"], birth_date=person["birth_date"])
    assert result.valid and not result.damaged
    assert result.nik == nik
    assert result.sex == person["sex"]
    assert result.birth_date == person["birth_date"]
    assert result.kecamatan_code == person["kecamatan_code"]
    assert result.warnings == []


@given(people)
def test_accepted_birth_date_agrees_with_stdnum_but_for_the_century(person):
    """python-stdnum reads the same day and month from the NIKs accepted here."""
    result = check(nik_make(**person))
    theirs = stdnum_nik.get_birth_date(result.nik)
    assert (theirs.day, theirs.month, theirs.year % 100) == (
        result.birth_date.day,
        result.birth_date.month,
        result.birth_date.year % 100,
    )


@given(people, st.data())
def test_grouped_or_spaced_nik_is_still_valid(person, data):
    """Spaces, NBSP and dashes anywhere, and dots between the NIK's parts (35.14.01.170880.0001),
    are ignored."""
    nik = nik_make(**person)
    written = ""
    for position, digit in enumerate(nik):
        choices = ["", " ", "\u00a0", "-", " - "] + ([".", ". "] if position in (2, 4, 6, 12) else [])
        written += (data.draw(st.sampled_from(choices)) if position else "") + digit
    result = check(f" {written}\t")
    assert result.valid
    assert result.nik == nik == nik_clean(written)


@given(
    st.integers(0, 99).filter(lambda day: not (1 <= day <= 31 or 41 <= day <= 71)),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
)
def test_impossible_birth_day_is_invalid(day, month_year, serial):
    """A day outside 01–31 (men) and 41–71 (women) makes any 16 digits invalid."""
    result = check(f"351401{day:02d}{month_year}{serial}")
    assert not result.valid
    assert result.nik is None
    assert result.sex is None and result.birth_date is None
    assert any("angka ke-7 dan ke-8" in error for error in result.errors)


@given(st.text(max_size=40) | st.from_regex(r"[0-9 .,eE+\-']{0,30}", fullmatch=True))
def test_any_text_gets_an_answer_not_an_exception(raw):
    """Whatever is typed, the check answers; a NIK is returned only without errors, and
    only as 16 digits."""
    result = check(raw)
    assert result.valid == (result.nik is not None)
    assert result.valid == (not result.errors)
    if result.nik is not None:
        assert len(result.nik) == 16 and result.nik.isascii() and result.nik.isdigit()
    if result.damaged:
        assert not result.valid


def test_valid_nik_decodes_sex_birth_date_and_kecamatan():
    """A man's NIK shows his birth date as is; a woman's has 40 added to the day."""
    man, woman = check(MAN), check(WOMAN)
    assert (man.valid, man.sex, man.birth_date, man.kecamatan_code) == (
        True, "L", datetime.date(1980, 8, 17), "35.14.01"
    )
    assert (woman.valid, woman.sex, woman.birth_date) == (True, "P", datetime.date(1980, 8, 17))


@pytest.mark.parametrize("day", ["00", "32", "39", "40", "72", "81", "99"])
def test_day_outside_both_ranges_is_invalid(day):
    """Day 81 would pass python-stdnum (81 mod 40 = 1); here it is refused with the rule."""
    result = check(f"351401{day}08800001")
    assert not result.valid
    assert "01–31" in result.errors[0] and "41–71" in result.errors[0]


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_month_outside_1_to_12_is_invalid(month):
    result = check(f"35140117{month}800001")
    assert not result.valid
    assert any("Bulan lahir" in error and month in error for error in result.errors)


def test_date_missing_from_the_calendar_is_invalid():
    """31 February exists in no century; 29 February 2001 neither (nor 1901)."""
    for nik in ("3514013102990001", "3514012902010001", "3514017102990001"):
        result = check(nik)
        assert not result.valid
        assert any("tidak ada di kalender" in error for error in result.errors)


def test_29_february_00_is_read_as_2000():
    """1900 was no leap year, 2000 was: 290200 is 29 February 2000."""
    result = check("3514012902000001")
    assert result.valid
    assert result.birth_date == datetime.date(2000, 2, 29)


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("170824", datetime.date(2024, 8, 17)),
        ("010625", datetime.date(2025, 6, 1)),  # today itself
        ("020625", datetime.date(1925, 6, 2)),  # tomorrow in 2025 is not a birth date yet
        ("170830", datetime.date(1930, 8, 17)),
    ],
)
def test_century_is_the_latest_not_in_the_future(digits, expected):
    assert check(f"351401{digits}0001").birth_date == expected


def test_serial_0000_is_invalid():
    result = check("3514011708800000")
    assert not result.valid
    assert any("0000" in error for error in result.errors)


def test_serial_ending_in_zero_is_valid():
    """A plain NIK ending in 0 is legitimate; only number-shaped input counts as damaged."""
    result = check("3514011708800010")
    assert result.valid and not result.damaged


def test_unknown_provinsi_is_an_error():
    result = check("9914011708800001")
    assert not result.valid
    assert result.errors == [
        "Kode provinsi pada NIK (99, 2 angka pertama) tidak dikenal. Periksa kembali NIK sesuai KTP."
    ]


def test_unknown_kabupaten_is_an_error():
    result = check("3599011708800001")
    assert not result.valid
    assert any("kabupaten/kota" in error and "35.99" in error for error in result.errors)


def test_unknown_kecamatan_is_only_a_warning():
    """NIKs issued before a kecamatan split keep the old code, so they stay valid."""
    result = check("3514991708800001")
    assert result.valid
    assert result.kecamatan_code == "35.14.99"
    assert any("35.14.99" in warning and "pemekaran" in warning for warning in result.warnings)


def test_all_errors_are_reported_together():
    """Unknown kabupaten, impossible day and serial 0000 are all named at once."""
    result = check("3599013508800000")
    assert len(result.errors) == 3
    assert [("kabupaten" in e, "angka ke-7" in e, "0000" in e) for e in result.errors] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]


@pytest.mark.parametrize(("raw", "count"), [("351401170880001", 15), ("35140117088000011", 17), ("3514", 4)])
def test_wrong_length_names_the_count(raw, count):
    result = check(raw)
    assert result.errors == [f"NIK harus 16 angka; yang diisi {count} angka. Periksa kembali sesuai KTP."]
    assert not result.damaged


def test_letters_are_named():
    """An O typed for a 0 is pointed out, and the digit count is reported too."""
    result = check("35140117O8800001")
    assert not result.valid
    assert "“O”" in result.errors[0]
    assert "15 angka" in result.errors[1]


def test_empty_nik_is_required():
    for raw in ("", "   ", "\u00a0"):
        result = check(raw)
        assert result.errors == ["NIK wajib diisi: ketik 16 angka sesuai KTP."]


def test_sex_disagreement_is_a_warning():
    woman_as_man = check(WOMAN, sex="L")
    assert woman_as_man.valid
    assert woman_as_man.warnings == [
        "NIK menunjukkan perempuan (tanggal lahir +40) tetapi jenis kelamin diisi laki-laki. "
        "Periksa kembali NIK atau jenis kelamin."
    ]
    man_as_woman = check(MAN, sex="P")
    assert man_as_woman.valid
    assert "laki-laki" in man_as_woman.warnings[0] and "diisi perempuan" in man_as_woman.warnings[0]


def test_birth_date_disagreement_is_a_warning():
    result = check(MAN, birth_date=datetime.date(1980, 8, 18))
    assert result.valid
    assert result.warnings == [
        "Tanggal lahir pada NIK (17-08-1980) berbeda dengan tanggal lahir yang diisi (18-08-1980). "
        "Periksa kembali NIK atau tanggal lahir."
    ]


def test_birth_date_a_century_apart_agrees():
    """The NIK has two year digits, so someone born in 1924 matches a NIK read as 2024."""
    result = check("3514011708240001", birth_date=datetime.date(1924, 8, 17), sex="L")
    assert result.valid and result.warnings == []


def test_clean_drops_separators_nbsp_and_excel_apostrophe():
    assert nik_clean("'35.14.01\u00a0170880-0001 ") == MAN
    assert check("\ufeff'3514011708800001").nik == MAN


@pytest.mark.parametrize("raw", ["3.51401E+15", "3,51401E+15", "3.51401e15", "3.514011708E+15", " 3.51401E+15 "])
def test_scientific_notation_is_damaged(raw):
    """The digits past the mantissa are gone: the user is told to retype the NIK."""
    result = check(raw)
    assert result.damaged and not result.valid
    assert result.nik is None
    assert len(result.errors) == 1
    assert "tidak bisa dipulihkan" in result.errors[0]
    assert "Teks" in result.errors[0] and "ketik ulang" in result.errors[0]


@pytest.mark.parametrize(
    "raw",
    [
        "3514012345670000.0",
        "3514011708800000.0",
        "3514011708800010,0",
        "3.514.011.708.800.010",  # Indonesian-locale number format
        "3,514,011,708,800,010",
        "3,514,011,708,800,010.00",
        "351401170880001.0",  # 15 digits that went through a number cell
        "9471011708800003.0",  # a float cannot hold this exactly (above 2**53)
    ],
)
def test_number_cell_values_that_cannot_be_trusted_are_damaged(raw):
    """A 16th digit of 0 may be Excel's truncation, so the NIK cannot be accepted."""
    result = check(raw)
    assert result.damaged and not result.valid
    assert "angka ke-16 bisa berubah menjadi 0" in result.errors[0]
    assert "Teks" in result.errors[0]


@pytest.mark.parametrize("raw", ["3514011708800001.0", "3.514.011.708.800.001", str(3514011708800001.0)])
def test_number_cell_value_with_intact_16th_digit_is_accepted_with_a_warning(raw):
    """A non-zero 16th digit shows nothing was truncated; the column should still become text."""
    result = check(raw)
    assert result.valid and not result.damaged
    assert result.nik == MAN
    assert any("Teks" in warning for warning in result.warnings)


def test_maybe_zeroed_flags_16_digits_ending_in_zero():
    """Importers reading a number cell warn when the 16th digit is 0."""
    assert nik_maybe_zeroed("3514011708800010")
    assert nik_maybe_zeroed("35.14.01.170880.0010")
    assert not nik_maybe_zeroed(MAN)
    assert not nik_maybe_zeroed("351401170880010")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kecamatan_code": "35.14", "sex": "L", "serial": 1},
        {"kecamatan_code": "35.14.1", "sex": "L", "serial": 1},
        {"kecamatan_code": "35.14.01", "sex": "X", "serial": 1},
        {"kecamatan_code": "35.14.01", "sex": "L", "serial": 0},
        {"kecamatan_code": "35.14.01", "sex": "L", "serial": 10000},
    ],
)
def test_nik_make_refuses_what_cannot_be_encoded(kwargs):
    with pytest.raises(ValueError):
        nik_make(birth_date=datetime.date(1980, 8, 17), **kwargs)


def test_regions_come_from_the_region_table(regions, django_assert_num_queries):
    """With the real table: Pasuruan's codes pass, an unknown kecamatan warns, an unknown
    kabupaten fails, each in one query."""
    with django_assert_num_queries(1):
        ok = nik_check(MAN, today=TODAY)
    assert ok.valid and ok.warnings == []
    assert nik_check("3514991708800001", today=TODAY).warnings
    assert not nik_check("3599011708800001", today=TODAY).valid
