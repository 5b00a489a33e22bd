"""Who does what where (3W): the pivot of doers × activities × areas, its gaps (groups or
areas with affected businesses no one serves) and overlaps (two doers of one theme for one
group in one area), its filters and its exports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from geliat.accounts.models import Agency
from geliat.coordination.models import Actor, Engagement, Helix
from geliat.coordination.selectors import three_w, three_w_compute
from geliat.coordination.services import actor_create
from geliat.registry.models import AffectedGroup
from geliat.wilayah.models import Region
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


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def engage(activity, code: str, *, agency: str | None = None, actor: Actor | None = None) -> Engagement:
    return Engagement.objects.create(
        activity=activity, agency=Agency.objects.get(code=agency) if agency else None, actor=actor, region=region(code)
    )


@pytest.fixture
def crafts(matrix):
    """Craft businesses in Purwodadi (Gerbo) and Tutur, food stalls in Purwodadi."""
    business_at(GERBO, group=CRAFT)
    business_at(GERBO, group=CRAFT)
    business_at(NGADIREJO, group=CRAFT)
    business_at(GERBO, group=FOOD)


def gaps_of(view) -> set[tuple[str, int]]:
    return {(area.code, group) for area, group, _n in view.gaps}


def test_a_group_with_businesses_and_nobody_serving_it_is_a_gap(crafts, matrix, refresh):
    """Crafts in Tutur with nobody working there are a gap; crafts in Purwodadi, served by
    Diskop UM's entry, are not; a group with no businesses in an area is no gap."""
    engage(matrix["4.1"], PURWODADI, agency="diskopum")
    refresh()

    view = three_w(within=region("35.14"))

    assert (TUTUR, CRAFT) in gaps_of(view)
    assert (PURWODADI, CRAFT) not in gaps_of(view)
    assert (PURWODADI, FOOD) in gaps_of(view)
    assert (TUTUR, FOOD) not in gaps_of(view)
    assert [area.code for area, _n in view.idle_areas] == [TUTUR]


def test_a_regency_wide_entry_serves_every_area(crafts, matrix, refresh):
    """An activity recorded for the whole regency closes the gap everywhere for its group."""
    engage(matrix["4.2"], "35.14", agency="disperindag")
    refresh()

    view = three_w(within=region("35.14"))

    assert (TUTUR, CRAFT) not in gaps_of(view)
    assert (PURWODADI, CRAFT) not in gaps_of(view)
    doer = next(d for d in view.doers if d.key == "disperindag")
    assert view.regency_wide[doer] == ["4.2"]


def test_rejected_businesses_do_not_make_a_gap(matrix, refresh):
    """A rejected registration is nobody to serve."""
    business_at(NGADIREJO, group=CRAFT, status="rejected")
    refresh()

    assert (TUTUR, CRAFT) not in gaps_of(three_w(within=region("35.14")))


def test_two_agencies_doing_the_same_for_one_group_in_one_area_overlap(crafts, matrix, refresh):
    """Diskop UM and Diskominfo both run online marketing for crafts in Purwodadi: an overlap.
    Diskominfo's promotion there (another theme) and Disperindag online in Tutur are not."""
    engage(matrix["4.1"], PURWODADI, agency="diskopum")
    engage(matrix["4.1"], GERBO, agency="diskominfo")  # a desa inside Purwodadi
    engage(matrix["4.2"], PURWODADI, agency="diskominfo")
    engage(matrix["4.1"], TUTUR, agency="disperindag")
    refresh()

    view = three_w(within=region("35.14"))

    assert [(o.area, o.group, o.theme) for o in view.overlaps] == [(PURWODADI, CRAFT, "online")]
    assert [d.key for d in view.overlaps[0].doers] == ["diskominfo", "diskopum"]


def test_an_actor_and_a_programme_count_as_doers(crafts, matrix, refresh, coordinator):
    """A penta helix actor's entry and an agency whose linked programme reached crafts in
    Tutur both serve there; together they overlap on the same theme."""
    campus = actor_create(actor=coordinator, data={
        "name": "Inkubator Bisnis Kampus", "helix": Helix.ACADEMIA, "offers": ["mentoring"], "areas": [region(TUTUR)],
    })
    engage(matrix["4.1"], TUTUR, actor=campus)
    online = programme("daring", "diskopum")
    matrix["4.1"].programmes.add(online)
    enrol(online, business_at(NGADIREJO, group=CRAFT))
    refresh()

    view = three_w_compute(within=region("35.14"))

    assert (TUTUR, CRAFT) not in gaps_of(view)
    sources = {(p.doer.name, p.source) for p in view.presences if p.area == TUTUR}
    assert sources == {("Inkubator Bisnis Kampus", "recorded"), ("Diskop UM", "programme")}
    assert [(o.area, o.theme) for o in view.overlaps] == [(TUTUR, "online")]


def test_inside_a_kecamatan_the_pivot_is_by_desa(crafts, matrix, refresh):
    """Opening Purwodadi lists its desa; an entry for the kecamatan covers all of them."""
    engage(matrix["4.1"], GERBO, agency="diskopum")
    engage(matrix["2.2"], PURWODADI, agency="dinkes")
    refresh()

    view = three_w(within=region(PURWODADI))

    assert view.area_level == "desa"
    assert GERBO in [area.code for area in view.areas] and DAWUHANSENGON in [area.code for area in view.areas]
    diskopum = next(d for d in view.doers if d.key == "diskopum")
    assert view.cells[(diskopum, GERBO)] == ["4.1"]
    assert (GERBO, FOOD) not in gaps_of(view)  # Dinkes serves the whole kecamatan
    assert (GERBO, CRAFT) not in gaps_of(view)


