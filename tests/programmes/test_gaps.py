"""Coverage gaps: verified businesses no programme has reached, counted by kecamatan, desa and
affected group, each with the programmes it could have; the same as a masked work list."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from geliat.audit.models import AuditEvent
from geliat.programmes.eligibility import eligible_for, gap_rows
from geliat.programmes.models import Enrolment
from geliat.programmes.selectors import business_ids_reached, gap_businesses, gap_counts
from geliat.programmes.services import delivery_record, enrolment_cancel, enrolment_create
from geliat.registry.models import Business
from tests.programmes.conftest import DAWUHANSENGON, GERBO, NGADIREJO, make_programme


def counts(user, by):
    return {row["key"]: (row["gap"], row["verified"]) for row in gap_counts(user, by=by)}


def test_gaps_are_verified_businesses_nobody_has_reached(make_business, cash_aid, agency_user, coordinator):
    """Reached (confirmed or delivered) and unverified businesses are not gaps; cancelled ones are again."""
    reached, delivered, cancelled, gap = (make_business() for _ in range(4))
    make_business(verified=False)
    enrolment_create(actor=agency_user, programme=cash_aid, person=reached.owner, business=reached)
    done = enrolment_create(actor=agency_user, programme=cash_aid, person=delivered.owner, business=delivered)
    delivery_record(actor=agency_user, enrolment=done, delivered_on=cash_aid.starts_on, amount=1)
    dropped = enrolment_create(actor=agency_user, programme=cash_aid, person=cancelled.owner, business=cancelled)
    enrolment_cancel(actor=agency_user, enrolment=dropped, reason="Tidak memenuhi")
    assert set(gap_businesses(coordinator).values_list("pk", flat=True)) == {cancelled.pk, gap.pk}
    assert set(Business.objects.filter(pk__in=business_ids_reached()).values_list("pk", flat=True)) == {reached.pk, delivered.pk}
    assert set(Business.objects.filter(pk__in=business_ids_reached(cash_aid)).values_list("pk", flat=True)) == {reached.pk, delivered.pk}


def test_gaps_are_counted_by_kecamatan_desa_and_group_and_shrink_when_reached(make_business, cash_aid, agency_user, coordinator):
    """Two gaps in Gerbo, one in Dawuhansengon, one in Ngadirejo; enrolling one in Gerbo takes it off every count."""
    first = make_business(GERBO, affected_group=2)
    make_business(GERBO, affected_group=10)
    make_business(DAWUHANSENGON, affected_group=2)
    make_business(NGADIREJO, affected_group=5)
    assert counts(coordinator, "kecamatan") == {"35.14.01": (3, 3), "35.14.02": (1, 1)}
    assert counts(coordinator, "desa") == {GERBO: (2, 2), DAWUHANSENGON: (1, 1), NGADIREJO: (1, 1)}
    assert counts(coordinator, "affected_group") == {2: (2, 2), 10: (1, 1), 5: (1, 1)}
    enrolment_create(actor=agency_user, programme=cash_aid, person=first.owner, business=first)
    assert counts(coordinator, "kecamatan")["35.14.01"] == (2, 3)
    assert counts(coordinator, "desa")[GERBO] == (1, 2)
    assert counts(coordinator, "affected_group")[2] == (1, 2)


def test_a_person_level_benefit_reaches_all_the_owners_businesses(make_business, cash_aid, coordinator):
    """A benefit given to the person (from a recipients list: no business named) reaches each of their businesses."""
    stall = make_business()
    kiosk = make_business(owner=stall.owner)
    Enrolment.objects.create(
        programme=cash_aid, person=stall.owner, identity_id=stall.owner_id, region_code=stall.region_id,
        status="delivered", origin="outside_list", confirmed_at=cash_aid.created_at,
    )
    assert not gap_businesses(coordinator).filter(pk__in=[stall.pk, kiosk.pk]).exists()


def test_each_gap_lists_the_programmes_it_is_eligible_for(make_business, cash_aid, agency, coordinator):
    """A food stall is eligible for the cash aid and a food-safety training; a farm labourer for neither."""
    training = make_programme("keamanan-pangan", name="Keamanan Pangan", agencies=[agency], kind="training",
                              rules={"conditions": [{"field": "affected_group", "op": "in", "value": [2, 10]}]})
    make_programme("selesai", agencies=[agency], status="closed")
    stall = make_business(affected_group=2)
    labourer = make_business(affected_group=5)
    rows, programmes = gap_rows(coordinator)
    eligible = {row.pk: {p.code for p in eligible_for(row, programmes)} for row in rows}
    assert eligible == {stall.pk: {cash_aid.code, training.code}, labourer.pk: set()}


def test_the_work_list_export_is_masked_neutralised_and_audited(client, make_business, coordinator):
    """CSV: NIK masked, a name starting with = cannot run as a formula, the export is in the audit trail."""
    business = make_business(name="=HYPERLINK(\"http://x\")")
    client.force_login(coordinator)
    response = client.get(reverse("programmes:gaps_export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert business.owner.nik not in text and business.owner.nik[:6] + "******" in text
    assert "'=HYPERLINK" in text
    event = AuditEvent.objects.get(object_type="export.programme_gaps")
    assert event.after["rows"] == 1 and event.after["unmasked"] is False


def test_the_full_nik_is_given_only_to_roles_that_need_it_and_audited(client, make_business, coordinator):
    """XLSX with lengkap=1 for a coordinator: the NIK is whole, a text cell, and the export says unmasked."""
    business = make_business()
    client.force_login(coordinator)
    response = client.get(reverse("programmes:gaps_export", args=["xlsx"]), {"lengkap": "1"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == business.owner.nik
    assert AuditEvent.objects.get(object_type="export.programme_gaps").after["unmasked"] is True


def test_the_gap_page_filters_by_region_group_and_programme(client, make_business, cash_aid, coordinator):
    """Filters narrow the work list; the totals above stay the whole view."""
    make_business(GERBO, name="Warung Gerbo")
    make_business(NGADIREJO, affected_group=5, name="Buruh Ngadirejo")
    client.force_login(coordinator)
    body = client.get(reverse("programmes:gaps"), {"region": "35.14.02"}).content.decode()
    assert "Buruh Ngadirejo" in body and "Warung Gerbo" not in body
    body = client.get(reverse("programmes:gaps"), {"programme": cash_aid.code}).content.decode()
    assert "Warung Gerbo" in body and "Buruh Ngadirejo" not in body
    assert "2 dari 2 usaha terverifikasi belum menerima program apa pun." in body
