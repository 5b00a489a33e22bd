"""Values are cleaned as people write them, and a row that cannot be trusted is rejected
with reasons that name the user's own column and say what to fix."""

import datetime

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from geliat.imports.cleaning import (
    RegionCache,
    cells_from_row,
    clean_affected_group,
    clean_count,
    clean_date,
    clean_impacts,
    clean_kbli,
    clean_money,
    clean_nik,
    clean_phone,
    clean_row,
    clean_sex,
)
from geliat.imports.headers import guess_mapping
from geliat.imports.readers import open_table
from geliat.registry.models import AffectedGroup, Impact
from tests.factories import region_node
from tests.imports.conftest import OFFICE_HEADERS, office_row, valid_nik, write_file, xlsx_bytes

TODAY = datetime.date(2026, 6, 1)
ID_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember"]
GERBO = "35.14.01.2001"

birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)


def all_codes(codes: list[str]) -> set[str]:
    """Every region code exists: NIK checks without the region table."""
    return set(codes)


# Dates ----------------------------------------------------------------------------


@given(date=birth_dates)
def test_unambiguous_date_formats_round_trip(date):
    """yyyy-mm-dd and dates with the month's name always mean one date."""
    for text in (
        date.isoformat(),
        f"{date.year}/{date.month:02d}/{date.day:02d}",
        f"{date.day} {ID_MONTHS[date.month - 1]} {date.year}",
        f"{date.day:02d}-{ID_MONTHS[date.month - 1][:3]}-{date.year}",
        f"{date.day} {ID_MONTHS[date.month - 1].upper()} {date.year}",
    ):
        assert clean_date(text, today=TODAY) == (date, None, False), text


@given(date=birth_dates, pattern=st.sampled_from(["{d:02d}/{m:02d}/{y}", "{d}-{m}-{y}", "{d}/{m}/{y}", "{d:02d}.{m:02d}.{y}"]))
@example(date=datetime.date(1980, 8, 17), pattern="{d:02d}/{m:02d}/{y}")
@example(date=datetime.date(1980, 6, 5), pattern="{d:02d}/{m:02d}/{y}")
@example(date=datetime.date(1980, 5, 5), pattern="{d}-{m}-{y}")
def test_day_first_dates_round_trip_unless_day_and_month_could_swap(date, pattern):
    """dd/mm/yyyy and d-m-yyyy give the date back; when the day could also be a month
    (05/06/1980), the date is not guessed: it is an error flagged ambiguous."""
    text = pattern.format(d=date.day, m=date.month, y=date.year)
    value, error, ambiguous = clean_date(text, today=TODAY)
    if date.day <= 12 and date.day != date.month:
        assert (value, ambiguous) == (None, True)
        assert str(date.year) in error
    else:
        assert (value, error, ambiguous) == (date, None, False)


def test_an_ambiguous_date_says_both_readings_and_how_to_write_it():
    value, error, ambiguous = clean_date("05/06/1980", today=TODAY)
    assert value is None and ambiguous
    assert "5 Juni 1980" in error and "6 Mei 1980" in error
    assert "nama bulan" in error


def test_a_month_first_date_is_read_when_only_one_reading_exists():
    """8/17/1980 (a spreadsheet in US settings) has no 17th month: it is 17 August."""
    assert clean_date("8/17/1980", today=TODAY) == (datetime.date(1980, 8, 17), None, False)


@pytest.mark.parametrize(
    "text",
    ["1980-08-17T00:00:00.000+07:00", "1980-08-17 00:00:00", "17 Agt 1980", "17 Agustus, 1980", "17-aug-1980",
     " 17 / 08 / 1980 ".replace(" ", "")],
)
def test_dates_from_forms_and_exports(text):
    assert clean_date(text, today=TODAY) == (datetime.date(1980, 8, 17), None, False)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("31/02/1980", "kalender"),
        ("17/08/80", "4"),
        ("17 Agu 80", "tahun"),
        ("kemarin", "17/08/1980"),
        ("17/08/2030", "belum terjadi"),
        ("17/08/1850", "lampau"),
        ("17 Brumaire 1980", "nama bulan"),
    ],
)
def test_unreadable_dates_are_errors_saying_how_to_write_them(text, says):
    value, error, ambiguous = clean_date(text, today=TODAY)
    assert value is None and not ambiguous
    assert says in error


