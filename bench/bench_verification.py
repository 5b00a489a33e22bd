"""Verification at scale, on PostgreSQL: bulk approval and the officers' queue page.

(a) 10,000 records waiting at one desa node, approved by that desa's officer through
``verification_bulk_approve`` (every record checked, a decision row each, one audit
event), against the peer: one SQL ``UPDATE … WHERE id IN (…)`` of the same rows.

(b) The queue page ``/verifikasi/`` rendered through Django's test Client, logged in,
with 1,000,000 records in the registry: the kabupaten officer's queue (many rows), a
desa officer's queue, and the kabupaten queue filtered by affected group and age. The
peer is the SQL the page itself ran (captured once, then replayed through a cursor),
so the ratio is what Django's ORM, views and templates add on top of the database.

The database ``geliat_bench_verif`` is created when missing, filled once by COPY
(people, businesses, registrations, verifications spread over the regency's desa)
and kept for the next run, which reuses it when it holds the right count.
``BENCH_VERIFICATION_DROP=1`` drops it afterwards; ``BENCH_VERIFICATION_RECORDS``
changes the size (default 1,000,000), ``BENCH_REQUESTS`` the requests per queue (50).

Standalone: ``.venv/bin/python bench/bench_verification.py``; or ``python -m bench verification``.
"""

import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

from bench.pg import percentile, run_worker, tracking_code

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = "geliat_bench_verif"
RECORDS = int(os.environ.get("BENCH_VERIFICATION_RECORDS", "1000000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
BULK = 10_000
BULK_DESA = "35.14.24.2001"  # a desa of Kecamatan Tosari: its bench records come and go each run
# Where the filled records stand: (status, level) and its share.
STATES = [
    (("waiting", "desa"), 40), (("waiting", "kecamatan"), 25), (("waiting", "kabupaten"), 15),
    (("verified", ""), 14), (("returned", "desa"), 4), (("rejected", "kecamatan"), 2),
]


# ---------------------------------------------------------------- the worker (own process)


class _Copier:
    """COPY rows of a model, naming every concrete column; absent values take the field default."""

    def __init__(self, model):
        from django.db import connection

        self.model = model
        self.fields = model._meta.concrete_fields
        self.defaults = {}
        for field in self.fields:
            default = field.get_default()
            self.defaults[field.attname] = json.dumps(default) if isinstance(default, list | dict) else default
        quote = connection.ops.quote_name
        self.sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in self.fields)}) FROM STDIN"

    def copy(self, rows) -> None:
        from django.db import connection

        names = [field.attname for field in self.fields]
        with connection.cursor() as cursor, cursor.cursor.copy(self.sql) as copy:
            for row in rows:
                values = self.defaults | row
                copy.write_row([values[name] for name in names])


def _place(code: str, status: str, level: str) -> tuple[int, str]:
    """(step, node) of a desa-located record standing at ``level`` (RT, RW, dusun are skipped)."""
    parts = code.split(".")
    step = {"desa": 3, "kecamatan": 4, "kabupaten": 5, "": 6}[level]
    node = {"desa": code, "kecamatan": ".".join(parts[:3]), "kabupaten": ".".join(parts[:2]), "": ""}[level]
    return step, node


def _insert(first_id: int, places: list[tuple[str, str, str]], *, now, seed: int) -> None:
    """People, businesses, registrations and verifications ``first_id …``, one per ``(desa, status, level)``."""
    from geliat.registry.models import Business, Person, Registration
    from geliat.verification.chain import chain_for
    from geliat.verification.models import Verification

    rng = random.Random(seed)
    count = len(places)
    ids = range(first_id, first_id + count)
    groups = [rng.randint(1, 10) for _ in ids]
    ages = [datetime.timedelta(seconds=rng.randint(0, 60 * 86400)) for _ in ids]
    warned = {i for i in ids if rng.random() < 0.03}
    chains = {code: json.dumps(chain_for(code)) for code in {place[0] for place in places}}
    stamps = {"created_at": now, "updated_at": now, "version": 1}

    _Copier(Person).copy(
        {
            **stamps, "id": i, "nik": f"35{i:014d}", "full_name": f"Pemilik Uji {i}", "name_key": f"pemilikuji{i}",
            "sex": "LP"[i % 2], "birth_place": "Pasuruan", "birth_date": datetime.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
            "phone": "", "address": f"Jl. Uji {i}", "region_id": places[i - first_id][0],
            "nik_warnings": '["Kode wilayah NIK tidak dikenal."]' if i in warned else "[]",
        }
        for i in ids
    )
    _Copier(Business).copy(
        {
            **stamps, "id": i, "owner_id": i, "name": f"Usaha Uji {i}", "affected_group": groups[i - first_id],
            "kbli_section": "G", "address": f"Jl. Uji {i}", "region_id": places[i - first_id][0],
        }
        for i in ids
    )
    _Copier(Registration).copy(
        {
            "id": i, "tracking_code": tracking_code(i), "person_id": i, "business_id": i, "channel": "officer",
            "status": "submitted", "created_at": now - ages[i - first_id],
        }
        for i in ids
    )

    def verification(i: int) -> dict:
        code, status, level = places[i - first_id]
        step, node = _place(code, status, level)
        return {
            "id": i, "registration_id": i, "status": status, "step": step, "level": level, "node_code": node,
            "chain": chains[code], "region_code": code, "waiting_since": now - ages[i - first_id],
            "return_reason": "Foto usaha belum ada." if status == "returned" else "", "version": 1, "updated_at": now,
        }

    _Copier(Verification).copy(verification(i) for i in ids)


