"""The programme pages: an agency runs its programme from the catalogue to delivery; forms
keep what was typed and explain errors in Indonesian; personal data stays masked."""

import datetime

import pytest
from django.urls import reverse

from geliat.audit.models import AuditEvent
from geliat.programmes.models import Enrolment, Programme
from geliat.programmes.services import enrolment_create, proposal_build


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_an_agency_runs_its_programme_from_proposal_to_delivery(login, make_business, cash_aid, agency_user, django_capture_on_commit_callbacks):
    """Build a proposal (in the background), confirm a row, record the delivery: each page says what happened."""
    business = make_business()
    client = login(agency_user)
    page = client.get(reverse("programmes:detail", args=[cash_aid.code]))
    assert page.status_code == 200 and b"Susun usulan penerima" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programmes:proposal_create", args=[cash_aid.code]))
    proposal = cash_aid.proposals.get()
    assert response.url == reverse("programmes:proposal_detail", args=[proposal.pk])
    response = client.get(response.url)
    assert "1 orang memenuhi semua syarat, dari 1 usaha di registri." in response.content.decode()
    row = proposal.rows.get()
    assert business.owner.nik not in response.content.decode()  # masked in the list
    response = client.post(reverse("programmes:proposal_confirm", args=[proposal.pk]), {"pick": [row.pk]}, follow=True)
    assert "1 penerima ditetapkan." in response.content.decode()
    enrolment = Enrolment.objects.get(programme=cash_aid)
    response = client.post(
        reverse("programmes:delivery_create", args=[enrolment.pk]),
        {"delivered_on": "2020-09-15", "amount": "2,4 juta", "item": "", "note": "Transfer BRI"}, follow=True,
    )
    assert "Penyaluran dicatat." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == "delivered" and enrolment.deliveries.get().amount == 2_400_000


