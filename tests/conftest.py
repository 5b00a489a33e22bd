"""Shared fixtures: the served regency's regions, and users at each level."""


import pytest


@pytest.fixture
def regions(db):
    """Kabupaten Pasuruan (390 regions) and its provinsi Jawa Timur, through the real loader."""
    from geliat.wilayah.services import regions_load

    regions_load(only="35.14")
    from geliat.wilayah.models import Region

    return Region.objects


@pytest.fixture
def committed_db(transactional_db):
    """Rows committed for real, so that other threads' connections see them and contend for them
    (config/test_settings.py gives SQLite a file test database, where writers wait their turn)."""
    from django.db import connections

    assert not (connections["default"].vendor == "sqlite" and connections["default"].is_in_memory_db())
