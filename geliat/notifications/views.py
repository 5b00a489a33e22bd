"""The user's notifications: the list, opening one (marks it read), and the menu badge."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from geliat.notifications import selectors, services

PAGE_SIZE = 30


@login_required
def notification_list(request):
    notifications = selectors.notifications_for_user(request.user)
    unread_only = request.GET.get("belum") == "1"
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


@login_required
def notification_open(request, pk: int):
    """Mark one notification read and go where it points (a path inside Geliat only)."""
    notification = selectors.get_notification_for_user_or_404(user=request.user, pk=pk)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
        return redirect(notification.link)
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_mark_read(request):
    """Mark the ticked notifications read, or all of them when none is ticked."""
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    services.notifications_mark_read(user=request.user, ids=ids or None)
    return redirect("notifications:list")


def unread_badge(request):
    """htmx: the unread count for the menu, loaded after the page so pages stay fast.

    Not behind a login redirect: a session that ended gets an empty badge, not the login
    page swapped into the menu."""
    return render(request, "notifications/_badge.html", {"count": selectors.unread_count(request.user)})
