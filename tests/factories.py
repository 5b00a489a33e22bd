"""Shared factory_boy factories.

Region nodes come from the ``regions`` fixture (Kabupaten Pasuruan); units below a
desa are added on demand through the real ``unit_get_or_create``.
"""

import re

import factory
from factory.django import DjangoModelFactory, Password

from geliat.accounts.models import Agency, Role, User
from geliat.wilayah.models import Region
from geliat.wilayah.services import unit_get_or_create

# What every factory-made user can log in with.
TEST_PASSWORD = "Pasuruan-uji-2026"

_UNIT_PART = re.compile(r"(D|RW|RT)(\d+)")


def region_node(code: str) -> Region:
    """The region with ``code``; a dusun/RW/RT code (``35.14.01.2001.RW001.RT003``) is added if new."""
    region = Region.objects.filter(code=code).first()
    if region is not None:
        return region
    parts = code.split(".")
    desa = Region.objects.get(code=".".join(parts[:4]))
    units = {}
    for part in parts[4:]:
        match = _UNIT_PART.fullmatch(part)
        if match is None:
            raise ValueError(f"not a unit code segment: {part!r} in {code!r}")
        units[{"D": "dusun", "RW": "rw", "RT": "rt"}[match.group(1)]] = match.group(2)
    unit = unit_get_or_create(desa=desa, **units)
    if unit.code != code:
        raise ValueError(f"{code!r} resolved to {unit.code!r}: an RW of that number sits elsewhere in the desa")
    return unit


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"opd-uji-{n}")
    name = factory.Sequence(lambda n: f"Dinas Uji Coba {n}")
    short_name = factory.Sequence(lambda n: f"DUC{n}")


class UserFactory(DjangoModelFactory):
    """An active officer with a usable password (``TEST_PASSWORD``) and no region unless given."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"petugas{n}")
    full_name = factory.Faker("name", locale="id_ID")
    role = Role.OFFICER
    password = Password(TEST_PASSWORD)

    @classmethod
    def at(
        cls,
        region: Region | str,
        *,
        role: str = Role.OFFICER,
        agency: Agency | None = None,
        manager: bool = False,
        **kwargs,
    ) -> User:
        """A user serving ``region`` (a Region or its code) with ``role``; ``manager`` grants
        ``can_manage_accounts``. Agency staff get a new agency unless one is given."""
        if isinstance(region, str):
            region = region_node(region)
        if role == Role.AGENCY and agency is None:
            agency = AgencyFactory()
        return cls(region=region, role=role, agency=agency, can_manage_accounts=manager, **kwargs)


# ---------------------------------------------------------------------------
# Registry factories (added by the lead engineer below this line).
# ---------------------------------------------------------------------------

import datetime  # noqa: E402

from geliat.registry.models import AffectedGroup, Business, KbliSection, Person, Sex  # noqa: E402
from geliat.registry.nik import nik_make  # noqa: E402
from geliat.wilayah.units import numbers_from_code  # noqa: E402

GERBO = "35.14.01.2001"  # a desa in Kecamatan Purwodadi


class PersonFactory(DjangoModelFactory):
    """A man born 17 May 1980 with a valid NIK issued in Purwodadi, living in Desa Gerbo."""

    class Meta:
        model = Person

    nik = factory.Sequence(
        lambda n: nik_make(kecamatan_code="35.14.01", birth_date=datetime.date(1980, 5, 17), sex="L", serial=n + 1)
    )
    full_name = factory.Sequence(lambda n: f"Pemilik Uji {n}")
    sex = Sex.MALE
    birth_place = "Pasuruan"
    birth_date = datetime.date(1980, 5, 17)
    phone = "+6281234567890"
    address = "Jl. Raya Gerbo 1"
    region = factory.LazyFunction(lambda: region_node(GERBO))
    rt = factory.LazyAttribute(lambda o: numbers_from_code(o.region.code)["rt"])
    rw = factory.LazyAttribute(lambda o: numbers_from_code(o.region.code)["rw"])


class BusinessFactory(DjangoModelFactory):
    """A food stall of its owner's, at the owner's address unless ``region`` is given."""

    class Meta:
        model = Business

    owner = factory.SubFactory(PersonFactory, region=factory.SelfAttribute("..region"))
    name = factory.Sequence(lambda n: f"Warung Uji {n}")
    affected_group = AffectedGroup.FOOD_STALL
    kbli_section = KbliSection.I
    address = "Jl. Raya Gerbo 1"
    region = factory.LazyFunction(lambda: region_node(GERBO))
    rt = factory.LazyAttribute(lambda o: numbers_from_code(o.region.code)["rt"])
    rw = factory.LazyAttribute(lambda o: numbers_from_code(o.region.code)["rw"])
