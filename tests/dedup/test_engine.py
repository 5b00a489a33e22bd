"""Pair scoring on hand-made Indonesian cases, and the engine's interface.

Positives are the errors real lists carry; negatives are the people a naive model
merges: a namesake in the same desa, a spouse sharing the phone, a child of the house,
twins.
"""

import datetime
import json

import pytest

from geliat.dedup.engine import (
    FIELDS,
    blocking_keys,
    link_records,
    model_load,
    model_save,
    model_train,
    name_key,
    score_candidates,
)
from geliat.dedup.engine.comparisons import COMPARISONS, guard
from geliat.dedup.engine.model import PACKAGED_MODEL, Model
from geliat.dedup.engine.prepare import prepare_frame, prepare_record
from geliat.dedup.synthetic import generate, pairwise_scores

MATCH = 0.9
NON_MATCH = 0.5

SHOLEH = {
    "id": "a", "nik": "3514011203850003", "name": "Moch. Sholeh", "sex": "L", "birth_date": "1985-03-12",
    "address": "Jl. Masjid No. 3", "rt": "03", "rw": "01", "village": "35.14.01.2001", "district": "35.14.01",
    "phone": "081234567890",
}
AISYAH = {
    "id": "b", "nik": "3514015507880002", "name": "Siti Nur Aisyah", "sex": "P", "birth_date": "15/07/1988",
    "address": "Dusun Krajan", "rt": "2", "rw": "4", "village": "Kejapanan", "district": "Gempol",
    "phone": "085711112222",
}


def record(base: dict, **changes) -> dict:
    return {**base, **changes}


def probability(left: dict, right: dict) -> float:
    return score_candidates(left, [right])[0].probability


def levels(left: dict, right: dict) -> dict:
    return score_candidates(left, [right])[0].levels


# --- the same person -----------------------------------------------------------------


def test_muhammad_spellings_and_formats_match():
    """Moch. Sholeh and MUHAMMAD SHOLEH with one NIK, the date written another way, are one person."""
    other = record(SHOLEH, id="x", name="MUHAMMAD SHOLEH", birth_date="12-03-1985", rt="3", rw="1",
                   phone="+62 812-3456-7890", address="JL MASJID NO 3")
    assert probability(SHOLEH, other) >= MATCH
    assert levels(SHOLEH, other)["name"] == "exact"


def test_joined_name_and_missing_female_plus_40_match():
    """Siti Nur Aisyah and Siti Nuraisyah, her NIK typed without the +40 on the day, are one person."""
    other = record(AISYAH, id="x", name="SITI NURAISYAH", nik="3514011507880002", phone="")
    assert probability(AISYAH, other) >= MATCH
    assert levels(AISYAH, other)["nik"] == "close"


def test_swapped_day_and_month_match():
    """A birth date with day and month swapped still points to the same person."""
    other = record(SHOLEH, id="x", birth_date="1985-12-03")
    assert probability(SHOLEH, other) >= MATCH
    assert levels(SHOLEH, other)["birth_date"] == "close"


def test_excel_zeroed_nik_matches():
    """A NIK whose 16th digit a spreadsheet turned into 0 still matches its person."""
    other = record(SHOLEH, id="x", nik="3514011203850000", name="Moh. Soleh")
    assert probability(SHOLEH, other) >= MATCH
    assert levels(SHOLEH, other)["nik"] == "close"


def test_nik_typo_and_transposition_match():
    """One mistyped digit or two swapped digits of the NIK, with the rest agreeing, is the same person."""
    typo = record(SHOLEH, id="x", nik="3514011208850003")
    swapped = record(SHOLEH, id="y", nik="3514011230850003")
    assert probability(SHOLEH, typo) >= MATCH
    assert probability(SHOLEH, swapped) >= MATCH


def test_old_desa_spelling_matches():
    """The desa written in the old spelling with a prefix ("Ds. Kedjapanan") is the same desa."""
    other = record(AISYAH, id="x", village="Ds. Kedjapanan", name="St. Noer Aisjah")
    assert probability(AISYAH, other) >= MATCH
    assert levels(AISYAH, other)["village"] == "exact"


def test_missing_nik_with_agreeing_details_matches():
    """Without a NIK on one side, name, birth date, desa, RT/RW and phone still make the match."""
    other = record(SHOLEH, id="x", nik="")
    assert probability(SHOLEH, other) >= MATCH
    assert levels(SHOLEH, other)["nik"] == "missing"


# --- different people ------------------------------------------------------------------


