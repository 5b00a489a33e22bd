"""Changing people and businesses: the version read must come back, a stale one is refused
with 409, the forms' rules apply, and every change is audited."""

import pytest

from geliat.audit.models import AuditEvent
from geliat.registry.nik import nik_make
from tests.api.conftest import DAWUHANSENGON, GERBO

STALE = (
    "Data ini baru saja diubah oleh orang lain. Muat ulang halaman, periksa perubahannya, lalu simpan lagi."
)


def test_patch_with_the_version_read_changes_the_record_and_is_audited(api, desa_officer, records):
    business = records["rt1"]
    client = api(desa_officer)
    read = client.get(f"/api/v1/businesses/{business.pk}/").json()
    response = client.patch(
        f"/api/v1/businesses/{business.pk}/",
        {"name": "Warung Makan Sederhana", "capital": "2,5 juta", "version": read["version"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["capital"], body["size"], body["version"]) == (
        "Warung Makan Sederhana", 2_500_000, "mikro", read["version"] + 1,
    )
    assert body["region"] == read["region"]  # fields left out keep their values
    event = AuditEvent.objects.get(action="update", object_type="registry.business", object_id=str(business.pk))
    assert event.actor == desa_officer
    assert event.before["name"] == "Warung RT Satu"
    assert event.after["name"] == "Warung Makan Sederhana"


@pytest.mark.parametrize("kind", ["people", "businesses"])
def test_a_stale_version_is_refused_with_409_and_changes_nothing(api, desa_officer, records, kind):
    """Two clients read version 1; the second save is refused instead of overwriting the first."""
    business = records["rt1"]
    record, field = (business.owner, "full_name") if kind == "people" else (business, "name")
    url = f"/api/v1/{kind}/{record.pk}/"
    first, second = api(desa_officer), api(desa_officer)
    assert first.patch(url, {field: "Perubahan Pertama", "version": 1}, format="json").status_code == 200
    response = second.patch(url, {field: "Perubahan Kedua", "version": 1}, format="json")
    assert response.status_code == 409
    assert response.json() == {"version": [STALE]}
    record.refresh_from_db()
    assert getattr(record, field) == "Perubahan Pertama"


@pytest.mark.parametrize("method", ["put", "patch"])
def test_the_version_is_required(api, desa_officer, records, method):
    business = records["rt1"]
    response = getattr(api(desa_officer), method)(
        f"/api/v1/businesses/{business.pk}/", {"name": "Tanpa Versi"}, format="json"
    )
    assert response.status_code == 400
    assert "Sertakan version" in response.json()["version"][0]
    business.refresh_from_db()
    assert business.name == "Warung RT Satu"


def test_put_replaces_the_whole_record_and_needs_every_required_field(api, desa_officer, records):
    business = records["rt1"]
    client = api(desa_officer)
    url = f"/api/v1/businesses/{business.pk}/"
    incomplete = client.put(url, {"name": "Baru", "version": 1}, format="json")
    assert incomplete.status_code == 400
    assert set(incomplete.json()) == {"affected_group", "kbli_section", "address", "region"}
    full = {
        "name": "Konveksi Baru", "affected_group": 8, "kbli_section": "C", "address": "Jl. Baru 3",
        "region": GERBO, "rt": "", "rw": "", "version": 1,
    }
    response = client.put(url, full, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["affected_group"], response.json()["region"]) == (8, GERBO)


def test_the_region_of_a_representation_can_be_sent_back(api, desa_officer, records):
    """A record sitting on an RT unit keeps it when its representation's region, RT and RW are sent back."""
    person = records["rt2"].owner
    client = api(desa_officer)
    read = client.get(f"/api/v1/people/{person.pk}/").json()
    person.rt, person.rw = "002", "001"
    person.save()
    payload = {"region": read["region"], "rt": "2", "rw": "1", "address": "Jl. Pindah 9", "version": read["version"]}
    response = client.patch(f"/api/v1/people/{person.pk}/", payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["region"] == read["region"] == "35.14.01.2001.RW001.RT002"


def test_moving_a_record_out_of_the_callers_region_is_refused(api, desa_officer, records):
    business = records["rt1"]
    response = api(desa_officer).patch(
        f"/api/v1/businesses/{business.pk}/", {"region": DAWUHANSENGON, "rt": "", "rw": "", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"region": ["Wilayah ini di luar wilayah tugas Anda. Pilih desa/RT di wilayah Anda."]}
    business.refresh_from_db()
    assert business.region_id.startswith(GERBO)


def test_person_changes_go_through_the_nik_and_phone_checks(api, desa_officer, records):
    person = records["rt1"].owner
    url = f"/api/v1/people/{person.pk}/"
    client = api(desa_officer)
    bad = client.patch(url, {"nik": "3514", "phone": "12", "version": 1}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()) == {"nik", "phone"}
    assert "16 angka" in bad.json()["nik"][0]
    new_nik = nik_make(kecamatan_code="35.14.02", birth_date=person.birth_date, sex="L", serial=77)
    good = client.patch(url, {"nik": new_nik, "phone": "0813 1111 2222", "version": 1}, format="json")
    assert good.status_code == 200, good.json()
    person.refresh_from_db()
    assert (person.nik, person.phone) == (new_nik, "+6281311112222")


def test_a_nik_belonging_to_someone_else_is_refused(api, desa_officer, records):
    person, other = records["rt1"].owner, records["rt2"].owner
    response = api(desa_officer).patch(f"/api/v1/people/{person.pk}/", {"nik": other.nik, "version": 1}, format="json")
    assert response.status_code == 400
    assert response.json() == {"nik": ["NIK ini sudah dipakai orang lain di registri. Periksa kembali angka NIK."]}


def test_an_unchanged_save_keeps_the_version(api, desa_officer, records):
    business = records["rt1"]
    response = api(desa_officer).patch(
        f"/api/v1/businesses/{business.pk}/", {"name": business.name, "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert not AuditEvent.objects.filter(action="update").exists()


def test_an_owner_living_outside_the_region_can_still_be_corrected(api, desa_officer, records):
    """A Gerbo officer sees the owner of a Gerbo business who lives in Tutur and may fix their
    phone; the record stays where it is."""
    from tests.api.conftest import TUTUR_DESA, BusinessFactory, PersonFactory
    from tests.factories import region_node

    owner = PersonFactory(region=region_node(TUTUR_DESA))
    BusinessFactory(owner=owner)
    response = api(desa_officer).patch(f"/api/v1/people/{owner.pk}/", {"phone": "0857 0000 1111", "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    owner.refresh_from_db()
    assert (owner.phone, owner.region_id) == ("+6285700001111", TUTUR_DESA)


def test_a_business_joins_only_a_koperasi_the_caller_can_see(api, desa_officer, records):
    from geliat.registry.models import Koperasi
    from tests.factories import region_node

    here = Koperasi.objects.create(name="Kop Gerbo", type="jasa", address="x", region=region_node(GERBO))
    there = Koperasi.objects.create(name="Kop Lain", type="jasa", address="x", region=region_node("35.14.02.2001"))
    business = records["rt1"]
    client = api(desa_officer)
    url = f"/api/v1/businesses/{business.pk}/"
    refused = client.patch(url, {"koperasi": there.pk, "version": business.version}, format="json")
    assert refused.status_code == 400 and "koperasi" in refused.json()
    joined = client.patch(url, {"koperasi": here.pk, "version": business.version}, format="json")
    assert joined.status_code == 200 and joined.json()["koperasi"] == here.pk