@pytest.mark.parametrize("text", ["", "  ", "-", "N/A", "tidak ada"])
def test_an_empty_date_is_no_date_and_no_error(text):
    assert clean_date(text, today=TODAY) == (None, None, False)


# Sex, money, counts, phones -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("L", "L"), ("l", "L"), ("Laki-laki", "L"), ("LAKI LAKI", "L"), ("laki_laki", "L"), ("Pria", "L"),
        ("Male", "L"), ("1", "L"), ("P", "P"), ("Perempuan", "P"), ("perempuan ", "P"), ("Wanita", "P"),
        ("WANITA", "P"), ("Female", "P"), ("2", "P"),
    ],
)
def test_sex_synonyms(text, sex):
    assert clean_sex(text) == (sex, None)


def test_unknown_sex_says_what_to_write():
    sex, error = clean_sex("Banci")
    assert sex is None and "L (laki-laki) atau P (perempuan)" in error
    assert clean_sex("-") == (None, None)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.500.000", 1_500_000), ("Rp 1.500.000,-", 1_500_000), ("Rp. 2.000.000,00", 2_000_000),
        ("2,5 juta", 2_500_000), ("2.5jt", 2_500_000), ("750rb", 750_000), ("750 ribu", 750_000),
        ("1,500,000", 1_500_000), ("0", 0), ("1 M", 1_000_000_000), ("", None), ("-", None),
    ],
)
def test_money_formats(text, amount):
    assert clean_money(text) == (amount, None)


@given(amount=st.integers(min_value=0, max_value=10**12))
def test_money_with_thousand_dots_round_trips(amount):
    assert clean_money(f"{amount:,}".replace(",", ".")) == (amount, None)
    assert clean_money(f"Rp {amount:,}") == (amount, None)


@given(thousands=st.integers(min_value=1, max_value=999_999), tenths=st.integers(min_value=0, max_value=9))
def test_money_in_words_round_trips(thousands, tenths):
    assert clean_money(f"{thousands}rb") == (thousands * 1000, None)
    assert clean_money(f"{thousands},{tenths} juta") == (thousands * 1_000_000 + tenths * 100_000, None)


def test_money_from_number_cells_is_the_cells_value():
    assert clean_money("1500000", numeric=True) == (1_500_000, None)
    assert clean_money("2500000.4", numeric=True) == (2_500_000, None)


@pytest.mark.parametrize("text", ["satu juta", "1.5", "12,34,56", "Rp 1.500.000 per bulan", "9" * 20])
def test_unreadable_money_says_how_to_write_it(text):
    amount, error = clean_money(text)
    assert amount is None
    assert "1.500.000" in error or "angka nol" in error


@pytest.mark.parametrize(("text", "count"), [("5", 5), ("5 orang", 5), ("0", 0), ("12.0", 12), ("", None)])
def test_employee_counts(text, count):
    assert clean_count(text) == (count, None)


def test_an_unreadable_employee_count_is_an_error():
    assert clean_count("banyak")[1] is not None
    assert clean_count("-3")[1] is not None


@pytest.mark.parametrize(
    "text",
    ["0812-3456-7890", "0812 3456 7890", "081234567890", "6281234567890", "+62 812 3456 7890", "+62 (0)812-3456-7890",
     "81234567890"],
)
def test_phone_forms_become_plus_62(text):
    """Including a number cell that lost its leading 0 (81234567890)."""
    check = clean_phone(text)
    assert (check.e164, check.errors) == ("+6281234567890", [])


def test_a_wrong_phone_is_an_error_and_an_empty_one_is_not():
    assert clean_phone("08123").errors
    assert clean_phone("0812-BUNGA").errors
    assert clean_phone("-").e164 is None and not clean_phone("-").errors


# NIK ------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["3514 0117 0880 0001", "35.14.01.170880.0001", "'3514011708800001", " 3514011708800001 "])
def test_nik_with_spaces_dots_or_apostrophe_is_cleaned(written):
    check = clean_nik(written, region_codes=all_codes, today=TODAY)
    assert (check.nik, check.errors) == ("3514011708800001", [])