_TABLES = ("registry_person", "registry_business", "registry_registration", "verification_verification")


def _fill() -> float:
    """Fill the registry with ``RECORDS`` records by COPY; returns seconds taken."""
    from django.db import connection
    from django.utils import timezone

    from geliat.wilayah.models import Level, Region

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE registry_person RESTART IDENTITY CASCADE")
    desas = list(Region.objects.filter(level=Level.DESA, code__startswith="35.14.").exclude(code=BULK_DESA).values_list("code", flat=True))
    rng = random.Random(2026)
    states = rng.choices([state for state, _share in STATES], weights=[share for _state, share in STATES], k=RECORDS)
    places = [(rng.choice(desas), status, level) for status, level in states]
    _insert(1, places, now=timezone.now(), seed=1)
    with connection.cursor() as cursor:
        for table in _TABLES:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # As autovacuum would in production: statistics, and a visibility map for index-only counts.
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def _remove_bulk_records() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM verification_decision WHERE verification_id > %s", [RECORDS])
        for table in reversed(_TABLES):
            cursor.execute(f"DELETE FROM {table} WHERE id > %s", [RECORDS])


def _officer(username: str, code: str):
    from geliat.accounts.models import Role, User

    user, _created = User.objects.get_or_create(username=username, defaults={"role": Role.OFFICER, "region_id": code})
    return user


def _bulk_approval() -> dict:
    """Seconds for ours and the peer on the same 10,000 rows, best of ``REPEAT``."""
    from django.db import connection, transaction
    from django.utils import timezone

    from geliat.verification.services import verification_bulk_approve

    officer = _officer("bench.desa.tosari", BULK_DESA)
    first = RECORDS + 1
    ids = list(range(first, first + BULK))
    _insert(first, [(BULK_DESA, "waiting", "desa")] * BULK, now=timezone.now(), seed=2)
    kecamatan = BULK_DESA.rsplit(".", 1)[0]
    in_list = ", ".join(map(str, ids))

    def reset():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM verification_decision WHERE verification_id >= %s", [first])
            cursor.execute(
                "UPDATE verification_verification SET status = 'waiting', step = 3, level = 'desa', node_code = %s, "
                "version = 1, waiting_since = now() - interval '2 days' WHERE id >= %s",
                [BULK_DESA, first],
            )

    ours, peer = [], []
    for _round in range(REPEAT):
        reset()
        started = time.perf_counter()
        result = verification_bulk_approve(actor=officer, verification_ids=ids, versions=dict.fromkeys(ids, 1))
        ours.append(time.perf_counter() - started)
        assert len(result.approved) == BULK, result.refused
        reset()
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE verification_verification SET status = 'waiting', step = 4, level = 'kecamatan', "
                f"node_code = %s, waiting_since = now(), version = version + 1, updated_at = now() WHERE id IN ({in_list})",
                [kecamatan],
            )
            assert cursor.rowcount == BULK
        peer.append(time.perf_counter() - started)
    return {"ours": min(ours), "peer": min(peer)}


