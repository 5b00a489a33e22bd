"""Delivery outside the app: e-mail when enabled, WhatsApp through the configured gateway
(the network is mocked), a wa.me link when there is no gateway, and sending in the
background after the request's transaction."""

import json
from unittest import mock
from urllib.error import HTTPError
from urllib.parse import unquote

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from geliat.notifications.models import Notification
from geliat.notifications.services import notify
from tests.factories import UserFactory

GATEWAY = "https://wa-gateway.example/api/send"


@pytest.fixture
def officer(regions):
    return UserFactory.at("35.14.01.2001", phone="0812-3456-7890", email="petugas@desa.example")


@pytest.fixture
def gateway(settings):
    settings.GELIAT_WHATSAPP_GATEWAY_URL = GATEWAY
    settings.GELIAT_WHATSAPP_GATEWAY_TOKEN = "rahasia-uji"
    settings.GELIAT_SITE_URL = "https://geliat.pasuruankab.example"
    with mock.patch("geliat.notifications.channels.urlopen") as urlopen:
        urlopen.return_value.__enter__.return_value.status = 200
        yield urlopen


def send(officer, django_capture_on_commit_callbacks, **kwargs) -> Notification:
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = notify(
            users=[officer], kind="uji", title="Verifikasi terlambat", body="Mohon segera diputuskan.",
            link="/verifikasi/5/", **kwargs,
        )
    notification.refresh_from_db()
    return notification


def test_the_gateway_gets_the_number_and_message_as_json_with_the_token(officer, gateway, django_capture_on_commit_callbacks):
    notification = send(officer, django_capture_on_commit_callbacks)

    [call] = gateway.call_args_list
    request = call.args[0]
    assert (request.full_url, request.get_method()) == (GATEWAY, "POST")
    assert request.get_header("Authorization") == "Bearer rahasia-uji"
    assert request.get_header("Content-type") == "application/json"
    assert json.loads(request.data) == {
        "to": "6281234567890",
        "message": "Verifikasi terlambat\n\nMohon segera diputuskan.\n\nhttps://geliat.pasuruankab.example/verifikasi/5/",
    }
    assert notification.channel_sent == {"whatsapp": "sent"}
    assert notification.whatsapp_link == ""


def test_a_gateway_error_is_recorded_and_does_not_lose_the_notification(officer, gateway, django_capture_on_commit_callbacks):
    gateway.side_effect = HTTPError(GATEWAY, 502, "Bad Gateway", {}, None)

    notification = send(officer, django_capture_on_commit_callbacks)

    assert notification.channel_sent == {"whatsapp": "failed"}
    assert Notification.objects.filter(user=officer).count() == 1


def test_without_a_gateway_nothing_is_sent_and_a_wa_me_link_is_offered(officer, settings, client, django_capture_on_commit_callbacks):
    settings.GELIAT_WHATSAPP_GATEWAY_URL = ""
    with mock.patch("geliat.notifications.channels.urlopen") as urlopen:
        notification = send(officer, django_capture_on_commit_callbacks, whatsapp_to="6285712345678")

    urlopen.assert_not_called()
    assert notification.channel_sent == {}
    link = notification.whatsapp_link
    assert link.startswith("https://wa.me/6285712345678?text=")
    assert unquote(link.split("?text=", 1)[1]).startswith("Verifikasi terlambat\n\nMohon segera diputuskan.")
    client.force_login(officer)
    assert 'href="https://wa.me/6285712345678?text=' in client.get("/notifikasi/").content.decode()


def test_e_mail_goes_to_users_with_an_address_when_enabled(officer, settings, regions, django_capture_on_commit_callbacks):
    settings.GELIAT_NOTIFY_EMAIL = True
    without_address = UserFactory.at("35.14.01.2002", email="")

    notification = send(officer, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[without_address], kind="uji", title="Tanpa e-mail")

    [message] = mail.outbox
    assert message.to == ["petugas@desa.example"]
    assert message.subject == "Geliat: Verifikasi terlambat"
    assert "/verifikasi/5/" in message.body
    assert notification.channel_sent == {"email": "sent"}


def test_no_e_mail_when_it_is_not_enabled(officer, settings, django_capture_on_commit_callbacks):
    settings.GELIAT_NOTIFY_EMAIL = False

    send(officer, django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_send_false_keeps_the_notification_in_the_app_only(officer, gateway, django_capture_on_commit_callbacks):
    notification = send(officer, django_capture_on_commit_callbacks, send=False)

    gateway.assert_not_called()
    assert notification.channel_sent == {}


def test_sending_is_queued_for_the_worker_instead_of_blocking_the_caller(officer, gateway, settings, django_capture_on_commit_callbacks):
    """With the database queue (as ``make run``), notify only enqueues; the worker sends."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

    notification = send(officer, django_capture_on_commit_callbacks)

    gateway.assert_not_called()
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "geliat.notifications.services.notifications_deliver"

    # What the worker does with it (the worker itself would close the test's connection).
    queued.task.call(**queued.task_result.kwargs)

    assert gateway.call_count == 1
    notification.refresh_from_db()
    assert notification.channel_sent == {"whatsapp": "sent"}
