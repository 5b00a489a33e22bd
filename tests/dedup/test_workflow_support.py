"""Helpers shared by the workflow tests (no tests here): people who are one person written
twice, and people who only look alike."""

import datetime

from geliat.registry.models import Sex
from geliat.registry.nik import nik_make
from tests.factories import PersonFactory, UserFactory, region_node

GERBO = "35.14.01.2001"  # desa in Kecamatan Purwodadi
GERBO_RT = GERBO + ".D01.RW001.RT001"
DAWUHANSENGON = "35.14.01.2002"  # another desa in Purwodadi
TUTUR = "35.14.02.2001"  # a desa in Kecamatan Tutur
PURWODADI = "35.14.01"
KABUPATEN = "35.14"
BORN = datetime.date(1980, 5, 17)

_serials = iter(range(100, 9999))


def nik(*, born: datetime.date = BORN, sex: str = "L", kecamatan: str = PURWODADI) -> str:
    return nik_make(kecamatan_code=kecamatan, birth_date=born, sex=sex, serial=next(_serials))


def typo(value: str) -> str:
    """The same NIK with its last digit mistyped."""
    return value[:-1] + ("1" if value[-1] != "1" else "2")


def twins(*, region: str = GERBO_RT, other_region: str | None = None, **second):
    """Two records of one man: "Moch. Sholeh" and "MUHAMMAD SHOLEH", the NIK's last digit
    mistyped, the same birth date, phone and address."""
    first_nik = nik()
    first = PersonFactory(
        nik=first_nik, full_name="Moch. Sholeh", sex=Sex.MALE, birth_date=BORN, birth_place="Pasuruan",
        phone="+6281234500011", address="Jl. Raya Gerbo 12", region=region_node(region),
    )
    defaults = {
        "nik": typo(first_nik), "full_name": "MUHAMMAD SHOLEH", "sex": Sex.MALE, "birth_date": BORN,
        "birth_place": "", "phone": "+6281234500011", "address": "Jl Raya Gerbo No 12",
        "region": region_node(other_region or region),
    }
    defaults.update(second)
    return first, PersonFactory(**defaults)


def stranger(*, region: str = TUTUR, **fields):
    """Somebody else entirely: another name, sex, birth date, phone and desa."""
    born = datetime.date(1991, 2, 3)
    defaults = {
        "nik": nik(born=born, sex="P", kecamatan=".".join(region.split(".")[:3])), "full_name": "Sri Wahyuni",
        "sex": Sex.FEMALE, "birth_date": born, "phone": "+6285799900022", "address": "Dusun Krajan",
        "region": region_node(region),
    }
    defaults.update(fields)
    return PersonFactory(**defaults)


def officer(code: str, **kwargs):
    return UserFactory.at(code, **kwargs)
