"""Shared fixtures: the served regency's regions, and users at each level."""


import pytest


@pytest.fixture
def regions(db):
    """Kabupaten Pasuruan (390 regions) and its provinsi Jawa Timur, through the real loader."""
    from geliat.wilayah.services import regions_load

    regions_load(only="35.14")
    from geliat.wilayah.models import Region

    return Region.objects
