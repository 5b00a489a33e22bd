"""The officers' verification pages: queue and filters, the record page and its decisions,
bulk approval, field visits with photos, and the desa rule page."""

import datetime
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from geliat.audit.models import AuditEvent
from geliat.verification.models import FieldVisit, Verification, VerificationRule
from geliat.verification.services import verification_approve, verification_return
from tests.factories import PersonFactory, UserFactory, region_node
from tests.verification.conftest import (
    DAWUHANSENGON_RT,
    DUSUN_RT,
    DUSUN_RT2,
    GERBO,
    approve_until,
    start,
)

OTHER_DUSUN_RT = GERBO + ".D02.RW002.RT001"
PURWODADI = "35.14.01"


def login(client, user):
    client.force_login(user)
    return client


def fresh(verification: Verification) -> Verification:
    verification.refresh_from_db()
    return verification


def snapshot(verification: Verification) -> tuple:
    """What a refused decision must leave untouched."""
    verification.refresh_from_db()
    return verification.status, verification.level, verification.version, verification.decisions.count()


def png_bytes() -> bytes:
    """A real 1×1 PNG, built by hand (no imaging library in the project)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- Queue ------------------------------------------------------------------------------------


def test_each_officer_sees_only_what_waits_at_their_node_oldest_first(client, officers):
    first = start(DUSUN_RT, name="Warung Pertama")
    second = start(DUSUN_RT, name="Warung Kedua")
    Verification.objects.filter(pk=first.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=2))
    start(DUSUN_RT2, name="Warung RT Dua")
    start(DAWUHANSENGON_RT, name="Toko Desa Lain")

    html = login(client, officers[DUSUN_RT]).get(reverse("verification:queue")).content.decode()
    assert html.index("Warung Pertama") < html.index("Warung Kedua")
    assert "Warung RT Dua" not in html and "Toko Desa Lain" not in html
    assert '<strong data-testid="waiting-count">2</strong>' in html

    # The desa has nothing yet: its records still wait at RT.
    html = login(client, officers[GERBO]).get(reverse("verification:queue")).content.decode()
    assert "Warung Pertama" not in html and "Tidak ada data yang menunggu Anda" in html
    approve_until(second, officers, "desa")
    html = client.get(reverse("verification:queue")).content.decode()
    assert "Warung Kedua" in html and "Warung Pertama" not in html


def test_queue_rows_mask_the_nik_and_say_registered_versus_verified(client, officers):
    verification = start(DUSUN_RT)
    nik = verification.registration.person.nik
    html = login(client, officers[DUSUN_RT]).get(reverse("verification:queue")).content.decode()
    assert nik not in html and f"{nik[:6]}******{nik[-4:]}" in html
    assert "Gerbo, RT 001/RW 001" in html
    assert 'data-testid="registered-count">1<' in html and 'data-testid="verified-count">0<' in html


def test_queue_filters_by_sub_region_group_age_and_nik_warnings(client, officers):
    plain = start(DUSUN_RT, name="Warung Dusun Satu")
    other_dusun = start(OTHER_DUSUN_RT, name="Konveksi Dusun Dua", affected_group=8)
    warned = start(DUSUN_RT2, name="Salon Berperingatan", owner=PersonFactory(nik_warnings=["Kode wilayah NIK lama"]))
    for verification in (plain, other_dusun, warned):
        approve_until(verification, officers, "desa")
    Verification.objects.filter(pk=plain.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=10))
    login(client, officers[GERBO])

    def shown(**filters):
        html = client.get(reverse("verification:queue"), filters).content.decode()
        return {name for name in ("Warung Dusun Satu", "Konveksi Dusun Dua", "Salon Berperingatan") if name in html}

    assert shown() == {"Warung Dusun Satu", "Konveksi Dusun Dua", "Salon Berperingatan"}
    assert shown(region=GERBO + ".D02") == {"Konveksi Dusun Dua"}
    assert shown(group=8) == {"Konveksi Dusun Dua"}
    assert shown(min_days=7) == {"Warung Dusun Satu"}
    assert shown(warnings="on") == {"Salon Berperingatan"}
    # A filter typed wrongly is named and the rest of the queue still shows.
    response = client.get(reverse("verification:queue"), {"min_days": "seminggu"})
    assert "Isi jumlah hari dengan angka" in response.content.decode()
    assert "Warung Dusun Satu" in response.content.decode()


def test_queue_filters_answer_htmx_with_the_rows_only(client, officers):
    start(DUSUN_RT, name="Warung Htmx")
    login(client, officers[DUSUN_RT])
    html = client.get(reverse("verification:queue"), HTTP_HX_REQUEST="true").content.decode()
    assert "Warung Htmx" in html and "<html" not in html


def test_rows_past_their_levels_sla_are_flagged_overdue(client, officers, settings):
    settings.GELIAT_VERIFICATION_SLA_DAYS = {**settings.GELIAT_VERIFICATION_SLA_DAYS, "rt": 3}
    late = start(DUSUN_RT, name="Warung Terlambat")
    start(DUSUN_RT, name="Warung Baru")
    Verification.objects.filter(pk=late.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=4))
    html = login(client, officers[DUSUN_RT]).get(reverse("verification:queue")).content.decode()
    assert html.count('data-testid="overdue"') == 1
    assert html.index("Warung Terlambat") < html.index("Lewat batas waktu") < html.index("Warung Baru")
    assert "4 hari" in html


# --- Record page and decisions ------------------------------------------------------------------


def test_record_page_shows_the_chain_skips_and_who_decided(client, officers):
    verification = start(DAWUHANSENGON_RT, name="Toko Tanpa Dusun")
    rt_officer = officers[DAWUHANSENGON_RT]
    verification_approve(actor=rt_officer, verification_id=verification.pk, expected_version=verification.version)
    html = login(client, officers["35.14.01.2002"]).get(reverse("verification:detail", args=[verification.pk])).content.decode()
    assert 'data-level="rt" data-state="approved"' in html
    assert 'data-level="rw" data-state="waiting"' in html
    assert 'data-level="dusun" data-state="skipped"' in html and "RW ini tidak berada di bawah dusun" in html
    assert 'data-level="kabupaten" data-state="pending"' in html
    assert rt_officer.full_name in html  # officers may see who decided
    # Not the desa's turn yet: the page says why and offers no decision.
    assert "masih menunggu verifikasi tingkat RW" in html and 'data-testid="approve"' not in html


def test_out_of_scope_record_decision_and_photo_are_404(client, officers, media):
    verification = start(DUSUN_RT, name="Warung Tetangga")
    visit = FieldVisit.objects.create(
        verification=verification, officer=officers[DUSUN_RT], visited_on=datetime.date(2026, 1, 5), note="Ada",
        photo=SimpleUploadedFile("foto.png", png_bytes()),
    )
    before = snapshot(verification)
    login(client, officers[DUSUN_RT2])
    assert client.get(reverse("verification:detail", args=[verification.pk])).status_code == 404
    for name in ("approve", "reject", "return", "send_back"):
        response = client.post(reverse(f"verification:{name}", args=[verification.pk]), {"version": verification.version, "reason": "x"})
        assert response.status_code == 404
    assert client.get(reverse("verification:visit_photo", args=[visit.pk])).status_code == 404
    assert client.post(reverse("verification:visit_add", args=[verification.pk]), {"note": "x"}).status_code == 404
    assert snapshot(verification) == before


def test_a_level_that_is_not_waited_on_gets_403_with_the_reason_and_changes_nothing(client, officers):
    verification = start(DUSUN_RT)
    before = snapshot(verification)
    login(client, officers[GERBO])
    response = client.post(reverse("verification:approve", args=[verification.pk]), {"version": verification.version})
    assert response.status_code == 403
    assert "masih menunggu verifikasi tingkat RT" in response.content.decode()
    response = client.post(reverse("verification:reject", args=[verification.pk]), {"version": verification.version, "reason": "Fiktif"})
    assert response.status_code == 403
    assert snapshot(verification) == before


def test_a_decision_on_a_record_someone_else_just_decided_is_refused_as_stale(client, officers):
    verification = start(DUSUN_RT, name="Warung Rebutan")
    opened = verification.version
    colleague = UserFactory.at(DUSUN_RT, username="rt.kedua")
    verification_approve(actor=colleague, verification_id=verification.pk, expected_version=opened)
    before = snapshot(verification)
    login(client, officers[DUSUN_RT])
    response = client.post(reverse("verification:reject", args=[verification.pk]), {"version": opened, "reason": "Usaha tidak ada"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "sudah diputuskan atau diubah petugas lain" in html
    assert snapshot(verification) == before


def test_approve_moves_the_record_up_and_back_to_the_queue(client, officers):
    verification = start(DUSUN_RT, name="Warung Naik")
    login(client, officers[DUSUN_RT])
    response = client.post(reverse("verification:approve", args=[verification.pk]), {"version": verification.version}, follow=True)
    assert "Warung Naik disetujui" in response.content.decode()
    assert fresh(verification).level == "rw"
    assert AuditEvent.objects.filter(object_type="registry.registration", after__verification="approve").exists()


def test_reject_and_return_need_a_reason_and_keep_what_was_typed(client, officers):
    verification = start(DUSUN_RT)
    before = snapshot(verification)
    login(client, officers[DUSUN_RT])
    response = client.post(reverse("verification:reject", args=[verification.pk]), {"version": verification.version, "reason": "   "})
    assert response.status_code == 400 and "Tulis alasan penolakan" in response.content.decode()

    response = client.post(
        reverse("verification:return", args=[verification.pk]),
        {"version": verification.version, "reason": "", "fields": ["business.name", "person.phone"]},
    )
    html = response.content.decode()
    assert "Tulis apa yang harus diperbaiki" in html
    assert re.search(r'value="business.name"[^>]*checked', html) and re.search(r'value="person.phone"[^>]*checked', html)
    assert not re.search(r'value="person.nik"[^>]*checked', html)

    response = client.post(reverse("verification:return", args=[verification.pk]), {"version": verification.version, "reason": "Nama usaha beda dengan papan nama"})
    html = response.content.decode()
    assert "Pilih data yang harus diperbaiki" in html and "Nama usaha beda dengan papan nama" in html
    assert snapshot(verification) == before


def test_return_names_the_fields_in_indonesian(client, officers):
    verification = start(DUSUN_RT)
    login(client, officers[DUSUN_RT])
    html = client.get(reverse("verification:detail", args=[verification.pk])).content.decode()
    assert "Usaha: Nama usaha" in html and "Pemilik: Nama lengkap sesuai KTP" in html
    client.post(
        reverse("verification:return", args=[verification.pk]),
        {"version": verification.version, "reason": "Nama usaha beda dengan papan nama", "fields": ["business.name"]},
    )
    verification = fresh(verification)
    assert verification.status == Verification.Status.RETURNED
    assert verification.return_fields == ["business.name"]


def test_send_back_offers_lower_levels_and_needs_a_reason(client, officers):
    verification = approve_until(start(DUSUN_RT), officers, "kecamatan")
    login(client, officers[PURWODADI])
    html = client.get(reverse("verification:detail", args=[verification.pk])).content.decode()
    assert '<option value="rt">RT</option>' in html and '<option value="kabupaten"' not in html
    url = reverse("verification:send_back", args=[verification.pk])
    response = client.post(url, {"version": verification.version, "to_level": "rt", "reason": ""})
    assert "Tulis alasan mengirim kembali" in response.content.decode()
    assert fresh(verification).level == "kecamatan"
    client.post(url, {"version": verification.version, "to_level": "rt", "reason": "Alamat RT tidak jelas"})
    assert fresh(verification).level == "rt"


# --- Bulk approval -------------------------------------------------------------------------------


def test_bulk_approve_picked_rows_refusing_stale_and_foreign_ones_with_reasons(client, officers):
    ok = start(DUSUN_RT, name="Warung Lancar")
    stale = start(DUSUN_RT, name="Warung Basi")
    foreign = start(DAWUHANSENGON_RT, name="Toko Luar Wilayah")
    seen = stale.version
    verification_return(
        actor=UserFactory.at(DUSUN_RT, username="rt.lain"), verification_id=stale.pk, expected_version=seen,
        reason="Foto kurang", fields=["business.name"],
    )
    login(client, officers[DUSUN_RT])
    response = client.post(
        reverse("verification:bulk_approve"),
        {"scope": "picked", "pick": [f"{ok.pk}:{ok.version}", f"{stale.pk}:{seen}", f"{foreign.pk}:{foreign.version}"]},
    )
    html = response.content.decode()
    assert "1 data disetujui" in html
    assert "Warung Basi" in html and "sudah diputuskan atau diubah petugas lain" in html
    assert "Toko Luar Wilayah" not in html and "Data tidak ditemukan di wilayah Anda" in html
    assert fresh(ok).level == "rw"
    assert fresh(stale).status == Verification.Status.RETURNED
    assert fresh(foreign).level == "rt"


def test_bulk_approve_all_shown_takes_the_rows_the_filtered_page_showed(client, officers):
    shown = [start(DUSUN_RT, name=f"Warung Tampil {n}") for n in range(3)]
    login(client, officers[DUSUN_RT])
    html = client.get(reverse("verification:queue")).content.decode()
    assert "Setujui semua yang tampil (3, sesuai filter)" in html
    late = start(DUSUN_RT, name="Warung Datang Belakangan")  # not on the page the officer saw
    response = client.post(
        reverse("verification:bulk_approve"),
        {"scope": "shown", "shown": [f"{v.pk}:{v.version}" for v in shown], "pick": [f"{shown[0].pk}:{shown[0].version}"]},
    )
    assert "3 data disetujui" in response.content.decode()
    assert all(fresh(v).level == "rw" for v in shown) and fresh(late).level == "rt"


def test_bulk_approve_with_nothing_picked_says_so(client, officers):
    start(DUSUN_RT)
    login(client, officers[DUSUN_RT])
    response = client.post(reverse("verification:bulk_approve"), {"scope": "picked", "filters": "group=2"}, follow=True)
    assert "Belum ada data yang dipilih" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?group=2")


# --- Field visits ----------------------------------------------------------------------------------


def test_field_visit_with_a_real_photo_is_kept_audited_and_served_to_those_in_scope(client, officers, media):
    verification = start(DUSUN_RT)
    login(client, officers[DUSUN_RT])
    response = client.post(
        reverse("verification:visit_add", args=[verification.pk]),
        {"visited_on": "2026-01-05", "note": "Warung buka, papan nama sesuai", "photo": SimpleUploadedFile("IMG Pak Budi.png", png_bytes())},
    )
    assert response.status_code == 302
    visit = FieldVisit.objects.get()
    assert visit.photo.name.startswith("kunjungan/") and visit.photo.name.endswith(".png") and "Budi" not in visit.photo.name
    assert (media / visit.photo.name).exists()
    assert AuditEvent.objects.filter(object_type="verification.fieldvisit", object_id=str(visit.pk)).exists()

    photo = client.get(reverse("verification:visit_photo", args=[visit.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == png_bytes()
    # The desa sees it too (the record is inside its region); media is never public.
    assert login(client, officers[GERBO]).get(reverse("verification:visit_photo", args=[visit.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("verification:visit_photo", args=[visit.pk])).status_code == 302


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<?php echo 'bukan foto'; ?>", "foto.jpg"),
        (b"%PDF-1.7 surat keterangan usaha", "foto.png"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", "foto.webp"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused(client, officers, media, content, name):
    verification = start(DUSUN_RT)
    login(client, officers[DUSUN_RT])
    response = client.post(
        reverse("verification:visit_add", args=[verification.pk]),
        {"visited_on": "2026-01-05", "note": "Catatan yang harus tetap ada", "photo": SimpleUploadedFile(name, content)},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "bukan foto JPEG, PNG atau WebP" in html and "Catatan yang harus tetap ada" in html
    assert not FieldVisit.objects.exists()


def test_a_photo_over_5_mb_is_refused(client, officers, media):
    verification = start(DUSUN_RT)
    login(client, officers[DUSUN_RT])
    big = png_bytes() + b"\x00" * (5 * 1024 * 1024)
    response = client.post(
        reverse("verification:visit_add", args=[verification.pk]),
        {"visited_on": "2026-01-05", "note": "Foto besar", "photo": SimpleUploadedFile("besar.png", big)},
    )
    assert "maksimal 5 MB" in response.content.decode()
    assert not FieldVisit.objects.exists()


def test_field_visit_needs_a_note_and_a_date_not_in_the_future(client, officers):
    verification = start(DUSUN_RT)
    login(client, officers[DUSUN_RT])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    html = client.post(reverse("verification:visit_add", args=[verification.pk]), {"visited_on": tomorrow.isoformat(), "note": ""}).content.decode()
    assert "Tulis catatan kunjungan" in html and "tidak boleh setelah hari ini" in html
    assert not FieldVisit.objects.exists()


# --- Desa rule page ------------------------------------------------------------------------------


def test_desa_officer_sets_the_rule_and_new_records_skip_rt(client, officers):
    login(client, officers[GERBO])
    response = client.post(reverse("verification:rules"), {"desa_verifies_rt": "on", "note": "Belum ada petugas RT"})
    assert response.status_code == 302
    rule = VerificationRule.objects.get(desa_id=GERBO)
    assert rule.desa_verifies_rt and not rule.desa_verifies_rw
    assert AuditEvent.objects.filter(object_type="verification.verificationrule").exists()
    verification = start(DUSUN_RT)
    assert verification.level == "rw"
    html = client.get(reverse("verification:rules")).content.decode()
    assert "Belum ada petugas RT" in html


def test_levels_below_desa_cannot_set_rules(client, officers):
    response = login(client, officers[DUSUN_RT]).get(reverse("verification:rules"))
    assert response.status_code == 403 and "petugas desa atau tingkat di atasnya" in response.content.decode()
    assert client.post(reverse("verification:rules"), {"desa_verifies_rt": "on"}).status_code == 403
    assert not VerificationRule.objects.exists()


def test_kecamatan_officer_sets_rules_only_for_desa_in_their_kecamatan(client, officers):
    login(client, officers[PURWODADI])
    url = reverse("verification:rules")
    client.post(f"{url}?desa=35.14.01.2002", {"desa_verifies_rw": "on"})
    assert VerificationRule.objects.get(desa_id="35.14.01.2002").desa_verifies_rw
    response = client.post(f"{url}?desa=35.14.02.2001", {"desa_verifies_rw": "on"})
    assert "di luar wilayah tugas Anda" in response.content.decode()
    assert not VerificationRule.objects.filter(desa_id="35.14.02.2001").exists()


def test_nav_links_officers_to_their_queue(client, officers):
    html = login(client, officers[DUSUN_RT]).get(reverse("registry:home")).content.decode()
    assert reverse("verification:queue") in html
    coordinator = UserFactory.at(region_node("35.14"), role="coordinator")
    html = login(client, coordinator).get(reverse("registry:home")).content.decode()
    assert f'href="{reverse("verification:queue")}"' not in html
