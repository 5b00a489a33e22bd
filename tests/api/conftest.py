"""Fixtures for the API tests: officers at several levels of Kecamatan Purwodadi, records in
their regions, and a token-authenticated client."""

import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from geliat.registry.nik import nik_make
from tests.factories import BusinessFactory, PersonFactory, UserFactory, region_node  # noqa: F401

GERBO = "35.14.01.2001"  # desa in Kecamatan Purwodadi
GERBO_RT1 = GERBO + ".RW001.RT001"
GERBO_RT2 = GERBO + ".RW001.RT002"
DAWUHANSENGON = "35.14.01.2002"  # another desa in Purwodadi
TUTUR_DESA = "35.14.02.2001"  # Ngadirejo, in another kecamatan


@pytest.fixture
def rt1_officer(regions):
    return UserFactory.at(GERBO_RT1, username="rt1.gerbo")


@pytest.fixture
def desa_officer(regions):
    return UserFactory.at(GERBO, username="desa.gerbo")


@pytest.fixture
def other_desa_officer(regions):
    return UserFactory.at(DAWUHANSENGON, username="desa.dawuhansengon")


@pytest.fixture
def coordinator(regions):
    return UserFactory.at("35.14", role="coordinator", username="koordinator")


@pytest.fixture
def api():
    """An API client authenticated with ``user``'s token (as client systems call it)."""

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def records(regions):
    """One business (and its owner) in each of Gerbo RT 1, Gerbo RT 2, Dawuhansengon and Tutur."""
    return {
        "rt1": BusinessFactory(name="Warung RT Satu", region=region_node(GERBO_RT1)),
        "rt2": BusinessFactory(name="Warung RT Dua", region=region_node(GERBO_RT2)),
        "dawuhansengon": BusinessFactory(name="Toko Dawuhansengon", region=region_node(DAWUHANSENGON)),
        "tutur": BusinessFactory(name="Kriya Tutur", region=region_node(TUTUR_DESA)),
    }


def person_payload(**overrides) -> dict:
    """A new owner as a client sends it: a valid NIK, a local phone number, Gerbo RW 1 RT 1."""
    return {
        "nik": nik_make(kecamatan_code="35.14.01", birth_date=datetime.date(1975, 3, 9), sex="P", serial=4321),
        "full_name": "Siti Aminah",
        "sex": "P",
        "birth_date": "1975-03-09",
        "phone": "0812-3456-7890",
        "address": "Dusun Krajan, Jl. Melati 5",
        "rt": "1",
        "rw": "1",
        "region": GERBO,
    } | overrides


def business_payload(**overrides) -> dict:
    return {
        "name": "Warung Bu Siti",
        "affected_group": 2,
        "kbli_section": "I",
        "address": "Jl. Melati 5",
        "rt": "1",
        "rw": "1",
        "region": GERBO,
        "capital": "1,5 juta",
        "annual_sales": 24_000_000,
        "revenue_before": "3.000.000",
        "impacts": ["sales_drop", "closed"],
    } | overrides
