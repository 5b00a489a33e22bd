"""Loading all 91,599 regions: ``regions_load`` against Django's ``loaddata`` (the peer).

Each database backend runs in its own process (settings read ``DATABASE_URL`` once):
a temporary SQLite file, and a PostgreSQL database ``geliat_bench`` created and dropped
here. Per backend: a cold load into empty tables and a re-load of unchanged data, for
ours and for ``loaddata`` of an equivalent JSON fixture; best of 3. The loader's parse
cache is cleared before every timed run, so ours includes reading the gzipped CSV.

Standalone: ``.venv/bin/python bench/bench_wilayah.py``; or ``python -m bench wilayah``.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
PG_SERVER = os.environ.get("GELIAT_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "geliat_bench"


def _best(prepare, action) -> float:
    times = []
    for _ in range(REPEAT):
        prepare()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def _worker(fixture_dir: str) -> dict:
    """Runs inside the child process, against the database in ``DATABASE_URL``."""
    import django

    django.setup()
    from django.core.management import call_command

    from geliat.wilayah import services
    from geliat.wilayah.models import Region

    call_command("migrate", verbosity=0)
    rows = services._read_regions(services.DEFAULT_PATH)
    fixture = Path(fixture_dir) / "wilayah.json"
    if not fixture.exists():
        objects = [
            {"model": "wilayah.region", "pk": code, "fields": {"name": name, "level": level, "parent": parent, "name_key": key}}
            for code, name, level, parent, key in rows
        ]
        fixture.write_text(json.dumps(objects))

    def empty():
        call_command("flush", interactive=False, verbosity=0)
        services._parse_regions.cache_clear()

    def ours():
        services.regions_load()

    def peer():
        call_command("loaddata", str(fixture), verbosity=0)

    result = {
        "rows": len(rows),
        "ours_cold": _best(empty, ours),
        "ours_reload": _best(services._parse_regions.cache_clear, ours),
        "peer_cold": _best(empty, peer),
        "peer_reload": _best(lambda: None, peer),
    }
    assert Region.objects.count() == len(rows)
    return result


def _run_worker(database_url: str, fixture_dir: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, __file__, "--worker", fixture_dir],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres(statement: str) -> None:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def measure() -> dict:
    """Seconds per backend: ``{"sqlite": {...}, "postgresql": {...} | {"error": ...}}``."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="geliat-bench-") as tmp:
        results["sqlite"] = _run_worker(f"sqlite:///{tmp}/bench.sqlite3", tmp)
        try:
            _postgres(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            _postgres(f"CREATE DATABASE {PG_DATABASE}")
        except psycopg.OperationalError as exc:  # no server here: report it, keep SQLite's numbers
            results["postgresql"] = {"error": f"PostgreSQL unavailable: {exc}"}
            return results
        try:
            results["postgresql"] = _run_worker(f"{PG_SERVER}/{PG_DATABASE}", tmp)
        finally:
            _postgres(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
    return results


def markdown(results: dict) -> str:
    lines = [
        "## Region table load (91,599 rows)",
        "",
        f"`regions_load()` against `loaddata` of the same rows as a JSON fixture; best of {REPEAT}. "
        "Cold: into empty tables. Re-load: the same data again (ours compares and writes nothing; "
        "`loaddata` saves every row).",
        "",
        "| Database | Load | Geliat (s) | loaddata (s) | Ratio (ours/peer) |",
        "|---|---|---:|---:|---:|",
    ]
    for backend, numbers in results.items():
        if "error" in numbers:
            lines.append(f"| {backend} | — | {numbers['error']} | | |")
            continue
        for label, key in (("cold", "cold"), ("re-load", "reload")):
            ours, peer = numbers[f"ours_{key}"], numbers[f"peer_{key}"]
            lines.append(f"| {backend} | {label} | {ours:.2f} | {peer:.2f} | {ours / peer:.2f} |")
    return "\n".join(lines)


def run() -> str:
    """The markdown section ``python -m bench`` writes into docs/benchmarks.md."""
    return markdown(measure())


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        print(json.dumps(_worker(sys.argv[2])))
    else:
        print(run())
