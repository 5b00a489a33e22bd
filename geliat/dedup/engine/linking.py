"""Full runs with Splink: candidate pairs by blocking, scoring, guards, clustering.

Backends: ``duckdb`` (in-process, default) and ``spark`` (local mode here; a cluster's
session for a province or the nation). Both run the same settings built from one
``Model``; the guards and the clustering run afterwards in Python on the scored pairs
above the threshold, so the two backends give the same clusters.

DuckDB threads: setting/environment ``GELIAT_DEDUP_THREADS`` (default 2); its memory
limit ``GELIAT_DEDUP_MEMORY`` (default ``3GB``; beyond it DuckDB spills to a temporary
directory instead of failing).
"""

import logging
import os
import tempfile
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from geliat.dedup.engine.comparisons import COMPARISONS, MISSING, guard
from geliat.dedup.engine.model import Model
from geliat.dedup.engine.scoring import GUARD_PENALTY, PairScore

BACKENDS = ("duckdb", "spark")
logger = logging.getLogger(__name__)
Progress = Callable[[str, float], None]

_spark_session = None


def _setting(name: str, default: str) -> str:
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        value = getattr(settings, name, None)
    except ImproperlyConfigured:  # no Django settings (a bench worker, a plain script)
        value = None
    return str(value or os.environ.get(name) or default)


def spark_session():
    """The active SparkSession, else one started in local mode with Splink's similarity
    functions (its jar) and a checkpoint directory, kept for the process."""
    global _spark_session
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if _spark_session is None:
        from splink.internals.spark.jar_location import similarity_jar_location

        cores = _setting("GELIAT_DEDUP_THREADS", "2")
        _spark_session = (
            SparkSession.builder.master(f"local[{cores}]")
            .appName("geliat-dedup")
            .config("spark.jars", similarity_jar_location())
            .config("spark.sql.shuffle.partitions", str(int(cores) * 2))
            .config("spark.default.parallelism", str(int(cores) * 2))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", _setting("GELIAT_DEDUP_SPARK_MEMORY", "2g"))
            .getOrCreate()
        )
        _spark_session.sparkContext.setLogLevel("ERROR")
        _spark_session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="geliat-spark-"))
    return _spark_session


def db_api(backend: str):
    """A Splink database API for ``backend``."""
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect()
        connection.execute(f"SET threads = {int(_setting('GELIAT_DEDUP_THREADS', '2'))}")
        connection.execute(f"SET memory_limit = '{_setting('GELIAT_DEDUP_MEMORY', '3GB')}'")
        connection.execute("SET preserve_insertion_order = false")
        connection.execute(f"SET temp_directory = '{tempfile.gettempdir()}/geliat-duckdb'")
        return DuckDBAPI(connection=connection)
    if backend == "spark":
        from splink import SparkAPI

        session = spark_session()
        if not session.sparkContext.getCheckpointDir():
            session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="geliat-spark-"))
        return SparkAPI(spark_session=session, num_partitions_on_repartition=4)
    raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")


def _dialect(backend: str) -> str:
    return "spark" if backend == "spark" else "duckdb"


def linker_for(prepared: pd.DataFrame, model: Model, backend: str):
    """A Splink Linker over the prepared records with ``model``'s settings."""
    from splink import Linker

    api = db_api(backend)
    table = api.register(prepared)
    return Linker(table, model.splink_settings(_dialect(backend)), log_level=logging.WARNING)


