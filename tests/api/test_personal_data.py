"""Personal data in the API (UU 27/2022 PDP): NIK and phone masked everywhere, shown in full
only on request, to roles that need them, with each reveal audited."""

import pytest

from geliat.accounts.models import User
from geliat.audit.models import AuditEvent


def test_lists_and_records_mask_nik_and_phone(api, desa_officer, records):
    person = records["rt1"].owner
    client = api(desa_officer)
    responses = [
        client.get("/api/v1/people/"),
        client.get(f"/api/v1/people/{person.pk}/"),
        client.get("/api/v1/businesses/"),
        client.get(f"/api/v1/businesses/{records['rt1'].pk}/"),
    ]
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode()
        assert person.nik not in text
        assert person.phone not in text
    detail = responses[1].json()
    assert detail["nik"] == person.nik[:6] + "******" + person.nik[-4:]
    assert detail["phone"] == "+62812*****890"
    assert not AuditEvent.objects.filter(action="view_pii").exists()


def test_reveal_gives_the_full_values_and_is_audited(api, desa_officer, records):
    person = records["rt1"].owner
    response = api(desa_officer).get(f"/api/v1/people/{person.pk}/", {"reveal": "1"})
    assert response.status_code == 200
    assert (response.json()["nik"], response.json()["phone"]) == (person.nik, person.phone)
    event = AuditEvent.objects.get(action="view_pii")
    assert (event.actor, event.object_type, event.object_id) == (desa_officer, "registry.person", str(person.pk))


def test_reveal_is_refused_to_roles_that_do_not_need_personal_data(api, desa_officer, records, monkeypatch):
    monkeypatch.setattr(User, "needs_pii", property(lambda user: False))
    person = records["rt1"].owner
    response = api(desa_officer).get(f"/api/v1/people/{person.pk}/", {"reveal": "1"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Peran Anda tidak memerlukan NIK dan nomor HP lengkap."}
    assert person.nik not in response.content.decode()
    assert not AuditEvent.objects.filter(action="view_pii").exists()


@pytest.mark.parametrize("value", ["0", "false", ""])
def test_reveal_must_be_asked_for(api, desa_officer, records, value):
    person = records["rt1"].owner
    response = api(desa_officer).get(f"/api/v1/people/{person.pk}/", {"reveal": value})
    assert response.json()["nik"] != person.nik
    assert not AuditEvent.objects.filter(action="view_pii").exists()


def test_reveal_out_of_scope_is_not_found_and_not_audited(api, rt1_officer, records):
    person = records["rt2"].owner
    response = api(rt1_officer).get(f"/api/v1/people/{person.pk}/", {"reveal": "1"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="view_pii").exists()
