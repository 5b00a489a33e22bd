"""The action matrix: seeded from the plan's table, actuals computed from the registry and
the programmes (typed by hand only where the indicator says so), edited by coordinators."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from geliat.accounts.models import Agency
from geliat.audit.models import AuditEvent
from geliat.coordination.models import Activity, Indicator
from geliat.coordination.seeds import ACTION_MATRIX, matrix_rows
from geliat.coordination.selectors import matrix_lines
from geliat.coordination.services import matrix_seed
from geliat.programmes.services import delivery_record, enrolment_cancel
from geliat.registry.models import AffectedGroup
from tests.coordination.conftest import (
    DAWUHANSENGON,
    GERBO,
    NGADIREJO,
    business_at,
    enrol,
    programme,
)

CRAFT, FOOD = AffectedGroup.CRAFT, AffectedGroup.FOOD_STALL


def line_for(code: str, **kwargs):
    return next(line for line in matrix_lines(**kwargs) if line.activity.code == code)


def test_the_seed_puts_every_activity_of_the_plan_with_its_agencies(matrix):
    """All 20 activities of the ten groups are there, each with the agencies the table names."""
    assert len(matrix) == 20
    assert {activity.affected_group for activity in matrix.values()} == set(AffectedGroup.values)
    assert set(matrix["2.2"].agencies.values_list("code", flat=True)) == {"dinkes", "dkpp"}
    assert set(matrix["10.1"].agencies.values_list("code", flat=True)) == {"dinkes", "dpmptsp", "disperindag"}
    # Row 3 names its agencies once for both activities.
    assert set(matrix["3.2"].agencies.values_list("code", flat=True)) == {"disperindag", "diskopum"}
    assert matrix["2.3"].name == "Pendampingan beralih ke pasar daring"
    assert matrix["2.3"].source_text == "Help shifting to online markets"


def test_seeding_again_changes_nothing_and_keeps_what_coordinators_set(matrix):
    """A second run creates nothing and leaves targets, names and indicators as edited."""
    Activity.objects.filter(code="4.1").update(target=120, name="Kriya go digital", indicator=Indicator.MANUAL)

    result = matrix_seed()

    assert (result.created, result.agencies_added, result.unchanged) == (0, 0, 20)
    activity = Activity.objects.get(code="4.1")
    assert (activity.target, activity.name, activity.indicator) == (120, "Kriya go digital", Indicator.MANUAL)
    assert Activity.objects.count() == 20


def test_seeding_restores_a_responsible_agency_the_table_names(matrix):
    """An agency removed by mistake comes back; one added by a coordinator stays."""
    activity = matrix["2.2"]
    activity.agencies.remove(activity.agencies.get(code="dkpp"))
    activity.agencies.add(Agency.objects.get(code="bappeda"))

    result = matrix_seed()

    assert result.agencies_added == 1
    assert set(activity.agencies.values_list("code", flat=True)) == {"dinkes", "dkpp", "bappeda"}


def test_a_table_naming_an_unknown_agency_is_refused_naming_it(regions):
    """A revised plan with an agency Geliat does not know stops with that agency's name."""
    table = ACTION_MATRIX.replace("| Social Affairs |", "| Tourism |", 1)

    with pytest.raises(ValidationError) as error:
        matrix_seed(table=table)

    assert "Tourism" in " ".join(error.value.messages)
    assert not Activity.objects.exists()


def test_the_table_is_read_item_by_item():
    """Numbered programmes give one activity each, with the agencies of the same number."""
    rows = {row.code: row for row in matrix_rows()}

    assert len(rows) == 20
    assert rows["10.1"].source_text.startswith("Legal permits (P-IRT, BPOM)")
    assert rows["4.3"].agency_codes == ("disnaker", "disperindag", "diskopum")
    assert rows["1.1"].agency_codes == ("dinsos",)


def test_reached_counts_businesses_of_the_group_enrolled_in_linked_programmes(matrix, refresh):
    """Activity 4.1's actual is the craft businesses confirmed or delivered in its linked
    programmes: not a food stall in the same programme, not a cancelled enrolment, not a
    programme that is not linked, and a business enrolled twice counts once."""
    linked, other_linked, unlinked = programme("daring", "diskopum"), programme("pameran", "diskopum"), programme("lain", "dinsos")
    matrix["4.1"].programmes.add(linked, other_linked)
    crafts = [business_at(GERBO, group=CRAFT) for _ in range(3)]
    enrol(linked, crafts[0])
    enrol(linked, crafts[1], delivered_on=datetime.date(2026, 2, 1), amount=250_000)
    enrol(other_linked, crafts[0])  # the same business through a second linked programme
    cancelled = enrol(linked, crafts[2])
    enrolment_cancel(actor="sistem", enrolment=cancelled, reason="Pindah domisili")
    enrol(linked, business_at(GERBO, group=FOOD))
    enrol(unlinked, business_at(GERBO, group=CRAFT))
    refresh()

    line = line_for("4.1")

    assert line.computed is True
    assert line.actual == 2


