"""Logging in and out: Indonesian pages, rate limiting per username and address, audit."""

import pytest
from django.urls import reverse

from geliat.accounts import services
from geliat.audit.models import AuditEvent
from tests.accounts.conftest import GERBO
from tests.factories import TEST_PASSWORD, UserFactory

LOGIN = reverse("accounts:login")


@pytest.fixture
def officer(regions):
    return UserFactory.at(GERBO + ".RW001.RT003", username="siti.rt3")


def _post(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_indonesian(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Masuk petugas" in content
    assert reverse("accounts:activate") in content


def test_correct_password_logs_in_and_is_audited(client, officer):
    """A good login lands on the officers' home page and leaves a login event naming the user."""
    response = _post(client, "siti.rt3", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:home")
    assert client.session["_auth_user_id"] == str(officer.pk)
    event = AuditEvent.objects.get(action="login")
    assert event.actor == officer
    assert event.object_id == str(officer.pk)
    assert event.ip == "10.0.0.1"


def test_wrong_password_is_refused_in_indonesian(client, officer):
    response = _post(client, "siti.rt3", "salah-sandi")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Nama pengguna atau sandi salah" in response.content.decode()
    assert not AuditEvent.objects.filter(action="login").exists()


def test_too_many_attempts_block_even_the_right_password(client, officer):
    """After 10 attempts on one username from one address, the 11th is refused outright."""
    for _ in range(10):
        _post(client, "siti.rt3", "tebakan")
    response = _post(client, "siti.rt3", TEST_PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Terlalu banyak percobaan" in response.content.decode()


def test_limit_is_per_username_and_address(client, officer, regions):
    """Someone guessing one account from one address locks neither other addresses nor other accounts."""
    other = UserFactory.at(GERBO, username="budi.desa")
    for _ in range(11):
        _post(client, "siti.rt3", "tebakan")
    _post(client, "siti.rt3", TEST_PASSWORD, ip="10.0.0.2")
    assert client.session["_auth_user_id"] == str(officer.pk)
    client.logout()
    _post(client, "budi.desa", TEST_PASSWORD)
    assert client.session["_auth_user_id"] == str(other.pk)


def test_deactivated_user_cannot_log_in(client, officer, desa_admin):
    services.user_deactivate(actor=desa_admin, user=officer)
    response = _post(client, "siti.rt3", TEST_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_deactivation_ends_an_open_session(client, officer, desa_admin):
    """An officer already logged in is sent to the login page once deactivated."""
    client.force_login(officer)
    assert client.get(reverse("accounts:api_token")).status_code == 200
    services.user_deactivate(actor=desa_admin, user=officer)
    response = client.get(reverse("accounts:api_token"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_logout_by_post(client, officer):
    client.force_login(officer)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
