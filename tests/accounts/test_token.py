"""The API token page: create, replace and revoke one's own token; audited without the key."""

import pytest
from django.urls import reverse
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from geliat.accounts import services
from geliat.audit.models import AuditEvent
from tests.accounts.conftest import GERBO
from tests.factories import UserFactory

TOKEN = reverse("accounts:api_token")


def _authenticates(key: str):
    try:
        return TokenAuthentication().authenticate_credentials(key)[0]
    except AuthenticationFailed:
        return None


@pytest.fixture
def officer(regions, client):
    user = UserFactory.at(GERBO)
    client.force_login(user)
    return user


def test_page_says_there_is_no_token_yet(client, officer):
    response = client.get(TOKEN)
    assert response.status_code == 200
    assert "belum memiliki token" in response.content.decode()


def test_create_shows_the_key_once(client, officer):
    response = client.post(TOKEN, {"action": "rotate"})
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert _authenticates(key) == officer
    later = client.get(TOKEN).content.decode()
    assert key not in later
    assert "Anda memiliki token API sejak" in later


def test_rotating_invalidates_the_old_key(client, officer):
    old = client.post(TOKEN, {"action": "rotate"}).context["new_key"]
    new = client.post(TOKEN, {"action": "rotate"}).context["new_key"]
    assert old != new
    assert _authenticates(old) is None
    assert _authenticates(new) == officer


def test_revoking_removes_the_key(client, officer):
    key = client.post(TOKEN, {"action": "rotate"}).context["new_key"]
    response = client.post(TOKEN, {"action": "revoke"}, follow=True)
    assert "Token API dicabut" in response.content.decode()
    assert _authenticates(key) is None


def test_token_acts_are_audited_without_the_key(client, officer):
    key = client.post(TOKEN, {"action": "rotate"}).context["new_key"]
    client.post(TOKEN, {"action": "rotate"})
    client.post(TOKEN, {"action": "revoke"})
    events = AuditEvent.objects.filter(action="account", object_id=str(officer.pk)).order_by("id")
    assert [e.note for e in events] == ["Token API dibuat", "Token API diganti", "Token API dicabut"]
    assert all(e.actor == officer for e in events)
    assert not AuditEvent.objects.filter(object_id=key).exists()
    assert all(key not in f"{e.before}{e.after}{e.note}" for e in events)


def test_deactivation_and_reset_drop_the_token(regions, desa_admin):
    target = UserFactory.at(GERBO + ".RW001")
    key = services.token_rotate(user=target)
    services.user_reset(actor=desa_admin, user=target)
    assert _authenticates(key) is None
    key = services.token_rotate(user=target)
    services.user_deactivate(actor=desa_admin, user=target)
    services.user_reactivate(actor=desa_admin, user=target)
    assert _authenticates(key) is None


def test_page_needs_login(client, db):
    assert client.get(TOKEN).status_code == 302
