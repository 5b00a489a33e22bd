"""A business owner registers on a phone-sized screen and finds the record by tracking code."""

import datetime

import pytest

from geliat.registry.models import Registration
from geliat.registry.nik import nik_make

pytestmark = pytest.mark.browser


def test_public_registers_a_business_and_checks_its_status(page, live_server, regions):
    nik = nik_make(kecamatan_code="35.14.01", birth_date=datetime.date(1982, 7, 14), sex="P", serial=311)
    page.goto(f"{live_server.url}/daftar/")
    assert "Untuk apa data ini?" in page.content()

    page.fill("#id_p-nik", nik)
    page.locator("#p-nik-check").get_by_text("Format NIK benar").wait_for()
    page.fill("#id_p-full_name", "Sri Wahyuni")
    page.check("input[name='p-sex'][value='P']")
    page.fill("#id_p-birth_date", "1982-07-14")
    page.fill("#id_p-phone", "0813 3344 5566")
    page.fill("#id_p-address", "Jl. Mawar 7")
    page.fill("#id_p-rt", "2")
    page.fill("#id_p-rw", "1")
    # The cascade: choosing the kecamatan fills the desa list over htmx.
    page.select_option("#id_p-region_kecamatan", label="Kecamatan Purwodadi")
    page.locator("#id_p-region_desa option", has_text="Desa Gerbo").wait_for(state="attached")
    page.select_option("#id_p-region_desa", label="Desa Gerbo")

    page.fill("#id_b-name", "Keripik Tempe Bu Sri")
    page.select_option("#id_b-affected_group", value="10")
    page.select_option("#id_b-kbli_section", value="C")
    page.fill("#id_b-revenue_before", "3 juta")
    page.fill("#id_b-revenue_now", "750rb")
    page.check("#id_consent")
    page.click("button[type=submit]")

    code = page.get_by_test_id("tracking-code").inner_text().strip()
    registration = Registration.objects.get(tracking_code=code)
    assert registration.business.region.code.startswith("35.14.01.2001")
    assert registration.business.revenue_now == 750_000

    page.get_by_role("link", name="Cek status").last.click()
    page.fill("#id_nik", nik)
    page.click("button[type=submit]")
    status = page.get_by_test_id("status")
    assert "Keripik Tempe Bu Sri" in status.inner_text()
    assert code in status.inner_text()
