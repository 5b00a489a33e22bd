"""Fixtures for the accounts tests: managers at each level of Kabupaten Pasuruan."""

import pytest
from django.core.cache import cache

from tests.factories import UserFactory

KABUPATEN = "35.14"
PURWODADI = "35.14.01"  # kecamatan
GERBO = "35.14.01.2001"  # desa in Purwodadi
DAWUHANSENGON = "35.14.01.2002"  # another desa in Purwodadi
TUTUR = "35.14.02"  # another kecamatan
NGADIREJO = "35.14.02.2001"  # desa in Tutur


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the shared cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kabupaten_admin(regions):
    return UserFactory.at(KABUPATEN, role="coordinator", manager=True, username="admin.kab")


@pytest.fixture
def kecamatan_admin(regions):
    return UserFactory.at(PURWODADI, manager=True, username="admin.purwodadi")


@pytest.fixture
def desa_admin(regions):
    return UserFactory.at(GERBO, manager=True, username="admin.gerbo")


@pytest.fixture
def login(client):
    """Log the test client in as a user; returns the client."""

    def log_in(user):
        client.force_login(user)
        return client

    return log_in
