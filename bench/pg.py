"""The harness the PostgreSQL benchmarks at a million rows share, and their small helpers.

Each keeps its own database between runs (filling it takes minutes) and does its work in a
child process (``python bench/bench_X.py --worker``) on that database with the test settings;
the child prints its results as JSON on its last line.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("GELIAT_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def postgres(statement: str) -> list[tuple]:
    """Run one statement on the server's maintenance database (outside any transaction)."""
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


def run_worker(script: str, database: str, *, drop_env: str) -> dict:
    """Create ``database`` when missing, run ``script --worker`` on it and return its JSON.

    ``{"error": …}`` when PostgreSQL cannot be reached; with the environment variable
    ``drop_env`` set to 1, the database is dropped afterwards.
    """
    try:
        if not postgres(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
            postgres(f"CREATE DATABASE {database}")
    except psycopg.OperationalError as exc:
        return {"error": f"PostgreSQL unavailable: {exc}"}
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG_SERVER}/{database}",
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "PYTHONPATH": str(ROOT),
    }
    try:
        done = subprocess.run(
            [sys.executable, script, "--worker"], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(exc.stderr[-3000:]) from exc
    finally:
        if os.environ.get(drop_env) == "1":
            postgres(f"DROP DATABASE IF EXISTS {database}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def percentile(times: list[float], share: float) -> float:
    """The value below which ``share`` of ``times`` lie (nearest rank)."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def tracking_code(number: int) -> str:
    """A unique, deterministic registration tracking code for the ``number``-th bulk-filled row."""
    chars = []
    for _ in range(8):
        number, digit = divmod(number, 32)
        chars.append(_CODE_ALPHABET[digit])
    return f"GLT-{''.join(chars[:4])}-{''.join(chars[4:])}"
