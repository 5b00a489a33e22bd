"""Which levels a record climbs, and that a skipped level is always shown as skipped."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geliat.audit.models import AuditEvent
from geliat.registry.models import Channel
from geliat.registry.services import registration_submit
from geliat.verification.chain import SKIP_REASONS, chain_for, skip_reason
from geliat.verification.models import LEVELS, Decision, Verification, VerificationRule
from geliat.verification.selectors import queue_for_user, timeline
from geliat.verification.services import rule_set, verification_start
from tests.factories import PersonFactory, region_node
from tests.verification.conftest import (
    DAWUHANSENGON,
    DAWUHANSENGON_RT,
    DUSUN_RT,
    GERBO,
    KALIREJO_RT,
    approve_until,
    start,
)


def steps(chain: list[dict]) -> list[tuple[str, str, str]]:
    return [(step["level"], step["node"], step["skip"]) for step in chain]


def test_an_rt_inside_a_dusun_climbs_all_six_levels():
    """RT → RW → Dusun → Desa → Kecamatan → Kabupaten, each at the node above the record."""
    assert steps(chain_for(DUSUN_RT)) == [
        ("rt", DUSUN_RT, ""),
        ("rw", GERBO + ".D01.RW001", ""),
        ("dusun", GERBO + ".D01", ""),
        ("desa", GERBO, ""),
        ("kecamatan", "35.14.01", ""),
        ("kabupaten", "35.14", ""),
    ]


def test_an_rw_directly_under_a_desa_skips_the_dusun():
    """A desa whose RW sit under no dusun: the dusun level is skipped as "no_dusun"."""
    assert steps(chain_for(DAWUHANSENGON_RT))[:4] == [
        ("rt", DAWUHANSENGON_RT, ""),
        ("rw", DAWUHANSENGON + ".RW001", ""),
        ("dusun", "", "no_dusun"),
        ("desa", DAWUHANSENGON, ""),
    ]


def test_a_kelurahan_skips_the_dusun_because_it_has_none():
    chain = steps(chain_for(KALIREJO_RT))
    assert chain[2] == ("dusun", "", "kelurahan")
    assert [skip for _, _, skip in chain] == ["", "", "kelurahan", "", "", ""]


def test_a_record_placed_only_at_desa_level_skips_rt_and_rw():
    """Without an RT/RW unit the desa is the first level that acts."""
    chain = steps(chain_for(GERBO))
    assert chain[:4] == [("rt", "", "no_rt"), ("rw", "", "no_rw"), ("dusun", "", "no_dusun"), ("desa", GERBO, "")]


def test_a_desa_rule_delegates_rt_and_rw_to_the_desa():
    """A desa without RT (and RW) officers verifies for them: those levels are skipped, named why."""
    rule = VerificationRule(desa_verifies_rt=True)
    assert steps(chain_for(DUSUN_RT, rule=rule))[:2] == [("rt", "", "desa_rt"), ("rw", GERBO + ".D01.RW001", "")]
    rule.desa_verifies_rw = True
    assert [skip for _, _, skip in steps(chain_for(DUSUN_RT, rule=rule))] == ["desa_rt", "desa_rw", "", "", "", ""]


def test_a_region_above_desa_has_no_chain():
    """A record must sit in a desa or deeper; a kecamatan is a programming error, not a chain."""
    with pytest.raises(ValueError, match="desa"):
        chain_for("35.14.01")


def test_every_skip_reason_reads_in_indonesian():
    assert skip_reason("kelurahan") == "Kelurahan tidak memiliki dusun."
    assert all(skip_reason(code) != code for code in SKIP_REASONS)


_DESA = st.sampled_from([GERBO, DAWUHANSENGON, "35.14.14.1014", "35.14.02.2001"])


@st.composite
def record_codes(draw) -> str:
    """A record's node: a desa or kelurahan, optionally a dusun (desa only), RW and RT below."""
    code = draw(_DESA)
    if not code.split(".")[3].startswith("1") and draw(st.booleans()):
        code += f".D{draw(st.integers(1, 99)):02d}"
    if draw(st.booleans()):
        code += f".RW{draw(st.integers(1, 999)):03d}"
        if draw(st.booleans()):
            code += f".RT{draw(st.integers(1, 999)):03d}"
    return code


@given(code=record_codes(), rt=st.booleans(), rw=st.booleans(), dusun=st.booleans())
def test_every_chain_has_six_levels_each_either_acting_or_skipped_with_a_reason(code, rt, rw, dusun):
    """Whatever the address and rule: six levels RT first; each step has a node that contains
    the record or a known skip reason, never both or neither; desa and above always act."""
    rule = VerificationRule(desa_verifies_rt=rt, desa_verifies_rw=rw, desa_verifies_dusun=dusun)
    chain = chain_for(code, rule=rule)
    assert [step["level"] for step in chain] == list(LEVELS)
    for step in chain:
        assert bool(step["node"]) != bool(step["skip"])
        assert not step["node"] or code == step["node"] or code.startswith(step["node"] + ".")
        assert not step["skip"] or step["skip"] in SKIP_REASONS
    assert all(step["node"] for step in chain[3:])
    assert chain[0]["skip"] == ("desa_rt" if rt else "" if ".RT" in code else "no_rt")


