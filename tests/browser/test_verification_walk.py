"""A record's walk through verification on a phone screen: RT, RW and dusun approve, the desa
returns it naming a field, the registrant corrects it on the status page, and desa,
kecamatan and kabupaten approve until the status page says verified."""

import pytest

from geliat.accounts.models import User
from geliat.demo.services import DEMO_PASSWORD, demo_accounts_ensure
from geliat.registry.models import Channel, Registration
from geliat.verification.services import verification_start
from tests.factories import BusinessFactory

pytestmark = pytest.mark.browser


def log_in(page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("link", name="Verifikasi", exact=True).wait_for()


def open_from_queue(page, business_name: str) -> None:
    page.get_by_role("link", name="Verifikasi", exact=True).click()
    page.get_by_test_id("queue").get_by_role("link", name=business_name).click()


def approve(page, base_url: str, username: str, business_name: str) -> None:
    log_in(page, base_url, username)
    open_from_queue(page, business_name)
    page.get_by_test_id("approve").click()
    page.get_by_text(f"{business_name} disetujui.").wait_for()


def check_status(page, base_url: str, tracking_code: str, nik: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="Cek status").first.click()
    page.fill("#id_tracking_code", tracking_code)
    page.fill("#id_nik", nik)
    page.click("button[type=submit]")
    page.get_by_test_id("status").wait_for()


def test_a_returned_record_is_corrected_by_its_registrant_and_verified(page, live_server, regions):
    demo_accounts_ensure()
    rt = User.objects.get(username="demo.rt").region
    business = BusinessFactory(region=rt, name="Keripik Salah Nama")
    registration = Registration.objects.create(person=business.owner, business=business, channel=Channel.SELF)
    verification_start(registration_ids=[registration.pk])
    code, nik = registration.tracking_code, business.owner.nik
    base = live_server.url

    for username in ("demo.rt", "demo.rw", "demo.dusun"):
        approve(page, base, username, "Keripik Salah Nama")

    # The desa returns it, naming the business name.
    log_in(page, base, "demo.desa")
    open_from_queue(page, "Keripik Salah Nama")
    page.get_by_text("Kembalikan untuk perbaikan", exact=True).click()
    page.fill("#id_return_reason", "Nama usaha tidak sama dengan papan nama di lokasi.")
    page.get_by_label("Usaha: Nama usaha", exact=True).check()
    page.get_by_role("button", name="Kembalikan kepada pendaftar").click()
    page.get_by_text("dikembalikan kepada pendaftar untuk diperbaiki").wait_for()

    # The registrant reads why, fixes the name and sends it again; no officer's name shows.
    check_status(page, base, code, nik)
    assert "Nama usaha tidak sama dengan papan nama di lokasi." in page.get_by_test_id("return-reason").inner_text()
    assert "Demo Petugas" not in page.content() and "demo.desa" not in page.content()
    correction = page.get_by_test_id("correction")
    assert correction.locator("input[name='b-name']").count() == 1
    assert correction.locator("input[name='p-full_name']").count() == 0
    correction.locator("input[name='b-name']").fill("Keripik Tempe Barokah")
    correction.get_by_role("button", name="Simpan perbaikan dan ajukan lagi").click()
    page.get_by_text("Perbaikan disimpan dan diajukan lagi untuk diverifikasi.").wait_for()
    assert page.locator("[data-level='desa'][data-state='waiting']").count() == 1
    assert "Belum" in page.get_by_test_id("verified").inner_text()

    # It climbs again from the desa: RT, RW and dusun are not asked again.
    for username in ("demo.desa", "demo.kecamatan", "demo.kabupaten"):
        approve(page, base, username, "Keripik Tempe Barokah")

    check_status(page, base, code, nik)
    assert "Ya, sudah diverifikasi sampai tingkat kabupaten" in page.get_by_test_id("verified").inner_text()
    assert "Terverifikasi" in page.get_by_test_id("overall").inner_text()
