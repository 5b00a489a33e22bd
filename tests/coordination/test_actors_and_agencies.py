"""Agencies (OPD) with their staff and their own view, penta helix actors (CRUD for
coordinators, contacts masked and revealed with an audit), and who-does-what-where
entries: each list and detail within the viewer's scope."""

import pytest

from geliat.accounts.models import Agency, Role
from geliat.audit.models import AuditEvent
from geliat.coordination.models import Actor, Engagement, Helix
from geliat.coordination.services import actor_create
from geliat.wilayah.models import Region
from tests.coordination.conftest import GERBO, PURWODADI, TUTUR, business_at, enrol, programme
from tests.factories import UserFactory


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def actors(regions, coordinator):
    """A campus working in Tutur, a newspaper regency-wide, an association in Gerbo."""
    return {
        "campus": actor_create(actor=coordinator, data={
            "name": "Inkubator Bisnis Kampus", "helix": Helix.ACADEMIA, "offers": ["mentoring", "studies"],
            "areas": [region(TUTUR)], "contact_name": "Dr. Sari", "contact_phone": "+6281234567890",
            "contact_email": "sari@kampus.ac.id",
        }),
        "paper": actor_create(actor=coordinator, data={
            "name": "Harian Pasuruan", "helix": Helix.MEDIA, "offers": ["promotion"], "areas": [region("35.14")],
        }),
        "association": actor_create(actor=coordinator, data={
            "name": "Paguyuban Perajin Gerbo", "helix": Helix.COMMUNITY, "offers": ["mentoring", "market_access"],
            "areas": [region(GERBO)],
        }),
    }


# ---------------------------------------------------------------- actors


def test_a_coordinator_adds_an_actor_with_offers_and_areas(client, coordinator, regions):
    """The form saves helix, offers, areas and a normalised phone, audited."""
    client.force_login(coordinator)

    response = client.post("/koordinasi/pentahelix/tambah/", {
        "name": "Forum CSR Pasuruan", "helix": "private", "offers": ["funding", "market_access"],
        "areas": [PURWODADI, TUTUR], "contact_name": "Bu Ani", "contact_phone": "0812-3456-7890", "active": "on",
    })

    assert response.status_code == 302
    actor = Actor.objects.get(name="Forum CSR Pasuruan")
    assert actor.offers == ["funding", "market_access"]
    assert sorted(actor.areas.values_list("code", flat=True)) == [PURWODADI, TUTUR]
    assert actor.contact_phone == "+6281234567890"
    assert AuditEvent.objects.filter(object_type="coordination.actor", object_id=str(actor.pk), action="create").exists()


def test_a_bad_actor_form_names_the_fields_and_keeps_the_input(client, coordinator, regions):
    """Missing offers and areas and a bad e-mail are each named; what was typed stays."""
    client.force_login(coordinator)

    response = client.post("/koordinasi/pentahelix/tambah/", {
        "name": "Komunitas UMKM Naik Kelas", "helix": "community", "contact_phone": "0812-BUNGA", "contact_email": "bukan-email",
    })

    assert response.status_code == 200
    html = response.content.decode()
    assert "Centang sedikitnya satu hal yang ditawarkan aktor ini." in html
    assert "Pilih sedikitnya satu wilayah kerja." in html
    assert "Alamat e-mail tidak sah." in html
    assert 'value="Komunitas UMKM Naik Kelas"' in html
    assert not Actor.objects.exists()


def test_only_coordinators_add_or_change_actors(client, actors, diskopum_staff, purwodadi_officer):
    """Agency staff and officers cannot add or change actors."""
    for user in (diskopum_staff, purwodadi_officer):
        client.force_login(user)
        assert client.get("/koordinasi/pentahelix/tambah/").status_code == 403
        assert client.post(f"/koordinasi/pentahelix/{actors['paper'].pk}/ubah/", {"name": "x"}).status_code in (403, 404)
    assert Actor.objects.get(pk=actors["paper"].pk).name == "Harian Pasuruan"


