"""Columns are matched to fields from the headers offices, Google Forms, KoboToolbox and
ODK write, and the page is told what is still missing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geliat.imports.fields import FIELDS, REQUIRED_FIELDS
from geliat.imports.headers import guess_mapping, mapping_problems
from tests.imports.conftest import KOBO_HEADERS, ODK_HEADERS, OFFICE_HEADERS


def guess_one(header: str) -> str | None:
    return guess_mapping([header])[0]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("NIK", "nik"),
        ("No. KTP", "nik"),
        ("Nomor Induk Kependudukan", "nik"),
        ("Nama Lengkap", "full_name"),
        ("Nama", "full_name"),
        ("Nama Pemilik Usaha", "full_name"),
        ("Jenis Kelamin", "sex"),
        ("L/P", "sex"),
        ("Tempat Lahir", "birth_place"),
        ("Tanggal Lahir", "birth_date"),
        ("Tgl. Lahir", "birth_date"),
        ("Tempat, Tanggal Lahir", "birth_date"),
        ("Alamat", "address"),
        ("RT", "rt"),
        ("RW", "rw"),
        ("RT/RW", "rt"),
        ("Dusun", "dusun"),
        ("Desa/Kelurahan", "desa"),
        ("Kelurahan", "desa"),
        ("Kecamatan", "kecamatan"),
        ("No. HP/WA", "phone"),
        ("Nomor WhatsApp", "phone"),
        ("Nama Usaha", "business_name"),
        ("Jenis Usaha", "affected_group"),
        ("Kelompok Usaha Terdampak", "affected_group"),
        ("KBLI", "kbli_section"),
        ("Produk", "products"),
        ("Modal Usaha (Rp)", "capital"),
        ("Hasil Penjualan Tahunan", "annual_sales"),
        ("Omzet per tahun", "annual_sales"),
        ("Jumlah Karyawan Sebelum Pandemi", "employees_before"),
        ("Jumlah Karyawan", "employees_now"),
        ("Omzet per bulan sebelum pandemi (Rp)", "revenue_before"),
        ("Omzet sebelum Covid-19", "revenue_before"),
        ("Omzet per bulan sekarang (Rp)", "revenue_now"),
        ("Omzet", "revenue_now"),
        ("Dampak Covid-19", "impacts"),
        ("Keterangan Dampak", "impact_note"),
        ("Alamat Usaha", "business_address"),
    ],
)
def test_indonesian_headers_are_recognised(header, field):
    assert guess_one(header) == field


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("National ID", "nik"),
        ("Full name", "full_name"),
        ("Gender", "sex"),
        ("Date of birth", "birth_date"),
        ("Place of birth", "birth_place"),
        ("Phone number", "phone"),
        ("Address", "address"),
        ("Village", "desa"),
        ("Sub-district", "kecamatan"),
        ("Hamlet", "dusun"),
        ("Business name", "business_name"),
        ("Business type", "affected_group"),
        ("Sector", "kbli_section"),
        ("Products", "products"),
        ("Capital", "capital"),
        ("Annual sales", "annual_sales"),
        ("Employees before", "employees_before"),
        ("Employees now", "employees_now"),
        ("Revenue before", "revenue_before"),
        ("Revenue now", "revenue_now"),
        ("Impacts", "impacts"),
        ("Business address", "business_address"),
    ],
)
def test_english_headers_are_recognised(header, field):
    assert guess_one(header) == field


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("  nama   LENGKAP ", "full_name"),
        ("NAMA_LENGKAP", "full_name"),
        ("no.hp/wa", "phone"),
        ("NO_HP", "phone"),
        ("TGL.LAHIR", "birth_date"),
        ("Jenis-Kelamin:", "sex"),
        ("desa / kelurahan", "desa"),
        # Google Forms: the question as the header, with a hint in brackets.
        ("Nama Lengkap (sesuai KTP)", "full_name"),
        ("NIK (16 digit)", "nik"),
        ("Tanggal Lahir (dd/mm/yyyy)", "birth_date"),
        ("Nomor HP/WhatsApp yang aktif", "phone"),
    ],
)
def test_case_spacing_punctuation_and_form_hints_do_not_matter(header, field):
    assert guess_one(header) == field


_SEPARATORS = st.sampled_from([" ", "  ", "_", ".", ". ", "-", " / "])


@given(
    header=st.sampled_from(OFFICE_HEADERS[1:]),
    case=st.sampled_from([str.upper, str.lower, str.title, str]),
    separator=_SEPARATORS,
    trailing=st.sampled_from(["", ":", " *", " "]),
)
def test_any_writing_of_an_office_header_finds_the_same_field(header, case, separator, trailing):
    """However the words of a known header are cased, joined and punctuated, it means the same."""
    written = case(separator.join(header.replace("/", " ").split())) + trailing
    assert guess_one(written) == guess_one(header) is not None


def test_an_office_list_maps_every_column_it_has():
    mapping = guess_mapping(OFFICE_HEADERS)
    assert mapping[0] is None  # "No": the row number, not imported
    assert [mapping[i] for i in range(1, len(OFFICE_HEADERS))] == [
        "nik", "full_name", "sex", "birth_place", "birth_date", "address", "rt", "rw", "desa", "kecamatan", "phone",
        "business_name", "affected_group", "revenue_before", "revenue_now",
    ]
    assert mapping_problems(mapping) == []


def test_kobo_group_paths_and_bookkeeping_columns():
    """Group paths map by their last part (``grp_usaha/nama`` is the business's name);
    the submission's instanceID becomes the external id; Kobo's own columns are skipped."""
    mapping = {KOBO_HEADERS[column]: field for column, field in guess_mapping(KOBO_HEADERS).items()}
    assert mapping == {
        "start": None, "end": None,
        "grp_identitas/nik": "nik", "grp_identitas/nama_lengkap": "full_name", "grp_identitas/jenis_kelamin": "sex",
        "grp_identitas/tempat_lahir": "birth_place", "grp_identitas/tanggal_lahir": "birth_date",
        "grp_alamat/alamat": "address", "grp_alamat/rt": "rt", "grp_alamat/rw": "rw", "grp_alamat/desa": "desa",
        "grp_alamat/kecamatan": "kecamatan", "grp_identitas/no_hp": "phone", "grp_usaha/nama": "business_name",
        "grp_usaha/jenis_usaha": "affected_group", "grp_usaha/omzet_sebelum": "revenue_before",
        "grp_usaha/omzet_sekarang": "revenue_now", "meta/instanceID": "external_id",
        # formhub/uuid names the form, not the submission: every row has the same one.
        "formhub/uuid": None, "_id": None, "_uuid": None, "_submission_time": None, "_validation_status": None,
        "_notes": None, "_status": None, "_submitted_by": None, "__version__": None, "_tags": None, "_index": None,
    }


def test_kobo_uuid_is_the_external_id_when_there_is_no_instance_id():
    assert guess_mapping(["_uuid", "grp/nik", "_submission_time"]) == {0: "external_id", 1: "nik", 2: None}


def test_odk_central_dash_paths_and_colon_paths():
    mapping = {ODK_HEADERS[column]: field for column, field in guess_mapping(ODK_HEADERS).items() if field}
    assert mapping == {
        "data-nik": "nik", "data-nama_lengkap": "full_name", "data-jenis_kelamin": "sex", "data-alamat": "address",
        "data-desa": "desa", "data-kecamatan": "kecamatan", "data-nama_usaha": "business_name",
        "data-jenis_usaha": "affected_group", "meta-instanceID": "external_id",
    }
    assert guess_mapping(["identitas:nama", "identitas:nik", "usaha:nama"]) == {
        0: "full_name", 1: "nik", 2: "business_name",
    }


def test_each_field_goes_to_one_column_the_best_matching_one():
    assert guess_mapping(["NIK", "nik"]) == {0: "nik", 1: None}
    # The exact name wins over a phrase that merely contains its words, wherever it stands.
    assert guess_mapping(["Alamat sesuai domisili", "Alamat"]) == {0: None, 1: "address"}
    assert guess_mapping(["Omzet", "Omzet sebelum pandemi"]) == {0: "revenue_now", 1: "revenue_before"}
    assert guess_mapping(["Nama Usaha", "Nama"]) == {0: "business_name", 1: "full_name"}


@pytest.mark.parametrize("header", ["No", "Pekerjaan", "Email", "Umur", "", "   ", "Status Perkawinan", "No. KK"])
def test_unknown_columns_are_not_imported(header):
    assert guess_one(header) is None


def test_every_field_can_be_guessed_from_its_own_label():
    """The labels the mapping page shows are themselves recognised (a file made from the
    page's template maps back)."""
    labels = [str(field.label) for field in FIELDS.values()]
    assert list(guess_mapping(labels).values()) == list(FIELDS)


def test_problems_name_missing_required_fields_in_indonesian():
    mapping = guess_mapping(["Nama", "Alamat", "Desa"])
    problems = mapping_problems(mapping)
    missing = {key for key in REQUIRED_FIELDS if key not in mapping.values()}
    assert len(problems) == len(missing) == 3
    assert any("NIK" in problem and "wajib" in problem for problem in problems)
    assert any("Nama usaha" in problem for problem in problems)


def test_problems_name_columns_given_the_same_field():
    mapping = {"0": "nik", "1": "full_name", "2": "nik"}
    problems = mapping_problems(mapping, ["No KTP", "Nama", "NIK Pemilik"])
    assert any("“No KTP”, “NIK Pemilik”" in problem and "NIK" in problem for problem in problems)


def test_problems_name_unknown_fields():
    problems = mapping_problems({0: "shoe_size", 1: None}, ["Ukuran sepatu", "Nama"])
    assert any("shoe_size" in problem and "“Ukuran sepatu”" in problem for problem in problems)
