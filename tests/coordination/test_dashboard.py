"""The coordination dashboard and the map: registered vs verified by group, area and level,
revenue and jobs before and now, programme reach, within the viewer's region; the map's
choropleth with its drill from kecamatan to desa."""

import datetime
import re

import pytest

from geliat.coordination import geo
from geliat.coordination.models import StatsRun
from geliat.registry.models import AffectedGroup
from tests.coordination.conftest import (
    DAWUHANSENGON,
    GERBO,
    NGADIREJO,
    PURWODADI,
    TUTUR,
    business_at,
    enrol,
    programme,
)

CRAFT, FOOD = AffectedGroup.CRAFT, AffectedGroup.FOOD_STALL


def kpi(html: str, name: str) -> str:
    return re.search(rf'data-testid="{name}">([^<]*)<', html).group(1)


def row(html: str, attribute: str, value: str) -> list[str]:
    match = re.search(rf'<tr {attribute}="{re.escape(value)}">(.*?)</tr>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


@pytest.fixture
def registry(matrix):
    """Purwodadi: 3 crafts verified (one reached, revenue 10→6 M, jobs 4→3), 1 craft waiting
    at desa, 1 food stall returned; Tutur: 2 food stalls verified, 1 rejected."""
    reached = business_at(GERBO, group=CRAFT, revenue_before=10_000_000, revenue_now=6_000_000, employees_before=4, employees_now=3)
    business_at(GERBO, group=CRAFT)
    business_at(DAWUHANSENGON, group=CRAFT, revenue_before=5_000_000)  # only "before": left out of the comparison
    business_at(GERBO, group=CRAFT, status="waiting")
    business_at(DAWUHANSENGON, group=FOOD, status="returned")
    business_at(NGADIREJO, group=FOOD)
    business_at(NGADIREJO, group=FOOD)
    business_at(NGADIREJO, group=FOOD, status="rejected")
    online = programme("daring", "diskopum", quota=10)
    enrol(online, reached, delivered_on=datetime.date(2026, 3, 2), amount=750_000)
    return online


def test_the_regency_dashboard_says_registered_verified_and_reached(client, registry, refresh, coordinator):
    """Totals, per group and per kecamatan, with reach and the verified not yet reached."""
    refresh()
    client.force_login(coordinator)

    html = client.get("/koordinasi/").content.decode()

    assert (kpi(html, "registered"), kpi(html, "verified"), kpi(html, "reached"), kpi(html, "unreached")) == ("8", "5", "1", "4")
    assert (kpi(html, "waiting"), kpi(html, "returned")) == ("1", "1")
    assert row(html, "data-group", str(CRAFT))[1:5] == ["4", "3", "1", "2"]
    assert row(html, "data-group", str(FOOD))[1:5] == ["4", "2", "0", "2"]
    assert row(html, "data-area", PURWODADI)[:4] == ["Purwodadi", "5", "3", "60%"]
    assert row(html, "data-area", TUTUR)[:4] == ["Tutur", "3", "2", "67%"]
    assert row(html, "data-level", "desa") == ["Desa/Kelurahan", "1"]


def test_revenue_and_jobs_compare_only_businesses_that_gave_both(client, registry, refresh, coordinator):
    """Crafts: revenue now 60% of before and jobs 75%, from the one business with both figures."""
    refresh()
    client.force_login(coordinator)

    html = client.get("/koordinasi/").content.decode()

    assert row(html, "data-group", str(CRAFT))[5:7] == ["60%", "75%"]
    assert row(html, "data-group", str(FOOD))[5:7] == ["–", "–"]
    assert 'data-testid="chart-revenue"' in html and "<svg" in html


def test_programme_reach_lists_recipients_deliveries_and_quota(client, registry, refresh, coordinator):
    """Each programme shows its agencies, recipients, quota, those delivered to and the amount."""
    refresh()
    client.force_login(coordinator)

    html = client.get("/koordinasi/").content.decode()

    assert row(html, "data-programme", "daring") == ["Program daring", "Diskop UM", "1", "10", "1", "Rp750.000"]


def test_a_kecamatan_drill_breaks_down_by_desa(client, registry, refresh, coordinator):
    """Choosing Purwodadi shows its figures only, per desa."""
    refresh()
    client.force_login(coordinator)

    html = client.get("/koordinasi/", {"kecamatan": PURWODADI}).content.decode()

    assert kpi(html, "registered") == "5"
    assert row(html, "data-area", GERBO)[:3] == ["Gerbo", "3", "2"]
    assert row(html, "data-area", DAWUHANSENGON)[:3] == ["Dawuhansengon", "2", "1"]
    assert f'data-area="{TUTUR}"' not in html


def test_a_group_filter_narrows_totals_and_areas(client, registry, refresh, coordinator):
    """Choosing food stalls narrows the totals and the kecamatan rows to them."""
    refresh()
    client.force_login(coordinator)

    html = client.get("/koordinasi/", {"kelompok": str(FOOD)}).content.decode()

    assert (kpi(html, "registered"), kpi(html, "verified")) == ("4", "2")
    assert row(html, "data-area", PURWODADI)[:3] == ["Purwodadi", "1", "0"]


def test_unknown_filters_are_ignored_with_a_note(client, registry, refresh, coordinator):
    """"kelompok=abc" and a kecamatan that does not exist: a note each, the regency shown."""
    refresh()
    client.force_login(coordinator)

    response = client.get("/koordinasi/", {"kelompok": "abc", "kecamatan": "35.14.99"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="filter-note"') == 2
    assert "«abc»" in html and "«35.14.99»" in html
    assert kpi(html, "registered") == "8"


def test_a_kecamatan_officer_sees_their_kecamatan_only(client, registry, refresh, purwodadi_officer):
    """A Purwodadi officer's dashboard counts Purwodadi; asking for Tutur is not honoured."""
    refresh()
    client.force_login(purwodadi_officer)

    html = client.get("/koordinasi/", {"kecamatan": TUTUR}).content.decode()

    assert kpi(html, "registered") == "5"
    assert f'data-area="{TUTUR}"' not in html and f'data-area="{GERBO}"' in html


def test_officers_below_desa_get_no_dashboard(client, registry, rt_officer):
    """An RT officer is told the page is not for their account (403)."""
    client.force_login(rt_officer)

    response = client.get("/koordinasi/")

    assert response.status_code == 403
    assert 'data-testid="denied"' in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, registry):
    """The dashboard is not public: a visitor is sent to the login page."""
    assert client.get("/koordinasi/").status_code == 302


def test_figures_are_rebuilt_when_older_than_allowed(client, registry, coordinator, settings):
    """With no rebuild yet the page asks for one (run inline in tests); a stale one is redone."""
    settings.GELIAT_COORDINATION_STATS_MAX_AGE = 60
    client.force_login(coordinator)

    assert kpi(client.get("/koordinasi/").content.decode(), "registered") == "8"
    business_at(GERBO, group=CRAFT)
    assert kpi(client.get("/koordinasi/").content.decode(), "registered") == "8"  # still fresh
    StatsRun.objects.update(finished_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    assert kpi(client.get("/koordinasi/").content.decode(), "registered") == "9"


def test_only_coordinators_ask_for_a_rebuild(client, registry, coordinator, purwodadi_officer):
    """An officer may not ask for a rebuild; a coordinator may, and is sent back to a local page only."""
    client.force_login(purwodadi_officer)
    assert client.post("/koordinasi/perbarui/").status_code == 403

    client.force_login(coordinator)
    response = client.post("/koordinasi/perbarui/", {"next": "https://evil.example/"})

    assert response.status_code == 302 and response["Location"] == "/koordinasi/"
    assert StatsRun.objects.filter(status=StatsRun.Status.DONE).exists()


# ---------------------------------------------------------------- the map


def shapes(html: str) -> dict[str, tuple[str, str]]:
    """{code: (fill, shown value)} of the map's areas."""
    return {
        code: (fill, value)
        for fill, code, value in re.findall(r'<path d="[^"]*" fill="([^"]+)" data-code="([^"]+)" data-value="([^"]*)"', html)
    }


def test_the_map_draws_every_kecamatan_coloured_by_the_chosen_figure(client, registry, refresh, coordinator):
    """24 kecamatan; Purwodadi (60% verified) and Tutur (67%) in the 40-60 and 60-80 classes,
    a kecamatan with nobody registered in the no-data colour; each kecamatan links to its desa."""
    refresh()
    client.force_login(coordinator)

    html = client.get("/koordinasi/peta/").content.decode()

    drawn = shapes(html)
    assert len(drawn) == 24
    assert drawn[PURWODADI] == (geo.PALETTE[2], "60%")
    assert drawn[TUTUR] == (geo.PALETTE[3], "67%")
    assert drawn["35.14.24"] == (geo.NO_DATA, "–")
    assert f'href="?kecamatan={PURWODADI}&amp;metrik=verified_pct"' in html
    assert "40–60%" in html  # the legend


def test_a_count_metric_uses_classes_of_the_counts(client, registry, refresh, coordinator):
    """Registered businesses: Purwodadi (5) is darker than Tutur (3); zero is "0 / tidak ada"."""
    refresh()
    client.force_login(coordinator)

    drawn = shapes(client.get("/koordinasi/peta/", {"metrik": "registered"}).content.decode())

    assert drawn[PURWODADI][1] == "5" and drawn[TUTUR][1] == "3"
    assert geo.PALETTE.index(drawn[PURWODADI][0]) > geo.PALETTE.index(drawn[TUTUR][0])
    assert drawn["35.14.24"][0] == geo.NO_DATA


def test_a_kecamatan_opens_to_its_desa(client, registry, refresh, coordinator):
    """Purwodadi's map has its 13 desa, Gerbo with its own figure; htmx gets only the panel."""
    refresh()
    client.force_login(coordinator)

    html = client.get("/koordinasi/peta/", {"kecamatan": PURWODADI, "metrik": "registered"}).content.decode()

    drawn = shapes(html)
    assert len(drawn) == 13 and all(code.startswith(PURWODADI + ".") for code in drawn)
    assert drawn[GERBO][1] == "3"
    partial = client.get("/koordinasi/peta/", {"kecamatan": PURWODADI}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="map-panel"') and "<html" not in partial


def test_the_whole_regency_by_desa(client, registry, refresh, coordinator):
    """The regency can be drawn by its 365 desa, each with its own figure."""
    refresh()
    client.force_login(coordinator)

    drawn = shapes(client.get("/koordinasi/peta/", {"tingkat": "desa", "metrik": "registered"}).content.decode())

    assert len(drawn) == 365
    assert drawn[NGADIREJO][1] == "3"


def test_an_unknown_metric_falls_back_with_a_note(client, registry, refresh, coordinator):
    """An unknown measure or level is named in a note and the default map is drawn."""
    refresh()
    client.force_login(coordinator)

    response = client.get("/koordinasi/peta/", {"metrik": "profit", "tingkat": "rt"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "«profit»" in html and "«rt»" in html
    assert len(shapes(html)) == 24


def test_a_desa_officer_sees_their_desa_figures_on_their_kecamatans_outline(client, registry, refresh):
    """Gerbo's officer: Gerbo has its figure, Dawuhansengon (same kecamatan) none."""
    from tests.factories import UserFactory

    refresh()
    client.force_login(UserFactory.at(GERBO))

    drawn = shapes(client.get("/koordinasi/peta/", {"metrik": "registered"}).content.decode())

    assert drawn[GERBO][1] == "3"
    assert drawn[DAWUHANSENGON] == (geo.NO_DATA, "0")


def test_boundaries_are_projected_once_and_kept():
    """The second drawing of the same level is the same object (no geometry work per request)."""
    first = geo.drawing("kecamatan", "")
    assert geo.drawing("kecamatan", "") is first
    assert len(first.shapes) == 24 and first.width == 1000
    assert all(shape.d.startswith("M") and shape.d.endswith("z") for shape in first.shapes)
