"""The duplicate pages: queue, pair, decisions, merge history with undo, runs; each scoped
to the officer's region (out of scope answers 404, like missing)."""

import pytest
from django.urls import reverse

from geliat.accounts.models import Role
from geliat.audit.models import AuditEvent
from geliat.dedup.models import CandidatePair, DedupRun, Merge
from geliat.dedup.services import candidates_for_people, pair_decide_same
from geliat.registry.models import Person
from geliat.registry.services import person_update
from tests.dedup.test_workflow_support import (
    DAWUHANSENGON,
    GERBO,
    KABUPATEN,
    PURWODADI,
    TUTUR,
    officer,
    twins,
)
from tests.factories import TEST_PASSWORD, UserFactory


@pytest.fixture
def pair(regions):
    first, second = twins()
    candidates_for_people(person_ids=[first.pk, second.pk])
    return CandidatePair.objects.get(left=first, right=second)


@pytest.fixture
def login(client):
    def log_in(user):
        client.login(username=user.username, password=TEST_PASSWORD)
        return client

    return log_in


def _merge_post(pair, **overrides) -> dict:
    data = {"version": pair.version, "survivor": "left", "take_full_name": "right", "take_birth_place": "left",
            "take_address": "left"}
    data.update(overrides)
    return data


# --- Queue -----------------------------------------------------------------------------------


def test_the_queue_lists_the_pairs_of_the_officers_region(pair, login):
    """The desa officer sees the pair with its probability; a desa elsewhere sees nothing."""
    body = login(officer(GERBO)).get(reverse("dedup:queue")).content.decode()
    assert "Moch. Sholeh" in body and "MUHAMMAD SHOLEH" in body
    assert reverse("dedup:pair", args=[pair.pk]) in body


def test_the_queue_is_empty_outside_the_region(pair, login):
    body = login(officer(TUTUR)).get(reverse("dedup:queue")).content.decode()
    assert "Moch. Sholeh" not in body and "Tidak ada pasangan" in body


def test_queue_filters_by_band_status_and_source(pair, login):
    client = login(officer(GERBO))
    assert "Moch. Sholeh" in client.get(reverse("dedup:queue"), {"band": "tinggi"}).content.decode()
    assert "Moch. Sholeh" not in client.get(reverse("dedup:queue"), {"band": "rendah"}).content.decode()
    assert "Moch. Sholeh" not in client.get(reverse("dedup:queue"), {"source": "run"}).content.decode()
    assert "Moch. Sholeh" not in client.get(reverse("dedup:queue"), {"status": "different"}).content.decode()
    assert "Moch. Sholeh" in client.get(reverse("dedup:queue"), {"status": ""}).content.decode()
    # A filter value that cannot apply is ignored, never a 500.
    assert client.get(reverse("dedup:queue"), {"band": "semua", "page": "x"}).status_code == 200