def test_an_edit_is_saved_with_before_and_after(client, actors, coordinator):
    """Changing an actor's offers is saved, its version bumped, and audited with only what changed."""
    actor = actors["paper"]
    client.force_login(coordinator)

    client.post(f"/koordinasi/pentahelix/{actor.pk}/ubah/", {
        "name": "Harian Pasuruan", "helix": "media", "offers": ["promotion", "studies"], "areas": ["35.14"],
        "version": "1", "active": "on",
    })

    actor.refresh_from_db()
    assert actor.offers == ["promotion", "studies"] and actor.version == 2
    event = AuditEvent.objects.filter(object_type="coordination.actor", action="update").get()
    assert event.before == {"offers": ["promotion"]} and event.after == {"offers": ["promotion", "studies"]}


def test_an_officer_lists_the_actors_working_in_their_region(client, actors, purwodadi_officer):
    """Purwodadi: the regency-wide newspaper and Gerbo's association, not Tutur's campus."""
    client.force_login(purwodadi_officer)

    html = client.get("/koordinasi/pentahelix/").content.decode()

    assert "Harian Pasuruan" in html and "Paguyuban Perajin Gerbo" in html
    assert "Inkubator Bisnis Kampus" not in html


def test_an_actor_outside_the_officers_region_is_404(client, actors, purwodadi_officer):
    """Tutur's campus is 404 to a Purwodadi officer (page and contact reveal); Gerbo's association is not."""
    client.force_login(purwodadi_officer)

    assert client.get(f"/koordinasi/pentahelix/{actors['campus'].pk}/").status_code == 404
    assert client.get(f"/koordinasi/pentahelix/{actors['association'].pk}/").status_code == 200
    assert client.post(f"/koordinasi/pentahelix/{actors['campus'].pk}/kontak/").status_code == 404


def test_the_actor_list_filters_by_helix_and_offer(client, actors, coordinator):
    """Filtering by offer and by helix narrows the list; an unknown offer is noted and ignored."""
    client.force_login(coordinator)

    html = client.get("/koordinasi/pentahelix/", {"tawaran": "mentoring"}).content.decode()
    assert "Inkubator Bisnis Kampus" in html and "Paguyuban Perajin Gerbo" in html and "Harian Pasuruan" not in html

    html = client.get("/koordinasi/pentahelix/", {"unsur": "media", "tawaran": "gratis"}).content.decode()
    assert "Harian Pasuruan" in html and "Inkubator Bisnis Kampus" not in html
    assert "«gratis»" in html


def test_contacts_are_masked_until_revealed_and_the_reveal_is_audited(client, actors, coordinator):
    """Phone and e-mail show masked; "Tampilkan kontak lengkap" shows them and writes an audit event."""
    campus = actors["campus"]
    client.force_login(coordinator)

    html = client.get(f"/koordinasi/pentahelix/{campus.pk}/").content.decode()
    assert "+6281234567890" not in html and "+62812*****890" in html
    assert "sari@kampus.ac.id" not in html and "s***@kampus.ac.id" in html
    listing = client.get("/koordinasi/pentahelix/").content.decode()
    assert "+6281234567890" not in listing

    revealed = client.post(f"/koordinasi/pentahelix/{campus.pk}/kontak/").content.decode()

    assert "+6281234567890" in revealed and "sari@kampus.ac.id" in revealed
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_PII, object_type="coordination.actor")
    assert event.actor == coordinator and event.object_id == str(campus.pk)


# ---------------------------------------------------------------- agencies


