"""Registering a business through the API: new or existing owner, the forms' cleaning and
rules, and a NIK already registered answered 409 without leaking someone else's data."""

import pytest

from geliat.audit.models import AuditEvent
from geliat.registry.models import Business, Person, Registration
from tests.api.conftest import DAWUHANSENGON, GERBO_RT1, business_payload, person_payload
from tests.factories import region_node

URL = "/api/v1/registrations/"


def test_registers_a_business_with_a_new_owner_cleaned_like_the_page_form(api, desa_officer):
    """NIK with spaces, a local phone number, amounts written "1,5 juta" and RT/RW typed as
    numbers are stored clean; the answer has the tracking code and masks the NIK."""
    region_node(GERBO_RT1)  # Gerbo keeps its RT units: RW 1 / RT 1 lands on the unit
    nik = person_payload()["nik"]
    spaced = f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"
    response = api(desa_officer).post(
        URL, {"person": person_payload(nik=spaced), "business": business_payload(revenue_now=0)}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["tracking_code"].startswith("GLT-")
    assert body["channel"] == "api"
    assert body["person"]["nik"] == f"{nik[:6]}******{nik[-4:]}"
    assert nik not in response.content.decode()

    registration = Registration.objects.get(tracking_code=body["tracking_code"])
    assert registration.submitted_by == desa_officer
    person, business = registration.person, registration.business
    assert (person.nik, person.phone, person.rt, person.rw) == (nik, "+6281234567890", "001", "001")
    assert person.region_id == GERBO_RT1
    assert (business.capital, business.annual_sales, business.revenue_before, business.revenue_now) == (
        1_500_000, 24_000_000, 3_000_000, 0,
    )
    assert business.impacts == ["sales_drop", "closed"]
    assert business.size == "mikro"
    assert AuditEvent.objects.filter(action="create", object_type="registry.business", object_id=str(business.pk)).exists()


def test_registers_another_business_for_an_owner_already_registered(api, desa_officer, records):
    owner = records["rt1"].owner
    people_before = Person.objects.count()
    response = api(desa_officer).post(
        URL, {"person_id": owner.pk, "business": business_payload(name="Jahit Bu Ani")}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["person"]["id"] == owner.pk
    assert Person.objects.count() == people_before
    assert set(owner.businesses.values_list("name", flat=True)) == {"Warung RT Satu", "Jahit Bu Ani"}


def test_an_owner_outside_the_callers_region_cannot_be_named_and_is_not_confirmed(api, other_desa_officer, records):
    """An id out of scope gets the same answer as an id that does not exist."""
    client = api(other_desa_officer)
    payload = business_payload(region=DAWUHANSENGON, rt="", rw="")
    outside = client.post(URL, {"person_id": records["rt1"].owner.pk, "business": payload}, format="json")
    missing = client.post(URL, {"person_id": 999999, "business": payload}, format="json")
    assert outside.status_code == missing.status_code == 400
    assert outside.json() == missing.json()
    assert "tidak ada di wilayah Anda" in outside.json()["person_id"][0]


@pytest.mark.parametrize("owner", ["both", "neither"])
def test_exactly_one_of_person_or_person_id_is_required(api, desa_officer, records, owner):
    payload = {"business": business_payload()}
    if owner == "both":
        payload |= {"person": person_payload(), "person_id": records["rt1"].owner.pk}
    response = api(desa_officer).post(URL, payload, format="json")
    assert response.status_code == 400
    assert "Isi salah satu" in response.json()["non_field_errors"][0]


def test_a_nik_registered_in_the_callers_region_points_to_the_existing_owner(api, desa_officer, records):
    owner = records["rt2"].owner
    businesses_before = Business.objects.count()
    response = api(desa_officer).post(
        URL, {"person": person_payload(nik=owner.nik), "business": business_payload()}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["existing_person_id"] == owner.pk
    assert f"person_id {owner.pk}" in body["person"]["nik"][0]
    assert Business.objects.count() == businesses_before


def test_a_nik_registered_elsewhere_is_refused_without_saying_who_or_where(api, other_desa_officer, records):
    """An officer of another desa learns only that the NIK is taken: no id, name or place."""
    owner = records["rt1"].owner
    response = api(other_desa_officer).post(
        URL,
        {
            "person": person_payload(nik=owner.nik, region=DAWUHANSENGON, rt="", rw=""),
            "business": business_payload(region=DAWUHANSENGON, rt="", rw=""),
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "person": {"nik": ["NIK ini sudah terdaftar di wilayah lain. Hubungi petugas wilayah tempat pemilik terdaftar."]}
    }
    assert owner.full_name not in response.content.decode()


def test_errors_name_each_field_in_indonesian(api, desa_officer):
    """Errors come back per field, nested like the request, in the forms' words."""
    response = api(desa_officer).post(
        URL,
        {
            "person": person_payload(nik="3514 0123", phone="0812-BUNGA", full_name="12"),
            "business": business_payload(capital="banyak sekali", affected_group=""),
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["person"]["nik"] == ["NIK harus 16 angka; yang diisi 8 angka. Periksa kembali sesuai KTP."]
    assert "hanya boleh berisi angka" in errors["person"]["phone"][0]
    assert errors["person"]["full_name"] == ["Nama lengkap harus berisi huruf, sesuai KTP."]
    assert errors["business"]["affected_group"] == ['"" tidak ada dalam daftar pilihan.']
    assert not Person.objects.exists()


def test_unreadable_amounts_are_explained(api, desa_officer):
    response = api(desa_officer).post(
        URL, {"person": person_payload(), "business": business_payload(capital="banyak sekali")}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["business"]["capital"] == [
        "Modal usaha, di luar tanah dan bangunan (Rp) tidak terbaca: tulis angka rupiah, misalnya 1.500.000 atau 1,5 juta."
    ]


def test_missing_required_fields_are_listed(api, desa_officer):
    response = api(desa_officer).post(URL, {"person": {}, "business": {}}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors["person"]) == {"nik", "full_name", "sex", "address", "region"}
    assert set(errors["business"]) == {"name", "affected_group", "kbli_section", "address", "region"}
    assert errors["person"]["nik"] == ["Bidang ini harus diisi."]


def test_a_region_outside_the_callers_scope_is_refused(api, rt1_officer):
    """The RT 1 officer cannot place a business in RT 2 of the same desa."""
    response = api(rt1_officer).post(
        URL, {"person": person_payload(), "business": business_payload(rt="2")}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "business": {"region": ["Wilayah ini di luar wilayah tugas Anda. Pilih desa/RT di wilayah Anda."]}
    }
    assert not Registration.objects.exists()


def test_a_region_outside_the_regency_is_refused(api, coordinator):
    response = api(coordinator).post(
        URL, {"person": person_payload(region="35"), "business": business_payload()}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["person"]["region"] == [
        "Jawa Timur berada di luar Kabupaten Pasuruan; pilih wilayah di Kabupaten Pasuruan."
    ]


def test_an_unknown_region_code_is_refused(api, coordinator):
    response = api(coordinator).post(
        URL, {"person": person_payload(region="35.14.99.9999"), "business": business_payload()}, format="json"
    )
    assert response.status_code == 400
    assert "35.14.99.9999 tidak dikenal" in response.json()["person"]["region"][0]


def test_nik_warnings_are_kept_with_the_owner(api, desa_officer):
    """A NIK whose encoded sex disagrees with the form is accepted with a stored warning."""
    response = api(desa_officer).post(
        URL, {"person": person_payload(sex="L"), "business": business_payload()}, format="json"
    )
    assert response.status_code == 201
    person = Person.objects.get(pk=response.json()["person"]["id"])
    assert any("perempuan" in warning for warning in person.nik_warnings)
    detail = api(desa_officer).get(f"/api/v1/people/{person.pk}/").json()
    assert detail["nik_warnings"] == person.nik_warnings


def test_registrations_can_be_listed_and_read_back(api, desa_officer, regions):
    client = api(desa_officer)
    created = client.post(URL, {"person": person_payload(), "business": business_payload()}, format="json").json()
    listed = client.get(URL).json()
    assert [row["tracking_code"] for row in listed["results"]] == [created["tracking_code"]]
    assert client.get(f"{URL}{created['id']}/").json() == created


def test_registrations_cannot_be_changed_or_deleted(api, desa_officer, regions):
    client = api(desa_officer)
    created = client.post(URL, {"person": person_payload(), "business": business_payload()}, format="json").json()
    for method in (client.put, client.patch, client.delete):
        response = method(f"{URL}{created['id']}/", {}, format="json")
        assert response.status_code == 405
        assert response.json() == {"detail": "Metode HTTP ini tidak didukung oleh alamat ini."}
