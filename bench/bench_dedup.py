"""Duplicate detection (issue #5): accuracy, time and memory at 10k, 100k and 1M records.

Data: ``geliat.dedup.synthetic.generate`` (labelled synthetic registrants of Kabupaten
Pasuruan with the errors of real lists and household/namesake/twin hard negatives;
ground truth ``entity_id``), one seed, and the FEBRL data sets shipped with the
``recordlinkage`` package (FEBRL 1–3 for deduplication, FEBRL 4's two files as one
list).

Side by side on the same data, each in its own process (wall time of the method;
peak resident memory of that process, data loading included, read from VmHWM):

- **Geliat**: ``geliat.dedup.engine.link_records`` (Splink on DuckDB, 2 threads, the
  packaged EM-trained model, household guards, connected components) at threshold 0.9;
  and the same after training a model by EM on the data itself (training included).
- **recordlinkage** (the usual Python toolkit): its indexing (NIK blocking, sorted
  neighbourhood on the cleaned name within the desa, birth date + desa blocking), its
  ``Compare`` (exact fields, Jaro-Winkler ≥ 0.85 on name and address) and its
  unsupervised ``ECMClassifier``; links clustered by connected components. Given a
  memory limit (``BENCH_DEDUP_RL_GB``, default 8 GB of address space) and a time limit
  (``BENCH_DEDUP_TIMEOUT``, default 1800 s): where it stops, the table says so.
- **Exact NIK**: records grouped by their cleaned NIK (the rule "one NIK, one person").
- **Spark** (``--backend spark``, local[2]) at the smallest size: same model, and
  whether it gives the same clusters as DuckDB (JVM memory not in the peak column).
- FEBRL: the same pipeline (Splink + DuckDB, EM on the data) with comparisons for
  FEBRL's columns (the Indonesian model has no use for English names without NIK),
  recordlinkage as above on FEBRL's columns, and exact grouping on soc_sec_id.

Pairwise precision/recall/F1: a pair of records is predicted when they share a
cluster, true when they share an entity.

``BENCH_DEDUP_SIZES`` (default ``10000,100000,1000000``) changes the sizes.
Standalone: ``.venv/bin/python bench/bench_dedup.py``; or ``python -m bench dedup``.
"""

import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SIZES = [int(s) for s in os.environ.get("BENCH_DEDUP_SIZES", "10000,100000,1000000").split(",") if s.strip()]
TIMEOUT = int(os.environ.get("BENCH_DEDUP_TIMEOUT", "1800"))
RL_GB = float(os.environ.get("BENCH_DEDUP_RL_GB", "8"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "2"))
SEED = 20260501
THRESHOLD = 0.9
FEBRL = ("febrl1", "febrl2", "febrl3", "febrl4")


# ---------------------------------------------------------------- workers (own process)


def _write_clusters(path: str, clusters) -> None:
    pd.DataFrame({"cluster": pd.Series(clusters, dtype=object).astype(str)}).to_parquet(path)


def _geliat(data: str, out: str, backend: str = "duckdb", train: bool = False) -> dict:
    from geliat.dedup.engine import FIELDS, link_records, model_load, model_train
    from geliat.dedup.engine.model import PACKAGED_MODEL

    frame = pd.read_parquet(data, columns=list(FIELDS))
    started = time.perf_counter()
    extra = {}
    if train:
        model = model_train(frame, backend=backend)
        extra["train_seconds"] = time.perf_counter() - started
    else:
        model = model_load(PACKAGED_MODEL)
    result = link_records(frame, backend=backend, threshold=THRESHOLD, model=model)
    seconds = time.perf_counter() - started
    _write_clusters(out, [result.clusters[i] for i in frame["id"].astype(str)])
    return {"seconds": seconds, "pairs": len(result.pairs), **extra}


def _exact_nik(data: str, out: str) -> dict:
    from geliat.dedup.engine.prepare import clean_nik

    frame = pd.read_parquet(data, columns=["id", "nik"])
    started = time.perf_counter()
    nik = frame["nik"].map(clean_nik)
    clusters = nik.where(nik.notna(), "id:" + frame["id"].astype(str))
    seconds = time.perf_counter() - started
    _write_clusters(out, clusters)
    return {"seconds": seconds}