def test_namesake_in_the_same_desa_is_not_matched():
    """Another Muhammad Sholeh of the same desa, with his own NIK and birth date, is another person."""
    namesake = record(SHOLEH, id="x", name="Muhammad Sholeh", nik="3514010407790001", birth_date="1979-07-04",
                      rt="07", rw="02", address="Dusun Krajan", phone="085799998888")
    assert probability(SHOLEH, namesake) < NON_MATCH


def test_spouse_sharing_the_phone_is_not_matched():
    """His wife, at the same address and RT/RW with the same phone, is another person."""
    wife = record(SHOLEH, id="x", name="Siti Aminah", sex="P", nik="3514015009880001", birth_date="1988-09-10")
    result = score_candidates(SHOLEH, [wife])[0]
    assert result.probability < NON_MATCH
    assert result.levels["phone"] == "exact"
    assert result.levels["nik"] == "different"


def test_household_member_sharing_surname_is_not_matched():
    """A son sharing surname, phone, address and RT/RW, with his own NIK and birth date, is another person."""
    son = record(SHOLEH, id="x", name="Muhammad Rizky Sholeh", nik="3514012005080001", birth_date="2008-05-20")
    assert probability(SHOLEH, son) < NON_MATCH


def test_twins_are_not_matched():
    """Twins share birth date, house and phone, and their NIKs differ only in the serial."""
    first = record(SHOLEH, name="Rizky Santoso", nik="3514011203050001", birth_date="2005-03-12")
    second = record(first, id="x", name="Dimas Santoso", nik="3514011203050002")
    assert probability(first, second) < NON_MATCH


def test_same_name_elsewhere_with_another_nik_is_not_matched():
    """One name and birth date but a clearly different NIK and another desa are two people."""
    other = record(SHOLEH, id="x", nik="3514220101700004", village="35.14.22.2003", district="35.14.22",
                   rt="5", rw="2", address="Jl. Raya No. 1", phone="")
    assert probability(SHOLEH, other) < NON_MATCH


# --- garbage and ordering ----------------------------------------------------------------


@pytest.mark.parametrize("garbage", [
    {"nik": "3.51401E+15", "birth_date": "31/02/1990", "rt": "abc", "phone": "0", "sex": "?"},
    {"nik": None, "name": None, "birth_date": None, "village": None, "district": None, "address": None},
    {"nik": 3514011203850003.0, "birth_date": datetime.date(1985, 3, 12), "rt": 3, "rw": 1.0},
])
def test_garbage_fields_lower_evidence_without_errors(garbage):
    """Empty, unreadable or non-text values are scored as missing; nothing raises."""
    other = record(SHOLEH, id="x", **garbage)
    result = score_candidates(SHOLEH, [other])[0]
    assert 0.0 <= result.probability <= 1.0
    assert set(result.levels.values()) <= {"exact", "close", "different", "missing"}


def test_candidates_come_highest_first():
    """score_candidates sorts its answer by probability, highest first."""
    wife = record(SHOLEH, id="w", name="Siti Aminah", sex="P", nik="3514015009880001", birth_date="1988-09-10")
    same = record(SHOLEH, id="s", name="MUHAMMAD SHOLEH")
    scores = score_candidates(SHOLEH, [wife, same, record(AISYAH, id="z")])
    assert [score.right_id for score in scores][0] == "s"
    assert [s.probability for s in scores] == sorted((s.probability for s in scores), reverse=True)


def test_levels_name_every_field_for_officers():
    """Each score says, per field, whether it agreed, nearly agreed, differed or was missing."""
    result = score_candidates(SHOLEH, [record(SHOLEH, id="x", birth_date="1985-12-03", phone="")])[0]
    assert set(result.levels) == {c.field for c in COMPARISONS}
    assert result.levels["birth_date"] == "close"
    assert result.levels["phone"] == "missing"
    assert result.levels["nik"] == "exact"


# --- blocking keys -----------------------------------------------------------------------


def test_blocking_keys_reach_the_damaged_duplicates():
    """A duplicate with an Excel-zeroed NIK, a missing +40 or swapped dates shares a key with its person."""
    variants = [
        record(SHOLEH, nik="3514011203850000"),
        record(SHOLEH, birth_date="1985-12-03", nik=""),
        record(AISYAH, nik="3514011507880002"),
    ]
    for original, variant in zip([SHOLEH, SHOLEH, AISYAH], variants, strict=True):
        shared = set(blocking_keys(original).items()) & set(blocking_keys(variant).items())
        assert shared, variant