def _queue_pages() -> list[dict]:
    """p50/p95 of the page and of its own SQL replayed, per queue."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from geliat.verification.selectors import queue_for_user

    desa = connection.cursor()
    desa.execute("SELECT region_code FROM verification_verification WHERE id = 1")
    desa_code = desa.fetchone()[0]
    kabupaten = _officer("bench.kabupaten", "35.14")
    desa_officer = _officer("bench.desa", desa_code)
    scenarios = [
        ("kabupaten officer", kabupaten, {}, {}),
        ("desa officer", desa_officer, {}, {}),
        ("kabupaten, group 3 and ≥ 7 days", kabupaten, {"group": "3", "min_days": "7"}, {"affected_group": 3, "min_days": 7}),
    ]
    rows = []
    for label, user, params, filters in scenarios:
        client = Client()
        client.force_login(user)
        for _warm in range(3):
            assert client.get("/verifikasi/", params).status_code == 200
        page = []
        for _request in range(REQUESTS):
            started = time.perf_counter()
            response = client.get("/verifikasi/", params)
            page.append(time.perf_counter() - started)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as captured:
            client.get("/verifikasi/", params)
        statements = [query["sql"] for query in captured.captured_queries]
        raw = []
        with connection.cursor() as cursor:
            for _request in range(REQUESTS):
                started = time.perf_counter()
                for sql in statements:
                    cursor.execute(sql)
                    if cursor.description:
                        cursor.fetchall()
                raw.append(time.perf_counter() - started)
        rows.append(
            {
                "queue": label, "waiting": queue_for_user(user, **filters).count(), "queries": len(statements),
                "page_p50": percentile(page, 0.5), "page_p95": percentile(page, 0.95),
                "sql_p50": percentile(raw, 0.5), "sql_p95": percentile(raw, 0.95),
            }
        )
    return rows


def _worker() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from geliat.verification.models import Verification
    from geliat.wilayah.services import regions_load

    call_command("migrate", verbosity=0)
    regions_load(only="35.14")
    _remove_bulk_records()  # left by an interrupted run
    reused = Verification.objects.count() == RECORDS
    fill_seconds = None if reused else _fill()
    try:
        bulk = _bulk_approval()
    finally:
        _remove_bulk_records()
    states = {
        f"{row['status']} {row['level']}".strip(): row["n"]
        for row in Verification.objects.values("status", "level").annotate(n=Count("id")).order_by()
    }
    return {"reused": reused, "fill_seconds": fill_seconds, "bulk": bulk, "pages": _queue_pages(), "states": states}


# ---------------------------------------------------------------- the parent


def measure() -> dict:
    return run_worker(__file__, PG_DATABASE, drop_env="BENCH_VERIFICATION_DROP")


def markdown(results: dict) -> str:
    if "error" in results:
        return f"## Verification at scale (issue #3)\n\nNot measured: {results['error']}"
    bulk, states = results["bulk"], results["states"]
    fill = "reused from the previous run" if results["reused"] else f"filled by COPY in {results['fill_seconds']:.0f} s"
    state_text = ", ".join(f"{label}: {n:,}" for label, n in sorted(states.items(), key=lambda item: -item[1]))
    lines = [
        "## Verification at scale (issue #3)",
        "",
        f"PostgreSQL, database `{PG_DATABASE}` with Kabupaten Pasuruan's regions and {RECORDS:,} records "
        f"(person + business + registration + verification) spread over its desa ({fill}). "
        f"Where they stand: {state_text}.",
        "",
        f"### Bulk approval of {BULK:,} records waiting at one desa (best of {REPEAT})",
        "",
        "| | seconds | records/s |",
        "|---|---:|---:|",
        f"| `verification_bulk_approve` (each record checked, a decision row each, one audit event) | {bulk['ours']:.2f} | {BULK / bulk['ours']:,.0f} |",
        f"| one SQL `UPDATE … WHERE id IN (…)` of the same rows (peer) | {bulk['peer']:.2f} | {BULK / bulk['peer']:,.0f} |",
        "",
        f"**Ratio ours / peer (time): {bulk['ours'] / bulk['peer']:.1f}×**",
        "",
        f"### Queue page `/verifikasi/` through the test Client, logged in ({REQUESTS} requests each)",
        "",
        "The peer is the page's own SQL (captured from one request, replayed through a cursor).",
        "",
        "| queue | waiting rows | queries | page p50 (ms) | page p95 (ms) | its SQL p50 (ms) | its SQL p95 (ms) | ratio p50 page / SQL |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["pages"]:
        lines.append(
            f"| {row['queue']} | {row['waiting']:,} | {row['queries']} | {row['page_p50'] * 1000:.1f} | "
            f"{row['page_p95'] * 1000:.1f} | {row['sql_p50'] * 1000:.1f} | {row['sql_p95'] * 1000:.1f} | "
            f"{row['page_p50'] / row['sql_p50']:.2f} |"
        )
    return "\n".join(lines)


def run() -> str:
    """The markdown section ``python -m bench`` writes into docs/benchmarks.md."""
    return markdown(measure())


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        print(json.dumps(_worker()))
    else:
        print(run())
