"""Training the model by EM on the records themselves (no labels needed).

1. The prior, from two deterministic rules (same NIK; same name, birth date and desa)
   whose recall is taken as 0.6: synthetic and real lists alike keep about that share
   of a person's second rows with an untouched NIK.
2. u probabilities from random pairs (almost all are two different people).
3. m probabilities by expectation maximisation in two sessions, each blocked on a
   different key so every comparison is trained in one of them: on the NIK's first
   15 digits (trains name, birth date, sex, desa, RT/RW, address, phone), then on
   birth date and desa (trains NIK and the rest again).

The m of the "different" levels of NIK, birth date and sex stay fixed (see
``comparisons``). Sampling is seeded, so the same records give the same model.
"""

import datetime
import logging

from geliat.dedup.engine.model import Model

logger = logging.getLogger(__name__)

PRIOR_RULES = (
    "l.nik = r.nik",
    "l.name_key = r.name_key AND l.dob = r.dob AND l.vil = r.vil",
)
PRIOR_RECALL = 0.6
EM_RULES = (
    "l.nik15 = r.nik15",
    "l.dob = r.dob AND l.vil = r.vil",
)
U_MAX_PAIRS = 5e6
EM_MAX_PAIRS = 2e6


def train(prepared, *, backend: str = "duckdb", start: Model | None = None) -> Model:
    """A model trained on ``prepared`` records (see ``prepare.prepare_frame``)."""
    from geliat.dedup.engine.linking import linker_for

    model = Model.initial() if start is None else Model.from_json(start.to_json())
    linker = linker_for(prepared, model, backend)
    training = linker.training
    training.estimate_probability_two_random_records_match(list(PRIOR_RULES), recall=PRIOR_RECALL)
    training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=5)
    for rule in EM_RULES:
        try:
            training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=EM_MAX_PAIRS, record_sample_proportion=1.0,
            )
        except Exception as exc:  # Splink's errors vary; too few pairs under one rule: keep what the other taught
            logger.warning("EM on %s skipped: %s", rule, exc)
    model.update_from_splink(linker.misc.save_model_to_json())
    model.info = {
        "trained": True,
        "backend": backend,
        "records": int(len(prepared)),
        "trained_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    return model