def _rl_cluster(ids: pd.Index, links: pd.MultiIndex) -> np.ndarray:
    from geliat.dedup.engine.linking import clusters_of

    pairs = pd.DataFrame({
        "left_id": links.get_level_values(0).astype(str), "right_id": links.get_level_values(1).astype(str),
        "probability": 1.0,
    })
    clusters, _best = clusters_of(pd.Series(ids.astype(str)), pairs)
    return clusters


def _recordlinkage_synthetic(data: str, out: str) -> dict:
    import recordlinkage as rl
    from recordlinkage.preprocessing import clean

    frame = pd.read_parquet(data).set_index("id")
    started = time.perf_counter()
    df = pd.DataFrame(index=frame.index)
    df["nik"] = frame["nik"].str.replace(r"\D", "", regex=True).where(lambda s: s.str.len() == 16)
    df["name"] = clean(frame["name"].fillna("")).replace("", np.nan)
    df["address"] = clean(frame["address"].fillna("")).replace("", np.nan)
    df["village"] = clean(frame["village"].fillna("")).replace("", np.nan)
    df["dob"] = frame["birth_date"].replace("", np.nan)
    df["sex"] = frame["sex"].replace("", np.nan)
    df["rt"] = pd.to_numeric(frame["rt"], errors="coerce")
    df["rw"] = pd.to_numeric(frame["rw"], errors="coerce")
    df["phone"] = frame["phone"].str.replace(r"\D", "", regex=True).str.lstrip("0").replace("", np.nan)

    indexer = rl.Index()
    indexer.block("nik")
    indexer.sortedneighbourhood("name", window=5, block_on=["village"])
    indexer.block(["dob", "village"])
    candidates = indexer.index(df)
    compare = rl.Compare()
    compare.exact("nik", "nik", label="nik")
    compare.string("name", "name", method="jarowinkler", threshold=0.85, label="name")
    compare.exact("dob", "dob", label="dob")
    compare.exact("sex", "sex", label="sex")
    compare.exact("village", "village", label="village")
    compare.exact("rt", "rt", label="rt")
    compare.exact("rw", "rw", label="rw")
    compare.exact("phone", "phone", label="phone")
    compare.string("address", "address", method="jarowinkler", threshold=0.85, label="address")
    features = compare.compute(candidates, df)
    links = rl.ECMClassifier(binarize=None).fit_predict(features.astype(int))
    clusters = _rl_cluster(df.index, links)
    seconds = time.perf_counter() - started
    _write_clusters(out, clusters)
    return {"seconds": seconds, "candidate_pairs": len(candidates)}


def _febrl_frame(name: str) -> pd.DataFrame:
    from recordlinkage import datasets

    if name == "febrl4":
        left, right = datasets.load_febrl4()
        frame = pd.concat([left, right])
    else:
        frame = getattr(datasets, f"load_{name}")()
    frame = frame.reset_index().rename(columns={"rec_id": "unique_id"})
    for column in frame.columns:
        if column != "unique_id":
            values = frame[column].astype(object).where(frame[column].notna(), None)
            frame[column] = values.map(lambda v: (v.strip() or None) if isinstance(v, str) else v)
    return frame


def _febrl_settings() -> dict:
    def level(sql: str, label: str) -> dict:
        return {"sql_condition": sql, "label_for_charts": label}

    def missing(column: str) -> dict:
        return {"sql_condition": f"{column}_l IS NULL OR {column}_r IS NULL", "label_for_charts": "missing",
                "is_null_level": True}

    def name(column: str, other: str) -> dict:
        return {"output_column_name": column, "comparison_levels": [
            missing(column), level(f"{column}_l = {column}_r", "exact"),
            level(f"{column}_l = {other}_r AND {column}_r = {other}_l", "swapped with " + other),
            level(f"damerau_levenshtein({column}_l, {column}_r) <= 1", "one edit"),
            level(f"jaro_winkler_similarity({column}_l, {column}_r) >= 0.9", "jw 0.9"),
            level(f"jaro_winkler_similarity({column}_l, {column}_r) >= 0.8", "jw 0.8"),
            level("ELSE", "different")]}

    def edits(column: str) -> dict:
        return {"output_column_name": column, "comparison_levels": [
            missing(column), level(f"{column}_l = {column}_r", "exact"),
            level(f"damerau_levenshtein({column}_l, {column}_r) <= 1", "one edit"),
            level(f"damerau_levenshtein({column}_l, {column}_r) <= 2", "two edits"), level("ELSE", "different")]}

    def similar(column: str) -> dict:
        return {"output_column_name": column, "comparison_levels": [
            missing(column), level(f"{column}_l = {column}_r", "exact"),
            level(f"jaro_winkler_similarity({column}_l, {column}_r) >= 0.9", "jw 0.9"), level("ELSE", "different")]}

    def exact(column: str) -> dict:
        return {"output_column_name": column, "comparison_levels": [
            missing(column), level(f"{column}_l = {column}_r", "exact"), level("ELSE", "different")]}

    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": [
            name("given_name", "surname"), name("surname", "given_name"), edits("date_of_birth"), edits("soc_sec_id"),
            exact("street_number"), similar("address_1"), similar("address_2"), similar("suburb"), edits("postcode"),
            exact("state"),
        ],
        "blocking_rules_to_generate_predictions": [
            "l.soc_sec_id = r.soc_sec_id", "l.date_of_birth = r.date_of_birth",
            "l.surname = r.surname AND l.postcode = r.postcode", "l.given_name = r.given_name AND l.postcode = r.postcode",
            "l.given_name = r.given_name AND l.surname = r.surname",
            "l.street_number = r.street_number AND l.address_1 = r.address_1",
            "l.postcode = r.postcode AND l.street_number = r.street_number",
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }


