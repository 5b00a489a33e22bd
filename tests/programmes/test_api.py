"""Programmes over the API: the same rules, scope and refusals as the pages."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from geliat.programmes.models import Enrolment
from geliat.programmes.services import enrolment_create, proposal_build
from tests.programmes.conftest import GERBO, NGADIREJO, make_programme


@pytest.fixture
def api():
    def client_for(user) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


def test_an_agency_runs_a_programme_over_the_api(api, make_business, cash_aid, agency_user, django_capture_on_commit_callbacks):
    """Proposal (built in the background), its rows (NIK masked), confirmation, delivery: each answers with the new state."""
    business = make_business()
    make_business(affected_group=5)
    client = api(agency_user)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/api/v1/programmes/{cash_aid.code}/proposals/")
    assert started.status_code == 202 and started.json()["proposal_status"] == "building"
    proposal = client.get(f"/api/v1/proposals/{started.json()['id']}/").json()
    assert proposal["proposal_status"] == "ready"
    assert (proposal["eligible"], proposal["evaluated"]) == (1, 2)
    assert {f["key"]: f["businesses"] for f in proposal["failed"]}["c1"] == 1
    rows = client.get(f"/api/v1/proposals/{proposal['id']}/rows/").json()["results"]
    assert rows[0]["business"] == business.pk and rows[0]["owner"]["nik"] != business.owner.nik
    out = client.get(f"/api/v1/proposals/{proposal['id']}/ineligible/").json()
    assert out["next_after"] is None and out["results"][0]["failed"][0].startswith("kelompok terdampak")
    result = client.post(f"/api/v1/proposals/{proposal['id']}/confirm/", {"rows": [rows[0]["id"]]}, format="json").json()
    assert result == {"confirmed": [rows[0]["id"]], "refused": {}}
    enrolment = Enrolment.objects.get()
    delivery = client.post("/api/v1/deliveries/", {"enrolment": enrolment.pk, "delivered_on": "2020-09-01", "amount": 2400000}, format="json")
    assert delivery.status_code == 201 and delivery.json()["recorded_by"] == agency_user.username
    assert client.get(f"/api/v1/enrolments/{enrolment.pk}/").json()["enrolment_status"] == "delivered"


def test_a_doubled_benefit_answers_409_naming_the_programme(api, make_business, cash_aid, agency, agency_user):
    """Enrolling someone already in a programme of the class: 409 with the conflicting programme's code."""
    other = make_programme("bantuan-lain", agencies=[agency], overlap_class="bantuan_produktif")
    business = make_business()
    enrolment_create(actor=agency_user, programme=cash_aid, person=business.owner, business=business)
    response = api(agency_user).post("/api/v1/enrolments/", {"programme": other.code, "business": business.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["conflicting_programme"] == cash_aid.code and "Bantuan Uji" in response.json()["detail"]


def test_a_programme_with_a_bad_rule_is_refused_over_the_api(api, agency_user):
    """400 with the reason in Indonesian under "rules"."""
    response = api(agency_user).post("/api/v1/programmes/", {
        "code": "uji-api", "name": "Uji API", "source": "regency", "kind": "training", "starts_on": "2021-01-01",
        "ends_on": "2021-12-31", "rules": {"conditions": [{"field": "revenue_drop_pct", "op": "gte", "value": "banyak"}]},
    }, format="json")
    assert response.status_code == 400
    assert "salah jenis" in response.json()["rules"][0]


def test_a_stale_programme_edit_answers_409(api, cash_aid, agency_user):
    """PATCH with an old version is refused; with the current one it is applied."""
    client = api(agency_user)
    assert client.patch(f"/api/v1/programmes/{cash_aid.code}/", {"quota": 10, "version": 1}, format="json").status_code == 200
    assert client.patch(f"/api/v1/programmes/{cash_aid.code}/", {"quota": 20, "version": 1}, format="json").status_code == 409


def test_the_api_is_scoped_like_the_pages(api, make_business, cash_aid, agency_user, other_agency_user, desa_officer):
    """Another agency: 404 on the programme, proposal and enrolment, empty lists; an officer: their region only, no acting."""
    here = make_business(GERBO)
    there = make_business(NGADIREJO)
    proposal = proposal_build(actor=agency_user, programme=cash_aid)
    enrolments = [enrolment_create(actor=agency_user, programme=cash_aid, person=b.owner, business=b) for b in (here, there)]
    other = api(other_agency_user)
    for url in (f"/api/v1/programmes/{cash_aid.code}/", f"/api/v1/proposals/{proposal.pk}/", f"/api/v1/enrolments/{enrolments[0].pk}/"):
        assert other.get(url).status_code == 404, url
    assert other.get("/api/v1/enrolments/").json()["results"] == []
    assert other.get("/api/v1/deliveries/").json()["results"] == []
    officer = api(desa_officer)
    assert [e["id"] for e in officer.get("/api/v1/enrolments/").json()["results"]] == [enrolments[0].pk]
    assert officer.get(f"/api/v1/enrolments/{enrolments[1].pk}/").status_code == 404
    assert officer.post(f"/api/v1/programmes/{cash_aid.code}/proposals/").status_code == 403
    assert officer.post(f"/api/v1/proposals/{proposal.pk}/confirm/", {"rows": [1]}, format="json").status_code == 403