def test_the_agency_list_is_for_coordinators_and_agency_staff(client, matrix, coordinator, diskopum_staff, purwodadi_officer):
    """Coordinators see every OPD; Diskop UM's staff see Diskop UM only; officers are refused."""
    client.force_login(coordinator)
    html = client.get("/koordinasi/opd/").content.decode()
    assert 'data-agency="diskopum"' in html and 'data-agency="dinsos"' in html

    client.force_login(diskopum_staff)
    html = client.get("/koordinasi/opd/").content.decode()
    assert 'data-agency="diskopum"' in html and 'data-agency="dinsos"' not in html

    client.force_login(purwodadi_officer)
    assert client.get("/koordinasi/opd/").status_code == 403


def test_an_agency_sees_its_own_view_and_not_anothers(client, matrix, refresh, diskopum_staff, dinsos_staff):
    """Diskop UM's page shows its matrix activities, programmes with reach and staff; Dinsos's page is 404 to it."""
    online = programme("daring", "diskopum")
    matrix["4.1"].programmes.add(online)
    enrol(online, business_at(GERBO, group=4))
    refresh()
    client.force_login(diskopum_staff)

    html = client.get("/koordinasi/opd/diskopum/").content.decode()

    assert 'data-activity="4.1"' in html and 'data-activity="1.1"' not in html
    assert 'data-programme="daring"' in html
    assert "staf.diskopum" in html and "staf.dinsos" not in html
    assert client.get("/koordinasi/opd/dinsos/").status_code == 404
    assert client.get("/koordinasi/opd/tidak-ada/").status_code == 404


def test_staff_phones_are_masked_on_the_agency_page(client, matrix, coordinator):
    """An OPD's staff list shows phone numbers masked."""
    UserFactory.at("35.14", role=Role.AGENCY, agency=Agency.objects.get(code="dinsos"), phone="+6285712345678")
    client.force_login(coordinator)

    html = client.get("/koordinasi/opd/dinsos/").content.decode()

    assert "+6285712345678" not in html and "+62857*****678" in html


def test_an_agencys_view_lists_only_its_programmes(client, matrix, refresh, dinsos_staff):
    """Dinsos's view lists Dinsos's programme, not Diskop UM's."""
    programme("daring", "diskopum")
    programme("makan", "dinsos")
    refresh()
    client.force_login(dinsos_staff)

    html = client.get("/koordinasi/opd/dinsos/").content.decode()

    assert 'data-programme="makan"' in html and 'data-programme="daring"' not in html


# ---------------------------------------------------------------- who does what where entries


def test_agency_staff_record_what_their_own_agency_does(client, matrix, diskopum_staff):
    """The form has no agency choice for them: the entry is Diskop UM's, audited."""
    client.force_login(diskopum_staff)

    response = client.post("/koordinasi/3w/tambah/", {
        "activity": matrix["4.1"].pk, "region": PURWODADI, "agency": Agency.objects.get(code="dinsos").pk,
        "starts_on": "2026-02-01", "ends_on": "2026-06-30", "note": "Kelas daring",
    })

    assert response.status_code == 302
    entry = Engagement.objects.get()
    assert entry.agency.code == "diskopum" and entry.region_id == PURWODADI
    assert AuditEvent.objects.filter(object_type="coordination.engagement", action="create").exists()


def test_an_entry_form_with_bad_input_says_what_to_fix(client, matrix, coordinator):
    """No doer, both doers, or an end before the start: each named, the input kept."""
    client.force_login(coordinator)
    dinsos = Agency.objects.get(code="dinsos")

    html = client.post("/koordinasi/3w/tambah/", {
        "activity": matrix["1.1"].pk, "region": TUTUR, "starts_on": "2026-05-01", "ends_on": "2026-04-01", "note": "Dapur umum",
    }).content.decode()
    assert "Pilih satu pelaksana" in html and "Tanggal selesai tidak boleh sebelum tanggal mulai." in html
    assert 'value="Dapur umum"' in html

    html = client.post("/koordinasi/3w/tambah/", {"activity": "9999", "region": "35.99", "agency": dinsos.pk}).content.decode()
    assert "Kegiatan ini tidak ada di matriks aksi." in html
    assert not Engagement.objects.exists()


