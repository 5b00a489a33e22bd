"""The verification API: the caller's queue, one record's chain and timeline, decisions and
bulk approval, with the same rules as the pages — 404 out of scope, 403 with the reason at
the wrong level, 409 on a stale version, 400 naming the missing field."""

import datetime

import pytest
from django.utils import timezone

from geliat.verification.models import Verification
from geliat.verification.services import verification_approve
from tests.api.conftest import GERBO, GERBO_RT1, GERBO_RT2
from tests.factories import UserFactory
from tests.verification.conftest import start

QUEUE = "/api/v1/verification/queue/"
BULK = "/api/v1/verification/bulk-approve/"
RW1 = GERBO + ".RW001"


def detail_url(verification) -> str:
    return f"/api/v1/verification/{verification.pk}/"


def decide_url(verification) -> str:
    return f"/api/v1/verification/{verification.pk}/decisions/"


def snapshot(verification) -> tuple:
    verification.refresh_from_db()
    return verification.status, verification.level, verification.version, verification.decisions.count()


def aged(verification, days: int) -> Verification:
    Verification.objects.filter(pk=verification.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=days))
    verification.refresh_from_db()
    return verification


@pytest.fixture
def waiting(rt1_officer):
    """At RT 1: an old record of a street vendor and a fresh food stall; one at RT 2."""
    return {
        "old": aged(start(GERBO_RT1, name="PKL Lama", affected_group=3), 5),
        "fresh": start(GERBO_RT1, name="Warung Baru"),
        "rt2": start(GERBO_RT2, name="Warung RT Dua"),
    }


@pytest.mark.parametrize(
    ("method", "url"), [("get", QUEUE), ("get", "/api/v1/verification/1/"), ("post", "/api/v1/verification/1/decisions/"), ("post", BULK)]
)
def test_anonymous_callers_are_asked_to_authenticate(api, regions, method, url):
    assert getattr(api(), method)(url, format="json").status_code == 401


def test_the_queue_lists_what_waits_at_the_callers_node_oldest_first(api, rt1_officer, waiting):
    response = api(rt1_officer).get(QUEUE)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    old, fresh = body["results"]
    assert (old["id"], fresh["id"]) == (waiting["old"].pk, waiting["fresh"].pk)
    assert (old["state"], old["level"], old["version"]) == ("waiting", "rt", 1)
    assert (old["days_waiting"], old["overdue"]) == (5, True)
    assert (fresh["days_waiting"], fresh["overdue"]) == (0, False)
    assert old["business"]["name"] == "PKL Lama"
    assert old["tracking_code"] == waiting["old"].registration.tracking_code
    nik = waiting["old"].registration.person.nik
    assert old["owner"]["nik"] != nik and old["owner"]["nik"].endswith(nik[-4:])


def test_the_queue_filters_like_the_page(api, rt1_officer, waiting):
    client = api(rt1_officer)

    assert [r["id"] for r in client.get(QUEUE, {"min_days": 3}).json()["results"]] == [waiting["old"].pk]
    assert [r["id"] for r in client.get(QUEUE, {"affected_group": 2}).json()["results"]] == [waiting["fresh"].pk]
    assert client.get(QUEUE, {"region": GERBO_RT1}).json()["count"] == 2


def test_queue_filters_typed_wrong_or_out_of_scope_are_refused_by_name(api, rt1_officer, waiting):
    client = api(rt1_officer)

    outside = client.get(QUEUE, {"region": "35.14.02"})
    wrong = client.get(QUEUE, {"min_days": "tiga"})

    assert outside.status_code == 400 and "di luar wilayah tugas Anda" in outside.json()["region"][0]
    assert wrong.status_code == 400 and list(wrong.json()) == ["min_days"]


def test_one_record_shows_its_chain_with_skipped_levels_and_its_timeline(api, desa_officer, waiting):
    response = api(desa_officer).get(detail_url(waiting["fresh"]))

    assert response.status_code == 200
    body = response.json()
    assert [(s["level"], s["outcome"]) for s in body["chain"]] == [
        ("rt", "waiting"), ("rw", "pending"), ("dusun", "skipped"), ("desa", "pending"),
        ("kecamatan", "pending"), ("kabupaten", "pending"),
    ]
    assert body["chain"][2]["skip_reason"] == "RW ini tidak berada di bawah dusun."
    assert [entry["action"] for entry in body["timeline"]] == ["start"]
    assert body["send_back_levels"] == []


def test_a_record_outside_the_callers_region_answers_404_like_a_missing_one(api, other_desa_officer, waiting):
    client = api(other_desa_officer)
    before = snapshot(waiting["fresh"])

    assert client.get(detail_url(waiting["fresh"])).status_code == 404
    assert client.get("/api/v1/verification/999999/").status_code == 404
    response = client.post(decide_url(waiting["fresh"]), {"action": "approve", "version": 1}, format="json")

    assert response.status_code == 404
    assert snapshot(waiting["fresh"]) == before


def test_approval_answers_with_the_new_state(api, rt1_officer, waiting):
    response = api(rt1_officer).post(decide_url(waiting["fresh"]), {"action": "approve", "version": 1}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["level"], body["node_code"], body["version"]) == ("waiting", "rw", RW1, 2)
    assert body["timeline"][-1]["action"] == "approve" and body["timeline"][-1]["level"] == "rt"


