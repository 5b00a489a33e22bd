"""The picker in a phone-sized browser: the htmx cascade, its resets, and search by name."""

import pytest

from geliat.wilayah.services import unit_get_or_create

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.picker_urls")]


def test_choosing_down_to_rt_and_resetting_on_a_new_kecamatan(page, live_server, regions):
    rt = unit_get_or_create(desa=regions.get(code="35.14.01.2001"), dusun="Krajan", rw=1, rt=2)
    page.goto(f"{live_server.url}/uji-pemilih/")
    page.select_option("#id_region_kecamatan", label="Kecamatan Purwodadi")
    page.locator("#id_region_desa option", has_text="Desa Gerbo").wait_for(state="attached")
    page.select_option("#id_region_desa", label="Desa Gerbo")
    # The desa's RWs appear at once, even before (or without) a dusun.
    page.locator("#id_region_rw option", has_text="RW 001").wait_for(state="attached")
    assert page.locator("#id_region_dusun option", has_text="Dusun Krajan").count() == 1
    page.select_option("#id_region_rw", label="RW 001")
    page.locator("#id_region_rt option", has_text="RT 002").wait_for(state="attached")
    page.select_option("#id_region_rt", label="RT 002")
    page.click("button[type=submit]")
    assert page.get_by_test_id("chosen").inner_text() == rt.code

    # A new kecamatan clears every select below it.
    page.select_option("#id_region_kecamatan", label="Kecamatan Tutur")
    page.locator("#id_region_desa option", has_text="Desa Gerbo").wait_for(state="detached")
    assert page.locator("#id_region_rw option").count() == 1
    assert page.locator("#id_region_rt option").count() == 1


def test_search_by_old_spelling_sets_the_cascade(page, live_server, regions):
    page.goto(f"{live_server.url}/uji-pemilih/")
    page.fill("#id_region_q", "oro oro puleh")
    page.locator("#id_region_found option", has_text="Oro-Oro Pule").wait_for(state="attached")
    page.select_option("#id_region_found", value="35.14.06.2001")
    page.locator("#id_region_desa option[selected]", has_text="Oro-Oro Pule").wait_for(state="attached")
    assert page.locator("#id_region_kecamatan").input_value() == "35.14.06"
    page.click("button[type=submit]")
    assert page.get_by_test_id("chosen").inner_text() == "35.14.06.2001"
