"""Activation: the one-time code an administrator passes on, and the password the officer sets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from geliat.accounts import services
from geliat.accounts.models import User
from geliat.audit.models import AuditEvent

ACTIVATE = reverse("accounts:activate")
NEW_PASSWORD = "Gerbo-rt03-aman"


@pytest.fixture
def pending(desa_admin):
    """A new RT officer of Desa Gerbo and the code the desa admin was shown."""
    user, code = services.user_create_at(
        actor=desa_admin, level="rt", rw="1", rt="3",
        username="", full_name="Siti Aminah", phone="0812-3456-7890", role="officer",
    )
    return user, code


def _activate(client, username, code, password=NEW_PASSWORD, again=None, ip="10.0.0.9"):
    return client.post(
        ACTIVATE,
        {"username": username, "code": code, "new_password1": password, "new_password2": again or password},
        REMOTE_ADDR=ip,
    )


def _logs_in(client, username, password) -> bool:
    client.logout()
    client.post(reverse("accounts:login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def test_new_account_cannot_log_in_before_activation(client, pending):
    user, _code = pending
    assert not user.has_usable_password()
    assert not _logs_in(client, user.username, "")


def test_activation_sets_the_password_once(client, pending):
    """Username + code + a good password activates the account; the code then stops working."""
    user, code = pending
    response = _activate(client, user.username, code)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert _logs_in(client, user.username, NEW_PASSWORD)
    client.logout()
    again = _activate(client, user.username, code, password="Sandi-lain-sekali")
    assert again.status_code == 200
    assert "kode aktivasi salah" in again.content.decode()
    assert _logs_in(client, user.username, NEW_PASSWORD)


def test_code_is_accepted_in_any_case_and_with_spaces(client, pending):
    user, code = pending
    response = _activate(client, user.username.upper(), f"  {code.lower()} ")
    assert response.status_code == 302
    assert _logs_in(client, user.username, NEW_PASSWORD)


def test_activation_is_audited_without_secrets(client, pending):
    user, code = pending
    _activate(client, user.username, code)
    event = AuditEvent.objects.filter(object_id=str(user.pk), action="account").latest("at")
    assert event.actor == user
    assert "aktif" in event.note
    dumped = str(event.before) + str(event.after)
    assert code not in dumped
    assert User.objects.get(pk=user.pk).password not in dumped


def test_wrong_code_is_refused(client, pending):
    user, _code = pending
    response = _activate(client, user.username, "AAAA-BBBB-CCCC")
    assert response.status_code == 200
    assert "Nama pengguna atau kode aktivasi salah" in response.content.decode()
    assert not User.objects.get(pk=user.pk).has_usable_password()


def test_unknown_username_gets_the_same_answer_as_a_wrong_code(client, pending):
    """Nobody can tell from the answer whether a username exists."""
    _user, code = pending
    response = _activate(client, "tidak.ada", code)
    assert "Nama pengguna atau kode aktivasi salah" in response.content.decode()


def test_expired_code_says_so(client, pending):
    user, code = pending
    User.objects.filter(pk=user.pk).update(activation_expires=timezone.now() - timedelta(minutes=1))
    response = _activate(client, user.username, code)
    content = response.content.decode()
    assert "kedaluwarsa" in content
    assert "Minta kode baru" in content
    assert not User.objects.get(pk=user.pk).has_usable_password()


def test_code_lasts_the_configured_days(pending, settings):
    user, _code = pending
    remaining = user.activation_expires - timezone.now()
    assert timedelta(days=settings.GELIAT_ACTIVATION_DAYS - 1) < remaining <= timedelta(days=settings.GELIAT_ACTIVATION_DAYS)


@pytest.mark.parametrize(
    ("password", "message"),
    [("pendek1", "terlalu pendek"), ("12345678901", "seluruhnya terdiri dari angka"), ("password123", "terlalu umum")],
)
def test_weak_passwords_are_refused_in_indonesian(client, pending, password, message):
    """Django's password validators apply, with their Indonesian messages; the code stays usable."""
    user, code = pending
    response = _activate(client, user.username, code, password=password)
    assert message in response.content.decode()
    assert User.objects.get(pk=user.pk).check_activation_code(code)


def test_passwords_must_match(client, pending):
    user, code = pending
    response = _activate(client, user.username, code, again="Gerbo-rt03-lain")
    assert "Kedua sandi tidak sama" in response.content.decode()
    assert User.objects.get(pk=user.pk).check_activation_code(code)


def test_activation_attempts_are_rate_limited(client, pending):
    """Guessing codes stops after 10 tries on a username from one address, even with the right code."""
    user, code = pending
    for _ in range(10):
        _activate(client, user.username, "AAAA-BBBB-CCCC")
    response = _activate(client, user.username, code)
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert not User.objects.get(pk=user.pk).has_usable_password()


def test_deactivated_account_cannot_activate(client, pending, desa_admin):
    user, code = pending
    services.user_deactivate(actor=desa_admin, user=user)
    response = _activate(client, user.username, code)
    assert "Nama pengguna atau kode aktivasi salah" in response.content.decode()


def test_reset_replaces_the_password_with_a_new_code(client, pending, desa_admin):
    """After a reset the old password fails, the old code fails, and the new code activates."""
    user, code = pending
    _activate(client, user.username, code)
    new_code = services.user_reset(actor=desa_admin, user=User.objects.get(pk=user.pk))
    assert not _logs_in(client, user.username, NEW_PASSWORD)
    client.logout()
    assert _activate(client, user.username, code, password="Sandi-baru-rt03").status_code == 200
    assert _activate(client, user.username, new_code, password="Sandi-baru-rt03").status_code == 302
    assert _logs_in(client, user.username, "Sandi-baru-rt03")


def test_reset_ends_open_sessions(client, pending, desa_admin):
    user, code = pending
    _activate(client, user.username, code)
    assert _logs_in(client, user.username, NEW_PASSWORD)
    services.user_reset(actor=desa_admin, user=User.objects.get(pk=user.pk))
    response = client.get(reverse("accounts:api_token"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_reactivated_account_can_still_use_its_pending_code(client, pending, desa_admin):
    user, code = pending
    services.user_deactivate(actor=desa_admin, user=user)
    assert _activate(client, user.username, code).status_code == 200
    services.user_reactivate(actor=desa_admin, user=user)
    assert _activate(client, user.username, code).status_code == 302