def test_a_rejected_delivery_form_keeps_what_was_typed(login, make_business, cash_aid, agency_user):
    """A future date is refused, naming the field, and the typed note stays in the form."""
    business = make_business()
    enrolment = enrolment_create(actor=agency_user, programme=cash_aid, person=business.owner, business=business)
    response = login(agency_user).post(
        reverse("programmes:delivery_create", args=[enrolment.pk]),
        {"delivered_on": "2099-01-01", "amount": "abc", "note": "Catatan saya"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Nilai (Rp) tidak terbaca" in body and 'value="Catatan saya"' in body


def test_a_programme_form_with_a_bad_rule_explains_it_and_keeps_the_text(login, agency_user):
    """Unknown field in the rules: the form names it; invalid JSON: the form says how to write it."""
    client = login(agency_user)
    data = {
        "code": "pelatihan-baru", "name": "Pelatihan Baru", "source": "regency", "kind": "training",
        "starts_on": "2021-01-01", "ends_on": "2021-12-31", "status": "draft",
        "rules": '{"conditions": [{"field": "omzet", "op": "gte", "value": 1}]}',
    }
    body = client.post(reverse("programmes:create"), data).content.decode()
    assert "isian “omzet” tidak dikenal" in body and "Pelatihan Baru" in body
    data["rules"] = '{"conditions": [}'
    body = client.post(reverse("programmes:create"), data).content.decode()
    assert "Aturan bukan JSON yang sah" in body and "{&quot;conditions&quot;: [}" in body
    assert not Programme.objects.filter(code="pelatihan-baru").exists()


def test_an_agency_adds_a_programme_for_itself(login, agency_user):
    """Created by agency staff, the programme belongs to their agency and is audited."""
    response = login(agency_user).post(reverse("programmes:create"), {
        "code": "pemasaran-uji", "name": "Pemasaran Uji", "source": "regency", "kind": "marketing",
        "starts_on": "2021-01-01", "ends_on": "2021-12-31", "status": "open",
        "rules": '{"conditions": [{"field": "affected_group", "op": "in", "value": [3]}]}',
    })
    programme = Programme.objects.get(code="pemasaran-uji")
    assert response.status_code == 302 and list(programme.agencies.all()) == [agency_user.agency]
    assert AuditEvent.objects.filter(object_type="programmes.programme", object_id=str(programme.pk), action="create").exists()


def test_a_code_used_by_a_page_is_refused(login, coordinator):
    """A programme called “baru” would hide the add page: refused with a suggestion."""
    body = login(coordinator).post(reverse("programmes:create"), {
        "code": "baru", "name": "X", "source": "regency", "kind": "training",
        "starts_on": "2021-01-01", "ends_on": "2021-12-31", "status": "draft", "rules": "{}",
    }).content.decode()
    assert "dipakai oleh halaman Geliat" in body


def test_the_pages_render_for_each_role(login, make_business, cash_aid, agency_user, coordinator, desa_officer):
    """Catalogue, gaps, enrolments, assistance and a business's programmes open for every role."""
    business = make_business()
    for user in (agency_user, coordinator, desa_officer):
        client = login(user)
        for url in (
            reverse("programmes:list"), reverse("programmes:gaps"), reverse("programmes:enrolment_list"),
            reverse("programmes:assistance_list"), reverse("programmes:business_programmes", args=[business.pk]),
        ):
            assert client.get(url).status_code == 200, (user, url)


def test_an_officer_reads_but_cannot_act(login, make_business, cash_aid, desa_officer, agency_user):
    """A desa officer sees the catalogue entry but gets 403 building a proposal or recording a delivery."""
    business = make_business()
    enrolment = enrolment_create(actor=agency_user, programme=cash_aid, person=business.owner, business=business)
    client = login(desa_officer)
    assert client.get(reverse("programmes:detail", args=[cash_aid.code])).status_code == 200
    assert b"Susun usulan penerima" not in client.get(reverse("programmes:detail", args=[cash_aid.code])).content
    assert client.post(reverse("programmes:proposal_create", args=[cash_aid.code])).status_code == 403
    assert client.post(reverse("programmes:delivery_create", args=[enrolment.pk]), {"delivered_on": "2020-09-01", "amount": "1"}).status_code == 403


def test_the_ineligible_tab_lists_reasons(login, make_business, cash_aid, agency_user):
    """The “not eligible” tab says, for each business, which conditions it fails."""
    make_business(affected_group=5, name="Buruh Tani Sejahtera")
    proposal = proposal_build(actor=agency_user, programme=cash_aid)
    body = login(agency_user).get(reverse("programmes:proposal_detail", args=[proposal.pk]), {"tab": "out"}).content.decode()
    assert "Buruh Tani Sejahtera" in body and "kelompok terdampak salah satu dari" in body


def test_assistance_is_recorded_with_the_helping_officer(login, make_business, desa_officer, db):
    """An officer records a business's KUR application at a bank; a status needing dates asks for them."""
    business = make_business()
    kur = Programme.objects.create(code="kur-uji", name="KUR Uji", source="central", kind="credit_subsidy",
                                   starts_on=datetime.date(2021, 1, 1), ends_on=datetime.date(2021, 12, 31), run_here=False)
    client = login(desa_officer)
    url = reverse("programmes:assistance_create", args=[business.pk])
    body = client.post(url, {"programme": kur.pk, "institution": "BRI Unit Bangil", "status": "approved"}).content.decode()
    assert "Isi tanggal pengajuan untuk status ini." in body and "BRI Unit Bangil" in body
    response = client.post(url, {"programme": kur.pk, "institution": "BRI Unit Bangil", "status": "submitted", "submitted_on": "2021-02-01", "amount_requested": "10 juta"})
    assert response.status_code == 302
    assistance = business.assistance.get()
    assert (assistance.officer, assistance.amount_requested, assistance.status) == (desa_officer, 10_000_000, "submitted")
    response = client.post(reverse("programmes:assistance_detail", args=[assistance.pk]), {
        "programme": kur.pk, "institution": "BRI Unit Bangil", "status": "disbursed", "submitted_on": "2021-02-01",
        "decided_on": "2021-02-20", "amount_approved": "10 juta", "outcome": "Cair", "version": 1,
    })
    assert response.status_code == 302
    assistance.refresh_from_db()
    assert (assistance.status, assistance.version) == ("disbursed", 2)
    event = AuditEvent.objects.filter(object_type="programmes.assistance", action="update").get()
    assert event.before["status"] == "submitted" and event.after["status"] == "disbursed"



def test_a_proposal_being_built_says_so_and_the_page_polls(login, cash_aid, agency_user):
    """While the background task has not run, the page says it is being built and asks htmx to poll;
    once done, the poll tells the page to reload."""
    from geliat.programmes.services import proposal_evaluate

    client = login(agency_user)
    client.post(reverse("programmes:proposal_create", args=[cash_aid.code]))  # its task waits for a commit that never comes
    proposal = cash_aid.proposals.get()
    url = reverse("programmes:proposal_detail", args=[proposal.pk])
    body = client.get(url).content.decode()
    assert "Usulan sedang disusun" in body and 'hx-trigger="every 2s"' in body
    assert "Usulan sedang disusun" in client.get(url, {"poll": "1"}, HTTP_HX_REQUEST="true").content.decode()
    proposal_evaluate(proposal_id=proposal.pk)
    assert client.get(url, {"poll": "1"}, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def test_a_proposal_that_fails_says_so_and_offers_to_build_it_again(login, cash_aid, agency_user, monkeypatch):
    """A system error while evaluating leaves the proposal marked failed, with the reason, not half-filled."""
    from geliat.programmes import services

    def broken(proposal):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_evaluate", broken)
    proposal = services.proposal_build(actor=agency_user, programme=cash_aid)
    assert proposal.status == "failed" and "RuntimeError" in proposal.error and not proposal.rows.exists()
    body = login(agency_user).get(reverse("programmes:proposal_detail", args=[proposal.pk])).content.decode()
    assert "Usulan gagal disusun" in body and "Susun ulang" in body
