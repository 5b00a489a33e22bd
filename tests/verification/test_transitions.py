"""Each decision an officer (or registrant) takes, who may take it when, what it records,
and the figures coordinators read from the result."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import timezone

from geliat.audit.models import AuditEvent
from geliat.registry.services import business_update
from geliat.verification.models import Decision, Verification
from geliat.verification.selectors import (
    backlog_by_area,
    backlog_by_level,
    median_wait_by_level,
    status_counts,
)
from geliat.verification.services import (
    NotYourTurn,
    lower_steps,
    verification_approve,
    verification_reject,
    verification_resubmit,
    verification_return,
    verification_send_back,
)
from tests.factories import UserFactory, region_node
from tests.verification.conftest import (
    DAWUHANSENGON,
    DAWUHANSENGON_RT,
    DUSUN_RT,
    DUSUN_RT2,
    GERBO,
    TUTUR_DESA,
    approve_until,
)

DUSUN_RW = GERBO + ".D01.RW001"
DUSUN = GERBO + ".D01"


def state(verification: Verification) -> tuple:
    """Everything a refused decision must leave as it was."""
    verification.refresh_from_db()
    events = AuditEvent.objects.filter(object_type="registry.registration", object_id=str(verification.registration_id))
    return (
        verification.status, verification.step, verification.level, verification.node_code, verification.version,
        verification.waiting_since, verification.decisions.count(), events.count(),
    )


def approve(verification, actor) -> Verification:
    return verification_approve(actor=actor, verification_id=verification.pk, expected_version=verification.version)


# --- Start and approval up the chain ---------------------------------------------------


def test_a_started_record_waits_at_its_first_level(submit):
    verification = submit(DUSUN_RT)
    assert (verification.status, verification.step, verification.level, verification.node_code) == ("waiting", 0, "rt", DUSUN_RT)
    assert verification.version == 1
    assert list(verification.decisions.values_list("action", flat=True)) == ["start"]


def test_approval_at_each_level_in_order_ends_verified_at_kabupaten(submit, officers):
    """Each approval hands the record to the next level's node; Kabupaten's approval verifies it."""
    verification = submit(DUSUN_RT)
    climbed = []
    for node in (DUSUN_RT, DUSUN_RW, DUSUN, GERBO, "35.14.01", "35.14"):
        assert (verification.status, verification.node_code) == ("waiting", node)
        verification = approve(verification, officers[node])
        climbed.append(verification.level)
    assert climbed == ["rw", "dusun", "desa", "kecamatan", "kabupaten", ""]
    assert verification.status == "verified" and verification.node_code == ""
    assert list(verification.decisions.filter(action="approve").values_list("level", "actor__username")) == [
        (level, f"petugas.{node}")
        for level, node in zip(
            ["rt", "rw", "dusun", "desa", "kecamatan", "kabupaten"],
            [DUSUN_RT, DUSUN_RW, DUSUN, GERBO, "35.14.01", "35.14"],
            strict=True,
        )
    ]
    assert verification.version == 7


# --- Who may act when ------------------------------------------------------------------


def test_a_desa_officer_cannot_act_while_the_record_waits_at_rt(submit, officers):
    """A higher level must wait for the lower ones; it is told which level the record waits at."""
    verification = submit(DUSUN_RT)
    before = state(verification)
    with pytest.raises(NotYourTurn, match="masih menunggu verifikasi tingkat RT"):
        approve(verification, officers[GERBO])
    with pytest.raises(NotYourTurn):
        verification_reject(actor=officers[GERBO], verification_id=verification.pk, expected_version=1, reason="Usaha fiktif")
    assert state(verification) == before


def test_the_officer_of_another_rt_cannot_act(submit, officers):
    verification = submit(DUSUN_RT)
    before = state(verification)
    with pytest.raises(NotYourTurn, match="petugas wilayah lain pada tingkat yang sama"):
        approve(verification, officers[DUSUN_RT2])
    assert state(verification) == before


def test_a_lower_officer_cannot_act_once_the_record_has_passed_them(submit, officers):
    verification = approve(submit(DUSUN_RT), officers[DUSUN_RT])
    before = state(verification)
    with pytest.raises(NotYourTurn, match="sudah berada di tingkat RW, di atas tingkat Anda"):
        approve(verification, officers[DUSUN_RT])
    assert state(verification) == before


@pytest.mark.parametrize(
    ("role", "code"),
    [("coordinator", "35.14"), ("agency", "35.14"), ("agency", DUSUN_RT)],
    ids=["coordinator", "agency-at-kabupaten", "agency-at-the-rt"],
)
def test_coordinators_and_agency_staff_cannot_decide(submit, officers, role, code):
    """Only region officers verify, even when the user sits at the very node the record waits at."""
    verification = submit(DUSUN_RT)
    if code == "35.14":
        verification = approve_until(verification, officers, "kabupaten")
    user = UserFactory.at(code, role=role)
    before = state(verification)
    with pytest.raises(NotYourTurn, match="Hanya petugas wilayah"):
        approve(verification, user)
    with pytest.raises(NotYourTurn, match="Hanya petugas wilayah"):
        verification_reject(actor=user, verification_id=verification.pk, expected_version=verification.version, reason="Tidak ada")
    assert state(verification) == before


def test_a_deactivated_officer_cannot_decide(submit, officers):
    verification = submit(DUSUN_RT)
    officer = officers[DUSUN_RT]
    officer.is_active = False
    officer.save()
    with pytest.raises(NotYourTurn, match="Hanya petugas wilayah"):
        approve(verification, officer)
    assert state(verification)[0:5] == ("waiting", 0, "rt", DUSUN_RT, 1)


# --- Reject ----------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reject_without_a_reason_is_refused_naming_the_reason_field(submit, officers, reason):
    verification = submit(DUSUN_RT)
    before = state(verification)
    with pytest.raises(ValidationError) as refused:
        verification_reject(actor=officers[DUSUN_RT], verification_id=verification.pk, expected_version=1, reason=reason)
    assert list(refused.value.message_dict) == ["reason"]
    assert "alasan" in refused.value.message_dict["reason"][0]
    assert state(verification) == before


def test_a_rejection_is_final(submit, officers):
    """A rejected record leaves every queue: no level can act on it and it cannot be resubmitted."""
    verification = approve(submit(DUSUN_RT), officers[DUSUN_RT])
    verification = verification_reject(
        actor=officers[DUSUN_RW], verification_id=verification.pk, expected_version=2, reason="  Usaha sudah tutup permanen "
    )
    assert verification.status == "rejected"
    assert verification.decisions.get(action="reject").reason == "Usaha sudah tutup permanen"
    before = state(verification)
    with pytest.raises(NotYourTurn, match="Ditolak"):
        approve(verification, officers[DUSUN_RW])
    with pytest.raises(NotYourTurn):
        approve(verification, officers[DUSUN])
    with pytest.raises(ValidationError):
        verification_resubmit(actor=None, verification_id=verification.pk)
    assert state(verification) == before


# --- Return for correction and resubmit ------------------------------------------------


def test_a_return_needs_a_reason_and_the_fields_to_fix(submit, officers):
    verification = submit(DUSUN_RT)
    before = state(verification)
    with pytest.raises(ValidationError) as no_reason:
        verification_return(actor=officers[DUSUN_RT], verification_id=verification.pk, expected_version=1, reason="", fields=["phone"])
    with pytest.raises(ValidationError) as no_fields:
        verification_return(actor=officers[DUSUN_RT], verification_id=verification.pk, expected_version=1, reason="Nomor HP salah", fields=[])
    assert list(no_reason.value.message_dict) == ["reason"]
    assert list(no_fields.value.message_dict) == ["fields"]
    assert state(verification) == before


def test_a_returned_record_waits_for_the_registrant_not_an_officer(submit, officers):
    verification = approve_until(submit(DUSUN_RT), officers, "desa")
    verification = verification_return(
        actor=officers[GERBO], verification_id=verification.pk, expected_version=verification.version,
        reason="Nomor HP tidak aktif", fields=["phone"],
    )
    assert (verification.status, verification.return_reason, verification.return_fields) == ("returned", "Nomor HP tidak aktif", ["phone"])
    with pytest.raises(NotYourTurn, match="Dikembalikan untuk perbaikan"):
        approve(verification, officers[GERBO])


def test_a_corrected_record_climbs_again_from_the_level_that_returned_it(submit, officers):
    """Returned at desa, corrected and resubmitted by the registrant (no account): it waits at
    the desa again, not at RT; the chain stays and the return note is cleared."""
    verification = approve_until(submit(DUSUN_RT), officers, "desa")
    chain = verification.chain
    verification = verification_return(
        actor=officers[GERBO], verification_id=verification.pk, expected_version=verification.version,
        reason="Nomor HP tidak aktif", fields=["phone"],
    )
    verification = verification_resubmit(actor=None, verification_id=verification.pk)
    assert (verification.status, verification.level, verification.node_code) == ("waiting", "desa", GERBO)
    assert verification.chain == chain
    assert (verification.return_reason, verification.return_fields) == ("", [])
    resubmit = verification.decisions.get(action="resubmit")
    assert (resubmit.actor, resubmit.actor_label, resubmit.fields) == (None, "publik", ["phone"])
    assert approve(verification, officers[GERBO]).level == "kecamatan"


def test_a_corrected_address_remakes_the_chain(submit, officers):
    """Returned at RW because the address was wrong; moved to another RW it waits at that RW,
    and the new chain runs through the new RT and RW."""
    verification = approve(submit(DUSUN_RT), officers[DUSUN_RT])
    verification = verification_return(
        actor=officers[DUSUN_RW], verification_id=verification.pk, expected_version=verification.version,
        reason="Alamat ini bukan wilayah RW 001", fields=["region"],
    )
    business = verification.registration.business
    moved = GERBO + ".D01.RW002.RT005"
    business_update(actor=None, business=business, data={"region": region_node(moved), "rw": "002", "rt": "005"}, expected_version=business.version)
    verification = verification_resubmit(actor=None, verification_id=verification.pk)
    assert (verification.status, verification.level, verification.node_code) == ("waiting", "rw", GERBO + ".D01.RW002")
    assert verification.region_code == moved
    assert verification.chain[0]["node"] == moved
    with pytest.raises(NotYourTurn):
        approve(verification, officers[DUSUN_RW])
    assert approve(verification, officers[GERBO + ".D01.RW002"]).level == "dusun"


def test_only_a_returned_record_can_be_resubmitted(submit):
    verification = submit(DUSUN_RT)
    before = state(verification)
    with pytest.raises(ValidationError, match="tidak sedang menunggu perbaikan"):
        verification_resubmit(actor=None, verification_id=verification.pk)
    assert state(verification) == before


# --- Send back -------------------------------------------------------------------------


def test_a_higher_level_sends_a_record_back_down_with_a_reason(submit, officers):
    """Kecamatan sends back to RT: the RT officer decides again and the record climbs anew."""
    verification = approve_until(submit(DUSUN_RT), officers, "kecamatan")
    assert [step["level"] for step in lower_steps(verification)] == ["rt", "rw", "dusun", "desa"]
    verification = verification_send_back(
        actor=officers["35.14.01"], verification_id=verification.pk, expected_version=verification.version,
        to_level="rt", reason="Foto usaha tidak sesuai alamat",
    )
    assert (verification.status, verification.level, verification.node_code) == ("waiting", "rt", DUSUN_RT)
    sent = verification.decisions.get(action="send_back")
    assert (sent.level, sent.reason, sent.fields) == ("kecamatan", "Foto usaha tidak sesuai alamat", ["rt"])
    with pytest.raises(NotYourTurn):
        approve(verification, officers["35.14.01"])
    assert approve(verification, officers[DUSUN_RT]).node_code == DUSUN_RW


def test_a_send_back_without_a_reason_is_refused(submit, officers):
    verification = approve_until(submit(DUSUN_RT), officers, "desa")
    before = state(verification)
    with pytest.raises(ValidationError) as refused:
        verification_send_back(actor=officers[GERBO], verification_id=verification.pk, expected_version=verification.version, to_level="rt", reason=" ")
    assert list(refused.value.message_dict) == ["reason"]
    assert state(verification) == before


@pytest.mark.parametrize("to_level", ["dusun", "desa", "kecamatan", "kabupaten", "provinsi"])
def test_a_send_back_to_a_skipped_same_or_higher_level_is_refused(submit, officers, to_level):
    """The RW sits directly under the desa (dusun skipped); the record waits at desa."""
    verification = approve_until(submit(DAWUHANSENGON_RT), officers, "desa")
    before = state(verification)
    with pytest.raises(ValidationError) as refused:
        verification_send_back(
            actor=officers[DAWUHANSENGON], verification_id=verification.pk, expected_version=verification.version,
            to_level=to_level, reason="Periksa ulang",
        )
    assert list(refused.value.message_dict) == ["to_level"]
    assert state(verification) == before


# --- Audit -----------------------------------------------------------------------------


DECISIONS = {
    "approve": lambda v, actor: verification_approve(actor=actor, verification_id=v.pk, expected_version=v.version),
    "reject": lambda v, actor: verification_reject(actor=actor, verification_id=v.pk, expected_version=v.version, reason="Usaha fiktif"),
    "return": lambda v, actor: verification_return(
        actor=actor, verification_id=v.pk, expected_version=v.version, reason="NIK tidak terbaca", fields=["nik"]
    ),
    "send_back": lambda v, actor: verification_send_back(
        actor=actor, verification_id=v.pk, expected_version=v.version, to_level="rw", reason="Periksa ulang"
    ),
}


@pytest.mark.parametrize("action", DECISIONS)
def test_every_decision_records_who_when_level_action_reason_and_an_audit_event(submit, officers, action):
    verification = approve_until(submit(DUSUN_RT), officers, "dusun")
    before = timezone.now()
    DECISIONS[action](verification, officers[DUSUN])
    decision = verification.decisions.filter(action=action).latest("id")
    expected_reason = {"approve": "", "reject": "Usaha fiktif", "return": "NIK tidak terbaca", "send_back": "Periksa ulang"}[action]
    assert decision.actor == officers[DUSUN] and decision.actor_label == f"petugas.{DUSUN}"
    assert before <= decision.at <= timezone.now()
    assert (decision.level, decision.node_code, decision.reason) == ("dusun", DUSUN, expected_reason)
    event = AuditEvent.objects.filter(object_type="registry.registration", object_id=str(verification.registration_id)).latest("id")
    assert event.actor == officers[DUSUN] and event.region_code == DUSUN_RT
    assert (event.after["verification"], event.after["level"], event.after["reason"]) == (action, "dusun", expected_reason)


def test_a_resubmit_is_audited_on_the_registration(submit, officers):
    verification = submit(DUSUN_RT)
    verification_return(actor=officers[DUSUN_RT], verification_id=verification.pk, expected_version=1, reason="Nama usaha salah", fields=["name"])
    verification_resubmit(actor=None, verification_id=verification.pk)
    event = AuditEvent.objects.filter(object_type="registry.registration", object_id=str(verification.registration_id)).latest("id")
    assert (event.actor_label, event.after["verification"], event.after["fields"]) == ("publik", "resubmit", ["name"])


# --- Counts ----------------------------------------------------------------------------


@pytest.fixture
def known_set(submit, officers):
    """Six records: two waiting at Gerbo's RTs, one at Gerbo desa, one returned by Gerbo desa,
    one verified in Dawuhansengon, one waiting at a desa in Kecamatan Tutur."""
    verified = approve_until(submit(DAWUHANSENGON), officers, "kabupaten")
    approve(verified, officers["35.14"])
    returned = submit(GERBO)
    verification_return(actor=officers[GERBO], verification_id=returned.pk, expected_version=1, reason="Foto buram", fields=["photo"])
    return [submit(DUSUN_RT), submit(DUSUN_RT2), submit(GERBO), submit(TUTUR_DESA)]


def test_status_counts_say_registered_and_verified_inside_the_users_region(known_set, officers):
    assert status_counts(officers["35.14"]) == {"registered": 6, "waiting": 4, "returned": 1, "rejected": 0, "verified": 1}
    assert status_counts(officers["35.14.01"]) == {"registered": 5, "waiting": 3, "returned": 1, "rejected": 0, "verified": 1}
    assert status_counts(officers[GERBO]) == {"registered": 4, "waiting": 3, "returned": 1, "rejected": 0, "verified": 0}


def test_status_counts_say_zero_verified_when_nothing_is_verified_yet(submit, officers):
    """A count labelled "verified" must read 0, not be missing, before the first approval at Kabupaten."""
    submit(DUSUN_RT)
    counts = status_counts(officers["35.14"])
    assert counts["registered"] == 1 and counts["verified"] == 0


def test_backlog_by_level_counts_what_waits_and_what_was_returned(known_set, officers):
    assert backlog_by_level(officers["35.14"]) == {
        "rt": {"waiting": 2},
        "desa": {"waiting": 2, "returned": 1},
        "verified": {"verified": 1},
    }
    assert backlog_by_level(officers[DUSUN_RT]) == {"rt": {"waiting": 1}}


def test_backlog_by_level_renders_in_a_template(known_set, officers):
    """The coordinator's page iterates the table: it must behave as a plain mapping there."""
    rendered = Template("{% for level, row in table.items %}{{ level }}:{{ row.waiting|default:0 }} {% endfor %}").render(
        Context({"table": backlog_by_level(officers["35.14"])})
    )
    assert sorted(rendered.split()) == ["desa:2", "rt:2", "verified:0"]


