"""Scoring pairs in pure Python: the same levels and weights as the Splink model.

Used at entry (a new registration against the few hundred records its blocking keys
fetch), where starting a database engine would cost more than the scoring itself.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from geliat.dedup.engine.comparisons import COMPARISONS, MISSING, guard
from geliat.dedup.engine.model import Model
from geliat.dedup.engine.prepare import prepare_record

# A vetoed pair (``comparisons.guard``) keeps its agreements for the officer to see,
# but its weight is lowered by this much: far below any threshold in use.
GUARD_PENALTY = 40.0


@dataclass(frozen=True)
class PairScore:
    """One scored pair. ``levels``: per field, "exact" | "close" | "different" | "missing"
    (fields: nik, name, birth_date, sex, village, rt_rw, address, phone)."""

    left_id: str
    right_id: str
    probability: float  # 0..1
    weight: float  # Fellegi-Sunter match weight (log2 Bayes factor, prior included)
    levels: dict[str, str]


def probability_of(weight: float) -> float:
    """Match probability from a match weight (log2 odds)."""
    if weight >= 60:
        return 1.0
    if weight <= -60:
        return 0.0
    odds = 2.0**weight
    return odds / (1.0 + odds)


def level_keys(left: Mapping, right: Mapping) -> dict[str, str]:
    """Level key per comparison ("missing" when a side is empty) for two prepared records."""
    out = {}
    for comparison in COMPARISONS:
        index = comparison.level_of(left, right)
        out[comparison.name] = MISSING if index is None else comparison.levels[index].key
    return out


def score_prepared(left: Mapping, right: Mapping, model: Model) -> PairScore:
    """Score two prepared records (``prepare.prepare_record``)."""
    weight = model.prior_weight
    coarse = {}
    keys = {}
    weights = model.weights
    for comparison in COMPARISONS:
        index = comparison.level_of(left, right)
        if index is None:
            keys[comparison.name] = MISSING
            coarse[comparison.field] = MISSING
            continue
        level = comparison.levels[index]
        keys[comparison.name] = level.key
        coarse[comparison.field] = level.coarse
        weight += weights[comparison.name][index]
    if not guard(keys):
        weight -= GUARD_PENALTY
    return PairScore(
        left_id=left["unique_id"], right_id=right["unique_id"], probability=probability_of(weight),
        weight=weight, levels=coarse,
    )


def score_candidates(record: Mapping, candidates: Iterable[Mapping], *, model: Model | None = None) -> list[PairScore]:
    """Score ``record`` against each candidate (raw records with the FIELDS keys), highest
    probability first. Pure Python: no Splink or database call."""
    if model is None:
        from geliat.dedup.engine import default_model

        model = default_model()
    left = prepare_record(record)
    scores = [score_prepared(left, prepare_record(candidate), model) for candidate in candidates]
    scores.sort(key=lambda score: (-score.weight, score.right_id))
    return scores

