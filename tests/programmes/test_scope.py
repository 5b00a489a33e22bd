"""Who sees what: agency staff their agency's programmes, officers their region, coordinators
all. Every list and detail page is checked from outside its scope; out of scope is 404."""

import pytest
from django.urls import reverse

from geliat.programmes.models import Assistance, OutsideList
from geliat.programmes.services import enrolment_create, proposal_build
from tests.programmes.conftest import GERBO, NGADIREJO


@pytest.fixture
def world(make_business, cash_aid, agency_user, coordinator):
    """Two enrolled businesses (Gerbo, Ngadirejo), a proposal, an outside list and an assistance record."""
    here = make_business(GERBO, name="Warung Gerbo")
    there = make_business(NGADIREJO, name="Warung Ngadirejo")
    proposal = proposal_build(actor=agency_user, programme=cash_aid)
    enrolments = {
        code: enrolment_create(actor=agency_user, programme=cash_aid, person=b.owner, business=b)
        for code, b in ((GERBO, here), (NGADIREJO, there))
    }
    outside_list = OutsideList.objects.create(code="asn", name="Daftar Pegawai Pemkab", kind="exclusion", category="asn", agency=agency_user.agency)
    assistance = {
        code: Assistance.objects.create(business=b, institution="BRI", region_code=b.region_id, programme_name="KUR")
        for code, b in ((GERBO, here), (NGADIREJO, there))
    }
    return {"here": here, "there": there, "proposal": proposal, "enrolments": enrolments, "list": outside_list, "assistance": assistance}


def get(client, user, url, params=None):
    client.force_login(user)
    return client.get(url, params or {})


def test_another_agency_does_not_see_the_programme_or_its_people(client, world, cash_aid, other_agency_user):
    """Programme, proposal, enrolment and outside list of another agency: 404; its lists show none of them."""
    for url in (
        reverse("programmes:detail", args=[cash_aid.code]),
        reverse("programmes:proposal_detail", args=[world["proposal"].pk]),
        reverse("programmes:enrolment_detail", args=[world["enrolments"][GERBO].pk]),
        reverse("programmes:outside_list_detail", args=[world["list"].pk]),
    ):
        assert get(client, other_agency_user, url).status_code == 404, url
    assert cash_aid.name not in get(client, other_agency_user, reverse("programmes:list")).content.decode()
    enrolments = get(client, other_agency_user, reverse("programmes:enrolment_list")).content.decode()
    assert "Warung Gerbo" not in enrolments and "Warung Ngadirejo" not in enrolments
    assert "Daftar Pegawai Pemkab" not in get(client, other_agency_user, reverse("programmes:outside_list_list")).content.decode()


def test_an_officer_sees_only_their_region(client, world, desa_officer):
    """A Gerbo officer: Ngadirejo's enrolment, assistance and business page are 404, and absent from the lists."""
    for url in (
        reverse("programmes:enrolment_detail", args=[world["enrolments"][NGADIREJO].pk]),
        reverse("programmes:assistance_detail", args=[world["assistance"][NGADIREJO].pk]),
        reverse("programmes:business_programmes", args=[world["there"].pk]),
        reverse("programmes:assistance_create", args=[world["there"].pk]),
    ):
        assert get(client, desa_officer, url).status_code == 404, url
    assert get(client, desa_officer, reverse("programmes:enrolment_detail", args=[world["enrolments"][GERBO].pk])).status_code == 200
    for name in ("enrolment_list", "assistance_list"):
        body = get(client, desa_officer, reverse(f"programmes:{name}")).content.decode()
        assert "Warung Gerbo" in body or "Pemilik Uji" in body, name
        assert "Warung Ngadirejo" not in body, name
    rows = get(client, desa_officer, reverse("programmes:proposal_detail", args=[world["proposal"].pk])).content.decode()
    assert "Warung Gerbo" in rows and "Warung Ngadirejo" not in rows