def _febrl_geliat(name: str, out: str) -> dict:
    from splink import Linker

    from geliat.dedup.engine.linking import clusters_of, db_api

    frame = _febrl_frame(name)
    started = time.perf_counter()
    api = db_api("duckdb")
    linker = Linker(api.register(frame), _febrl_settings(), log_level=logging.ERROR)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        ["l.soc_sec_id = r.soc_sec_id AND l.date_of_birth = r.date_of_birth"], recall=0.7)
    training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in ("l.date_of_birth = r.date_of_birth", "l.soc_sec_id = r.soc_sec_id", "l.surname = r.surname"):
        training.estimate_parameters_using_expectation_maximisation(rule, record_sample_proportion=1.0)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD, warning_mode="never")
    pairs = predictions.as_pandas_dataframe().rename(
        columns={"unique_id_l": "left_id", "unique_id_r": "right_id", "match_probability": "probability"})
    clusters, _best = clusters_of(frame["unique_id"], pairs)
    seconds = time.perf_counter() - started
    _write_clusters(out, clusters)
    return {"seconds": seconds}


def _febrl_recordlinkage(name: str, out: str) -> dict:
    import recordlinkage as rl

    frame = _febrl_frame(name).set_index("unique_id")
    started = time.perf_counter()
    indexer = rl.Index()
    indexer.block("soc_sec_id")
    indexer.sortedneighbourhood("surname", window=5)
    indexer.block("date_of_birth")
    candidates = indexer.index(frame)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("postcode", "postcode", label="postcode")
    compare.exact("street_number", "street_number", label="street_number")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    compare.exact("state", "state", label="state")
    features = compare.compute(candidates, frame)
    links = rl.ECMClassifier(binarize=None).fit_predict(features.astype(int))
    clusters = _rl_cluster(frame.index, links)
    seconds = time.perf_counter() - started
    _write_clusters(out, clusters)
    return {"seconds": seconds, "candidate_pairs": len(candidates)}


def _febrl_exact(name: str, out: str) -> dict:
    frame = _febrl_frame(name)
    started = time.perf_counter()
    clusters = frame["soc_sec_id"].where(frame["soc_sec_id"].notna(), "id:" + frame["unique_id"])
    seconds = time.perf_counter() - started
    _write_clusters(out, clusters)
    return {"seconds": seconds}


WORKERS = {
    "geliat": lambda d, o: _geliat(d, o),
    "geliat_trained": lambda d, o: _geliat(d, o, train=True),
    "spark": lambda d, o: _geliat(d, o, backend="spark"),
    "exact_nik": _exact_nik,
    "recordlinkage": _recordlinkage_synthetic,
    "febrl_geliat": _febrl_geliat,
    "febrl_recordlinkage": _febrl_recordlinkage,
    "febrl_exact": _febrl_exact,
}