@pytest.mark.parametrize("written", ["3.51401E+15", "3,51401E+15", "3.514011708800010e15", "3514011708800010.0", "3.514.011.708.800.010"])
def test_niks_damaged_in_text_form_are_rejected(written):
    check = clean_nik(written, region_codes=all_codes, today=TODAY)
    assert check.nik is None and check.damaged
    assert "rusak oleh spreadsheet" in check.errors[0]
    assert "Teks" in check.errors[0]


def test_a_nik_from_a_number_cell_with_a_zeroed_16th_digit_is_rejected():
    """3514011708800010 typed as text is a valid NIK (serials may end in 0); read from a
    number cell, its last digit may be Excel's 0, so it cannot be trusted."""
    assert clean_nik("3514011708800010", region_codes=all_codes, today=TODAY).nik == "3514011708800010"
    check = clean_nik("3514011708800010", numeric=True, region_codes=all_codes, today=TODAY)
    assert check.nik is None and check.damaged
    assert "rusak oleh spreadsheet" in check.errors[0] and "3514011708800010" in check.errors[0]


def test_a_whole_nik_from_a_number_cell_is_accepted_with_a_warning():
    check = clean_nik("3514011708800011", numeric=True, region_codes=all_codes, today=TODAY)
    assert check.nik == "3514011708800011"
    assert "Teks" in check.warnings[0]


# Affected group, KBLI, impacts ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("2", 2), ("10", 10), ("Warung makan", 2), ("WARUNG KOPI", 2), ("Katering", 2), ("PKL", 3),
        ("Pedagang kaki lima", 3), ("Kerajinan bambu", 4), ("Buruh tani", 5), ("Nelayan", 5),
        ("Toko kelontong", 6), ("mlijo", 6), ("Ojek", 7), ("becak", 7), ("Penjahit", 8), ("Konveksi", 8),
        ("Salon", 9), ("salon kecantikan", 9), ("Olahan pangan", 10), ("keripik tempe", 10),
        ("Lansia", 1), ("Warung makan-minum, katering", 2), ("olahan_pangan", 10),
    ],
)
def test_affected_group_from_number_name_or_keywords(text, group):
    assert clean_affected_group(text) == (group, None)


@pytest.mark.parametrize("text", ["0", "11", "bengkel las"])
def test_unknown_affected_group_lists_the_groups(text):
    group, error = clean_affected_group(text)
    assert group is None
    assert "1–10" in error and str(AffectedGroup.SALON.label) in error


@pytest.mark.parametrize(
    ("text", "section"),
    [("C", "C"), ("c", "C"), ("C. Industri pengolahan", "C"), ("Kategori I", "I"), ("10792", "C"),
     ("47111", "G"), ("01", "A"), ("Perdagangan", "G"), ("industri pengolahan", "C"), ("56", "I")],
)
def test_kbli_from_letter_code_or_name(text, section):
    assert clean_kbli(text) == (section, None)


@pytest.mark.parametrize("text", ["Z", "jasa", "04", "bengkel"])
def test_unknown_or_ambiguous_kbli_is_an_error(text):
    section, error = clean_kbli(text)
    assert section is None and "A–U" in error


@pytest.mark.parametrize(
    ("text", "impacts"),
    [
        ("Penjualan turun, tutup sementara", [Impact.SALES_DROP, Impact.CLOSED]),
        ("sales_drop closed", [Impact.SALES_DROP, Impact.CLOSED]),
        ("Kesulitan modal dan kredit macet", [Impact.CAPITAL, Impact.CREDIT]),
        ("omzet turun; PHK karyawan; bahan baku mahal", [Impact.SALES_DROP, Impact.LAYOFF, Impact.SUPPLY]),
        ("", []),
    ],
)
def test_impacts_from_labels_codes_and_words(text, impacts):
    assert clean_impacts(text) == (impacts, [])


def test_unrecognised_impacts_are_returned_not_dropped():
    assert clean_impacts("tutup, banjir") == ([Impact.CLOSED], ["banjir"])


# Rows -----------------------------------------------------------------------------

COLUMNS = {key: OFFICE_HEADERS[column] for column, key in guess_mapping(OFFICE_HEADERS).items() if key}
MAPPING = guess_mapping(OFFICE_HEADERS)


@pytest.fixture
def cache(regions):
    return RegionCache("35.14", today=TODAY)


def clean(cache, columns=COLUMNS, numeric=(), **overrides):
    cells, _numeric = cells_from_row(office_row(1, **overrides), MAPPING)
    return clean_row(cells, regency_code="35.14", region_cache=cache, columns=columns, numeric=numeric)