def test_backlog_by_area_per_kecamatan_and_per_desa(known_set, officers):
    assert backlog_by_area(officers["35.14"], depth=8) == [
        {"area": "35.14.01", "level": "desa", "n": 1},
        {"area": "35.14.01", "level": "rt", "n": 2},
        {"area": "35.14.02", "level": "desa", "n": 1},
    ]
    assert backlog_by_area(officers["35.14.01"], depth=13) == [
        {"area": GERBO, "level": "desa", "n": 1},
        {"area": GERBO, "level": "rt", "n": 2},
    ]


def test_median_wait_by_level_in_hours(submit, officers):
    """RT decisions after 1, 3 and 8 hours (median 3); RW after 2 and 4 (median 3, the mean of the middle two)."""
    now = timezone.now()
    for rt_hours, rw_hours in ((1, 2), (3, 4), (8, None)):
        verification = submit(DUSUN_RT)
        Verification.objects.filter(pk=verification.pk).update(waiting_since=now - datetime.timedelta(hours=rt_hours))
        verification = approve(verification, officers[DUSUN_RT])
        if rw_hours is not None:
            Verification.objects.filter(pk=verification.pk).update(waiting_since=now - datetime.timedelta(hours=rw_hours))
            verification_reject(actor=officers[DUSUN_RW], verification_id=verification.pk, expected_version=verification.version, reason="Ganda")
    medians = median_wait_by_level(officers["35.14"])
    assert set(medians) == {"rt", "rw"}
    assert medians["rt"] == pytest.approx(3, abs=0.01)
    assert medians["rw"] == pytest.approx(3, abs=0.01)
    assert median_wait_by_level(officers[TUTUR_DESA]) == {}
    assert median_wait_by_level(officers["35.14"], since=timezone.now() + datetime.timedelta(minutes=1)) == {}


def test_waited_time_is_kept_on_each_decision(submit, officers):
    verification = submit(DUSUN_RT)
    Verification.objects.filter(pk=verification.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=2))
    approve(verification, officers[DUSUN_RT])
    waited = Decision.objects.get(verification=verification, action="approve").waited_seconds
    assert 2 * 86400 <= waited < 2 * 86400 + 60
