"""SLA: overdue records are found, the waiting officers and the level above are told once
per stay at a level, with a link to the record; records within their limit or already
decided are left alone."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from geliat.notifications.models import Notification
from geliat.verification.models import Verification
from geliat.verification.services import verification_approve, verification_reject
from geliat.verification.sla import KIND, SUMMARY_KIND, sla_check, sla_state, verification_sla_task
from tests.verification.conftest import DAWUHANSENGON_RT, DUSUN_RT, GERBO, TUTUR_DESA

RW = GERBO + ".D01.RW001"
DUSUN = GERBO + ".D01"


def wait(verification: Verification, days: float) -> Verification:
    """Pretend the record has waited ``days`` at its current level."""
    Verification.objects.filter(pk=verification.pk).update(
        waiting_since=timezone.now() - datetime.timedelta(days=days)
    )
    verification.refresh_from_db()
    return verification


def told(user, kind=KIND) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind))


@pytest.fixture
def staffed(officers):
    """Officers at every node Gerbo's Dusun 1 RT 1 records climb through, plus a desa officer."""
    for code in (DUSUN_RT, RW, DUSUN, GERBO):
        officers[code]
    return officers


def test_an_overdue_record_is_told_to_its_officer_and_the_level_above_with_a_link(submit, staffed):
    """RT limit is 3 days: after 4 the RT officer and the RW officer (next level up) are told;
    the dusun and desa officers, further up, are not."""
    verification = wait(submit(DUSUN_RT, name="Warung Bu Sri"), 4)

    result = sla_check()

    assert (result.overdue, result.told, result.already_told) == (1, 1, 0)
    for officer in (staffed[DUSUN_RT], staffed[RW]):
        [notification] = told(officer)
        assert notification.link == f"/verifikasi/{verification.pk}/"
        assert verification.registration.tracking_code in notification.title
        assert "Warung Bu Sri" in notification.body
        assert "tingkat RT" in notification.body and "4 hari" in notification.body and "batas 3 hari" in notification.body
    assert told(staffed[DUSUN]) == [] and told(staffed[GERBO]) == []


def test_each_stay_at_a_level_is_told_once_and_a_new_stay_is_told_again(submit, staffed):
    verification = wait(submit(DUSUN_RT), 4)
    sla_check()

    again = sla_check()

    assert (again.overdue, again.already_told, again.told, again.notifications) == (1, 1, 0, 0)
    assert len(told(staffed[DUSUN_RT])) == 1 and len(told(staffed[RW])) == 1

    # Approved at RT, it now waits at RW: a new stay, told to the RW and dusun officers.
    verification = verification_approve(
        actor=staffed[DUSUN_RT], verification_id=verification.pk, expected_version=verification.version
    )
    wait(verification, 4)
    third = sla_check()

    assert third.told == 1
    assert len(told(staffed[RW])) == 2 and len(told(staffed[DUSUN])) == 1
    assert len(told(staffed[DUSUN_RT])) == 1


def test_records_within_their_limit_or_no_longer_waiting_are_not_told(submit, staffed, officers):
    wait(submit(DUSUN_RT), 2)  # RT allows 3 days
    rejected = submit(DUSUN_RT)
    verification_reject(actor=staffed[DUSUN_RT], verification_id=rejected.pk, expected_version=1, reason="Bukan usaha")
    wait(rejected, 30)
    verified = submit(TUTUR_DESA)
    for code in (TUTUR_DESA, "35.14.02", "35.14"):
        verified = verification_approve(actor=officers[code], verification_id=verified.pk, expected_version=verified.version)
    assert verified.status == Verification.Status.VERIFIED
    wait(verified, 30)

    result = sla_check()

    assert (result.overdue, result.told) == (0, 0)
    assert not Notification.objects.exists()


def test_the_level_above_skips_levels_the_chain_skips(submit, officers):
    """An RW directly under the desa has no dusun: the level above it is the desa."""
    rw = DAWUHANSENGON_RT.rsplit(".", 1)[0]
    verification = submit(DAWUHANSENGON_RT)
    verification = verification_approve(actor=officers[DAWUHANSENGON_RT], verification_id=verification.pk, expected_version=1)
    wait(verification, 4)
    rw_officer, desa_officer = officers[rw], officers["35.14.01.2002"]

    sla_check()

    assert len(told(rw_officer)) == 1 and len(told(desa_officer)) == 1


