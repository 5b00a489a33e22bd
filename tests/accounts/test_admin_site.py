"""Users and agencies in the Django admin."""

import pytest
from django.urls import reverse

from tests.accounts.conftest import GERBO
from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def root(client, regions):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def test_user_and_agency_pages_open(client, root):
    officer = UserFactory.at(GERBO, full_name="Siti Aminah")
    agency = AgencyFactory()
    for url in (
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_change", args=[officer.pk]),
        reverse("admin:accounts_agency_changelist"),
        reverse("admin:accounts_agency_change", args=[agency.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert "Siti Aminah" in client.get(reverse("admin:accounts_user_changelist")).content.decode()


def test_admin_refuses_opd_staff_without_agency(client, root):
    """The model's rule shows as a form error, not a database failure."""
    officer = UserFactory.at(GERBO)
    url = reverse("admin:accounts_user_change", args=[officer.pk])
    data = {
        "username": officer.username, "full_name": officer.full_name, "phone": "", "email": "",
        "role": "agency", "region": GERBO, "agency": "", "created_by": "",
        "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Staf OPD harus memilih OPD" in response.content.decode()
