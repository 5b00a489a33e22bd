"""Fixtures for the verification tests: records placed in known region nodes, started in
verification, and the officers of every node they climb through."""

import pytest

from geliat.registry.models import Channel, Registration
from geliat.verification.models import Verification
from geliat.verification.services import verification_approve, verification_start
from tests.factories import BusinessFactory, UserFactory, region_node

GERBO = "35.14.01.2001"  # desa in Kecamatan Purwodadi
DUSUN_RT = GERBO + ".D01.RW001.RT001"  # RT of an RW inside Dusun 1
DUSUN_RT2 = GERBO + ".D01.RW001.RT002"
DAWUHANSENGON = "35.14.01.2002"  # another desa in Purwodadi
DAWUHANSENGON_RT = DAWUHANSENGON + ".RW001.RT001"  # RW directly under the desa
KALIREJO_RT = "35.14.14.1014.RW001.RT001"  # a kelurahan in Kecamatan Bangil
TUTUR_DESA = "35.14.02.2001"  # a desa in another kecamatan


class Officers(dict):
    """``officers[code]``: an active officer serving node ``code``, made on first use."""

    def __missing__(self, code: str):
        self[code] = UserFactory.at(code, username=f"petugas.{code}")
        return self[code]


@pytest.fixture
def officers(regions) -> Officers:
    return Officers()


def start(code: str, **business) -> Verification:
    """A registration of a new business at node ``code``, started in verification."""
    record = BusinessFactory(region=region_node(code), **business)
    registration = Registration.objects.create(person=record.owner, business=record, channel=Channel.OFFICER)
    verification_start(registration_ids=[registration.pk])
    return Verification.objects.get(registration=registration)


@pytest.fixture
def submit(regions):
    return start


def approve_until(verification: Verification, officers: Officers, level: str) -> Verification:
    """Approve with the right officer at each step until the record waits at ``level``."""
    while verification.status == Verification.Status.WAITING and verification.level != level:
        verification = verification_approve(
            actor=officers[verification.node_code], verification_id=verification.pk, expected_version=verification.version
        )
    assert verification.level == level, f"the record never waited at {level}"
    return verification
