"""The coordinators' backlog page: registered vs verified, waiting per level and per area,
overdue, returned and rejected counts and median waits, within the viewer's region."""

import datetime
import re

import pytest
from django.utils import timezone

from geliat.accounts.models import Role
from geliat.verification.models import Verification
from geliat.verification.services import (
    verification_approve,
    verification_reject,
    verification_return,
)
from tests.factories import UserFactory
from tests.verification.conftest import DUSUN_RT, TUTUR_DESA

URL = "/verifikasi/rekap/"
PURWODADI, TUTUR = "35.14.01", "35.14.02"
DAWUHANSENGON = "35.14.01.2002"


def waited(verification: Verification, **delta) -> Verification:
    Verification.objects.filter(pk=verification.pk).update(waiting_since=timezone.now() - datetime.timedelta(**delta))
    verification.refresh_from_db()
    return verification


@pytest.fixture
def known(submit, officers):
    """Seven records. Gerbo RT 1: one overdue at RT (4 days), one fresh at RT, one returned
    at RT after 4 h, one rejected at RT after 6 h, one verified (waited 10 h at RT).
    Dawuhansengon: one fresh at desa. Tutur: one at desa for 10 days (overdue)."""
    waited(submit(DUSUN_RT), days=4)
    submit(DUSUN_RT)
    returned = waited(submit(DUSUN_RT), hours=4)
    verification_return(
        actor=officers[DUSUN_RT], verification_id=returned.pk, expected_version=1, reason="Foto kurang", fields=["name"]
    )
    rejected = waited(submit(DUSUN_RT), hours=6)
    verification_reject(actor=officers[DUSUN_RT], verification_id=rejected.pk, expected_version=1, reason="Ganda")
    verified = waited(submit(DUSUN_RT), hours=10)
    while verified.status == Verification.Status.WAITING:
        verified = verification_approve(
            actor=officers[verified.node_code], verification_id=verified.pk, expected_version=verified.version
        )
    assert verified.status == Verification.Status.VERIFIED
    submit(DAWUHANSENGON)
    waited(submit(TUTUR_DESA), days=10)


def figure(html: str, name: str) -> str:
    return re.search(rf'<dd data-testid="{name}">(.*?)</dd>', html).group(1)


def row(html: str, attribute: str, value: str) -> list[str]:
    """The cells of table row ``<tr attribute="value">`` as the reader sees them."""
    match = re.search(rf'<tr {attribute}="{re.escape(value)}">(.*?)</tr>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in re.findall(r"<td>(.*?)</td>", match.group(1), re.S)]


def page(client, user, **params) -> tuple[int, str]:
    client.force_login(user)
    response = client.get(URL, params)
    return response.status_code, response.content.decode()


@pytest.fixture
def coordinator(regions):
    return UserFactory.at("35.14", role=Role.COORDINATOR)


def test_the_regency_backlog_says_registered_and_verified_apart(client, known, coordinator):
    status, html = page(client, coordinator)

    assert status == 200
    assert "Terdaftar (semua pendaftaran, terverifikasi atau belum)" in html
    assert "Terverifikasi (disetujui sampai tingkat kabupaten)" in html
    totals = {name: figure(html, name) for name in ("registered", "verified", "waiting", "overdue", "returned", "rejected")}
    assert totals == {"registered": "7", "verified": "1", "waiting": "4", "overdue": "2", "returned": "1", "rejected": "1"}


def test_per_level_waiting_overdue_returned_rejected_and_median_hours(client, known, coordinator):
    _status, html = page(client, coordinator)

    # level, waiting, overdue, limit, returned, rejected, median (RT waits: 10 h, 4 h, 6 h)
    rt = row(html, "data-level", "rt")
    assert rt[:6] == ["RT", "2", "1", "3 hari", "1", "1"]
    assert re.fullmatch(r"6[.,]0 jam", rt[6])
    assert row(html, "data-level", "desa")[:6] == ["Desa/Kelurahan", "2", "1", "5 hari", "0", "0"]
    assert row(html, "data-level", "kabupaten")[1:3] == ["0", "0"]


def test_per_kecamatan_table_for_the_regency(client, known, coordinator):
    _status, html = page(client, coordinator)

    # name, registered, verified, waiting RT/RW/dusun/desa/kecamatan/kabupaten, overdue, returned, rejected
    assert row(html, "data-area", PURWODADI) == ["Purwodadi", "6", "1", "2", "0", "0", "1", "0", "0", "1", "1", "1"]
    assert row(html, "data-area", TUTUR) == ["Tutur", "1", "0", "0", "0", "0", "1", "0", "0", "1", "0", "0"]
    # A kecamatan with nothing registered still shows, with zeros.
    assert row(html, "data-area", "35.14.03")[1:] == ["0"] * 11


def test_choosing_a_kecamatan_breaks_it_down_per_desa(client, known, coordinator):
    _status, html = page(client, coordinator, kecamatan=PURWODADI)

    assert figure(html, "registered") == "6"
    assert row(html, "data-area", "35.14.01.2001") == ["Gerbo", "5", "1", "2", "0", "0", "0", "0", "0", "1", "1", "1"]
    assert row(html, "data-area", DAWUHANSENGON)[1:3] == ["1", "0"]
    assert f'data-area="{TUTUR}"' not in html


def test_a_kecamatan_officer_sees_only_their_kecamatan_per_desa(client, known, officers):
    _status, html = page(client, officers[PURWODADI])

    assert figure(html, "registered") == "6" and figure(html, "overdue") == "1"
    assert 'data-area="35.14.01.2001"' in html and f'data-area="{TUTUR}"' not in html


def test_an_out_of_scope_kecamatan_is_ignored_with_a_visible_note(client, known, officers):
    status, html = page(client, officers[PURWODADI], kecamatan=TUTUR)

    assert status == 200
    assert figure(html, "registered") == "6"
    note = re.search(r'data-testid="filter-note">(.*?)</p>', html).group(1)
    assert TUTUR in note and "diabaikan" in note


def test_an_unknown_kecamatan_code_is_ignored_with_a_note(client, known, coordinator):
    _status, html = page(client, coordinator, kecamatan="99.99<b>")

    assert figure(html, "registered") == "7"
    assert "99.99&lt;b&gt;" in html and "diabaikan" in html


@pytest.mark.parametrize("code", [DUSUN_RT, "35.14.01.2001"])
def test_officers_below_kecamatan_are_refused(client, known, officers, code):
    status, html = page(client, officers[code])

    assert status == 403
    assert "koordinator dan petugas tingkat kecamatan atau kabupaten" in html
    assert 'data-testid="registered"' not in html


def test_agency_staff_are_refused_and_visitors_sent_to_login(client, regions):
    status, _html = page(client, UserFactory.at("35.14", role=Role.AGENCY))
    assert status == 403
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
