"""The in-app notification list: each user sees and marks only their own."""

import pytest
from django.urls import reverse

from geliat.notifications.models import Notification
from geliat.notifications.services import notify
from tests.factories import UserFactory

GERBO = "35.14.01.2001"


@pytest.fixture
def two_officers(regions):
    return UserFactory.at(GERBO, username="desa.gerbo"), UserFactory.at("35.14.01.2002", username="desa.lain")


def test_a_user_sees_and_opens_only_their_own_notifications(client, two_officers):
    mine, theirs = two_officers
    notify(users=[mine], kind="uji", title="Untuk saya", body="Isi pesan saya", link="/verifikasi/1/")
    [other] = notify(users=[theirs], kind="uji", title="Untuk petugas lain", link="/verifikasi/2/")
    client.force_login(mine)

    html = client.get(reverse("notifications:list")).content.decode()

    assert "Untuk saya" in html and "Isi pesan saya" in html
    assert "Untuk petugas lain" not in html
    assert client.get(reverse("notifications:open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_the_menu_badge_counts_only_the_users_unread_notifications(client, two_officers):
    mine, theirs = two_officers
    notify(users=[mine], kind="uji", title="Satu")
    notify(users=[mine, theirs], kind="uji", title="Dua")
    client.force_login(mine)

    badge = client.get(reverse("notifications:badge")).content.decode()
    page = client.get(reverse("registry:home")).content.decode()

    assert '<span class="badge warn"' in badge and ">2</span>" in badge
    assert reverse("notifications:badge") in page  # the menu loads it after the page


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(client, two_officers):
    mine, _theirs = two_officers
    [notification] = notify(users=[mine], kind="uji", title="Buka saya", link="/verifikasi/7/")
    client.force_login(mine)

    response = client.get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302 and response["Location"] == "/verifikasi/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get(reverse("notifications:badge")).content.decode().strip() == ""


def test_a_link_to_another_site_is_not_followed(client, two_officers):
    mine, _theirs = two_officers
    [notification] = notify(users=[mine], kind="uji", title="Aneh", link="https://contoh.invalid/")
    client.force_login(mine)

    response = client.get(reverse("notifications:open", args=[notification.pk]))

    assert response["Location"] == reverse("notifications:list")


def test_marking_read_touches_only_the_ticked_ones_or_all_of_the_users_own(client, two_officers):
    mine, theirs = two_officers
    first, second = (notify(users=[mine], kind="uji", title=t)[0] for t in ("A", "B"))
    [foreign] = notify(users=[theirs], kind="uji", title="C")
    client.force_login(mine)

    client.post(reverse("notifications:mark_read"), {"id": [str(first.pk), str(foreign.pk)]})
    assert set(Notification.objects.filter(read_at__isnull=False)) == {first}

    client.post(reverse("notifications:mark_read"))
    assert set(Notification.objects.filter(read_at__isnull=False)) == {first, second}


def test_unread_only_filter(client, two_officers):
    mine, _theirs = two_officers
    read, _unread = (notify(users=[mine], kind="uji", title=t)[0] for t in ("Sudah dibaca", "Belum dibaca"))
    client.force_login(mine)
    client.get(reverse("notifications:open", args=[read.pk]))

    html = client.get(reverse("notifications:list"), {"belum": "1"}).content.decode()

    assert "Belum dibaca" in html and "Sudah dibaca" not in html


def test_the_list_needs_a_login(client, db):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_the_same_key_is_told_once_per_user(two_officers):
    mine, theirs = two_officers
    notify(users=[mine], kind="uji", title="Sekali", key="k1")

    again = notify(users=[mine, theirs], kind="uji", title="Sekali", key="k1")

    assert [n.user for n in again] == [theirs]
    assert Notification.objects.filter(user=mine, key="k1").count() == 1