def _peak_kib() -> int:
    """Peak resident memory of this process since it started its program (VmHWM).

    Not ``ru_maxrss``: Linux keeps that across fork and exec, so a worker started by a
    parent holding a million generated rows would report the parent's size."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child_main(argv: list[str]) -> dict:
    method, data, out = argv
    result = WORKERS[method](data, out)
    result["maxrss_kib"] = _peak_kib()
    return result


# ---------------------------------------------------------------- the parent


def _limit_memory(gigabytes: float):
    def apply():
        limit = int(gigabytes * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def _run_worker(method: str, data: str, out: str, memory_gb: float | None = None) -> dict:
    """Run a worker in its own process; a failure or a limit comes back as ``error``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), GELIAT_DEDUP_THREADS="2")
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_dedup", "--worker", method, data, out], cwd=ROOT, env=env,
            capture_output=True, text=True, timeout=TIMEOUT,
            preexec_fn=_limit_memory(memory_gb) if memory_gb else None,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after the {TIMEOUT} s time limit"}
    wall = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        memory = "MemoryError" in (done.stderr or "") or "Cannot allocate" in (done.stderr or "") or done.returncode == -9
        reason = f"out of memory at the {memory_gb:g} GB limit" if memory and memory_gb else tail[0][:160]
        return {"error": reason, "wall": wall}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def _score(truth, out: str) -> dict:
    from geliat.dedup.synthetic import pairwise_scores

    clusters = pd.read_parquet(out)["cluster"].to_numpy()
    return pairwise_scores(truth, clusters)


def _row(data: str, method: str, label: str, truth, size: int, memory_gb: float | None = None,
         out: str | None = None, repeat: int = 1) -> dict:
    out = out or f"{data}.{method}.out.parquet"
    # The fastest of ``repeat`` runs (the machine is shared), with the largest peak memory.
    runs = [_run_worker(method, data, out, memory_gb) for _ in range(repeat)]
    good = [run for run in runs if "error" not in run]
    result = min(good, key=lambda run: run["seconds"]) if good else runs[0]
    if good:
        result = {**result, "maxrss_kib": max(run["maxrss_kib"] for run in good), "runs": len(good)}
    row = {"size": size, "method": label, **result}
    if "error" not in result:
        row.update(_score(truth, out))
    print(f"  {label} @ {size}: {json.dumps({k: v for k, v in row.items() if k != 'method'}, default=str)}",
          file=sys.stderr, flush=True)
    return row