def test_the_delivered_and_deliveries_indicators_count_handovers(matrix, refresh):
    """"Delivered" counts businesses handed a benefit; "deliveries" counts the handovers."""
    meals = programme("makan", "dinsos", kind="meals")
    matrix["1.1"].programmes.add(meals)
    elderly = [business_at(GERBO, group=AffectedGroup.VULNERABLE) for _ in range(3)]
    first = enrol(meals, elderly[0], delivered_on=datetime.date(2026, 1, 5))
    delivery_record(actor="sistem", enrolment=first, delivered_on=datetime.date(2026, 1, 6), item="nasi kotak")
    enrol(meals, elderly[1], delivered_on=datetime.date(2026, 1, 5))
    enrol(meals, elderly[2])
    refresh()

    Activity.objects.filter(code="1.1").update(indicator=Indicator.DELIVERED)
    assert line_for("1.1").actual == 2
    Activity.objects.filter(code="1.1").update(indicator=Indicator.DELIVERIES)
    assert line_for("1.1").actual == 3
    Activity.objects.filter(code="1.1").update(indicator=Indicator.REACHED)
    assert line_for("1.1").actual == 3


def test_the_verified_indicator_counts_the_groups_verified_businesses(matrix, refresh):
    """Only verified businesses of the activity's group count, not waiting or rejected ones."""
    Activity.objects.filter(code="9.2").update(indicator=Indicator.VERIFIED)
    business_at(GERBO, group=AffectedGroup.SALON)
    business_at(NGADIREJO, group=AffectedGroup.SALON)
    business_at(GERBO, group=AffectedGroup.SALON, status="waiting")
    business_at(GERBO, group=AffectedGroup.SALON, status="rejected")
    business_at(GERBO, group=FOOD)
    refresh()

    assert line_for("9.2").actual == 2


def test_actuals_follow_the_area_asked_for(matrix, refresh):
    """Within a kecamatan, only reach there counts."""
    linked = programme("daring", "diskopum")
    matrix["4.1"].programmes.add(linked)
    enrol(linked, business_at(GERBO, group=CRAFT))
    enrol(linked, business_at(DAWUHANSENGON, group=CRAFT))
    enrol(linked, business_at(NGADIREJO, group=CRAFT))
    refresh()

    assert line_for("4.1").actual == 3
    assert line_for("4.1", within="35.14.01").actual == 2
    assert line_for("4.1", within="35.14.02").actual == 1


def test_an_actual_is_not_known_until_the_figures_are_rebuilt(matrix, refresh):
    """Actuals come from the summary tables, so a new enrolment shows after the rebuild."""
    linked = programme("daring", "diskopum")
    matrix["4.1"].programmes.add(linked)
    refresh()
    enrol(linked, business_at(GERBO, group=CRAFT))

    assert line_for("4.1").actual == 0
    refresh()
    assert line_for("4.1").actual == 1


def test_the_matrix_page_marks_a_manual_actual_as_typed(client, matrix, refresh, coordinator):
    """A manual-indicator activity shows its typed figure labelled "diisi manual"; a computed one has no label."""
    Activity.objects.filter(code="5.1").update(indicator=Indicator.MANUAL, manual_actual=17, target=40)
    refresh()
    client.force_login(coordinator)

    html = client.get("/koordinasi/matriks/").content.decode()

    row = html.split('data-activity="5.1"')[1].split("</tr>")[0]
    assert "17" in row and "diisi manual" in row
    computed = html.split('data-activity="4.1"')[1].split("</tr>")[0]
    assert "diisi manual" not in computed


def test_a_responsible_agency_records_a_manual_actual_audited(client, matrix, diskopum_staff):
    """Diskop UM (responsible for 4.1) types the actual of a manual indicator; it is audited."""
    activity = matrix["4.1"]
    Activity.objects.filter(pk=activity.pk).update(indicator=Indicator.MANUAL)
    client.force_login(diskopum_staff)

    response = client.post(
        f"/koordinasi/matriks/{activity.pk}/", {"manual_actual": "35", "manual_note": "Daftar hadir 12 Mei", "version": "1"}
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.manual_actual, activity.manual_note, activity.manual_by) == (35, "Daftar hadir 12 Mei", diskopum_staff)
    event = AuditEvent.objects.get(object_type="coordination.activity", object_id=str(activity.pk))
    assert event.after == {"manual_actual": 35, "manual_note": "Daftar hadir 12 Mei"}


