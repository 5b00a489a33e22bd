"""Sending a notification outside the app: e-mail through Django's mail, WhatsApp through
an HTTP gateway. Settings are read when sending, so they can change without a restart:

- ``GELIAT_NOTIFY_EMAIL``: send e-mail to users who have an address (default off).
- ``GELIAT_WHATSAPP_GATEWAY_URL`` and ``GELIAT_WHATSAPP_GATEWAY_TOKEN``: the gateway gets
  ``POST {"to": "62812…", "message": "…"}`` with ``Authorization: Bearer <token>``.
  Without a URL nothing is sent; notifications offer a wa.me link instead.
- ``GELIAT_SITE_URL``: the address officers open Geliat at, to make links in messages absolute.
"""

import json
import logging
import smtplib
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.mail import send_mail

from geliat.core.phones import phone_check

logger = logging.getLogger(__name__)
GATEWAY_TIMEOUT_SECONDS = 10


def email_enabled() -> bool:
    return bool(settings.GELIAT_NOTIFY_EMAIL)


def whatsapp_configured() -> bool:
    return bool(settings.GELIAT_WHATSAPP_GATEWAY_URL)


def whatsapp_number(phone: str) -> str:
    """The digits WhatsApp addresses a phone by (``6281234567890``); "" when not a valid number."""
    check = phone_check(phone or "")
    return check.e164.removeprefix("+") if check.valid and check.e164 else ""


def absolute_url(link: str) -> str:
    if link.startswith("/"):
        return settings.GELIAT_SITE_URL.rstrip("/") + link
    return link


def message_text(notification) -> str:
    """What e-mail and WhatsApp carry: title, body and the link."""
    parts = [notification.title, notification.body, absolute_url(notification.link) if notification.link else ""]
    return "\n\n".join(part for part in parts if part)


def whatsapp_link(notification) -> str:
    """``https://wa.me/<number>?text=<message>`` to ``whatsapp_to``, only when no gateway sends."""
    if whatsapp_configured() or not notification.whatsapp_to:
        return ""
    return f"https://wa.me/{notification.whatsapp_to}?{urlencode({'text': message_text(notification)}, quote_via=quote)}"


def email_send(notification) -> bool:
    try:
        send_mail(
            subject=f"Geliat: {notification.title}",
            message=message_text(notification),
            from_email=None,
            recipient_list=[notification.user.email],
        )
    except (smtplib.SMTPException, OSError):
        logger.warning("e-mail for notification %s failed", notification.pk, exc_info=True)
        return False
    return True


def whatsapp_send(notification, number: str) -> bool:
    """POST the message to the gateway; True when it answers 2xx."""
    request = Request(
        settings.GELIAT_WHATSAPP_GATEWAY_URL,
        data=json.dumps({"to": number, "message": message_text(notification)}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.GELIAT_WHATSAPP_GATEWAY_TOKEN}",
        },
        method="POST",
    )
    try:
        with urlopen(request, timeout=GATEWAY_TIMEOUT_SECONDS) as response:
            return 200 <= response.status < 300
    except (OSError, ValueError):
        # HTTP errors, refused connections and timeouts are OSErrors; a malformed URL a ValueError.
        logger.warning("WhatsApp gateway refused notification %s", notification.pk, exc_info=True)
        return False