def test_a_good_row_gives_typed_values_for_person_and_business(cache):
    row = clean(cache)
    assert row.ok and row.warnings == []
    assert row.person_data() == {
        "nik": valid_nik(1), "full_name": "Budi Santoso 1", "sex": "L", "birth_place": "Pasuruan",
        "birth_date": datetime.date(1980, 8, 17), "phone": "+6281234567890", "address": "Jl. Raya Gerbo No. 5",
        "rt": "003", "rw": "001", "region_id": GERBO, "nik_warnings": [],
    }
    assert row.business_data() == {
        "name": "Warung Bu Sri 1", "affected_group": 2, "kbli_section": "I", "products": "", "capital": None,
        "annual_sales": None, "employees_before": None, "employees_now": None, "revenue_before": 3_000_000,
        "revenue_now": 750_000, "impacts": [], "impact_note": "", "address": "Jl. Raya Gerbo No. 5", "rt": "003",
        "rw": "001", "region_id": GERBO,
    }
    assert row.values["desa_code"] == GERBO


def test_only_the_columns_in_the_file_are_given_for_updates(regions):
    mapping = guess_mapping(["NIK", "Nama", "Alamat", "Desa", "Kecamatan", "Nama Usaha", "Jenis Usaha"])
    cells, numeric = cells_from_row(
        [valid_nik(1), "Sri", "Jl. A", "Gerbo", "Purwodadi", "Toko Sri", "toko"], mapping
    )
    row = clean_row(cells, regency_code="35.14", region_cache=RegionCache("35.14"), numeric=numeric)
    assert row.ok
    # Sex, phone and the rest stay as the record has them; the place moves as a whole.
    assert set(row.person_data(given_only=True)) == {"nik", "full_name", "address", "rt", "rw", "region_id", "nik_warnings"}
    assert set(row.business_data(given_only=True)) == {"name", "affected_group", "address", "rt", "rw", "region_id"}


def test_reasons_name_the_users_column_and_the_fix(cache):
    columns = {**COLUMNS, "birth_date": "Tgl Lahir (dd/mm/yyyy)", "revenue_now": "Omzet Skrg"}
    row = clean(cache, columns=columns, **{"Tanggal Lahir": "17/08/80", "Omzet per bulan sekarang": "sejuta"})
    assert not row.ok
    assert len(row.errors) == 2  # every problem at once, so the office fixes the row in one go
    assert row.errors[0].startswith("Kolom “Tgl Lahir (dd/mm/yyyy)”: ") and "17/08/1980" in row.errors[0]
    assert row.errors[1].startswith("Kolom “Omzet Skrg”: ") and "1.500.000" in row.errors[1]


def test_reasons_use_the_field_label_without_headers(cache):
    row = clean(cache, columns=None, **{"Jenis Kelamin": "X"})
    assert row.errors == ["Kolom “Jenis kelamin”: “X” tidak dikenali. Tulis L (laki-laki) atau P (perempuan)."]


@pytest.mark.parametrize(
    ("column", "value"),
    [("NIK", ""), ("Nama Lengkap", " - "), ("Alamat", ""), ("Desa/Kelurahan", ""), ("Nama Usaha", ""), ("Jenis Usaha", "")],
)
def test_required_values_missing_reject_the_row(cache, column, value):
    row = clean(cache, **{column: value})
    assert not row.ok
    assert row.errors[0].startswith(f"Kolom “{column}”: ")
    assert "wajib" in row.errors[0]


def test_a_name_without_letters_is_rejected(cache):
    assert "huruf" in clean(cache, **{"Nama Lengkap": "12345"}).errors[0]


def test_a_damaged_nik_rejects_the_row(cache):
    row = clean(cache, NIK="3.51401E+15")
    assert row.errors == [row.errors[0]] and "rusak oleh spreadsheet" in row.errors[0]
    assert row.values["nik"] is None


def test_sex_left_empty_is_read_from_the_nik(cache):
    woman = valid_nik(7, sex="P")
    row = clean(cache, NIK=woman, **{"Jenis Kelamin": ""})
    assert row.ok and row.values["sex"] == "P"


