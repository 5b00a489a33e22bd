"""An officer settles a duplicate on a phone screen: opens the queue, compares the two
records, merges them keeping the other record's spelling of the name, then undoes it."""

import pytest
from playwright.sync_api import expect

from geliat.dedup.models import CandidatePair, Merge
from geliat.dedup.services import candidates_for_people
from geliat.registry.models import Person
from tests.dedup.test_workflow_support import GERBO, officer, twins
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_merge_a_pair_choosing_a_value_then_undo_it(page, live_server, regions):
    first, second = twins()
    candidates_for_people(person_ids=[first.pk, second.pk])
    assert CandidatePair.objects.filter(status="open").count() == 1
    user = officer(GERBO)

    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/beranda/")
    page.goto(f"{live_server.url}/duplikat/")

    # The queue shows the pair; the officer opens it.
    rows = page.get_by_test_id("pair-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Moch. Sholeh")
    rows.first.get_by_test_id("pair-link").click()

    # Side by side, masked, with a mark per field.
    compare = page.get_by_test_id("compare")
    expect(compare).to_contain_text("MUHAMMAD SHOLEH")
    expect(page.get_by_test_id("level-nik")).to_have_text("mirip")
    assert first.nik not in page.content()

    # Keep record A (its NIK) but take B's spelling of the name.
    compare.locator("tr[data-field='full_name'] td[data-side='right'] input").check()
    compare.locator("tr.survivor td[data-side='left'] input").check()
    page.get_by_test_id("merge").click()
    expect(page.get_by_test_id("survivor")).to_contain_text("MUHAMMAD SHOLEH")
    expect(page.get_by_text("Penggabungan dapat dibatalkan")).to_be_visible()
    assert Person.objects.get(pk=first.pk).full_name == "MUHAMMAD SHOLEH"
    assert Person.objects.get(pk=second.pk).merged_into_id == first.pk
    expect(page.get_by_test_id("changes")).to_contain_text("Moch. Sholeh")

    # Undo: A has its own name again and B stands alone.
    page.get_by_test_id("undo").click()
    expect(page.get_by_text("kembali menjadi data tersendiri")).to_be_visible()
    expect(page.get_by_test_id("merge-status")).to_contain_text("Dibatalkan")
    assert Person.objects.get(pk=first.pk).full_name == "Moch. Sholeh"
    assert Person.objects.get(pk=second.pk).merged_into_id is None
    assert Merge.objects.get().is_reversed

    # The pair waits for a decision again.
    page.goto(f"{live_server.url}/duplikat/")
    expect(page.get_by_test_id("pair-row")).to_have_count(1)
