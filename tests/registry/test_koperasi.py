"""Koperasi: registered by officers with the chair picked by NIK, scoped like every record."""

import pytest
from django.urls import reverse

from geliat.audit.models import AuditEvent
from geliat.registry.models import Koperasi
from tests.factories import TEST_PASSWORD, BusinessFactory, UserFactory, region_node

GERBO = "35.14.01.2001"
OTHER_DESA = "35.14.01.2002"


@pytest.fixture
def officer(client, regions):
    user = UserFactory.at(GERBO)
    client.login(username=user.username, password=TEST_PASSWORD)
    return user


def koperasi_data(**overrides):
    data = {"name": "Koperasi Produsen Tempe Gerbo", "legal_number": "AHU-0001234.AH.01.26.TAHUN 2020",
            "type": "produsen", "members": "25", "chair_nik": "", "address": "Balai Desa Gerbo", "region": GERBO}
    data.update(overrides)
    return data


def test_officer_registers_a_koperasi_with_its_chair_by_nik(client, officer):
    chair = BusinessFactory(region=region_node(GERBO)).owner
    nik_spaced = f"{chair.nik[:6]} {chair.nik[6:]}"
    response = client.post(reverse("registry:koperasi_create"), koperasi_data(chair_nik=nik_spaced))
    assert response.status_code == 302
    koperasi = Koperasi.objects.get()
    assert koperasi.chair == chair and koperasi.members == 25 and koperasi.created_by == officer
    assert AuditEvent.objects.filter(object_type="registry.koperasi", action="create").exists()


def test_chair_must_be_registered_in_the_officers_region(client, officer):
    outsider = BusinessFactory(region=region_node(OTHER_DESA)).owner
    response = client.post(reverse("registry:koperasi_create"), koperasi_data(chair_nik=outsider.nik))
    assert "NIK ketua belum terdaftar di wilayah Anda" in response.content.decode()
    assert not Koperasi.objects.exists()


def test_legal_number_is_unique_with_an_indonesian_message(client, officer):
    client.post(reverse("registry:koperasi_create"), koperasi_data())
    response = client.post(reverse("registry:koperasi_create"), koperasi_data(name="Koperasi Kedua"))
    assert "Nomor badan hukum ini sudah dipakai koperasi lain" in response.content.decode()
    assert Koperasi.objects.count() == 1


def test_koperasi_outside_scope_is_404_and_not_listed(client, officer):
    inside = Koperasi.objects.create(name="Kop Dalam", type="jasa", address="x", region=region_node(GERBO))
    outside = Koperasi.objects.create(name="Kop Luar", type="jasa", address="x", region=region_node(OTHER_DESA))
    html = client.get(reverse("registry:koperasi_list")).content.decode()
    assert "Kop Dalam" in html and "Kop Luar" not in html
    assert client.get(reverse("registry:koperasi_detail", args=[inside.pk])).status_code == 200
    assert client.get(reverse("registry:koperasi_detail", args=[outside.pk])).status_code == 404
    assert client.get(reverse("registry:koperasi_edit", args=[outside.pk])).status_code == 404


def test_business_joins_a_koperasi_in_scope(client, officer):
    koperasi = Koperasi.objects.create(name="Kop Dalam", type="jasa", address="x", region=region_node(GERBO))
    business = BusinessFactory(region=region_node(GERBO))
    data = {"name": business.name, "affected_group": "2", "kbli_section": "I", "address": business.address,
            "region": GERBO, "koperasi": koperasi.pk, "version": business.version}
    assert client.post(reverse("registry:business_edit", args=[business.pk]), data).status_code == 302
    business.refresh_from_db()
    assert business.koperasi == koperasi
    assert business.name in client.get(reverse("registry:koperasi_detail", args=[koperasi.pk])).content.decode()