def test_the_page_shows_pivot_gaps_and_overlaps(client, crafts, matrix, refresh, coordinator):
    """The 3W page marks Tutur's crafts as a gap and lists the overlap."""
    engage(matrix["4.1"], PURWODADI, agency="diskopum")
    engage(matrix["4.1"], PURWODADI, agency="diskominfo")
    refresh()
    client.force_login(coordinator)

    html = client.get("/koordinasi/3w/").content.decode()

    assert 'data-doer="agency:diskopum"' in html
    gap_row = html.split(f'<tr data-group="{CRAFT}">')[1].split("</tr>")[0]
    assert f'data-area="{TUTUR}" data-gap="1"' in gap_row
    assert f'data-area="{PURWODADI}" data-gap' not in gap_row
    assert f'data-overlap="{PURWODADI}:{CRAFT}:online"' in html


def test_filters_narrow_the_pivot_and_unknown_values_are_ignored_with_a_note(client, crafts, matrix, refresh, coordinator):
    """Group 4 keeps craft activities only; "kelompok=99", an unknown activity code and a
    made-up kecamatan are each named in a note and ignored, never a 500."""
    engage(matrix["4.1"], PURWODADI, agency="diskopum")
    engage(matrix["2.2"], PURWODADI, agency="dinkes")
    refresh()
    client.force_login(coordinator)

    narrowed = client.get("/koordinasi/3w/", {"kelompok": "4"}).content.decode()
    assert 'data-doer="agency:diskopum"' in narrowed and 'data-doer="agency:dinkes"' not in narrowed

    response = client.get("/koordinasi/3w/", {"kelompok": "99", "kegiatan": "77.1", "kecamatan": "35.99.01", "unsur": "alien"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="filter-note"') == 4
    assert "«99»" in html and "«77.1»" in html and "«35.99.01»" in html and "«alien»" in html
    assert 'data-doer="agency:dinkes"' in html


def test_the_export_is_formula_neutralised_csv(client, matrix, refresh, coordinator):
    """An actor called "=HYPERLINK(…)" is written with a leading apostrophe; the export is audited."""
    mischief = actor_create(actor=coordinator, data={
        "name": '=HYPERLINK("http://x")', "helix": Helix.COMMUNITY, "offers": ["promotion"], "areas": [region(TUTUR)],
    })
    engage(matrix["4.2"], TUTUR, actor=mischief)
    refresh()
    client.force_login(coordinator)

    response = client.get("/koordinasi/3w/unduh.csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Pelaksana"
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][2] == "4.2" and rows[1][6] == "Tutur"
    from geliat.audit.models import AuditEvent

    assert AuditEvent.objects.filter(object_type="coordination.three_w", action="export").exists()


def test_the_excel_export_has_the_pivot_gaps_and_overlaps(client, crafts, matrix, refresh, coordinator):
    """Three sheets; the gaps sheet names Tutur's crafts."""
    engage(matrix["4.1"], PURWODADI, agency="diskopum")
    engage(matrix["4.1"], PURWODADI, agency="diskominfo")
    refresh()
    client.force_login(coordinator)

    workbook = load_workbook(io.BytesIO(client.get("/koordinasi/3w/unduh.xlsx").content))

    assert workbook.sheetnames == ["3W", "Celah", "Tumpang tindih"]
    gaps = [[cell.value for cell in row] for row in workbook["Celah"].iter_rows(min_row=2)]
    assert ["Tutur", str(AffectedGroup.CRAFT.label), 1] in gaps
    overlaps = [[cell.value for cell in row] for row in workbook["Tumpang tindih"].iter_rows(min_row=2)]
    assert overlaps[0][0] == "Purwodadi" and "Diskop UM" in overlaps[0][3]


def test_an_officer_sees_the_3w_of_their_kecamatan_only(client, crafts, matrix, refresh, purwodadi_officer):
    """A Purwodadi officer gets Purwodadi's desa as columns, and asking for Tutur changes nothing."""
    engage(matrix["4.1"], TUTUR, agency="disperindag")
    refresh()
    client.force_login(purwodadi_officer)

    html = client.get("/koordinasi/3w/", {"kecamatan": TUTUR}).content.decode()

    assert "Gerbo" in html and "Ngadirejo" not in html
    assert 'data-doer="agency:disperindag"' not in html


def test_the_kept_3w_follows_every_change_of_its_entries(crafts, matrix, refresh):
    """The 3W is kept between requests, yet an entry added, moved or removed shows at once."""
    refresh()
    assert (TUTUR, CRAFT) in gaps_of(three_w(within=region("35.14")))

    entry = engage(matrix["4.1"], TUTUR, agency="disperindag")
    assert (TUTUR, CRAFT) not in gaps_of(three_w(within=region("35.14")))

    entry.region = region(PURWODADI)
    entry.save()
    view = three_w(within=region("35.14"))
    assert (TUTUR, CRAFT) in gaps_of(view) and (PURWODADI, CRAFT) not in gaps_of(view)

    entry.delete()
    assert (PURWODADI, CRAFT) in gaps_of(three_w(within=region("35.14")))
