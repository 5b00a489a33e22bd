"""Creating notifications and delivering them outside the app.

Notifications are not audited: they carry nothing the recipient cannot already see, and
each row records what was sent where (``channel_sent``).
"""

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from geliat.notifications import channels
from geliat.notifications.models import Notification

_DELIVERY_BATCH = 500


@dataclasses.dataclass(frozen=True)
class Message:
    """One message to several users (model instances or ids)."""

    users: Sequence
    kind: str
    title: str
    body: str = ""
    link: str = ""
    # One notification per user and key: a repeated message with the same key is dropped.
    key: str = ""
    whatsapp_to: str = ""


@transaction.atomic
def notifications_send(*, messages: Iterable[Message], send: bool = True) -> list[Notification]:
    """Create the notifications of many messages at once; ``send`` delivers them by e-mail and
    WhatsApp in the background, after the transaction commits."""
    messages = list(messages)
    keys = {message.key for message in messages if message.key}
    told = set(Notification.objects.filter(key__in=keys).values_list("key", "user_id")) if keys else set()
    now = timezone.now()
    rows = []
    for message in messages:
        for user_id in dict.fromkeys(getattr(user, "pk", user) for user in message.users):
            if message.key:
                if (message.key, user_id) in told:
                    continue
                told.add((message.key, user_id))
            rows.append(
                Notification(
                    user_id=user_id, created_at=now, kind=message.kind, title=message.title, body=message.body,
                    link=message.link, key=message.key, whatsapp_to=message.whatsapp_to,
                )
            )
    created = Notification.objects.bulk_create(rows, batch_size=_DELIVERY_BATCH)
    if send and created and (channels.email_enabled() or channels.whatsapp_configured()):
        ids = [notification.pk for notification in created]
        for start in range(0, len(ids), _DELIVERY_BATCH):
            batch = ids[start : start + _DELIVERY_BATCH]
            # The worker must find the rows, so the task is queued once they are committed.
            transaction.on_commit(lambda batch=batch: notifications_deliver.enqueue(notification_ids=batch))
    return created


def notify(
    *, users: Iterable, kind: str, title: str, body: str = "", link: str = "", send: bool = True,
    key: str = "", whatsapp_to: str = "",
) -> list[Notification]:
    """Tell ``users`` one thing: in the app, and by e-mail/WhatsApp when ``send`` and configured."""
    message = Message(
        users=list(users), kind=kind, title=title, body=body, link=link, key=key, whatsapp_to=whatsapp_to
    )
    return notifications_send(messages=[message], send=send)


@task()
def notifications_deliver(notification_ids: list[int]) -> dict[str, int]:
    """Send each notification by every configured channel its recipient can be reached on.

    Channels already sent are not repeated, so a retried task does not send twice.
    """
    outcomes: Counter = Counter()
    email_on, whatsapp_on = channels.email_enabled(), channels.whatsapp_configured()
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related("user"):
        sent = dict(notification.channel_sent)
        if email_on and notification.user.email and sent.get("email") != "sent":
            sent["email"] = "sent" if channels.email_send(notification) else "failed"
            outcomes[f"email_{sent['email']}"] += 1
        number = channels.whatsapp_number(notification.user.phone) if whatsapp_on else ""
        if number and sent.get("whatsapp") != "sent":
            sent["whatsapp"] = "sent" if channels.whatsapp_send(notification, number) else "failed"
            outcomes[f"whatsapp_{sent['whatsapp']}"] += 1
        if sent != notification.channel_sent:
            Notification.objects.filter(pk=notification.pk).update(channel_sent=sent)
    return dict(outcomes)


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (only ``ids`` when given); returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