def test_sex_contradicting_the_nik_is_a_warning(cache):
    row = clean(cache, NIK=valid_nik(7, sex="P"), **{"Jenis Kelamin": "L"})
    assert row.ok and row.values["sex"] == "L"
    assert any("perempuan" in warning for warning in row.warnings)


def test_an_ambiguous_birth_date_is_settled_by_the_nik(cache):
    """05/06/1980 could be 5 June or 6 May; the NIK's own birth date says which."""
    row = clean(cache, NIK=valid_nik(1, born=datetime.date(1980, 6, 5)), **{"Tanggal Lahir": "05/06/1980"})
    assert row.ok and row.values["birth_date"] == datetime.date(1980, 6, 5)
    row = clean(cache, NIK=valid_nik(1, born=datetime.date(1980, 5, 6)), **{"Tanggal Lahir": "05/06/1980"})
    assert row.ok and row.values["birth_date"] == datetime.date(1980, 5, 6)


def test_an_ambiguous_birth_date_the_nik_does_not_settle_is_rejected(cache):
    row = clean(cache, NIK=valid_nik(1, born=datetime.date(1981, 1, 1)), **{"Tanggal Lahir": "05/06/1980"})
    assert not row.ok
    assert "5 Juni 1980" in row.errors[0] and "6 Mei 1980" in row.errors[0]


def test_place_and_date_in_one_column_are_split(cache):
    row = clean(cache, **{"Tempat Lahir": "", "Tanggal Lahir": "Bangil, 17 Agustus 1980"})
    assert row.ok
    assert (row.values["birth_place"], row.values["birth_date"]) == ("Bangil", datetime.date(1980, 8, 17))


@pytest.mark.parametrize(
    ("desa", "kecamatan", "code"),
    [
        ("Gerbo", "Purwodadi", GERBO),
        ("GERBO", "purwodadi", GERBO),
        ("Desa Gerbo", "Kec. Purwodadi", GERBO),
        ("Gerbo", "", GERBO),
        ("Oro Oro Puleh", "Kejayan", "35.14.06.2001"),
        ("oro-oro pule", "", "35.14.06.2001"),
        ("Kalirejo", "Sukorejo", "35.14.09.2014"),
        ("35.14.01.2001", "", GERBO),
        ("3514012001", "Purwodadi", GERBO),
    ],
)
def test_desa_is_matched_despite_case_spacing_old_spelling_and_codes(cache, desa, kecamatan, code):
    row = clean(cache, **{"Desa/Kelurahan": desa, "Kecamatan": kecamatan})
    assert row.errors == []
    assert row.values["desa_code"] == code


@pytest.mark.parametrize(
    ("desa", "kecamatan", "says"),
    [
        ("Kalirejo", "", "Isi kolom Kecamatan"),
        ("Gerbo", "Kejayan", "ada di Kecamatan Purwodadi"),
        ("Gerbox", "Purwodadi", "tidak ditemukan di Kecamatan Purwodadi"),
        ("Gerbo", "Atlantis", "Kecamatan “Atlantis” tidak ditemukan"),
        ("Menteng", "", "tidak ditemukan di Kabupaten Pasuruan"),
        ("31.71.01.1001", "", "tidak ditemukan"),
    ],
)
def test_unmatched_desa_or_kecamatan_says_why(cache, desa, kecamatan, says):
    row = clean(cache, **{"Desa/Kelurahan": desa, "Kecamatan": kecamatan})
    assert not row.ok
    assert says in row.errors[0]


def test_rt_rw_land_on_the_deepest_existing_unit(cache):
    rt = region_node(f"{GERBO}.RW001.RT003")
    row = clean(cache)
    assert row.values["region_code"] == rt.code
    assert row.values["desa_code"] == GERBO
    # An RT the desa has not set up yet: the RW it belongs to.
    assert clean(cache, RT="9").values["region_code"] == f"{GERBO}.RW001"


def test_rt_and_rw_are_numbers_written_any_way(regions):
    """"RT 03", "3", "003/001" in one RT/RW column; 0 and "-" mean not given."""
    cache = RegionCache("35.14")
    assert (clean(cache, RT="RT 03", RW="rw.1").values["rt"], clean(cache, RT="RT 03", RW="rw.1").values["rw"]) == ("003", "001")
    row = clean(cache, RT="003/002", RW="")
    assert (row.values["rt"], row.values["rw"]) == ("003", "002")
    row = clean(cache, RT="0", RW="-")
    assert row.ok and (row.values["rt"], row.values["rw"]) == ("", "")
    assert "RT selalu berada di bawah RW" in clean(cache, RT="3", RW="").errors[0]
    assert "nomor 1–999" in clean(cache, RT="tiga").errors[0]


