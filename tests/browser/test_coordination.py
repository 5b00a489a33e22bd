"""A coordinator opens the coordination dashboard and the map on a phone screen, opens a
kecamatan to its desa, and the screenshots are kept as test artifacts.

Artifacts go to ``$GELIAT_TEST_ARTIFACTS`` (default: ``test-artifacts/`` at the repository
root, where the browser harness keeps failure screenshots too).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from geliat.accounts.models import Role
from geliat.coordination.services import coordination_stats_refresh, matrix_seed
from geliat.registry.models import AffectedGroup
from tests.browser.conftest import ARTIFACTS
from tests.coordination.conftest import DAWUHANSENGON, GERBO, NGADIREJO, business_at
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser

PURWODADI = "35.14.01"


def artifacts_dir() -> Path:
    path = Path(os.environ.get("GELIAT_TEST_ARTIFACTS") or ARTIFACTS)
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep(page, name: str) -> Path:
    path = artifacts_dir() / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot kept: {path}")
    return path


def test_the_dashboard_and_the_map_open_and_drill_to_a_kecamatan(page, live_server, regions):
    """The dashboard shows the figures with its map and charts; the map page colours by the
    chosen figure, and a kecamatan opens to its desa; both screenshots are kept."""
    matrix_seed()
    for code, group, status in [
        (GERBO, AffectedGroup.CRAFT, "verified"), (GERBO, AffectedGroup.CRAFT, "waiting"),
        (DAWUHANSENGON, AffectedGroup.FOOD_STALL, "verified"), (NGADIREJO, AffectedGroup.SALON, "verified"),
        (NGADIREJO, AffectedGroup.SALON, "returned"),
    ]:
        business_at(code, group=group, status=status, revenue_before=8_000_000, revenue_now=5_000_000)
    coordination_stats_refresh()
    coordinator = UserFactory.at("35.14", role=Role.COORDINATOR)

    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", coordinator.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/koordinasi/")

    expect(page.get_by_role("heading", name="Dasbor koordinasi")).to_be_visible()
    expect(page.get_by_test_id("registered")).to_have_text("5")
    expect(page.get_by_test_id("verified")).to_have_text("3")
    expect(page.get_by_test_id("dashboard-map").locator("path")).to_have_count(24)
    expect(page.get_by_test_id("chart-groups")).to_be_visible()
    dashboard_shot = keep(page, "coordination-dashboard.png")

    page.get_by_role("navigation", name="Koordinasi").get_by_role("link", name="Peta").click()
    expect(page.get_by_test_id("map").locator("path")).to_have_count(24)
    page.get_by_label("Ukuran").select_option("registered")
    expect(page.get_by_test_id("map-table").locator(f'tr[data-area="{PURWODADI}"] td').last).to_have_text("3")

    # Clicking (tapping) Purwodadi on the map opens its 13 desa in place (htmx), with the URL to match.
    page.locator(f'a[data-code="{PURWODADI}"] path').click()
    expect(page.get_by_test_id("map-panel")).to_have_attribute("data-kecamatan", PURWODADI)
    expect(page.get_by_test_id("map").locator("path")).to_have_count(13)
    expect(page.get_by_test_id("map-table").locator(f'tr[data-area="{GERBO}"] td').last).to_have_text("2")
    assert f"kecamatan={PURWODADI}" in page.url
    map_shot = keep(page, "coordination-map-purwodadi.png")

    assert dashboard_shot.stat().st_size > 10_000 and map_shot.stat().st_size > 10_000