def _keys_from_gammas(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Level key per comparison from Splink's gamma columns (-1 missing; n-1 strongest)."""
    keys = {}
    for comparison in COMPARISONS:
        gammas = frame[f"gamma_{comparison.name}"].to_numpy(dtype=np.int64)
        n = len(comparison.levels)
        names = np.array([level.key for level in comparison.levels][::-1] + [MISSING], dtype=object)
        # gamma g in 0..n-1 names levels[n-1-g]; -1 picks the last entry, "missing".
        keys[comparison.name] = names[np.where(gammas < 0, n, gammas)]
    return keys


def scored_pairs(linker, threshold: float) -> pd.DataFrame:
    """Pairs Splink scores at or above ``threshold`` after the guards, as a DataFrame
    (``left_id, right_id, weight, probability`` and a level-key column per comparison)."""
    started = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    logger.info("predict: %.1fs", time.perf_counter() - started)
    gamma_columns = ", ".join(f"gamma_{c.name}" for c in COMPARISONS)
    frame = linker.misc.query_sql(
        f"select unique_id_l, unique_id_r, match_weight, {gamma_columns} from {predictions.physical_name}",
        output_type="pandas",
    )
    predictions.drop_table_from_database_and_remove_from_cache()
    keys = _keys_from_gammas(frame)
    names = [c.name for c in COMPARISONS]
    allowed = np.fromiter(
        (guard(dict(zip(names, row, strict=True))) for row in zip(*(keys[n] for n in names), strict=True)),
        dtype=bool, count=len(frame),
    )
    weight = frame["match_weight"].to_numpy(dtype=float) - np.where(allowed, 0.0, GUARD_PENALTY)
    probability = 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))
    out = pd.DataFrame({
        "left_id": frame["unique_id_l"].astype(str).to_numpy(),
        "right_id": frame["unique_id_r"].astype(str).to_numpy(),
        "weight": weight,
        "probability": probability,
        **{name: keys[name] for name in names},
    })
    return out[out["probability"] >= threshold].reset_index(drop=True)


def clusters_of(ids: pd.Series, pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(cluster id, best probability) per record of ``ids``: connected components of
    ``pairs``; a cluster is named by its smallest record id (as text)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ids = ids.astype(str).to_numpy(dtype=object)
    n = len(ids)
    index = pd.Index(ids)
    left = index.get_indexer(pairs["left_id"].to_numpy())
    right = index.get_indexer(pairs["right_id"].to_numpy())
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _count, labels = connected_components(graph, directed=False)
    cluster_ids = ids.copy()
    linked = np.flatnonzero(np.bincount(labels)[labels] > 1)
    if len(linked):
        # Smallest id per component: sort the linked ids, keep each component's first.
        order = linked[np.argsort(ids[linked], kind="stable")]
        components, first = np.unique(labels[order], return_index=True)
        smallest = np.empty(labels.max() + 1, dtype=object)
        smallest[components] = ids[order[first]]
        cluster_ids[linked] = smallest[labels[linked]]
    best = np.zeros(n, dtype=float)
    probability = pairs["probability"].to_numpy(dtype=float)
    if len(pairs):
        np.maximum.at(best, left, probability)
        np.maximum.at(best, right, probability)
    return cluster_ids, best


def pair_scores(pairs: pd.DataFrame) -> list[PairScore]:
    """The scored pairs as ``PairScore`` objects with coarse levels per field."""
    coarse = {c.name: {level.key: level.coarse for level in c.levels} | {MISSING: MISSING} for c in COMPARISONS}
    fields = [(c.name, c.field) for c in COMPARISONS]
    out = []
    for row in pairs.itertuples(index=False):
        values = row._asdict()
        out.append(PairScore(
            left_id=values["left_id"], right_id=values["right_id"], probability=float(values["probability"]),
            weight=float(values["weight"]), levels={field: coarse[name][values[name]] for name, field in fields},
        ))
    return out


def run(prepared: pd.DataFrame, *, model: Model, backend: str, threshold: float,
        progress: Progress | None = None) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, float]:
    """Score and cluster prepared records: (pairs, cluster ids, best probabilities, seconds)."""
    started = time.perf_counter()
    note = progress or (lambda stage, fraction: None)
    note("score", 0.2)
    if len(prepared) < 2:
        pairs = pd.DataFrame(columns=["left_id", "right_id", "weight", "probability", *(c.name for c in COMPARISONS)])
    else:
        linker = linker_for(prepared, model, backend)
        pairs = scored_pairs(linker, threshold)
    note("cluster", 0.8)
    cluster_ids, best = clusters_of(prepared["unique_id"], pairs)
    return pairs, cluster_ids, best, time.perf_counter() - started
