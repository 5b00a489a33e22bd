"""The public registration page: consent, tracking code, status, duplicate NIKs, bad input."""

import datetime

import pytest
from django.urls import reverse

from geliat.audit.models import AuditEvent
from geliat.registry.models import Business, Person, Registration
from geliat.registry.nik import nik_make
from tests.factories import PersonFactory

GERBO = "35.14.01.2001"
NIK = nik_make(kecamatan_code="35.14.01", birth_date=datetime.date(1975, 3, 9), sex="P", serial=42)


def form_data(**overrides):
    data = {
        "p-nik": f"{NIK[:6]} {NIK[6:12]} {NIK[12:]}",
        "p-full_name": "  Siti   Nur Aisyah ",
        "p-sex": "P",
        "p-birth_place": "Pasuruan",
        "p-birth_date": "1975-03-09",
        "p-phone": "0812-3456-7890",
        "p-address": "Jl. Melati 4",
        "p-rt": "3",
        "p-rw": "1",
        "p-region": GERBO,
        "b-name": "Warung Bu Siti",
        "b-affected_group": "2",
        "b-kbli_section": "I",
        "b-products": "Nasi pecel, rawon",
        "b-revenue_before": "4,5 juta",
        "b-revenue_now": "1.200.000",
        "b-impacts": ["sales_drop", "capital"],
        "b-same_address": "on",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def submit(client, regions):
    def _submit(**overrides):
        return client.post(reverse("registry:self_register"), form_data(**overrides))

    return _submit


def test_registration_creates_owner_business_and_tracking_code(client, submit):
    response = submit()
    assert response.status_code == 302
    done = client.get(response["Location"])
    registration = Registration.objects.get()
    assert registration.tracking_code in done.content.decode()
    person = Person.objects.get()
    assert person.nik == NIK
    assert person.full_name == "Siti Nur Aisyah"
    assert person.phone == "+6281234567890"
    business = Business.objects.get()
    assert business.owner == person
    assert business.region_id == GERBO and business.address == "Jl. Melati 4"
    assert business.revenue_before == 4_500_000 and business.revenue_now == 1_200_000
    assert business.size == "mikro" or business.size == ""
    assert registration.channel == "self" and registration.consent_at is not None
    assert AuditEvent.objects.filter(actor_label="publik", action="create").count() >= 2


def test_status_page_finds_registration_by_code_and_nik(client, submit):
    submit()
    code = Registration.objects.get().tracking_code
    page = client.post(reverse("verification:status"), {"tracking_code": code.lower(), "nik": NIK})
    assert "Warung Bu Siti" in page.content.decode()
    wrong = client.post(reverse("verification:status"), {"tracking_code": code, "nik": PersonFactory.build().nik})
    assert "Warung Bu Siti" not in wrong.content.decode()
    assert "tidak cocok" in wrong.content.decode()


def test_consent_is_required_and_the_form_keeps_what_was_typed(client, submit):
    response = submit(consent=None)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Centang persetujuan" in html
    assert "Warung Bu Siti" in html and "Jl. Melati 4" in html
    assert not Person.objects.exists()


def test_purpose_of_processing_is_stated(client, regions):
    html = client.get(reverse("registry:self_register")).content.decode()
    assert "Untuk apa data ini?" in html
    assert "UU No. 27 Tahun 2022" in html


def test_bad_nik_is_named_with_the_fix(submit):
    response = submit(**{"p-nik": "3.51401E+15"})
    html = response.content.decode()
    assert "NIK rusak oleh spreadsheet" in html
    assert not Person.objects.exists()


def test_bad_money_and_phone_are_named(submit):
    html = submit(**{"b-revenue_now": "sejuta", "p-phone": "0812"}).content.decode()
    assert "Omzet per bulan sekarang (Rp) tidak terbaca" in html
    assert "No. HP/WA" in html
    assert not Registration.objects.exists()


def test_registered_nik_is_told_without_showing_anyone(submit):
    PersonFactory(nik=NIK, full_name="Nama Rahasia")
    response = submit()
    html = response.content.decode()
    assert response.status_code == 200
    assert "NIK ini sudah terdaftar" in html
    assert "Nama Rahasia" not in html
    assert Registration.objects.count() == 0


def test_public_nik_check_says_registered_without_data(client, regions):
    PersonFactory(nik=NIK, full_name="Nama Rahasia")
    html = client.get(reverse("registry:nik_check"), {"p-nik": NIK}).content.decode()
    assert "sudah terdaftar" in html and "Nama Rahasia" not in html


def test_registrations_are_rate_limited(submit, settings):
    settings.GELIAT_REGISTRATION_RATE = 1
    from django.core.cache import cache

    cache.clear()
    assert submit().status_code == 302
    second = submit(**{"p-nik": nik_make(kecamatan_code="35.14.01", birth_date=datetime.date(1975, 3, 9), sex="P", serial=43)})
    assert second.status_code == 429
    assert Registration.objects.count() == 1


def test_region_outside_the_regency_is_refused(submit, regions):
    response = submit(**{"p-region": "35.73.01.1001", "b-same_address": None, "b-region": "35.73.01.1001", "b-address": "x"})
    assert response.status_code == 200
    assert not Person.objects.exists()


def test_oversized_request_is_refused_not_crashed(client, regions):
    response = client.post(reverse("registry:self_register"), {"p-full_name": "x" * (3 * 1024 * 1024)})
    assert 400 <= response.status_code < 500