def test_the_same_entry_twice_is_refused(client, matrix, coordinator):
    """Recording the same agency, activity and area twice is refused with a message."""
    client.force_login(coordinator)
    data = {"activity": matrix["1.1"].pk, "region": TUTUR, "agency": Agency.objects.get(code="dinsos").pk}

    assert client.post("/koordinasi/3w/tambah/", data).status_code == 302
    response = client.post("/koordinasi/3w/tambah/", data)

    assert response.status_code == 200
    assert "sudah tercatat menjalankan kegiatan ini di wilayah itu" in response.content.decode()
    assert Engagement.objects.count() == 1


def test_an_agency_cannot_change_another_agencys_entry(client, matrix, diskopum_staff, dinsos_staff, purwodadi_officer):
    """Dinsos's entry is 404 to Diskop UM's staff and to officers, for editing and deleting."""
    entry = Engagement.objects.create(activity=matrix["1.1"], agency=Agency.objects.get(code="dinsos"), region=region(TUTUR))
    for user in (diskopum_staff, purwodadi_officer):
        client.force_login(user)
        assert client.get(f"/koordinasi/3w/{entry.pk}/ubah/").status_code == 404
        assert client.post(f"/koordinasi/3w/{entry.pk}/hapus/").status_code == 404
    client.force_login(dinsos_staff)
    assert client.get(f"/koordinasi/3w/{entry.pk}/ubah/").status_code == 200
    assert client.post(f"/koordinasi/3w/{entry.pk}/hapus/").status_code == 302
    assert not Engagement.objects.exists()


def test_officers_cannot_record_entries(client, matrix, purwodadi_officer):
    """Officers read the 3W but do not record entries in it."""
    client.force_login(purwodadi_officer)

    assert client.get("/koordinasi/3w/tambah/").status_code == 403


def test_the_entries_list_of_an_officer_stays_in_their_region(client, matrix, refresh, purwodadi_officer):
    """Entries for Tutur do not show to a Purwodadi officer; regency-wide ones do."""
    dinsos = Agency.objects.get(code="dinsos")
    Engagement.objects.create(activity=matrix["1.1"], agency=dinsos, region=region(TUTUR), note="Tutur saja")
    Engagement.objects.create(activity=matrix["7.1"], agency=dinsos, region=region("35.14"), note="Seluruh kabupaten")
    refresh()
    client.force_login(purwodadi_officer)

    html = client.get("/koordinasi/3w/").content.decode()

    entries = html.split('data-testid="entries"')[1]
    assert "Kabupaten Pasuruan" in entries and "Kecamatan Tutur" not in entries


def test_an_actor_with_recorded_activities_is_not_deleted(client, actors, matrix, coordinator):
    """The coordinator is told to remove the entries or deactivate; an unused actor is deleted, audited."""
    Engagement.objects.create(activity=matrix["4.1"], actor=actors["campus"], region=region(TUTUR))
    client.force_login(coordinator)

    response = client.post(f"/koordinasi/pentahelix/{actors['campus'].pk}/hapus/", follow=True)

    assert "masih tercatat di 1 kegiatan" in response.content.decode()
    assert Actor.objects.filter(pk=actors["campus"].pk).exists()
    client.post(f"/koordinasi/pentahelix/{actors['paper'].pk}/hapus/")
    assert not Actor.objects.filter(pk=actors["paper"].pk).exists()
    assert AuditEvent.objects.filter(object_type="coordination.actor", action="delete").count() == 1


def test_only_coordinators_delete_actors(client, actors, diskopum_staff):
    """Agency staff cannot delete an actor."""
    client.force_login(diskopum_staff)

    assert client.post(f"/koordinasi/pentahelix/{actors['paper'].pk}/hapus/").status_code == 403
    assert Actor.objects.filter(pk=actors["paper"].pk).exists()