def test_region_lookups_are_cached_per_spelling(cache, django_assert_num_queries):
    """A million rows from a few hundred desa query the region table once per desa."""
    clean(cache)
    with django_assert_num_queries(0):
        for _ in range(3):
            assert clean(cache).ok


def test_kbli_follows_the_affected_group_when_not_given(cache):
    assert clean(cache, **{"Jenis Usaha": "Salon"}).values["kbli_section"] == "S"
    row = clean(cache, **{"Jenis Usaha": "1"})  # vulnerable people: no business type to go by
    assert not row.ok and "KBLI" in row.errors[0]


def test_unknown_impacts_are_kept_as_other_with_a_note(regions):
    mapping = guess_mapping(["NIK", "Nama", "Alamat", "Desa", "Nama Usaha", "Jenis Usaha", "Dampak", "Keterangan"])
    cells, numeric = cells_from_row(
        [valid_nik(1), "Sri", "Jl. A", "Gerbo", "Toko Sri", "toko", "tutup, banjir", "sejak Maret"], mapping
    )
    row = clean_row(cells, regency_code="35.14", region_cache=RegionCache("35.14"), numeric=numeric)
    assert row.ok
    assert row.values["impacts"] == [Impact.CLOSED, Impact.OTHER]
    assert row.values["impact_note"] == "sejak Maret; banjir"
    assert "banjir" in row.warnings[0]


def test_too_long_text_is_rejected_with_the_limit(cache):
    row = clean(cache, **{"Nama Usaha": "Warung " * 30})
    assert "paling banyak 150" in row.errors[0]


def test_an_xlsx_row_with_number_cells_cleans_end_to_end(cache, tmp_path):
    """From the file: a NIK Excel stored as a number is rejected as damaged; a phone that
    lost its leading 0, an amount and a date cell are read right."""
    rows = [
        office_row(1, NIK=int(valid_nik(1)), **{"No. HP/WA": 81234567890, "Tanggal Lahir": datetime.date(1980, 8, 17),
                                                "Omzet per bulan sekarang": 750000}),
        office_row(2, NIK=3514011708800010),
    ]
    path = write_file(tmp_path, "daftar.xlsx", xlsx_bytes(OFFICE_HEADERS, rows))
    with open_table(path, name=path.name) as table:
        mapping = guess_mapping(table.headers)
        results = []
        for row in table.rows():
            cells, numeric = cells_from_row(row, mapping)
            results.append(clean_row(cells, regency_code="35.14", region_cache=cache, columns=COLUMNS, numeric=numeric))
    whole, zeroed = results
    assert whole.ok
    assert (whole.values["nik"], whole.values["phone"], whole.values["birth_date"], whole.values["revenue_now"]) == (
        valid_nik(1), "+6281234567890", datetime.date(1980, 8, 17), 750_000,
    )
    assert "Teks" in whole.warnings[0]  # the NIK survived, but the next one may not
    assert not zeroed.ok and "rusak oleh spreadsheet" in zeroed.errors[0]


def test_a_birth_date_saved_as_an_excel_serial_number_is_read(cache):
    cells, _numeric = cells_from_row(office_row(1, **{"Tanggal Lahir": "29450"}), MAPPING)
    row = clean_row(cells, regency_code="35.14", region_cache=cache, numeric={"birth_date"})
    assert row.ok and row.values["birth_date"] == datetime.date(1980, 8, 17)


@given(day=st.integers(1, 28), month=st.integers(1, 12), year=st.integers(1950, 2005))
def test_any_unambiguous_birth_date_agrees_with_the_nik_without_warnings(day, month, year):
    """Without the region table: a NIK built for the date, the date written d-m-yyyy."""
    assume(day > 12 or day == month)
    born = datetime.date(year, month, day)
    check = clean_nik(valid_nik(1, born=born), birth_date=clean_date(f"{day}-{month}-{year}", today=TODAY)[0],
                      region_codes=all_codes, today=TODAY)
    assert check.valid and check.warnings == []
