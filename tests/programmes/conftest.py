"""Fixtures for the programme tests: verified businesses, programmes of an agency, and the
users who run them, see them from a region, or coordinate."""

import datetime

import pytest

from geliat.accounts.models import Agency, Role
from geliat.programmes.models import Programme
from geliat.registry.models import Channel, Registration
from geliat.verification.models import Verification
from tests.factories import AgencyFactory, BusinessFactory, PersonFactory, UserFactory, region_node

GERBO = "35.14.01.2001"  # desa in Kecamatan Purwodadi
DAWUHANSENGON = "35.14.01.2002"  # another desa in Purwodadi
NGADIREJO = "35.14.02.2001"  # a desa in Kecamatan Tutur


def verified_business(code: str = GERBO, *, verified: bool = True, **fields):
    """A business at ``code`` whose registration is verified up to kabupaten (or still waiting)."""
    fields.setdefault("capital", 20_000_000)
    fields.setdefault("annual_sales", 120_000_000)  # micro under PP 7/2021
    business = BusinessFactory(region=region_node(code), **fields)
    registration = Registration.objects.create(person=business.owner, business=business, channel=Channel.OFFICER)
    Verification.objects.create(
        registration=registration, region_code=business.region_id,
        status=Verification.Status.VERIFIED if verified else Verification.Status.WAITING,
        level="" if verified else "desa", node_code="" if verified else code,
    )
    return business


@pytest.fixture
def make_business(regions):
    return verified_business


@pytest.fixture
def agency(db) -> Agency:
    return AgencyFactory(code="diskopum-uji", name="Dinas Koperasi Uji", short_name="Diskop Uji")


@pytest.fixture
def other_agency(db) -> Agency:
    return AgencyFactory(code="dinsos-uji", name="Dinas Sosial Uji", short_name="Dinsos Uji")


@pytest.fixture
def agency_user(regions, agency):
    return UserFactory.at("35.14", role=Role.AGENCY, agency=agency, username="opd.koperasi")


@pytest.fixture
def other_agency_user(regions, other_agency):
    return UserFactory.at("35.14", role=Role.AGENCY, agency=other_agency, username="opd.sosial")


@pytest.fixture
def coordinator(regions):
    return UserFactory.at("35.14", role=Role.COORDINATOR, username="koordinator")


@pytest.fixture
def desa_officer(regions):
    return UserFactory.at(GERBO, username="desa.gerbo")


@pytest.fixture
def other_desa_officer(regions):
    return UserFactory.at(NGADIREJO, username="desa.ngadirejo")


def make_programme(code: str, *, agencies=(), rules=None, **fields) -> Programme:
    fields.setdefault("name", code.replace("-", " ").title())
    fields.setdefault("source", "regency")
    fields.setdefault("kind", "cash_aid")
    fields.setdefault("starts_on", datetime.date(2020, 8, 1))
    fields.setdefault("ends_on", datetime.date(2020, 12, 31))
    fields.setdefault("status", Programme.Status.OPEN)
    programme = Programme.objects.create(code=code, rules=rules or {}, **fields)
    programme.agencies.set(agencies)
    return programme


@pytest.fixture
def programme_factory(db):
    return make_programme


@pytest.fixture
def cash_aid(agency):
    """A cash aid of the test agency for verified micro food stalls, class ``bantuan_produktif``."""
    return make_programme(
        "bantuan-uji", agencies=[agency], overlap_class="bantuan_produktif", benefit_amount=2_400_000,
        rules={"conditions": [
            {"field": "affected_group", "op": "in", "value": [2, 10]},
            {"field": "size", "op": "in", "value": ["mikro"]},
            {"field": "verified", "op": "is", "value": True},
        ]},
    )


@pytest.fixture
def person_factory(regions):
    return PersonFactory
