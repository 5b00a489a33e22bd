"""The trained parameters of the model: how to keep, find and read them.

A model is the prior (probability that two random records are the same person) and,
for each level of each comparison, its m and u probabilities. The match weight of a
pair is the prior's log-odds plus log2(m/u) of the level each comparison falls in
(Fellegi-Sunter); the probability follows from the weight. The same numbers drive
Splink on DuckDB and Spark (``splink_settings``) and the pure-Python scoring at entry.

Stored as JSON (``format`` = ``geliat.dedup.model/1``), with levels keyed by name so a
reordered comparison cannot swap parameters. Where a model is looked up:
``GELIAT_DEDUP_MODEL_PATH`` (setting, else environment variable), default
``<VAR_DIR>/dedup/model.json``; when that file does not exist, the model shipped in
this package (``default_model.json``, trained by EM on the synthetic registrants of
``geliat.dedup.synthetic``), so a fresh install scores at entry without a training run.
"""

import datetime
import json
import math
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from geliat.dedup.engine.comparisons import BLOCKING_RULES, COMPARISONS, SPEC_VERSION

FORMAT = "geliat.dedup.model/1"
PACKAGED_MODEL = Path(__file__).with_name("default_model.json")
_FLOOR = 1e-10  # m and u are kept above 0 so every weight is finite, here and in Splink


def _clamp(value) -> float | None:
    if not isinstance(value, int | float) or math.isnan(value):
        return None
    return min(1.0, max(_FLOOR, float(value)))


@dataclass
class Model:
    """Prior and per-level m/u probabilities. ``parameters[comparison][level] = (m, u)``."""

    probability_two_random_records_match: float
    parameters: dict[str, dict[str, tuple[float, float]]]
    info: dict = field(default_factory=dict)

    @classmethod
    def initial(cls) -> "Model":
        """The starting values written in the comparisons (before any training)."""
        return cls(
            probability_two_random_records_match=1e-6,
            parameters={c.name: {level.key: (level.m, level.u) for level in c.levels} for c in COMPARISONS},
            info={"trained": False},
        )

    def m_u(self, comparison: str, level: str) -> tuple[float, float]:
        """(m, u) of a level; a level the stored model lacks takes the starting values,
        and a level whose m is fixed always takes the fixed value."""
        spec = next(c for c in COMPARISONS if c.name == comparison)
        start = next(lv for lv in spec.levels if lv.key == level)
        m, u = self.parameters.get(comparison, {}).get(level, (start.m, start.u))
        if start.fix_m:
            m = start.m
        if start.fix_u:
            u = start.u
        return _clamp(m) or start.m, _clamp(u) or start.u

    @cached_property
    def weights(self) -> dict[str, list[float]]:
        """log2(m/u) per comparison, in level order."""
        return {
            c.name: [math.log2(m / u) for m, u in (self.m_u(c.name, level.key) for level in c.levels)]
            for c in COMPARISONS
        }

    @cached_property
    def prior_weight(self) -> float:
        p = min(max(self.probability_two_random_records_match, 1e-12), 1 - 1e-12)
        return math.log2(p / (1 - p))

    def splink_settings(self, dialect: str) -> dict:
        """A Splink settings dictionary for ``dialect`` ("duckdb" or "spark") with these parameters."""
        comparisons = []
        for c in COMPARISONS:
            levels = []
            for level, sql in c.sql(dialect):
                if level is None:
                    levels.append({"sql_condition": sql, "label_for_charts": "missing", "is_null_level": True})
                    continue
                m, u = self.m_u(c.name, level.key)
                levels.append({
                    "sql_condition": sql,
                    "label_for_charts": level.key,
                    "m_probability": m,
                    "u_probability": u,
                    "fix_m_probability": level.fix_m,
                    "fix_u_probability": level.fix_u,
                })
            comparisons.append({
                "output_column_name": c.name,
                "comparison_description": c.description,
                "comparison_levels": levels,
            })
        return {
            "link_type": "dedupe_only",
            "unique_id_column_name": "unique_id",
            "probability_two_random_records_match": self.probability_two_random_records_match,
            "comparisons": comparisons,
            "blocking_rules_to_generate_predictions": list(BLOCKING_RULES),
            "retain_matching_columns": True,  # keeps the gamma (level) columns the guards read
            "retain_intermediate_calculation_columns": False,
            "em_convergence": 0.0001,
            "max_iterations": 25,
        }

    def update_from_splink(self, settings: dict) -> None:
        """Take trained parameters from a Splink settings dict (``save_model_to_json``)."""
        prior = _clamp(settings.get("probability_two_random_records_match"))
        if prior:
            self.probability_two_random_records_match = prior
        by_name = {c.name: c for c in COMPARISONS}
        for trained in settings.get("comparisons", []):
            spec = by_name.get(trained.get("output_column_name"))
            if spec is None:
                continue
            levels = [lv for lv in trained.get("comparison_levels", []) if not lv.get("is_null_level")]
            for level, values in zip(spec.levels, levels, strict=False):
                m_old, u_old = self.m_u(spec.name, level.key)
                m = _clamp(values.get("m_probability")) or m_old
                u = _clamp(values.get("u_probability")) or u_old
                self.parameters.setdefault(spec.name, {})[level.key] = (m, u)
        self.__dict__.pop("weights", None)
        self.__dict__.pop("prior_weight", None)

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "spec_version": SPEC_VERSION,
            "probability_two_random_records_match": self.probability_two_random_records_match,
            "comparisons": {
                c.name: {level.key: dict(zip(("m", "u"), self.m_u(c.name, level.key), strict=True)) for level in c.levels}
                for c in COMPARISONS
            },
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Model":
        if data.get("format") != FORMAT:
            raise ValueError(f"not a Geliat dedup model (format {data.get('format')!r})")
        parameters = {
            name: {key: (values["m"], values["u"]) for key, values in levels.items()}
            for name, levels in data.get("comparisons", {}).items()
        }
        return cls(
            probability_two_random_records_match=float(data["probability_two_random_records_match"]),
            parameters=parameters,
            info=dict(data.get("info", {})),
        )


def model_path() -> Path:
    """Where the trained model is kept: setting or environment variable
    ``GELIAT_DEDUP_MODEL_PATH``, else ``<VAR_DIR>/dedup/model.json``."""
    configured, var_dir = None, None
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        configured = getattr(settings, "GELIAT_DEDUP_MODEL_PATH", None)
        var_dir = getattr(settings, "VAR_DIR", None)
    except ImproperlyConfigured:  # no Django settings (a bench worker): use the environment
        pass
    configured = configured or os.environ.get("GELIAT_DEDUP_MODEL_PATH")
    if configured:
        return Path(configured)
    base = Path(var_dir) if var_dir else Path(os.environ.get("GELIAT_VAR_DIR", Path.cwd() / "var"))
    return base / "dedup" / "model.json"


def model_load(path=None) -> Model:
    """The model at ``path``, else at ``model_path()``, else the packaged default model."""
    candidates = [Path(path)] if path else [model_path(), PACKAGED_MODEL]
    for candidate in candidates:
        if candidate.is_file():
            return Model.from_json(json.loads(candidate.read_text(encoding="utf-8")))
    if path:
        raise FileNotFoundError(path)
    return Model.initial()


def model_save(model: Model, path=None) -> Path:
    """Write ``model`` as JSON to ``path`` (default ``model_path()``); returns the path."""
    target = Path(path) if path else model_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    model.info.setdefault("saved_at", datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"))
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text(json.dumps(model.to_json(), indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(target)
    return target