# --- Chains made when verification starts ---------------------------------------------


def test_a_new_registration_waits_for_the_officer_of_its_rt(regions, officers):
    """Registering through the registry starts verification at once: the RT officer sees it."""
    rt = region_node(DUSUN_RT)
    registration = registration_submit(
        person=PersonFactory(region=rt),
        business_data={"name": "Warung Bu Sri", "affected_group": 2, "kbli_section": "I", "address": "Jl. Mawar 1", "region": rt},
        channel=Channel.OFFICER,
        actor=officers[GERBO],
    )
    verification = registration.verification
    assert (verification.status, verification.level, verification.node_code) == ("waiting", "rt", DUSUN_RT)
    assert list(queue_for_user(officers[DUSUN_RT])) == [verification]
    assert list(queue_for_user(officers[GERBO])) == []


def test_starting_twice_does_not_make_a_second_verification(submit):
    verification = submit(DUSUN_RT)
    assert verification_start(registration_ids=[verification.registration_id]) == 0
    assert Verification.objects.filter(registration_id=verification.registration_id).count() == 1


def test_skipped_levels_appear_as_skip_decisions_in_the_timeline(submit):
    """A record placed at desa level starts at the desa; RT, RW and dusun show as skipped, with why."""
    verification = submit(GERBO)
    assert (verification.level, verification.node_code) == ("desa", GERBO)
    assert [(d.action, d.level, d.reason) for d in timeline(verification)] == [
        ("start", "", ""),
        ("skip", "rt", "no_rt"),
        ("skip", "rw", "no_rw"),
        ("skip", "dusun", "no_dusun"),
    ]


def test_a_level_skipped_mid_chain_is_recorded_when_the_record_passes_it(submit, officers):
    """RW directly under the desa: approving at RW moves to the desa and records the dusun skip."""
    verification = approve_until(submit(DAWUHANSENGON_RT), officers, "desa")
    actions = [(d.action, d.level, d.reason) for d in timeline(verification)]
    assert actions == [
        ("start", "", ""),
        ("approve", "rt", ""),
        ("approve", "rw", ""),
        ("skip", "dusun", "no_dusun"),
    ]
    skip = verification.decisions.get(action=Decision.Action.SKIP)
    assert skip.actor == officers[DAWUHANSENGON + ".RW001"]


def test_a_desa_rule_sends_new_records_past_rt_to_the_rw(submit, officers):
    """With the desa verifying for RT, a record in an RT waits first at its RW."""
    rule_set(actor=officers[GERBO], desa=region_node(GERBO), desa_verifies_rt=True, desa_verifies_rw=False, desa_verifies_dusun=False)
    verification = submit(DUSUN_RT)
    assert (verification.level, verification.node_code) == ("rw", GERBO + ".D01.RW001")
    assert verification.decisions.filter(action="skip").values_list("level", "reason").get() == ("rt", "desa_rt")


def test_a_desa_rule_covering_rt_and_rw_sends_records_to_the_dusun(submit, officers):
    rule_set(actor=officers[GERBO], desa=region_node(GERBO), desa_verifies_rt=True, desa_verifies_rw=True, desa_verifies_dusun=False)
    verification = submit(DUSUN_RT)
    assert verification.level == "dusun"
    assert list(verification.decisions.filter(action="skip").values_list("level", "reason")) == [("rt", "desa_rt"), ("rw", "desa_rw")]


def test_a_desa_rule_applies_only_to_its_own_desa(submit, officers):
    rule_set(actor=officers[GERBO], desa=region_node(GERBO), desa_verifies_rt=True, desa_verifies_rw=True, desa_verifies_dusun=True)
    assert submit(DAWUHANSENGON_RT).level == "rt"


def test_changing_a_desa_rule_is_audited(regions, officers):
    rule = rule_set(
        actor=officers[GERBO], desa=region_node(GERBO), desa_verifies_rt=True, desa_verifies_rw=False,
        desa_verifies_dusun=False, note="Belum ada ketua RT",
    )
    event = AuditEvent.objects.get(object_type="verification.verificationrule", object_id=str(rule.pk))
    assert event.actor == officers[GERBO] and event.region_code == GERBO
    assert event.before == {"rt": False, "rw": False, "dusun": False}
    assert event.after == {"rt": True, "rw": False, "dusun": False}


def test_a_start_is_recorded_as_done_by_the_system(regions):
    """Imports and self-registrations enter the queue with "sistem" as the actor, not a person."""
    decision = start(DUSUN_RT).decisions.get()
    assert (decision.action, decision.actor, decision.actor_label) == ("start", None, "sistem")


def test_records_imported_by_a_desa_officer_start_at_desa_with_lower_levels_skipped(regions):
    """An import by a desa officer starts at desa; RT, RW and dusun are shown as skipped for that reason."""
    from geliat.verification.chain import chain_for, skip_reason

    steps = chain_for("35.14.01.2001.D01.RW001.RT001", start_level="desa")
    assert [s["skip"] for s in steps[:3]] == ["imported_desa"] * 3
    assert [s["skip"] for s in steps[3:]] == ["", "", ""]
    assert "petugas desa" in skip_reason("imported_desa")
