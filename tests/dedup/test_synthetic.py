"""The labelled benchmark generator: deterministic, with its ground truth and hard negatives."""

import pandas as pd

from geliat.dedup.engine import FIELDS
from geliat.dedup.engine.prepare import clean_nik
from geliat.dedup.synthetic import generate, pairwise_scores, true_pairs


def test_same_seed_same_rows_other_seed_other_rows():
    """A seed fixes the output; another seed gives another list."""
    first = generate(2000, seed=4)
    assert first.equals(generate(2000, seed=4))
    assert not first.equals(generate(2000, seed=5))


def test_row_count_fields_and_ground_truth():
    """Exactly the rows asked for, with the engine's fields and the truth beside them."""
    frame = generate(3000, seed=1)
    assert len(frame) == 3000
    assert set(FIELDS) <= set(frame.columns)
    assert frame["id"].is_unique
    repeated = frame[frame["is_duplicate"]]
    assert len(repeated) > 300
    per_entity = frame.groupby("entity_id").size()
    assert (per_entity[repeated["entity_id"].unique()] >= 2).all()


def _originals(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~frame["is_duplicate"]].drop_duplicates("entity_id").set_index("entity_id")


def test_recorded_errors_are_in_the_rows():
    """A row labelled with an error carries it: a zeroed 16th digit, a NIK one digit off,
    a swapped date, an empty NIK."""
    frame = generate(20000, seed=2)
    originals = _originals(frame)
    rows = frame[frame["is_duplicate"]].join(originals, on="entity_id", rsuffix="_orig")
    zeroed = rows[rows["errors"].str.contains("nik_zeroed")]
    assert len(zeroed) and (zeroed["nik"].str[15] == "0").all()
    assert (zeroed["nik"].str[:15] == zeroed["nik_orig"].str[:15]).all()
    typo = rows[rows["errors"].str.contains("nik_typo")]
    assert len(typo) and all(sum(a != b for a, b in zip(x, y, strict=True)) == 1
                             for x, y in zip(typo["nik"], typo["nik_orig"], strict=True))
    swap = rows[rows["errors"].str.contains("date_swap")]
    assert len(swap) and all(s[:4] == o[:4] and s[5:7] == o[8:10] and s[8:10] == o[5:7]
                             for s, o in zip(swap["birth_date"], swap["birth_date_orig"], strict=True))
    female = rows[rows["errors"].str.contains("nik_female40")]
    assert len(female) and (female["nik"].str[6:8].astype(int) + 40 == female["nik_orig"].str[6:8].astype(int)).all()
    assert (rows[rows["errors"].str.contains("nik_missing")]["nik"] == "").all()
    # About half the repeated rows keep a NIK an exact match would find.
    assert 0.3 < (rows["nik"] == rows["nik_orig"]).mean() < 0.8


def test_hard_negatives_are_present():
    """Households share phone, address and RT/RW; twins share a birth date; namesakes share a
    desa and a name; all of them are different people."""
    frame = generate(20000, seed=3)
    people = _originals(frame).reset_index()
    households = people[people["phone"] != ""].groupby(["household_id", "phone"])["entity_id"].nunique()
    assert (households > 1).sum() > 100
    twins = people.groupby(["household_id", "birth_date"])["entity_id"].nunique()
    assert (twins > 1).sum() > 5
    namesakes = people.groupby(["village", "name"])["entity_id"].nunique()
    assert (namesakes > 1).sum() > 20
    niks = people["nik"].map(clean_nik).dropna()
    assert niks.is_unique  # one person, one NIK


def test_pairwise_scores_count_pairs():
    """Precision, recall and F1 count pairs: a merged pair of strangers costs precision,
    a split duplicate costs recall."""
    entities = ["a", "a", "a", "b", "c"]
    assert pairwise_scores(entities, [1, 1, 1, 2, 3])["f1"] == 1.0
    split = pairwise_scores(entities, [1, 1, 2, 3, 4])
    assert split["precision"] == 1.0 and split["recall"] == 1 / 3
    merged = pairwise_scores(entities, [1, 1, 1, 1, 3])
    assert merged["recall"] == 1.0 and merged["precision"] == 3 / 6
    assert true_pairs(entities) == 3
