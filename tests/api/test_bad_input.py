"""Whatever a client sends, the API answers 4xx with an Indonesian explanation, never 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geliat.registry.models import Person, Registration
from tests.api.conftest import business_payload, person_payload

URL = "/api/v1/registrations/"


def _post_raw(client, body: bytes | str, content_type="application/json"):
    return client.generic("POST", URL, body, content_type=content_type)


def test_malformed_json_is_a_400_pointing_at_the_spot(api, desa_officer):
    response = _post_raw(api(desa_officer), '{"person": {"nik": "3514"')
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Isi permintaan bukan JSON yang sah (baris 1, kolom 26). Periksa tanda kutip, koma dan kurung."
    }


@pytest.mark.parametrize(
    "body",
    [
        b'{"person_id": NaN}',
        b"\xff\xfe{}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"person_id": 1' + b"0" * 5000 + b"}",
    ],
    ids=["nan", "not-utf8", "deeply-nested", "huge-number"],
)
def test_json_the_server_cannot_take_is_a_400(api, desa_officer, body):
    response = _post_raw(api(desa_officer), body)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Isi permintaan bukan JSON yang sah")


@pytest.mark.parametrize("body", ["[]", '"teks"', "42", "null"])
def test_a_body_that_is_not_an_object_is_a_400(api, desa_officer, body):
    response = _post_raw(api(desa_officer), body)
    assert response.status_code == 400
    assert "Data harus berupa objek JSON" in response.json()["non_field_errors"][0]


def test_an_oversized_body_is_refused_before_parsing(api, desa_officer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    payload = {"person": person_payload(), "business": business_payload(impact_note="x" * 5000)}
    response = api(desa_officer).post(URL, payload, format="json")
    assert response.status_code == 413
    assert response.json() == {"detail": "Isi permintaan lebih dari 4 KB. Kirim data yang lebih sedikit per permintaan."}
    assert not Registration.objects.exists()


def test_form_encoded_bodies_are_refused(api, desa_officer):
    response = _post_raw(api(desa_officer), "person_id=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert "tidak didukung" in response.json()["detail"]


@pytest.mark.parametrize(
    ("part", "field", "value", "message"),
    [
        ("person", "full_name", {"nama": "Siti"}, "Isi dengan teks."),
        ("person", "nik", ["3514"], "Isi dengan teks."),
        ("person", "birth_date", "kemarin", "Format tanggal salah"),
        ("person", "sex", "X", '"X" tidak ada dalam daftar pilihan.'),
        ("business", "capital", True, "Tulis jumlah rupiah sebagai angka atau teks"),
        ("business", "capital", 1.5, "Tulis jumlah rupiah sebagai angka atau teks"),
        ("business", "impacts", "closed", "Isi dengan daftar (list) pilihan"),
        ("business", "employees_now", "banyak", "bilangan bulat"),
        ("business", "employees_now", -1, "lebih atau sama dengan 0"),
        ("business", "affected_group", 11, '"11" tidak ada dalam daftar pilihan.'),
    ],
)
def test_wrong_types_name_the_field(api, desa_officer, part, field, value, message):
    payload = {"person": person_payload(), "business": business_payload()}
    payload[part][field] = value
    response = api(desa_officer).post(URL, payload, format="json")
    assert response.status_code == 400
    assert message in response.json()[part][field][0]


def test_a_nested_part_that_is_not_an_object_is_named(api, desa_officer):
    response = api(desa_officer).post(URL, {"person": "Siti", "business": business_payload()}, format="json")
    assert response.status_code == 400
    assert "Data harus berupa objek JSON" in response.json()["person"]["non_field_errors"][0]


def test_a_form_date_written_the_indonesian_way_is_accepted(api, desa_officer):
    """The page form accepts dd/mm/yyyy; so does the API, since the form does the reading."""
    response = api(desa_officer).post(
        URL, {"person": person_payload(birth_date="09/03/1975"), "business": business_payload()}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert str(Person.objects.get().birth_date) == "1975-03-09"


def test_an_amount_too_large_to_store_is_a_400(api, desa_officer):
    """The form's ceiling answers, under the business (the database is never asked to store it)."""
    response = api(desa_officer).post(
        URL, {"person": person_payload(), "business": business_payload(capital=10**25)}, format="json"
    )
    assert response.status_code == 400
    assert "terlalu besar" in response.json()["business"]["capital"][0]
    assert not Registration.objects.exists()


def test_methods_the_endpoint_lacks_are_explained(api, desa_officer, records):
    response = api(desa_officer).delete(f"/api/v1/people/{records['rt1'].owner.pk}/")
    assert response.status_code == 405
    assert response.json() == {"detail": "Metode HTTP ini tidak didukung oleh alamat ini."}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


def _mangled(payload: dict):
    """Each field left out, valid, any text, or any JSON: many bodies get past the types to the rules."""
    return st.fixed_dictionaries(
        {}, optional={key: st.just(value) | st.text(max_size=30) | json_values for key, value in payload.items()}
    )


person_like = _mangled(person_payload())
business_like = _mangled(business_payload())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.fixed_dictionaries({}, optional={"person": person_like, "person_id": json_values, "business": business_like}))
def test_no_registration_body_makes_the_server_fail(api, desa_officer, body):
    response = api(desa_officer).post(URL, body, format="json")
    assert response.status_code in (201, 400, 409), response.content
    json.loads(response.content)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=business_like.map(lambda fields: fields | {"version": 1}))
def test_no_business_patch_makes_the_server_fail(api, desa_officer, records, body):
    response = api(desa_officer).patch(f"/api/v1/businesses/{records['rt1'].pk}/", body, format="json")
    assert response.status_code in (200, 400, 409), response.content
