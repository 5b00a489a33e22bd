"""The record-linkage engine: one person, one cluster.

Interface (what the dedup workflow, ``geliat dedup-file`` and the benchmark call):

- ``link_records(records, backend=, threshold=, model=, train=, progress=)``: a full
  run with Splink (DuckDB in-process by default, or Spark) → ``LinkResult``.
- ``score_candidates(record, candidates, model=)``: pure-Python scoring at entry, the
  same levels and weights as the Splink model, highest probability first.
- ``blocking_keys(record)``: keys to fetch an entry-time candidate pool from the database.
- ``model_train`` / ``model_load`` / ``model_save``: EM training on the data itself,
  parameters kept as JSON (setting ``GELIAT_DEDUP_MODEL_PATH``, default
  ``var/dedup/model.json``; a trained default model ships in this package).
- ``name_key``: the normalised name key, for a database column to block on.

A record is a Mapping with the keys in ``FIELDS`` (values str, date or None; ``id`` a
str, distinct). ``village``/``district`` may be Kemendagri codes ("35.14.01.2001",
"35.14.01") or names; codes from the registry are best. Empty or unreadable values
count as missing: they lower the evidence and never fail a run.

Levels shown to officers (``PairScore.levels``), per field ``nik``, ``name``,
``birth_date``, ``sex``, ``village`` (desa, or only kecamatan), ``rt_rw``, ``address``,
``phone``: "exact", "close" (a typo, a swap, a spelling), "different" or "missing".
"""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from geliat.dedup import names
from geliat.dedup.engine.model import Model, model_path
from geliat.dedup.engine.model import model_load as _model_load
from geliat.dedup.engine.model import model_save as _model_save
from geliat.dedup.engine.prepare import (
    FIELDS,
    clean_date,
    clean_nik,
    clean_phone,
    nik_female_normalised,
    prepare_frame,
)
from geliat.dedup.engine.scoring import PairScore, probability_of, score_candidates

__all__ = [
    "FIELDS", "BACKENDS", "PairScore", "LinkResult", "Model", "link_records", "model_train", "model_load",
    "model_save", "model_path", "score_candidates", "blocking_keys", "name_key", "default_model",
    "probability_of",
]

BACKENDS = ("duckdb", "spark")
_default_model: Model | None = None


@dataclass
class LinkResult:
    """The outcome of a full run.

    ``pairs``: scored pairs at or above the threshold (after the household guards).
    ``clusters``: record id → cluster id for every input id (a cluster is named by its
    smallest record id; a singleton by its own). ``best``: record id → best match
    probability inside its cluster (0.0 for singletons). ``seconds``: wall time.
    """

    pairs: list[PairScore]
    clusters: dict[str, str]
    best: dict[str, float]
    seconds: float
    model: Model | None = field(default=None, repr=False)


def default_model() -> Model:
    """``model_load()``, read once per process (the at-entry path calls this often)."""
    global _default_model
    if _default_model is None:
        _default_model = _model_load()
    return _default_model


def model_load(path=None) -> Model:
    """The model at ``path``; by default the one at ``GELIAT_DEDUP_MODEL_PATH``
    (``var/dedup/model.json``), else the packaged default model."""
    return _model_load(path)


def model_save(model: Model, path=None) -> Path:
    """Save ``model`` as JSON (default: ``GELIAT_DEDUP_MODEL_PATH``) and make it the
    process's default model when saved there; returns the path written."""
    global _default_model
    written = _model_save(model, path)
    if path is None:
        _default_model = model
    return written


def model_train(records, *, backend: str = "duckdb") -> Model:
    """Train a model by EM on ``records`` (iterable of Mappings or a DataFrame with
    FIELDS columns). Not saved: pass it to ``model_save``."""
    from geliat.dedup.engine.training import train

    _check_backend(backend)
    return train(prepare_frame(records), backend=backend)


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")


def link_records(
    records,
    *,
    backend: str = "duckdb",
    threshold: float = 0.9,
    model: Model | None = None,
    train: bool = False,
    progress: Callable[[str, float], None] | None = None,
) -> LinkResult:
    """Find the records of one person among ``records`` (iterable of Mappings or a pandas
    DataFrame with FIELDS columns; ids distinct).

    ``threshold``: the match probability a pair needs to join two records in a cluster.
    ``model``: default ``default_model()``; ``train=True`` trains one by EM on these
    records first (and returns it in ``LinkResult.model``; saving is the caller's choice).
    ``progress(stage, fraction)`` is called as the run advances ("prepare", "train",
    "score", "cluster", "done").
    """
    from geliat.dedup.engine.linking import pair_scores, run

    _check_backend(backend)
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be between 0 and 1")
    started = time.perf_counter()
    note = progress or (lambda stage, fraction: None)
    note("prepare", 0.0)
    prepared = prepare_frame(records)
    if train:
        from geliat.dedup.engine.training import train as train_model

        note("train", 0.1)
        model = train_model(prepared, backend=backend)
    model = model or default_model()
    pairs, cluster_ids, best, _seconds = run(prepared, model=model, backend=backend, threshold=threshold, progress=note)
    ids = prepared["unique_id"].tolist()
    result = LinkResult(
        pairs=pair_scores(pairs),
        clusters=dict(zip(ids, cluster_ids.tolist(), strict=True)),
        best=dict(zip(ids, best.tolist(), strict=True)),
        seconds=time.perf_counter() - started,
        model=model,
    )
    note("done", 1.0)
    return result


def name_key(name) -> str:
    """The normalised name key ("Moch. Sholeh" and "MUHAMMAD SHOLEH" → "muhamadsole"),
    for a database column the at-entry lookup filters on."""
    return names.name_key(name)


def blocking_keys(record: Mapping) -> dict[str, str]:
    """Keys to fetch an at-entry candidate pool; a key is left out when its fields are
    missing. Any record sharing one key with ``record`` is a candidate.

    - ``nik``: the NIK (16 digits) — the same NIK.
    - ``nik15``: the first 15 digits after writing a woman's day without +40 — a NIK
      zeroed by Excel, typed without the +40, or mistyped in its last digit.
    - ``phone``: the subscriber number without +62/0 — same phone (households too; the
      scoring tells them apart).
    - ``name_village``: ``name_key`` + "|" + desa (code or folded name) — the same name in the same desa.
    - ``dob_village``: birth date (ISO) + "|" + desa — born the same day in the same desa.
    - ``name_dob``: ``name_key`` + "|" + birth date — the same name and birth date anywhere.

    The workflow compares these with the same functions applied to stored records (or
    stores them in indexed columns).
    """
    nik = clean_nik(record.get("nik"))
    nik_f = nik_female_normalised(nik)
    key = names.name_key(record.get("name"))
    born = clean_date(record.get("birth_date"))
    dob = born.isoformat() if born else ""
    village = names.place_key(record.get("village"))
    phone = clean_phone(record.get("phone"))
    keys = {
        "nik": nik or "",
        "nik15": nik_f[:15] if nik_f else "",
        "phone": phone or "",
        "name_village": f"{key}|{village}" if key and village else "",
        "dob_village": f"{dob}|{village}" if dob and village else "",
        "name_dob": f"{key}|{dob}" if key and dob else "",
    }
    return {name: value for name, value in keys.items() if value}