def test_queue_filters_answer_htmx_with_the_rows_only(pair, login):
    response = login(officer(GERBO)).get(reverse("dedup:queue"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Moch. Sholeh" in body and "<h1>" not in body


# --- Pair ------------------------------------------------------------------------------------


def test_the_pair_page_shows_both_records_side_by_side_masked(pair, login):
    """Each row is marked agreed/close/different/missing; NIK and phone are masked."""
    body = login(officer(GERBO)).get(reverse("dedup:pair", args=[pair.pk])).content.decode()
    assert pair.left.nik not in body and pair.right.nik not in body
    assert pair.left.nik[:6] + "******" + pair.left.nik[-4:] in body
    assert pair.left.phone not in body
    assert 'data-testid="level-nik">mirip' in body and 'data-testid="level-birth_date">sama' in body
    assert 'data-testid="merge"' in body and 'data-testid="different"' in body


def test_the_pair_page_is_404_outside_the_region(pair, login):
    assert login(officer(TUTUR)).get(reverse("dedup:pair", args=[pair.pk])).status_code == 404
    assert login(officer(TUTUR)).get(reverse("dedup:pair", args=[999999])).status_code == 404


def test_decisions_on_a_pair_outside_the_region_are_404(pair, login):
    client = login(officer(TUTUR))
    assert client.post(reverse("dedup:pair_same", args=[pair.pk]), _merge_post(pair)).status_code == 404
    assert client.post(reverse("dedup:pair_different", args=[pair.pk]), {"version": 1}).status_code == 404
    assert client.post(reverse("dedup:pair_reveal", args=[pair.pk])).status_code == 404
    assert CandidatePair.objects.get(pk=pair.pk).status == "open"


def test_a_pair_across_two_desa_is_shown_to_each_desa_but_decided_above(regions, login):
    """Gerbo's officer sees the pair with its Dawuhansengon half, cannot decide it; Purwodadi can."""
    first, second = twins(other_region=DAWUHANSENGON)
    candidates_for_people(person_ids=[first.pk, second.pk])
    pair = CandidatePair.objects.get()
    client = login(officer(GERBO))
    body = client.get(reverse("dedup:pair", args=[pair.pk])).content.decode()
    assert "di luar wilayah tugas Anda" in body and 'data-testid="merge"' not in body
    response = client.post(reverse("dedup:pair_same", args=[pair.pk]), _merge_post(pair))
    assert response.status_code == 403
    assert Person.objects.get(pk=second.pk).merged_into_id is None
    response = login(officer(PURWODADI)).post(reverse("dedup:pair_same", args=[pair.pk]), _merge_post(pair))
    assert response.status_code == 302
    assert Person.objects.get(pk=second.pk).merged_into_id == first.pk


def test_merging_from_the_page_keeps_the_chosen_values(pair, login):
    """"Orang yang sama" with the B name chosen: the survivor (A) takes it, the page moves to the merge."""
    response = login(officer(GERBO)).post(reverse("dedup:pair_same", args=[pair.pk]), _merge_post(pair), follow=True)
    merge = Merge.objects.get()
    assert response.redirect_chain[-1][0] == reverse("dedup:merge", args=[merge.pk])
    assert "Penggabungan dapat dibatalkan" in response.content.decode()
    assert Person.objects.get(pk=pair.left_id).full_name == "MUHAMMAD SHOLEH"
    assert Person.objects.get(pk=pair.right_id).merged_into_id == pair.left_id


def test_a_merge_without_a_survivor_is_refused_by_name_keeping_the_choices(pair, login):
    data = _merge_post(pair)
    del data["survivor"]
    response = login(officer(GERBO)).post(reverse("dedup:pair_same", args=[pair.pk]), data)
    body = response.content.decode()
    assert response.status_code == 400 and "Pilih data yang dipertahankan" in body
    assert 'name="take_full_name" value="right" checked' in body
    assert not Merge.objects.exists()


def test_different_people_from_the_page_is_remembered(pair, login):
    response = login(officer(GERBO)).post(
        reverse("dedup:pair_different", args=[pair.pk]), {"version": pair.version, "reason": "Ayah dan anak"}, follow=True
    )
    assert "tidak akan ditanyakan lagi" in response.content.decode()
    pair.refresh_from_db()
    assert (pair.status, pair.reason) == ("different", "Ayah dan anak")


def test_a_stale_decision_is_told_with_409_and_changes_nothing(pair, login):
    """Opened at version 1, decided meanwhile by another officer: the second is told so."""
    pair_decide_same(actor=officer(GERBO), pair_id=pair.pk, expected_version=1, survivor_id=pair.left_id, choices={})
    response = login(officer(GERBO)).post(reverse("dedup:pair_different", args=[pair.pk]), {"version": 1})
    assert response.status_code == 409
    assert "sudah diputuskan petugas lain" in response.content.decode()
    assert CandidatePair.objects.get(pk=pair.pk).status == "same"


def test_agency_staff_see_pairs_but_do_not_decide(pair, login):
    staff = UserFactory.at(KABUPATEN, role=Role.AGENCY)
    client = login(staff)
    assert client.get(reverse("dedup:pair", args=[pair.pk])).status_code == 200
    assert client.post(reverse("dedup:pair_different", args=[pair.pk]), {"version": 1}).status_code == 403


def test_revealing_both_niks_is_audited_per_record(pair, login):
    body = login(officer(GERBO)).post(reverse("dedup:pair_reveal", args=[pair.pk])).content.decode()
    assert pair.left.nik in body and pair.right.nik in body
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_PII).count() == 2


# --- Merges ----------------------------------------------------------------------------------


@pytest.fixture
def merge(pair):
    return pair_decide_same(
        actor=officer(GERBO), pair_id=pair.pk, expected_version=1, survivor_id=pair.left_id, choices={"full_name": "absorbed"}
    )


def test_merge_history_lists_the_regions_merges_and_404s_outside(merge, login):
    assert "MUHAMMAD SHOLEH" in login(officer(GERBO)).get(reverse("dedup:merges")).content.decode()
    client = login(officer(TUTUR))
    assert "MUHAMMAD SHOLEH" not in client.get(reverse("dedup:merges")).content.decode()
    assert client.get(reverse("dedup:merge", args=[merge.pk])).status_code == 404
    assert client.post(reverse("dedup:merge_undo", args=[merge.pk])).status_code == 404
    assert not Merge.objects.get(pk=merge.pk).is_reversed


def test_the_merge_page_shows_what_changed_and_undoes_it(merge, login):
    client = login(officer(GERBO))
    body = client.get(reverse("dedup:merge", args=[merge.pk])).content.decode()
    assert "Moch. Sholeh" in body and 'data-testid="undo"' in body
    response = client.post(reverse("dedup:merge_undo", args=[merge.pk]), follow=True)
    assert "kembali menjadi data tersendiri" in response.content.decode()
    assert Person.objects.get(pk=merge.survivor_id).full_name == "Moch. Sholeh"
    assert Person.objects.get(pk=merge.absorbed_id).merged_into_id is None


def test_an_undo_that_would_lose_an_edit_is_refused_on_the_page(merge, login):
    survivor = Person.objects.get(pk=merge.survivor_id)
    person_update(actor="sistem", person=survivor, data={"full_name": "Muh. Sholeh"}, expected_version=survivor.version)
    response = login(officer(GERBO)).post(reverse("dedup:merge_undo", args=[merge.pk]), follow=True)
    assert "sudah diubah lagi sesudah penggabungan" in response.content.decode()
    assert not Merge.objects.get(pk=merge.pk).is_reversed


def test_the_registry_shows_a_merged_record_and_hides_it_from_the_list(merge, login):
    """The absorbed record says "digabung ke" with a link; the people list shows it only when asked."""
    client = login(officer(GERBO))
    body = client.get(reverse("registry:person_detail", args=[merge.absorbed_id])).content.decode()
    assert "Data ini digabung ke" in body and reverse("registry:person_detail", args=[merge.survivor_id]) in body
    survivor_page = client.get(reverse("registry:person_detail", args=[merge.survivor_id])).content.decode()
    assert reverse("registry:person_detail", args=[merge.absorbed_id]) in survivor_page
    absorbed_link = reverse("registry:person_detail", args=[merge.absorbed_id])
    assert absorbed_link not in client.get(reverse("registry:person_list")).content.decode()
    assert absorbed_link in client.get(reverse("registry:person_list"), {"merged": "1"}).content.decode()


# --- Runs ------------------------------------------------------------------------------------


def test_the_runs_page_is_for_coordinators_and_kabupaten_officers(regions, login):
    assert login(officer(GERBO)).get(reverse("dedup:runs")).status_code == 403
    assert login(officer(KABUPATEN)).get(reverse("dedup:runs")).status_code == 200
    assert login(UserFactory.at(KABUPATEN, role=Role.COORDINATOR)).get(reverse("dedup:runs")).status_code == 200


def test_starting_a_run_shows_its_progress_then_its_counts(pair, login, django_capture_on_commit_callbacks):
    client = login(officer(KABUPATEN))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dedup:runs"), {"mode": "full", "backend": "duckdb", "threshold": "0.9"})
    run = DedupRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("dedup:run", args=[run.pk])
    partial = client.get(reverse("dedup:run", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in partial and "<h1>" not in partial and "hx-trigger" not in partial
    assert 'data-testid="records">2<' in partial


def test_a_running_run_is_polled(regions, login):
    run = DedupRun.objects.create(region_code=KABUPATEN, threshold=0.9, status="running", percent=40, stage="Mencocokkan")
    body = login(officer(KABUPATEN)).get(reverse("dedup:run", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in body and 'value="40"' in body


def test_a_bad_threshold_is_refused_by_name_keeping_what_was_typed(regions, login):
    response = login(officer(KABUPATEN)).post(reverse("dedup:runs"), {"mode": "full", "backend": "duckdb", "threshold": "1.5"})
    body = response.content.decode()
    assert response.status_code == 400 and "Ambang peluang paling besar 1" in body and 'value="1.5"' in body
    assert not DedupRun.objects.exists()


def test_a_run_of_another_regency_is_404(regions, login):
    run = DedupRun.objects.create(region_code="35.73", threshold=0.9)
    client = login(officer(KABUPATEN))
    assert client.get(reverse("dedup:run", args=[run.pk])).status_code == 404
    assert reverse("dedup:run", args=[run.pk]) not in client.get(reverse("dedup:runs")).content.decode()
