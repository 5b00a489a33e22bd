"""The registrant's status page: found by tracking code + NIK (never in the URL), the
verification timeline without who decided, and the correction of a returned record."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from geliat.audit.models import AuditEvent
from geliat.verification.models import Decision, Verification
from geliat.verification.services import (
    verification_approve,
    verification_reject,
    verification_return,
)
from tests.factories import region_node
from tests.verification.conftest import DAWUHANSENGON_RT, DUSUN_RT, GERBO, approve_until, start


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The lookup limit counts in the shared cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def lookup(client, verification: Verification, **extra):
    registration = verification.registration
    data = {"tracking_code": registration.tracking_code, "nik": registration.person.nik, **extra}
    return client.post(reverse("verification:status"), data)


def returned_at_desa(officers, *, fields, reason="Nama usaha tidak sama dengan papan nama") -> Verification:
    verification = approve_until(start(DUSUN_RT, name="Warung Salah Nama"), officers, "desa")
    return verification_return(
        actor=officers[GERBO], verification_id=verification.pk, expected_version=verification.version,
        reason=reason, fields=fields,
    )


def test_timeline_shows_each_levels_state_without_anyone_who_decided(client, officers):
    verification = approve_until(start(DAWUHANSENGON_RT, name="Toko Kelontong"), officers, "desa")
    html = lookup(client, verification).content.decode()
    assert "Toko Kelontong" in html and "Dawuhansengon, RT 001/RW 001" in html
    assert 'data-level="rt" data-state="approved"' in html and 'data-level="rw" data-state="approved"' in html
    assert 'data-level="dusun" data-state="skipped"' in html and "RW ini tidak berada di bawah dusun" in html
    assert 'data-level="desa" data-state="waiting"' in html and 'data-level="kecamatan" data-state="pending"' in html
    assert "Menunggu verifikasi" in html and 'data-testid="verified">Belum' in html
    for officer in officers.values():
        assert officer.username not in html and officer.full_name not in html
    assert "Oleh" not in html


def test_the_nik_is_never_taken_from_the_url(client, officers):
    verification = start(DUSUN_RT, name="Warung Rahasia")
    registration = verification.registration
    response = client.get(reverse("verification:status"), {"tracking_code": registration.tracking_code, "nik": registration.person.nik})
    html = response.content.decode()
    assert "Warung Rahasia" not in html
    assert f'value="{registration.tracking_code}"' in html  # the code may be carried over from the receipt


def test_wrong_nik_finds_nothing_and_says_so(client, officers):
    verification = start(DUSUN_RT, name="Warung Rahasia")
    html = lookup(client, verification, nik="3514015705800999").content.decode()
    assert "Warung Rahasia" not in html and "tidak cocok" in html
    html = lookup(client, verification, nik="12345").content.decode()
    assert "NIK harus 16 angka" in html


def test_lookups_are_rate_limited(client, officers, settings):
    settings.GELIAT_STATUS_LOOKUP_RATE = 2
    verification = start(DUSUN_RT)
    assert lookup(client, verification).status_code == 200
    assert lookup(client, verification, nik="3514015705800999").status_code == 200
    response = lookup(client, verification)
    assert response.status_code == 429 and "Terlalu banyak percobaan" in response.content.decode()


def test_rejected_record_shows_the_reason(client, officers):
    verification = start(DUSUN_RT)
    verification_reject(actor=officers[DUSUN_RT], verification_id=verification.pk, expected_version=verification.version, reason="Usaha sudah tutup permanen")
    html = lookup(client, verification).content.decode()
    assert 'data-level="rt" data-state="rejected"' in html and "Usaha sudah tutup permanen" in html
    assert "Ditolak" in html


def test_verified_record_says_verified(client, officers):
    verification = approve_until(start(DUSUN_RT), officers, "kabupaten")
    verification_approve(actor=officers["35.14"], verification_id=verification.pk, expected_version=verification.version)
    html = lookup(client, verification).content.decode()
    assert "Ya, sudah diverifikasi sampai tingkat kabupaten" in html and "Terverifikasi" in html


def test_returned_record_shows_the_reason_and_a_form_with_exactly_the_named_fields(client, officers):
    verification = returned_at_desa(officers, fields=["business.name", "person.phone"])
    html = lookup(client, verification).content.decode()
    assert 'data-level="desa" data-state="returned"' in html
    assert "Nama usaha tidak sama dengan papan nama" in html
    assert "Usaha: Nama usaha" in html and "Pemilik: No. HP/WhatsApp" in html
    assert 'name="b-name"' in html and 'name="p-phone"' in html
    for other in ("p-full_name", "p-nik", "b-affected_group", "b-address", "p-address"):
        assert f'name="{other}"' not in html


def test_naming_rt_opens_rt_rw_and_desa_together(client, officers):
    verification = returned_at_desa(officers, fields=["business.rt"])
    html = lookup(client, verification).content.decode()
    assert 'name="b-rt"' in html and 'name="b-rw"' in html and 'name="b-region_kecamatan"' in html
    assert 'name="b-address"' not in html


def test_correction_saves_the_fields_and_climbs_again_from_the_returning_level(client, officers):
    verification = returned_at_desa(officers, fields=["business.name"])
    response = lookup(client, verification, correct="1", **{"b-name": "Warung Bu Sri Barokah", "p-full_name": "Diabaikan"})
    html = response.content.decode()
    assert "Perbaikan disimpan dan diajukan lagi" in html
    verification.refresh_from_db()
    business = verification.registration.business
    assert business.name == "Warung Bu Sri Barokah"
    assert verification.registration.person.full_name != "Diabaikan"  # only named fields change
    assert verification.status == Verification.Status.WAITING and verification.level == "desa"
    assert verification.decisions.filter(action=Decision.Action.RESUBMIT, actor_label="pendaftar").exists()
    assert AuditEvent.objects.filter(object_type="registry.business", actor_label="pendaftar", after__name="Warung Bu Sri Barokah").exists()
    assert 'data-level="desa" data-state="waiting"' in html and 'data-testid="correction"' not in html


def test_correcting_the_rt_moves_the_record_to_that_rts_chain(client, officers):
    verification = returned_at_desa(officers, fields=["business.rt"], reason="RT salah")
    region_node(GERBO + ".D01.RW001.RT002")
    lookup(client, verification, correct="1", **{"b-rt": "2", "b-rw": "1", "b-region": GERBO})
    verification.refresh_from_db()
    assert verification.registration.business.region_id == GERBO + ".D01.RW001.RT002"
    assert verification.chain[0]["node"] == GERBO + ".D01.RW001.RT002"
    assert verification.level == "desa"


def test_bad_correction_is_named_and_changes_nothing(client, officers):
    verification = returned_at_desa(officers, fields=["business.name", "person.phone"])
    html = lookup(client, verification, correct="1", **{"b-name": "", "p-phone": "0812"}).content.decode()
    assert "Bidang ini harus diisi" in html and "No. HP/WA bukan nomor Indonesia yang benar" in html
    verification.refresh_from_db()
    assert verification.status == Verification.Status.RETURNED
    assert verification.registration.business.name == "Warung Salah Nama"
    assert 'data-testid="correction"' in html


def test_correction_needs_the_nik_again(client, officers):
    verification = returned_at_desa(officers, fields=["business.name"])
    html = lookup(client, verification, nik="3514015705800999", correct="1", **{"b-name": "Nama Baru"}).content.decode()
    assert "tidak cocok" in html
    verification.refresh_from_db()
    assert verification.status == Verification.Status.RETURNED
    assert verification.registration.business.name == "Warung Salah Nama"


def test_a_second_correction_post_changes_nothing_more(client, officers):
    verification = returned_at_desa(officers, fields=["business.name"])
    lookup(client, verification, correct="1", **{"b-name": "Nama Pertama"})
    html = lookup(client, verification, correct="1", **{"b-name": "Nama Kedua"}).content.decode()
    assert "tidak sedang menunggu perbaikan" in html
    verification.refresh_from_db()
    assert verification.registration.business.name == "Nama Pertama"
    assert verification.decisions.filter(action=Decision.Action.RESUBMIT).count() == 1
