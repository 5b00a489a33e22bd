"""Fixtures for the coordination tests: the seeded action matrix, businesses placed in
known desa with a verification state, programmes with recipients, and the users who look
at them (coordinator, OPD staff, officers)."""

import datetime

import pytest

from geliat.accounts.models import Agency, Role
from geliat.coordination.services import coordination_stats_refresh, matrix_seed
from geliat.programmes.models import Programme
from geliat.programmes.services import delivery_record, enrolment_create
from geliat.registry.models import AffectedGroup, Channel, Registration
from geliat.verification.models import Verification
from tests.factories import BusinessFactory, UserFactory, region_node

GERBO = "35.14.01.2001"  # desa in Kecamatan Purwodadi
DAWUHANSENGON = "35.14.01.2002"  # another desa in Purwodadi
NGADIREJO = "35.14.02.2001"  # a desa in Kecamatan Tutur
PURWODADI, TUTUR = "35.14.01", "35.14.02"


def business_at(code: str, *, group: int = AffectedGroup.FOOD_STALL, status: str = "verified", **fields):
    """A business of ``group`` at ``code`` whose registration stands at ``status``
    (verified, waiting at desa, returned or rejected)."""
    business = BusinessFactory(region=region_node(code), affected_group=group, **fields)
    registration = Registration.objects.create(person=business.owner, business=business, channel=Channel.OFFICER)
    level = {"verified": "", "waiting": "desa", "returned": "desa", "rejected": "kecamatan"}[status]
    Verification.objects.create(
        registration=registration, region_code=business.region_id, status=status, level=level,
        node_code=code if status == "waiting" else "",
    )
    return business


def programme(code: str, *agency_codes: str, **fields) -> Programme:
    fields.setdefault("name", f"Program {code}")
    fields.setdefault("source", "regency")
    fields.setdefault("kind", "training")
    fields.setdefault("starts_on", datetime.date(2026, 1, 1))
    fields.setdefault("ends_on", datetime.date(2026, 12, 31))
    fields.setdefault("status", Programme.Status.OPEN)
    record = Programme.objects.create(code=code, **fields)
    record.agencies.set(Agency.objects.filter(code__in=agency_codes))
    return record


def enrol(record: Programme, business, *, delivered_on: datetime.date | None = None, amount: int | None = None):
    enrolment = enrolment_create(actor="sistem", programme=record, person=business.owner, business=business)
    if delivered_on is not None:
        delivery_record(actor="sistem", enrolment=enrolment, delivered_on=delivered_on, amount=amount, item="" if amount else "paket")
    return enrolment


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Report files land in the test's own directory, not the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def matrix(regions):
    """The plan's action matrix, seeded."""
    matrix_seed()
    from geliat.coordination.models import Activity

    return {activity.code: activity for activity in Activity.objects.all()}


@pytest.fixture
def refresh():
    """Rebuild the summary tables, as the background job does."""
    return coordination_stats_refresh


@pytest.fixture
def coordinator(regions):
    return UserFactory.at("35.14", role=Role.COORDINATOR, username="koordinator")


@pytest.fixture
def diskopum_staff(regions):
    return UserFactory.at("35.14", role=Role.AGENCY, agency=Agency.objects.get(code="diskopum"), username="staf.diskopum")


@pytest.fixture
def dinsos_staff(regions):
    return UserFactory.at("35.14", role=Role.AGENCY, agency=Agency.objects.get(code="dinsos"), username="staf.dinsos")


@pytest.fixture
def purwodadi_officer(regions):
    return UserFactory.at(PURWODADI, username="petugas.purwodadi")


@pytest.fixture
def tutur_officer(regions):
    return UserFactory.at(TUTUR, username="petugas.tutur")


@pytest.fixture
def rt_officer(regions):
    return UserFactory.at(GERBO + ".RW001.RT001", username="petugas.rt")
