"""Who may call the API and what each caller sees: login required, lists and records scoped
to the caller's region exactly as on the pages, out of scope answering like missing."""

import pytest
from rest_framework.test import APIClient

from geliat.registry.models import Registration


@pytest.fixture
def registered(records):
    """The records, each with the registration that brought it in."""
    for business in records.values():
        Registration.objects.create(person=business.owner, business=business, channel="officer")
    return records


LIST_URLS = ["/api/v1/people/", "/api/v1/businesses/", "/api/v1/registrations/", "/api/v1/regions/"]


@pytest.mark.parametrize("url", LIST_URLS)
def test_anonymous_callers_are_asked_to_authenticate(api, regions, url):
    """Without credentials every endpoint answers 401 in Indonesian and names the Token scheme."""
    response = api().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Data autentikasi tidak diberikan."}


def test_a_wrong_token_is_refused_in_indonesian(regions):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get("/api/v1/businesses/")
    assert response.status_code == 401
    assert "Token tidak sah" in response.json()["detail"]


def test_a_deactivated_account_loses_api_access(api, desa_officer, records):
    client = api(desa_officer)
    desa_officer.is_active = False
    desa_officer.save()
    assert client.get("/api/v1/businesses/").status_code == 401


def test_the_browser_session_of_a_logged_in_officer_works_too(client, desa_officer, records):
    """Pages' JavaScript can call the API with the session cookie, no token needed."""
    client.force_login(desa_officer)
    response = client.get("/api/v1/businesses/")
    assert response.status_code == 200
    assert response.json()["count"] == 2


def _names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("officer", "expected"),
    [
        ("rt1_officer", {"Warung RT Satu"}),
        ("desa_officer", {"Warung RT Satu", "Warung RT Dua"}),
        ("other_desa_officer", {"Toko Dawuhansengon"}),
        ("coordinator", {"Warung RT Satu", "Warung RT Dua", "Toko Dawuhansengon", "Kriya Tutur"}),
    ],
)
def test_business_list_shows_only_the_callers_region(api, registered, request, officer, expected):
    """An RT officer sees their RT, a desa officer the whole desa, the coordinator the regency."""
    client = api(request.getfixturevalue(officer))
    assert _names(client.get("/api/v1/businesses/")) == expected
    registrations = client.get("/api/v1/registrations/").json()["results"]
    assert {row["business"]["name"] for row in registrations} == expected
    people = client.get("/api/v1/people/").json()["results"]
    owners = {business.owner.full_name for business in registered.values() if business.name in expected}
    assert {row["full_name"] for row in people} == owners


def test_an_officer_without_a_region_sees_nothing(api, records):
    from tests.factories import UserFactory

    client = api(UserFactory(username="tanpa.wilayah"))
    assert client.get("/api/v1/businesses/").json()["count"] == 0
    assert client.get("/api/v1/people/").json()["count"] == 0


@pytest.mark.parametrize("kind", ["people", "businesses", "registrations"])
def test_out_of_scope_records_answer_exactly_like_missing_ones(api, rt1_officer, registered, kind):
    """The RT 1 officer cannot tell a record in RT 2 from one that does not exist."""
    business = registered["rt2"]
    pk = {"people": business.owner.pk, "businesses": business.pk, "registrations": business.registrations.get().pk}[kind]
    client = api(rt1_officer)
    out_of_scope = client.get(f"/api/v1/{kind}/{pk}/")
    missing = client.get(f"/api/v1/{kind}/999999/")
    not_a_number = client.get(f"/api/v1/{kind}/abc/")
    assert out_of_scope.status_code == missing.status_code == not_a_number.status_code == 404
    assert out_of_scope.json() == missing.json() == not_a_number.json() == {"detail": "Data tidak ditemukan."}
    own = registered["rt1"]
    own_pk = {"people": own.owner.pk, "businesses": own.pk, "registrations": own.registrations.get().pk}[kind]
    assert client.get(f"/api/v1/{kind}/{own_pk}/").status_code == 200


def test_out_of_scope_records_cannot_be_changed(api, rt1_officer, records):
    business = records["rt2"]
    response = api(rt1_officer).patch(
        f"/api/v1/businesses/{business.pk}/", {"name": "Diambil alih", "version": 1}, format="json"
    )
    assert response.status_code == 404
    business.refresh_from_db()
    assert business.name == "Warung RT Dua"


def test_business_filters_narrow_within_scope(api, coordinator, records):
    client = api(coordinator)
    assert _names(client.get("/api/v1/businesses/", {"q": "warung"})) == {"Warung RT Satu", "Warung RT Dua"}
    assert _names(client.get("/api/v1/businesses/", {"region": "35.14.01"})) == {
        "Warung RT Satu", "Warung RT Dua", "Toko Dawuhansengon",
    }
    assert _names(client.get("/api/v1/businesses/", {"region": "35.14.01.2001.RW001.RT002"})) == {"Warung RT Dua"}
    records["tutur"].affected_group = 4
    records["tutur"].save()
    assert _names(client.get("/api/v1/businesses/", {"affected_group": 4})) == {"Kriya Tutur"}


def test_a_region_filter_cannot_widen_the_scope(api, rt1_officer, records):
    assert _names(api(rt1_officer).get("/api/v1/businesses/", {"region": "35.14"})) == {"Warung RT Satu"}


def test_people_filter_by_name(api, desa_officer, records):
    owner = records["rt2"].owner
    response = api(desa_officer).get("/api/v1/people/", {"q": owner.full_name.upper()})
    assert [row["id"] for row in response.json()["results"]] == [owner.pk]


def test_an_unknown_affected_group_is_a_clear_error(api, desa_officer, records):
    response = api(desa_officer).get("/api/v1/businesses/", {"affected_group": "11"})
    assert response.status_code == 400
    assert response.json()["affected_group"] == ['"11" tidak ada dalam daftar pilihan.']


def test_lists_are_paginated_by_fifty(api, desa_officer, regions):
    from tests.api.conftest import BusinessFactory

    BusinessFactory.create_batch(51)
    client = api(desa_officer)
    first = client.get("/api/v1/businesses/").json()
    assert (first["count"], len(first["results"])) == (51, 50)
    assert len(client.get(first["next"]).json()["results"]) == 1
    beyond = client.get("/api/v1/businesses/", {"page": 3})
    assert beyond.status_code == 404
    assert beyond.json() == {"detail": "Halaman tidak ada. Mulai dari ?page=1."}