def test_another_agency_cannot_type_an_actual(client, matrix, dinsos_staff):
    """Dinsos is not responsible for 4.1: it gets no form and a posted figure is refused."""
    activity = matrix["4.1"]
    Activity.objects.filter(pk=activity.pk).update(indicator=Indicator.MANUAL)
    client.force_login(dinsos_staff)

    assert 'data-testid="actual-form"' not in client.get(f"/koordinasi/matriks/{activity.pk}/").content.decode()
    response = client.post(f"/koordinasi/matriks/{activity.pk}/", {"manual_actual": "99", "manual_note": "x", "version": "1"})

    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.manual_actual is None


def test_a_computed_actual_cannot_be_typed(client, matrix, coordinator):
    """On a computed indicator the coordinator's edit form refuses a manual figure, keeps the input."""
    activity = matrix["4.1"]
    client.force_login(coordinator)
    data = {
        "name": "Beralih ke pemasaran daring", "theme": "online", "agencies": [a.pk for a in activity.agencies.all()],
        "indicator": "reached", "target": "150", "deadline": "2026-12-31", "manual_actual": "80", "manual_note": "",
        "version": "1",
    }

    response = client.post(f"/koordinasi/matriks/{activity.pk}/ubah/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Capaian kegiatan ini dihitung sistem" in html
    assert 'value="150"' in html
    activity.refresh_from_db()
    assert activity.target is None and activity.manual_actual is None


def test_a_coordinator_sets_target_deadline_and_linked_programmes(client, matrix, coordinator):
    """The edit is saved with the programmes linked, and audited with before and after."""
    activity = matrix["4.1"]
    linked = programme("daring", "diskopum")
    client.force_login(coordinator)
    data = {
        "name": "Beralih ke pemasaran daring", "theme": "online", "agencies": [a.pk for a in activity.agencies.all()],
        "programmes": [linked.pk], "indicator": "reached", "target": "150", "deadline": "2026-12-31",
        "manual_actual": "", "manual_note": "", "version": "1",
    }

    assert client.post(f"/koordinasi/matriks/{activity.pk}/ubah/", data).status_code == 302

    activity.refresh_from_db()
    assert (activity.target, activity.deadline, activity.version) == (150, datetime.date(2026, 12, 31), 2)
    assert list(activity.programmes.all()) == [linked]
    event = AuditEvent.objects.filter(object_type="coordination.activity", action="update").latest("at")
    assert event.before["target"] is None and event.after["target"] == 150
    assert event.after["programmes"] == ["daring"]


def test_a_negative_target_is_refused_in_indonesian(client, matrix, coordinator):
    """A negative target gets an error naming the field; nothing is saved."""
    activity = matrix["4.1"]
    client.force_login(coordinator)
    data = {"name": "X", "theme": "online", "agencies": [a.pk for a in activity.agencies.all()], "indicator": "reached",
            "target": "-5", "version": "1"}

    response = client.post(f"/koordinasi/matriks/{activity.pk}/ubah/", data)

    assert response.status_code == 200
    assert "Target tidak boleh negatif." in response.content.decode()


def test_agency_staff_cannot_edit_an_activity(client, matrix, diskopum_staff):
    """Only coordinators change the matrix itself."""
    client.force_login(diskopum_staff)

    assert client.get(f"/koordinasi/matriks/{matrix['4.1'].pk}/ubah/").status_code == 403


def test_an_empty_matrix_offers_the_seed_to_coordinators(client, regions, coordinator):
    """Before seeding, the coordinator can load the matrix from the page."""
    client.force_login(coordinator)
    assert 'data-testid="seed"' in client.get("/koordinasi/matriks/").content.decode()

    client.post("/koordinasi/matriks/muat/")

    assert Activity.objects.count() == 20


def test_a_missing_activity_is_404(client, matrix, coordinator):
    """An activity id that does not exist answers 404."""
    client.force_login(coordinator)
    assert client.get("/koordinasi/matriks/999999/").status_code == 404


def test_an_officer_sees_the_actuals_of_their_kecamatan(client, matrix, refresh, tutur_officer):
    """A Tutur officer's matrix counts reach in Tutur only; Purwodadi's does not show."""
    linked = programme("daring", "diskopum")
    matrix["4.1"].programmes.add(linked)
    enrol(linked, business_at(GERBO, group=CRAFT))
    enrol(linked, business_at(DAWUHANSENGON, group=CRAFT))
    enrol(linked, business_at(NGADIREJO, group=CRAFT))
    refresh()
    client.force_login(tutur_officer)

    html = client.get("/koordinasi/matriks/", {"kecamatan": "35.14.01"}).content.decode()

    row = html.split('data-activity="4.1"')[1].split("</tr>")[0]
    assert '<td class="num" data-testid="actual">1' in row
    detail = client.get(f"/koordinasi/matriks/{matrix['4.1'].pk}/").content.decode()
    assert 'data-testid="actual">1 ' in detail