def test_the_wrong_level_is_refused_403_with_the_reason_and_nothing_changes(api, desa_officer, waiting):
    before = snapshot(waiting["fresh"])

    response = api(desa_officer).post(decide_url(waiting["fresh"]), {"action": "approve", "version": 1}, format="json")

    assert response.status_code == 403
    assert "menunggu verifikasi tingkat RT" in response.json()["detail"]
    assert snapshot(waiting["fresh"]) == before


def test_a_stale_version_answers_409(api, rt1_officer, waiting):
    verification_approve(actor=rt1_officer, verification_id=waiting["old"].pk, expected_version=1)
    before = snapshot(waiting["old"])

    response = api(rt1_officer).post(decide_url(waiting["old"]), {"action": "approve", "version": 1}, format="json")

    assert response.status_code == 409
    assert "petugas lain sejak Anda membukanya" in response.json()["version"][0]
    assert snapshot(waiting["old"]) == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"action": "reject", "version": 1}, "reason"),
        ({"action": "reject", "version": 1, "reason": "   "}, "reason"),
        ({"action": "return", "version": 1, "fields": ["name"]}, "reason"),
        ({"action": "return", "version": 1, "reason": "Nama usaha salah"}, "fields"),
        ({"action": "send_back", "version": 1}, "reason"),
        ({"action": "approve"}, "version"),
        ({"action": "setuju", "version": 1}, "action"),
    ],
)
def test_incomplete_decisions_are_refused_400_naming_the_field(api, rt1_officer, waiting, payload, field):
    before = snapshot(waiting["fresh"])

    response = api(rt1_officer).post(decide_url(waiting["fresh"]), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert snapshot(waiting["fresh"]) == before


def test_return_names_what_to_fix_and_send_back_moves_down(api, rt1_officer, regions, waiting):
    returned = api(rt1_officer).post(
        decide_url(waiting["old"]),
        {"action": "return", "version": 1, "reason": "Nama usaha tidak terbaca", "fields": ["name"]},
        format="json",
    ).json()
    assert (returned["state"], returned["return_reason"], returned["return_fields"]) == (
        "returned", "Nama usaha tidak terbaca", ["name"]
    )

    rw_officer = UserFactory.at(RW1)
    moved = verification_approve(actor=rt1_officer, verification_id=waiting["fresh"].pk, expected_version=1)
    assert api(rw_officer).get(detail_url(moved)).json()["send_back_levels"] == ["rt"]
    response = api(rw_officer).post(
        decide_url(moved), {"action": "send_back", "version": moved.version, "to_level": "rt", "reason": "Cek alamat"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["level"], response.json()["node_code"]) == ("rt", GERBO_RT1)


def test_bulk_approval_approves_what_it_may_and_says_why_not_for_the_rest(api, rt1_officer, waiting):
    passed = start(GERBO_RT1)
    passed = verification_approve(actor=rt1_officer, verification_id=passed.pk, expected_version=1)
    items = [
        {"id": waiting["old"].pk, "version": 1},
        {"id": waiting["fresh"].pk, "version": 7},
        {"id": waiting["rt2"].pk, "version": 1},
        {"id": 999999, "version": 1},
        {"id": passed.pk, "version": passed.version},
    ]
    rt2_before = snapshot(waiting["rt2"])

    response = api(rt1_officer).post(BULK, items, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["approved"] == [waiting["old"].pk]
    reasons = {item["id"]: item["reason"] for item in body["refused"]}
    assert set(reasons) == {waiting["fresh"].pk, waiting["rt2"].pk, 999999, passed.pk}
    assert "petugas lain sejak Anda membukanya" in reasons[waiting["fresh"].pk]
    # Out of scope reads like missing: nothing about where it waits.
    assert reasons[waiting["rt2"].pk] == reasons[999999] == "Data tidak ditemukan."
    assert "di atas tingkat Anda" in reasons[passed.pk]
    assert snapshot(waiting["old"])[1:3] == ("rw", 2)
    assert snapshot(waiting["rt2"]) == rt2_before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"id": 1, "version": 1}, "Kirim daftar (list) JSON"),
        ([], "Daftar kosong"),
        ([{"id": 1, "version": 1}] * 1001, "Paling banyak 1000 data"),
    ],
)
def test_bulk_bodies_of_the_wrong_shape_are_refused_in_indonesian(api, rt1_officer, regions, body, message):
    response = api(rt1_officer).post(BULK, body, format="json")

    assert response.status_code == 400
    assert message in str(response.json())


def test_bulk_items_name_the_bad_field(api, rt1_officer, regions):
    response = api(rt1_officer).post(BULK, [{"id": "satu", "version": 1}], format="json")

    assert response.status_code == 400
    # The item's position in the list, then its field.
    assert list(response.json()) == ["0"] and list(response.json()["0"]) == ["id"]


def test_the_schema_documents_the_verification_endpoints(client, db):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]

    assert set(paths["/api/v1/verification/{id}/decisions/"]["post"]["responses"]) == {"200", "400", "403", "404", "409"}
    assert "get" in paths["/api/v1/verification/queue/"] and "get" in paths["/api/v1/verification/{id}/"]
    assert "post" in paths["/api/v1/verification/bulk-approve/"]
