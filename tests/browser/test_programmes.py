"""An agency runs a programme on a phone: from its proposal to the delivery, and the report of
businesses no programme has reached shrinks by the one it reached."""

import datetime

import pytest

from geliat.accounts.models import Role
from geliat.programmes.models import Programme
from geliat.registry.models import Channel, Registration
from geliat.verification.models import Verification
from tests.factories import TEST_PASSWORD, AgencyFactory, BusinessFactory, UserFactory, region_node

pytestmark = pytest.mark.browser

GERBO = "35.14.01.2001"


def verified_stall(name: str):
    business = BusinessFactory(region=region_node(GERBO), name=name, capital=20_000_000, annual_sales=120_000_000)
    registration = Registration.objects.create(person=business.owner, business=business, channel=Channel.OFFICER)
    Verification.objects.create(registration=registration, region_code=GERBO, status=Verification.Status.VERIFIED)
    return business


def gap_total(page, base: str) -> str:
    page.goto(f"{base}/program/belum-terjangkau/")
    return page.get_by_test_id("gap-total").inner_text()


def test_an_agency_takes_a_programme_from_proposal_to_delivery_and_the_gap_shrinks(page, live_server, regions):
    agency = AgencyFactory(code="diskopum-uji", name="Dinas Koperasi Uji")
    UserFactory.at("35.14", role=Role.AGENCY, agency=agency, username="opd.uji")
    programme = Programme.objects.create(
        code="bantuan-warung", name="Bantuan Modal Warung", source="regency", kind="cash_aid", status="open",
        overlap_class="bantuan_produktif", benefit_amount=1_200_000, starts_on=datetime.date(2021, 3, 1),
        ends_on=datetime.date(2021, 9, 30),
        rules={"conditions": [{"field": "affected_group", "op": "in", "value": [2]}, {"field": "verified", "op": "is", "value": True}]},
    )
    programme.agencies.set([agency])
    for name in ("Warung Bu Sri", "Warung Pak Kasim", "Warung Mbak Tin"):
        verified_stall(name)
    base = live_server.url

    page.goto(f"{base}/akun/masuk/")
    page.fill("#id_username", "opd.uji")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/akun/masuk/" not in url)
    assert gap_total(page, base).startswith("3 dari 3 usaha terverifikasi")

    # The catalogue, the programme, its proposal.
    page.goto(f"{base}/program/")
    page.get_by_test_id("programmes").get_by_role("link", name="Bantuan Modal Warung").click()
    page.get_by_test_id("build-proposal").click()
    page.get_by_text("3 orang memenuhi semua syarat, dari 3 usaha di registri.").wait_for()

    # Confirm one row.
    page.get_by_label("Pilih Warung Bu Sri").check()
    page.get_by_test_id("confirm-picked").click()
    page.get_by_text("1 penerima ditetapkan.").wait_for()
    page.locator("tr[data-row='Warung Bu Sri']").get_by_role("link", name="Dikonfirmasi").click()

    # Record the delivery: the amount is filled in from the programme; the date is typed.
    page.fill("#id_delivered_on", "2021-04-12")
    page.fill("#id_note", "Transfer ke rekening BRI")
    page.get_by_test_id("delivery-form").get_by_role("button", name="Catat penyaluran").click()
    page.get_by_text("Penyaluran dicatat.").wait_for()
    assert page.get_by_test_id("enrolment-status").inner_text() == "Manfaat sudah diterima"
    assert "Transfer ke rekening BRI" in page.get_by_test_id("deliveries").inner_text()

    # The report of businesses no programme has reached: one fewer, and Bu Sri is off the work list.
    assert gap_total(page, base).startswith("2 dari 3 usaha terverifikasi")
    worklist = page.get_by_test_id("worklist").inner_text()
    assert "Warung Bu Sri" not in worklist and "Warung Pak Kasim" in worklist