def test_officers_have_no_outside_lists(client, world, desa_officer):
    """Outside lists hold other people's data (ASN lists): officers are refused the pages."""
    assert get(client, desa_officer, reverse("programmes:outside_list_list")).status_code == 403
    assert get(client, desa_officer, reverse("programmes:outside_list_detail", args=[world["list"].pk])).status_code == 404


def test_a_coordinator_sees_everything(client, world, cash_aid, coordinator):
    """The coordinator opens every record of every agency and region."""
    for url in (
        reverse("programmes:detail", args=[cash_aid.code]),
        reverse("programmes:proposal_detail", args=[world["proposal"].pk]),
        reverse("programmes:enrolment_detail", args=[world["enrolments"][NGADIREJO].pk]),
        reverse("programmes:outside_list_detail", args=[world["list"].pk]),
        reverse("programmes:assistance_detail", args=[world["assistance"][NGADIREJO].pk]),
    ):
        assert get(client, coordinator, url).status_code == 200, url


def test_the_gap_list_of_an_officer_is_their_region(client, make_business, desa_officer, cash_aid):
    """Gaps: a Gerbo officer's work list and export hold Gerbo's unreached businesses only."""
    make_business(GERBO, name="Belum Gerbo")
    make_business(NGADIREJO, name="Belum Ngadirejo")
    body = get(client, desa_officer, reverse("programmes:gaps")).content.decode()
    assert "Belum Gerbo" in body and "Belum Ngadirejo" not in body
    exported = b"".join(get(client, desa_officer, reverse("programmes:gaps_export", args=["csv"])).streaming_content).decode()
    assert "Belum Gerbo" in exported and "Belum Ngadirejo" not in exported


def test_an_agency_gap_list_holds_only_people_its_programmes_could_take(client, make_business, cash_aid, agency_user, other_agency_user):
    """A food stall fits the agency's cash aid and is listed for it; the other agency (no programme) sees nobody."""
    make_business(name="Warung Cocok")
    make_business(affected_group=5, name="Buruh Tidak Cocok")
    body = get(client, agency_user, reverse("programmes:gaps")).content.decode()
    assert "Warung Cocok" in body and "Buruh Tidak Cocok" not in body
    other = get(client, other_agency_user, reverse("programmes:gaps")).content.decode()
    assert "Warung Cocok" not in other


def test_a_missing_record_is_404_like_one_out_of_scope(client, coordinator, db):
    """Ids that do not exist answer 404, never 500."""
    for name in ("proposal_detail", "enrolment_detail", "outside_list_detail", "assistance_detail", "business_programmes"):
        assert get(client, coordinator, reverse(f"programmes:{name}", args=[999999])).status_code == 404, name
    assert get(client, coordinator, reverse("programmes:detail", args=["tidak-ada"])).status_code == 404


def test_another_agency_cannot_act_on_the_programme_its_proposal_or_its_enrolments(client, world, cash_aid, other_agency_user):
    """Editing the programme, confirming or refusing proposal rows, cancelling an enrolment or
    recording a delivery from another agency: 404, as for a record that does not exist; nothing changes."""
    from geliat.programmes.models import Delivery

    enrolment = world["enrolments"][GERBO]
    row = world["proposal"].rows.first()
    assert row is not None
    client.force_login(other_agency_user)
    for url, data in (
        (reverse("programmes:edit", args=[cash_aid.code]), {"name": "Diambil alih"}),
        (reverse("programmes:proposal_confirm", args=[world["proposal"].pk]), {"rows": [row.pk]}),
        (reverse("programmes:proposal_row_refuse", args=[row.pk]), {"note": "bukan urusan"}),
        (reverse("programmes:enrolment_cancel", args=[enrolment.pk]), {"reason": "dibatalkan", "version": enrolment.version}),
        (reverse("programmes:delivery_create", args=[enrolment.pk]), {"delivered_on": "2020-09-01", "item": "x"}),
    ):
        assert client.post(url, data).status_code == 404, url
    cash_aid.refresh_from_db()
    enrolment.refresh_from_db()
    assert cash_aid.name != "Diambil alih"
    assert enrolment.status == "confirmed" and not Delivery.objects.filter(enrolment=enrolment).exists()