def test_blocking_keys_leave_out_empty_fields():
    """A record without NIK, phone or birth date gets no key built from them."""
    keys = blocking_keys({"id": "1", "name": "Sumiati", "village": "Gerbo"})
    assert "nik" not in keys and "phone" not in keys and "name_dob" not in keys
    assert keys["name_village"].startswith(name_key("Sumiati"))


# --- full runs and models ----------------------------------------------------------------


def test_link_records_clusters_every_record():
    """Every input id gets a cluster; duplicates share one; a record alone has best probability 0."""
    records = [SHOLEH, record(SHOLEH, id="a2", name="MUHAMMAD SHOLEH"), AISYAH,
               record(AISYAH, id="b2", name="Siti Nuraisyah", birth_date="1988-07-15"), {"id": "c"}]
    result = link_records(records, threshold=MATCH)
    assert set(result.clusters) == {"a", "a2", "b", "b2", "c"}
    assert result.clusters["a"] == result.clusters["a2"] != result.clusters["b"]
    assert result.clusters["b"] == result.clusters["b2"]
    assert result.clusters["c"] == "c" and result.best["c"] == 0.0
    assert result.best["a"] >= MATCH
    assert all(pair.probability >= MATCH for pair in result.pairs)


def test_link_records_refuses_repeated_ids():
    """Ids must be distinct: two records with one id cannot be told apart in the result."""
    with pytest.raises(ValueError):
        link_records([SHOLEH, record(SHOLEH, name="x")])


def test_python_scoring_agrees_with_splink():
    """At entry (pure Python) and in a full run (Splink on DuckDB) a pair gets the same
    levels and the same probability."""
    frame = generate(600, seed=11)
    result = link_records(frame, threshold=0.0)
    assert result.pairs
    rows = {row["id"]: row for row in frame[list(FIELDS)].to_dict("records")}
    for pair in result.pairs[:400]:
        python = score_candidates(rows[pair.left_id], [rows[pair.right_id]])[0]
        assert python.levels == pair.levels
        assert python.probability == pytest.approx(pair.probability, abs=1e-9)


def test_whole_table_preparation_equals_one_by_one():
    """Preparing a table column by column gives what preparing each record alone gives."""
    frame = generate(400, seed=3)
    frame.loc[0, "nik"] = " '3514011203850003 "
    frame.loc[1, "nik"] = "3514011203850003.0"
    frame.loc[2, "phone"] = "+62 (0)812-3456-7890"
    frame.loc[3, "rt"], frame.loc[3, "rw"] = "03/05", ""
    frame.loc[4, "birth_date"] = "12 Maret 1985"
    prepared = prepare_frame(frame)
    for index, row in enumerate(frame[list(FIELDS)].to_dict("records")):
        single = prepare_record(row)
        table = prepared.iloc[index].to_dict()
        table["name_tokens"] = tuple(table["name_tokens"])
        single["name_tokens"] = tuple(single["name_tokens"])
        assert table == single, row


def test_guard_vetoes_household_shaped_agreement():
    """Two valid, clearly different NIKs with different birth dates are never one person."""
    keys = {c.name: c.levels[0].key for c in COMPARISONS}
    assert guard(keys)
    assert not guard({**keys, "nik": "different", "dob": "different"})
    assert not guard({**keys, "name": "different"})


def test_trained_model_is_saved_and_reused(tmp_path, settings):
    """A model trained by EM on the data finds its duplicates, and saved to the configured
    path it is what the engine loads next."""
    frame = generate(4000, seed=21)
    model = model_train(frame)
    assert model.info["trained"] and model.info["records"] == 4000
    result = link_records(frame, model=model, threshold=MATCH)
    clusters = frame["id"].map(result.clusters)
    assert pairwise_scores(frame["entity_id"], clusters)["f1"] >= 0.97

    settings.GELIAT_DEDUP_MODEL_PATH = str(tmp_path / "model.json")
    written = model_save(model)
    assert written == tmp_path / "model.json"
    loaded = model_load()
    assert loaded.weights == model.weights
    assert json.loads(written.read_text())["format"] == "geliat.dedup.model/1"


def test_packaged_model_is_used_without_a_trained_one(tmp_path, settings):
    """A fresh install (no trained model at the configured path) scores with the packaged model."""
    settings.GELIAT_DEDUP_MODEL_PATH = str(tmp_path / "absent.json")
    model = model_load()
    assert model.weights == Model.from_json(json.loads(PACKAGED_MODEL.read_text())).weights
    assert model.info.get("trained")
