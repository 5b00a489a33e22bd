"""Reading notifications: a user sees only their own."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from geliat.notifications.models import Notification


def notifications_for_user(user) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    """One COUNT on the (user, read_at) index: cheap enough for every page's menu."""
    return notifications_for_user(user).filter(read_at__isnull=True).count()


def get_notification_for_user_or_404(*, user, pk) -> Notification:
    return get_object_or_404(notifications_for_user(user), pk=pk)