def measure() -> dict:
    from geliat.dedup.synthetic import generate

    rows, febrl_rows, notes = [], [], {}
    with tempfile.TemporaryDirectory(prefix="geliat-bench-dedup-") as tmp:
        for size in SIZES:
            frame = generate(size, seed=SEED)
            data = str(Path(tmp) / f"synthetic-{size}.parquet")
            frame.to_parquet(data)
            truth = frame["entity_id"].to_numpy()
            notes[size] = {"true_pairs": int(pd.Series(truth).value_counts().pipe(lambda c: (c * (c - 1) // 2).sum())),
                           "duplicates": int(frame["is_duplicate"].sum())}
            del frame
            rows.append(_row(data, "geliat", "Geliat (Splink + DuckDB, packaged model)", truth, size, repeat=REPEAT))
            rows.append(_row(data, "geliat_trained", "Geliat, EM-trained on this data", truth, size))
            rows.append(_row(data, "recordlinkage", "recordlinkage (index + compare + ECM)", truth, size, RL_GB,
                             repeat=REPEAT))
            rows.append(_row(data, "exact_nik", "Exact NIK grouping", truth, size))
            if size == min(SIZES):
                spark = _row(data, "spark", "Geliat on Spark (local[2])", truth, size)
                ours = pd.read_parquet(f"{data}.geliat.out.parquet")["cluster"]
                if "error" not in spark:
                    theirs = pd.read_parquet(f"{data}.spark.out.parquet")["cluster"]
                    spark["same_clusters"] = bool((ours == theirs).all())
                rows.append(spark)
        for name in FEBRL:
            frame = _febrl_frame(name)
            data = str(Path(tmp) / name)
            truth = frame["unique_id"].str.extract(r"rec-(\d+)")[0].to_numpy()
            for method, label in (("febrl_geliat", "Splink + DuckDB, EM (Geliat pipeline)"),
                                  ("febrl_recordlinkage", "recordlinkage (index + compare + ECM)"),
                                  ("febrl_exact", "Exact soc_sec_id grouping")):
                row = _row(name, method, label, truth, len(frame), out=f"{data}.{method}.out.parquet")
                row["dataset"] = name
                febrl_rows.append(row)
    return {"rows": rows, "febrl": febrl_rows, "notes": notes}


def _cell(row: dict) -> list[str]:
    if "error" in row:
        return ["—", "—", "—", "—", "—", "—", f"not measured: {row['error']}"]
    per_record = row["seconds"] / row["size"] * 1e6
    notes = []
    if "train_seconds" in row:
        notes.append(f"of which EM training {row['train_seconds']:.1f} s")
    if "candidate_pairs" in row:
        notes.append(f"{row['candidate_pairs']:,} candidate pairs")
    if "same_clusters" in row:
        notes.append("same clusters as DuckDB" if row["same_clusters"] else "clusters differ from DuckDB")
        notes.append("JVM memory not counted")
    return [f"{row['precision']:.4f}", f"{row['recall']:.4f}", f"**{row['f1']:.4f}**", f"{row['seconds']:.1f}",
            f"{per_record:.0f}", f"{row['maxrss_kib'] / 1024:,.0f}", "; ".join(notes)]


def markdown(measured: dict) -> str:
    lines = [
        "## Duplicate detection (issue #5)",
        "",
        "Synthetic registrants of Kabupaten Pasuruan (`geliat.dedup.synthetic`, seed "
        f"{SEED}): about 30 % of people registered 2–4 times with NIK typos, transpositions, Excel-zeroed 16th "
        "digits, missing female +40, name variants, swapped day/month, old desa spellings and empty fields; "
        "households, twins and namesakes as hard negatives. Pairwise precision/recall/F1 against the ground "
        "truth; wall time of the method (data loading excluded, preparation included) and peak RSS of its own "
        f"process (loading included). Threshold {THRESHOLD}; DuckDB with 2 threads on a machine shared with "
        "other workers.",
        "",
        "| Records | Method | Precision | Recall | F1 | Time (s) | µs / record | Peak RSS (MB) | Notes |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in measured["rows"]:
        lines.append(f"| {row['size']:,} | {row['method']} | " + " | ".join(_cell(row)) + " |")
    lines.append("")
    for size, note in measured["notes"].items():
        lines.append(f"- {size:,} records: {note['duplicates']:,} repeated rows, {note['true_pairs']:,} true pairs.")
    ours = {r["size"]: r for r in measured["rows"] if r["method"].startswith("Geliat (") and "error" not in r}
    peers = {r["size"]: r for r in measured["rows"] if r["method"].startswith("recordlinkage") and "error" not in r}
    ratios = [f"{size:,}: time ×{ours[size]['seconds'] / peers[size]['seconds']:.1f}, memory "
              f"×{ours[size]['maxrss_kib'] / peers[size]['maxrss_kib']:.1f}, F1 {ours[size]['f1']:.4f} against "
              f"{peers[size]['f1']:.4f}" for size in sorted(ours) if size in peers]
    if ratios:
        lines.append("- Geliat relative to recordlinkage, same run (Geliat ÷ recordlinkage): " + "; ".join(ratios)
                     + ". recordlinkage's usual indexing proposes few pairs (cheap, but a duplicate whose NIK and "
                     "name-within-desa both changed is never compared), and most false pairs of its unsupervised ECM "
                     "are members of one household.")
    if len(ours) >= 2:
        sizes = sorted(ours)
        growth = [f"{b:,}/{a:,}: time ×{ours[b]['seconds'] / ours[a]['seconds']:.1f} for records ×{b / a:.0f} "
                  f"(n·log n would be ×{b * np.log(b) / (a * np.log(a)):.1f})"
                  for a, b in zip(sizes, sizes[1:], strict=False)]
        lines.append("- Growth of Geliat's cost (fastest of " f"{REPEAT} runs): " + "; ".join(growth) + ".")
    lines += [
        "",
        "FEBRL data sets shipped with `recordlinkage` (FEBRL 4: its two files as one list). The same pipeline "
        "(Splink + DuckDB, parameters trained by EM on the data, connected components at 0.9) with comparisons "
        "for FEBRL's columns; time includes training.",
        "",
        "| Data set | Records | Method | Precision | Recall | F1 | Time (s) | µs / record | Peak RSS (MB) | Notes |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in measured["febrl"]:
        lines.append(f"| {row['dataset']} | {row['size']:,} | {row['method']} | " + " | ".join(_cell(row)) + " |")
    return "\n".join(lines)


def run() -> str:
    """The markdown section ``python -m bench`` writes into docs/benchmarks.md."""
    return markdown(measure())


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        logging.disable(logging.WARNING)
        print(json.dumps(_child_main(sys.argv[2:])))
    else:
        sys.path.insert(0, str(ROOT))
        print(run())