def test_a_node_without_officers_is_reported_and_the_level_above_still_told(submit, staffed):
    lone_rt = GERBO + ".D01.RW001.RT009"
    verification = wait(submit(lone_rt), 5)

    result = sla_check()

    assert result.unstaffed == [lone_rt]
    assert [n.link for n in told(staffed[RW])] == [f"/verifikasi/{verification.pk}/"]


def test_with_nobody_to_tell_nothing_is_remembered_so_a_new_officer_is_told_later(submit, regions, officers):
    verification = wait(submit(DUSUN_RT), 5)
    assert sla_check().told == 0

    officer = officers[DUSUN_RT]
    result = sla_check()

    assert result.told == 1 and told(officer)[0].link == f"/verifikasi/{verification.pk}/"


def test_the_level_above_gets_a_whatsapp_link_to_remind_the_waiting_officer(submit, staffed, settings):
    settings.GELIAT_WHATSAPP_GATEWAY_URL = ""
    rt_officer = staffed[DUSUN_RT]
    rt_officer.phone = "0812-3456-7890"
    rt_officer.save()
    wait(submit(DUSUN_RT), 4)

    sla_check()

    [above] = told(staffed[RW])
    [own] = told(rt_officer)
    assert above.whatsapp_link.startswith("https://wa.me/6281234567890?text=Verifikasi%20terlambat")
    assert own.whatsapp_link == ""


def test_e_mail_and_whatsapp_carry_one_summary_per_officer_not_one_message_per_record(submit, staffed, settings, django_capture_on_commit_callbacks):
    settings.GELIAT_NOTIFY_EMAIL = True
    settings.GELIAT_WHATSAPP_GATEWAY_URL = "https://wa-gateway.example/send"
    for code in (DUSUN_RT, RW):
        staffed[code].email = f"{code}@example.org"
        staffed[code].phone = "081234567890"
        staffed[code].save()
    for _n in range(3):
        wait(submit(DUSUN_RT), 4)

    with mock.patch("geliat.notifications.channels.urlopen") as urlopen:
        urlopen.return_value.__enter__.return_value.status = 200
        with django_capture_on_commit_callbacks(execute=True):
            result = sla_check()

    assert (result.told, result.officers) == (3, 2)
    assert len(told(staffed[DUSUN_RT])) == 3 and len(told(staffed[RW])) == 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"{DUSUN_RT}@example.org", f"{RW}@example.org"]
    assert "3 data verifikasi terlambat" in mail.outbox[0].subject
    assert urlopen.call_count == 2
    for officer in (staffed[DUSUN_RT], staffed[RW]):
        [summary] = told(officer, SUMMARY_KIND)
        assert summary.channel_sent == {"email": "sent", "whatsapp": "sent"}
        assert all(n.channel_sent == {} for n in told(officer))


def test_without_channels_no_summary_is_added_to_the_in_app_list(submit, staffed):
    wait(submit(DUSUN_RT), 4)

    sla_check()

    assert not Notification.objects.filter(kind=SUMMARY_KIND).exists()


def test_sla_state_gives_days_waited_and_whether_that_is_too_long(submit, staffed):
    verification = wait(submit(DUSUN_RT), 4.5)
    assert sla_state(verification) == (4, True)
    assert sla_state(wait(verification, 2.5)) == (2, False)
    verification = wait(verification, 30)
    verification.status = Verification.Status.REJECTED
    assert sla_state(verification)[1] is False


def test_the_command_prints_what_it_did(submit, staffed):
    wait(submit(DUSUN_RT), 4)
    wait(submit(GERBO + ".D01.RW001.RT009"), 4)
    out = StringIO()

    call_command("verification_sla", stdout=out)

    text = out.getvalue()
    assert "Terlambat: 2 data" in text
    assert "Diberitahukan sekarang: 2 data, 3 notifikasi untuk 2 petugas" in text
    assert "Wilayah tanpa petugas aktif" in text and GERBO + ".D01.RW001.RT009" in text


def test_the_background_task_runs_the_same_check(submit, staffed):
    wait(submit(DUSUN_RT), 4)

    outcome = verification_sla_task.enqueue()

    assert outcome.return_value["told"] == 1
    assert len(told(staffed[RW])) == 1
