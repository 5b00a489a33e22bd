"""Importing registration lists: Geliat's engine against django-import-export, same file, same models.

The files are synthetic registrants of Kabupaten Pasuruan (``geliat.demo.synthetic``) written
as an office would keep them: Indonesian headers, one row per business, an owner with two
businesses on two rows, about 3% repeated registrations carrying the errors real lists carry
(NIK typos, a NIK whose 16th digit a spreadsheet zeroed, day and month swapped, misspelt
names). Values are written plainly (ISO dates, amounts as digits) so that the peer, which
cleans nothing, can read them too.

Each import runs in its own process, into a fresh copy of a database holding only the
regions and the importing coordinator; the parent polls the peak resident memory (``VmHWM``)
of the child and of any process it starts, and adds them up. Ours:
``geliat.imports.services.import_file`` (cleaning, NIK checks, region matching down to RT,
upserts in batches, verification started, audit events, the row report); from 10,000 rows on,
a helper process cleans while the job writes (``GELIAT_IMPORT_WORKERS``), so ours uses both
cores where the peer uses one.

The peer, django-import-export, is given the fairest resource chain we could write over the
same models, run one after the other on the file loaded into one ``tablib.Dataset``:

1. ``PersonResource``: ``import_id_fields = ["nik"]`` (a NIK already stored is updated);
2. ``BusinessResource``: owner by ``ForeignKeyWidget(Person, "nik")``, keyed on (owner, name);
3. ``RegistrationResource``: person by NIK, business by (owner's NIK, name), keyed on the
   business, channel "import"; after the import the new registrations are announced in
   batches of 2,000 so verification starts at the importer's level, as ours does.

Desa come from one dict of the regency's desa by (kecamatan, desa) name loaded once, stored at
desa level (ours finds or adds the RT unit); ``skip_diff = True``; no model ``full_clean``, no
audit events and no report file. Every one of these favours the peer. Both importers start
verification through the same service; the time it takes is measured apart (the receiver is
wrapped in the child) and shown, since it bounds the ratio.

``BENCH_IMPORT_SIZES`` (default ``100000,1000000``), ``BENCH_IMPORT_PG_SIZES`` (``100000``;
empty to skip PostgreSQL), ``BENCH_IMPORT_PEER_CAP`` (seconds the peer may run per import,
default 2400, enough for the peer to finish all but its last pass at 1,000,000 rows, so that
only that pass is estimated: past it the peer is stopped and the rows it got through are
reported).

Standalone: ``.venv/bin/python bench/bench_import.py``; or ``python -m bench import``.
"""

import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("GELIAT_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_TEMPLATE = "geliat_bench_import_tmpl"
PG_RUN = "geliat_bench_import_run"
SIZES = [int(n) for n in os.environ.get("BENCH_IMPORT_SIZES", "100000,1000000").split(",") if n.strip()]
PG_SIZES = [int(n) for n in os.environ.get("BENCH_IMPORT_PG_SIZES", "100000").split(",") if n.strip()]
PEER_CAP = float(os.environ.get("BENCH_IMPORT_PEER_CAP", "2400"))
OURS_CAP = 7200.0
IMPORTER = "bench.koordinator"
HEADERS = [
    "NIK", "Nama Lengkap", "Jenis Kelamin", "Tempat Lahir", "Tanggal Lahir", "No. HP/WA", "Alamat", "RT", "RW",
    "Desa/Kelurahan", "Kecamatan", "Nama Usaha", "Kelompok Terdampak", "Kategori KBLI", "Produk/Jasa",
    "Modal Usaha", "Penjualan Tahunan", "Karyawan Sebelum Pandemi", "Karyawan Sekarang", "Omzet Sebelum Pandemi",
    "Omzet Sekarang", "Dampak", "Keterangan Dampak",
]
ANNOUNCE_BATCH = 2000
PROGRESS_EVERY = 1000
PASS_SECONDS: dict[str, float] = {}  # the peer's child: seconds each finished pass took


# ---------------------------------------------------------------- children (own process each)


def _setup() -> None:
    import django

    django.setup()


def _prepare(paths: list[str]) -> dict:
    """Migrate, load the regions, add the importer; write one CSV file per path (its row count
    is in its name: ``registrants-100000.csv``)."""
    _setup()
    import itertools

    from django.core.management import call_command

    from geliat.accounts.models import Role, User
    from geliat.demo.synthetic import generate
    from geliat.registry.models import Impact
    from geliat.wilayah.models import Level, Region
    from geliat.wilayah.services import regions_load

    call_command("migrate", verbosity=0)
    regions_load(only="35.14")
    User.objects.create(
        username=IMPORTER, full_name="Koordinator Bench", role=Role.COORDINATOR, region=Region.objects.get(code="35.14")
    )
    names = dict(Region.objects.filter(code__startswith="35.14.", level__in=[Level.KECAMATAN, Level.DESA]).values_list("code", "name"))
    desa = sorted(code for code in names if len(code) == len("35.14.01.2001"))
    impacts = {value: str(label) for value, label in Impact.choices}
    for path in paths:
        size = int(Path(path).stem.rsplit("-", 1)[1])
        rows = generate(people=size, seed=1, desa_codes=desa, desa_names={code: names[code] for code in desa})
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(HEADERS)
            for r in itertools.islice(rows, size):
                writer.writerow([
                    r.nik, r.full_name, r.sex, r.birth_place, r.birth_date.isoformat(), r.phone, r.address, r.rt, r.rw,
                    r.desa_name, names[r.desa_code[:8]], r.business_name, r.affected_group, r.kbli_section, r.products,
                    "" if r.capital is None else r.capital, "" if r.annual_sales is None else r.annual_sales,
                    r.employees_before, r.employees_now, r.revenue_before, r.revenue_now,
                    ", ".join(impacts[i] for i in r.impacts), r.impact_note,
                ])
    return {"desa": len(desa)}


def _timed_verification_start() -> dict:
    """Time spent starting verification (the same service for both importers), summed in
    the returned dict's ``seconds``."""
    from geliat.verification import receivers

    spent = {"seconds": 0.0}
    start = receivers.verification_start

    def timed(**kwargs):
        began = time.perf_counter()
        try:
            return start(**kwargs)
        finally:
            spent["seconds"] += time.perf_counter() - began

    receivers.verification_start = timed
    return spent


def _ours(path: str) -> dict:
    _setup()
    verification = _timed_verification_start()
    from geliat.accounts.models import User
    from geliat.imports.services import import_file

    actor = User.objects.get(username=IMPORTER)
    started = time.perf_counter()
    job = import_file(actor=actor, path=path)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds, "verification_seconds": verification["seconds"], "rows": job.processed, "status": job.status,
        "outcome": {key: getattr(job, key) for key in ("created", "updated", "linked", "unchanged", "rejected")},
    }


def _peer_resources(progress: Path, started: float):
    """The django-import-export resources (built after ``django.setup()``); ``started``: the
    clock when the peer's import began, for the progress it leaves behind."""
    from import_export import resources, widgets
    from import_export.fields import Field

    from geliat.registry.models import Business, Channel, Impact, Person, Registration
    from geliat.registry.services import registrations_announce
    from geliat.wilayah.models import Level, Region
    from geliat.wilayah.text import name_key

    kecamatan = dict(Region.objects.filter(code__startswith="35.14.", level=Level.KECAMATAN).values_list("code", "name"))
    desa = {
        (name_key(kecamatan[region.code[:8]]), region.name_key): region
        for region in Region.objects.filter(code__startswith="35.14.", level=Level.DESA)
    }
    impacts = {str(label): value for value, label in Impact.choices}

    class DesaWidget(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            return desa[(name_key(row["Kecamatan"]), name_key(value))]

    class ImpactsWidget(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            return [impacts[part.strip()] for part in (value or "").split(",") if part.strip()]

    class BusinessOfOwnerWidget(widgets.ForeignKeyWidget):
        def get_queryset(self, value, row, *args, **kwargs):
            return Business.objects.filter(owner__nik=row["NIK"])

    class Progress(resources.ModelResource):
        """Leaves in ``progress`` the pass, its rows done, the seconds since the file load began,
        when the pass began, and how long each finished pass took (``PASS_SECONDS``)."""

        done = 0
        begun = 0.0

        def before_import(self, dataset, **kwargs):
            self.begun = time.perf_counter() - started

        def after_import(self, dataset, result, **kwargs):
            PASS_SECONDS[type(self).__name__] = time.perf_counter() - started - self.begun

        def after_import_row(self, row, row_result, **kwargs):
            self.done += 1
            if self.done % PROGRESS_EVERY == 0:
                seconds = time.perf_counter() - started
                progress.write_text(json.dumps({
                    "pass": type(self).__name__, "rows": self.done, "seconds": seconds, "pass_began": self.begun,
                    "passes": PASS_SECONDS,
                }))

    class Located(Progress):
        address = Field(attribute="address", column_name="Alamat")
        rt = Field(attribute="rt", column_name="RT")
        rw = Field(attribute="rw", column_name="RW")
        region = Field(attribute="region", column_name="Desa/Kelurahan", widget=DesaWidget())

    number = widgets.IntegerWidget

    class PersonResource(Located):
        nik = Field(attribute="nik", column_name="NIK")
        full_name = Field(attribute="full_name", column_name="Nama Lengkap")
        sex = Field(attribute="sex", column_name="Jenis Kelamin")
        birth_place = Field(attribute="birth_place", column_name="Tempat Lahir")
        birth_date = Field(attribute="birth_date", column_name="Tanggal Lahir", widget=widgets.DateWidget("%Y-%m-%d"))
        phone = Field(attribute="phone", column_name="No. HP/WA")

        class Meta:
            model = Person
            import_id_fields = ["nik"]
            fields = ["nik", "full_name", "sex", "birth_place", "birth_date", "phone", "address", "rt", "rw", "region"]
            skip_diff = True

    class BusinessResource(Located):
        owner = Field(attribute="owner", column_name="NIK", widget=widgets.ForeignKeyWidget(Person, "nik"))
        name = Field(attribute="name", column_name="Nama Usaha")
        affected_group = Field(attribute="affected_group", column_name="Kelompok Terdampak", widget=number())
        kbli_section = Field(attribute="kbli_section", column_name="Kategori KBLI")
        products = Field(attribute="products", column_name="Produk/Jasa")
        capital = Field(attribute="capital", column_name="Modal Usaha", widget=number())
        annual_sales = Field(attribute="annual_sales", column_name="Penjualan Tahunan", widget=number())
        employees_before = Field(attribute="employees_before", column_name="Karyawan Sebelum Pandemi", widget=number())
        employees_now = Field(attribute="employees_now", column_name="Karyawan Sekarang", widget=number())
        revenue_before = Field(attribute="revenue_before", column_name="Omzet Sebelum Pandemi", widget=number())
        revenue_now = Field(attribute="revenue_now", column_name="Omzet Sekarang", widget=number())
        impacts = Field(attribute="impacts", column_name="Dampak", widget=ImpactsWidget())
        impact_note = Field(attribute="impact_note", column_name="Keterangan Dampak")

        class Meta:
            model = Business
            import_id_fields = ["owner", "name"]
            fields = ["owner", "name", "affected_group", "kbli_section", "products", "capital", "annual_sales",
                      "employees_before", "employees_now", "revenue_before", "revenue_now", "impacts",
                      "impact_note", "address", "rt", "rw", "region"]
            skip_diff = True

    class RegistrationResource(Progress):
        person = Field(attribute="person", column_name="NIK", widget=widgets.ForeignKeyWidget(Person, "nik"))
        business = Field(attribute="business", column_name="Nama Usaha", widget=BusinessOfOwnerWidget(Business, "name"))
        created_ids: list[int]

        class Meta:
            model = Registration
            import_id_fields = ["business"]
            fields = ["person", "business"]
            skip_diff = True

        def before_import(self, dataset, **kwargs):
            super().before_import(dataset, **kwargs)
            self.created_ids = []

        def before_save_instance(self, instance, row, **kwargs):
            instance.channel = Channel.IMPORT
            instance.is_new = instance.pk is None

        def after_save_instance(self, instance, row, **kwargs):
            if instance.is_new:
                self.created_ids.append(instance.pk)

        def after_import(self, dataset, result, **kwargs):
            super().after_import(dataset, result, **kwargs)
            for start in range(0, len(self.created_ids), ANNOUNCE_BATCH):
                registrations_announce(
                    registration_ids=self.created_ids[start : start + ANNOUNCE_BATCH], start_level=Level.KABUPATEN
                )

    return PersonResource, BusinessResource, RegistrationResource


def _peer(path: str, progress: str) -> dict:
    _setup()
    import tablib
    from django.db import transaction

    verification = _timed_verification_start()
    started = time.perf_counter()
    resources = _peer_resources(Path(progress), started)
    with open(path, encoding="utf-8") as source:
        dataset = tablib.Dataset().load(source.read(), format="csv")
    outcome = {}
    for resource_class in resources:
        # ``import_data`` rolls the whole file back when one row fails: from these files it
        # would store nothing. Its inner loop in one transaction keeps the rows that import.
        with transaction.atomic():
            result = resource_class().import_data_inner(
                dataset, dry_run=False, raise_errors=False, using_transactions=True, collect_failed_rows=False
            )
        totals = result.totals
        outcome[resource_class.__name__.removesuffix("Resource").lower()] = {
            "new": totals["new"], "update": totals["update"], "error": totals["error"] + totals["invalid"],
        }
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds, "verification_seconds": verification["seconds"], "rows": len(dataset), "status": "done",
        "outcome": outcome, "passes": PASS_SECONDS,
    }


# ---------------------------------------------------------------- the parent


def _peak_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _descendants(pid: int) -> list[int]:
    """``pid``'s children and theirs (our importer cleans large files in a helper process)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


class _Peaks:
    """Each process's own peak (VmHWM), kept while it lives; the total counts every process of
    the import at its peak at once: an upper bound of the memory the import needed."""

    def __init__(self, pid: int):
        self.pid, self.by_pid = pid, {}

    def poll(self) -> None:
        for pid in [self.pid, *_descendants(self.pid)]:
            self.by_pid[pid] = max(self.by_pid.get(pid, 0), _peak_kib(pid))

    @property
    def total_kib(self) -> int:
        return sum(self.by_pid.values())

    def with_final(self, final_kib: int) -> int:
        """The total, with the main process's peak as it reported it on exit."""
        return self.total_kib - self.by_pid.get(self.pid, 0) + max(self.by_pid.get(self.pid, 0), final_kib)


def _child(args: list[str], *, env: dict, cap: float, progress: Path | None = None) -> dict:
    """Run a child to completion or ``cap`` seconds; its JSON result plus ``peak_mb``."""
    out = tempfile.TemporaryFile(mode="w+")
    child = subprocess.Popen(
        [sys.executable, __file__, *args], env=env, cwd=ROOT, stdout=out, stderr=subprocess.PIPE, text=True
    )
    started, peaks = time.monotonic(), _Peaks(child.pid)
    while child.poll() is None:
        peaks.poll()
        if time.monotonic() - started > cap:
            child.kill()
            child.wait()
            got = json.loads(progress.read_text()) if progress and progress.exists() else {"pass": "", "rows": 0}
            return {"capped": True, "seconds": cap, "progress": got, "peak_mb": peaks.total_kib / 1024}
        time.sleep(0.2)
    stderr = child.stderr.read()
    if child.returncode != 0:
        raise RuntimeError(stderr[-3000:])
    out.seek(0)
    result = json.loads(out.read().strip().splitlines()[-1])
    # The child's VmHWM after its last poll is not visible once it has exited; the result's own
    # figure covers the end.
    result["peak_mb"] = peaks.with_final(result.pop("maxrss_kib", 0)) / 1024
    return result


def _env(database_url: str, workdir: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        # As in production, work that new records hand to background jobs (duplicate
        # search) is queued for the worker, not run inside the import being timed.
        "GELIAT_TASKS_BACKEND": "db",
        "GELIAT_VAR_DIR": str(workdir),
        "PYTHONPATH": str(ROOT),
    }


def _postgres(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def _pairs(files: dict[int, Path], sizes: list[int], fresh, workdir: Path) -> list[dict]:
    """Ours and the peer on each size, each into a fresh database from ``fresh()``."""
    results = []
    for size in sizes:
        for importer in ("geliat", "peer"):
            env = _env(fresh(), workdir)
            progress = workdir / "progress.json"
            progress.unlink(missing_ok=True)
            if importer == "geliat":
                result = _child(["--ours", str(files[size])], env=env, cap=OURS_CAP)
            else:
                result = _child(["--peer", str(files[size]), str(progress)], env=env, cap=PEER_CAP, progress=progress)
            results.append({"size": size, "importer": importer, **result})
            print(f"  {size:>9,} {importer}: {_rate_text(results[-1])}", file=sys.stderr, flush=True)
    return results


def measure() -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="geliat-bench-import-"))
    try:
        files = {size: workdir / f"registrants-{size}.csv" for size in sorted(set(SIZES) | set(PG_SIZES))}
        template = workdir / "template.sqlite3"
        _child(["--prepare", *map(str, files.values())], env=_env(f"sqlite:///{template}", workdir), cap=OURS_CAP)
        run_db = workdir / "run.sqlite3"

        def fresh_sqlite() -> str:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{run_db}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(template, run_db)
            return f"sqlite:///{run_db}"

        results = {"sqlite": _pairs(files, SIZES, fresh_sqlite, workdir)}
        if PG_SIZES:
            try:
                _postgres(f"DROP DATABASE IF EXISTS {PG_RUN}")
                _postgres(f"DROP DATABASE IF EXISTS {PG_TEMPLATE}")
                _postgres(f"CREATE DATABASE {PG_TEMPLATE}")
            except Exception as exc:  # no server here: report it, keep SQLite's numbers
                results["postgresql"] = {"error": f"PostgreSQL unavailable: {exc}"}
                return results
            try:
                _child(["--prepare"], env=_env(f"{PG_SERVER}/{PG_TEMPLATE}", workdir), cap=OURS_CAP)

                def fresh_postgres() -> str:
                    _postgres(f"DROP DATABASE IF EXISTS {PG_RUN}")
                    _postgres(f"CREATE DATABASE {PG_RUN} TEMPLATE {PG_TEMPLATE}")
                    return f"{PG_SERVER}/{PG_RUN}"

                results["postgresql"] = _pairs(files, PG_SIZES, fresh_postgres, workdir)
            finally:
                _postgres(f"DROP DATABASE IF EXISTS {PG_RUN}")
                _postgres(f"DROP DATABASE IF EXISTS {PG_TEMPLATE}")
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


PEER_PASSES = ("PersonResource", "BusinessResource", "RegistrationResource")


def _rate(result: dict, reference: dict | None = None) -> float:
    """File rows per second. A stopped peer: the file's rows over an estimate of the time it
    would have taken (``_peer_seconds_estimate``)."""
    if result.get("capped"):
        seconds = _peer_seconds_estimate(result, reference)
        return result["size"] / seconds if seconds else 0.0
    return result["rows"] / result["seconds"]


def _peer_seconds_estimate(result: dict, reference: dict | None) -> float | None:
    """The seconds a stopped peer would have taken: the file load and the passes it finished as
    measured, the pass it was in at its own rate so far, and each later pass as long as that
    one times the ratio of the two in ``reference`` (the peer's finished run of another size
    on the same database; without one, as long as the current pass)."""
    progress = result["progress"]
    if not progress.get("pass") or "pass_began" not in progress:
        return None
    current = progress["pass"]
    current_seconds = (progress["seconds"] - progress["pass_began"]) * result["size"] / progress["rows"]
    shape = (reference or {}).get("passes", {})
    later = PEER_PASSES[PEER_PASSES.index(current) + 1 :]
    return progress["pass_began"] + current_seconds + sum(
        current_seconds * (shape[name] / shape[current] if name in shape and shape.get(current) else 1.0)
        for name in later
    )


def _rate_text(result: dict) -> str:
    if result.get("capped"):
        return f"stopped after {result['seconds']:.0f} s"
    return f"{_rate(result):,.0f} rows/s, {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB"


def _outcome(result: dict) -> str:
    if result.get("capped"):
        progress = result["progress"]
        return f"stopped at the cap in {progress['pass'] or 'the file load'}, row {progress['rows']:,}"
    outcome = result["outcome"]
    if result["importer"] == "geliat":
        accepted = sum(outcome[key] for key in ("created", "updated", "linked", "unchanged"))
        status = "" if result["status"] == "done" else f"job {result['status']}: "
        return (
            f"{status}accepted {accepted:,} (created {outcome['created']:,}, updated {outcome['updated']:,}, "
            f"linked {outcome['linked']:,}, unchanged {outcome['unchanged']:,}), rejected {outcome['rejected']:,}"
        )
    return "; ".join(
        f"{name}: new {numbers['new']:,}, updated {numbers['update']:,}, errors {numbers['error']:,}"
        for name, numbers in outcome.items()
    )


def markdown(results: dict) -> str:
    lines = [
        "## Import of registration lists (issue #4)",
        "",
        "One CSV of synthetic registrants per size (Indonesian headers, one row per business, ~3% repeated "
        "registrations with real-list errors), imported by Geliat's engine (`import_file`: cleaning, NIK checks, "
        "region matching to RT, upserts in batches, verification started, audit events, the row report) and by "
        "django-import-export (Person → Business → Registration `ModelResource` chain, desa from a preloaded dict, "
        "`skip_diff`, no cleaning, audit or report: see `bench/bench_import.py`), each in its own process into a "
        "fresh database. Ours cleans large files in a helper process while it writes (two cores; the peer uses "
        "one). Peak memory: the sum of the peak resident memory (`VmHWM`) of every process of the import.",
        "",
        "| Database | Rows in file | Importer | Seconds | of which starting verification (s) | Rows/s | Peak memory (MB) | Outcome |",
        "|---|---:|---|---:|---:|---:|---:|---|",
    ]
    ratios = []
    for backend, rows in results.items():
        if isinstance(rows, dict):
            lines.append(f"| {backend} | | | | | | | {rows['error']} |")
            continue
        by = {(row["size"], row["importer"]): row for row in rows}
        reference = next((row for row in rows if row["importer"] == "peer" and not row.get("capped")), None)
        for row in rows:
            name = "Geliat" if row["importer"] == "geliat" else "django-import-export"
            seconds = f"> {row['seconds']:.0f} (stopped)" if row.get("capped") else f"{row['seconds']:.1f}"
            rate = f"~{_rate(row, reference):,.0f} (est.)" if row.get("capped") else f"{_rate(row):,.0f}"
            verification = "" if row.get("capped") else f"{row['verification_seconds']:.1f}"
            lines.append(
                f"| {backend} | {row['size']:,} | {name} | {seconds} | {verification} | {rate} | "
                f"{row['peak_mb']:.0f} | {_outcome(row)} |"
            )
        for size in sorted({row["size"] for row in rows}):
            ours, peer = by[(size, "geliat")], by[(size, "peer")]
            peer_rate = _rate(peer, reference)
            if not peer_rate:
                ratios.append(f"- {backend}, {size:,} rows: the peer was stopped before its first pass got going")
                continue
            note = (
                " (the stopped peer's time estimated: passes finished as measured, the current one at its own "
                "rate, later ones in the proportions of its finished run"
                + (f" of {reference['size']:,} rows)" if reference else ")")
            ) if peer.get("capped") else ""
            ratios.append(f"- {backend}, {size:,} rows: **rate ours / peer {_rate(ours) / peer_rate:.1f}×**{note}")
            if not peer.get("capped"):
                own = (peer["seconds"] - peer["verification_seconds"]) / (ours["seconds"] - ours["verification_seconds"])
                ratios.append(f"  - leaving out the verification start both call: {own:.1f}×")
        sizes = sorted({row["size"] for row in rows})
        if len(sizes) > 1:
            small, large = by[(sizes[0], "geliat")], by[(sizes[-1], "geliat")]
            ratios.append(
                f"- {backend}, Geliat's peak memory: {small['peak_mb']:.0f} MB at {sizes[0]:,} rows, "
                f"{large['peak_mb']:.0f} MB at {sizes[-1]:,} rows (×{large['peak_mb'] / small['peak_mb']:.2f} "
                f"for ×{sizes[-1] // sizes[0]} the rows)"
            )
    return "\n".join([*lines, "", *ratios])


def run() -> str:
    """The markdown section ``python -m bench`` writes into docs/benchmarks.md."""
    if importlib.util.find_spec("import_export") is None:
        return "## Import of registration lists (issue #4)\n\nNot measured: the peer is missing (`pip install -e '.[bench]'`)."
    return markdown(measure())


def _child_main(argv: list[str]) -> dict:
    import resource

    mode, args = argv[0], argv[1:]
    if mode == "--prepare":
        result = _prepare(args)
    elif mode == "--ours":
        result = _ours(args[0])
    else:
        result = _peer(args[0], args[1])
    result["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result


if __name__ == "__main__":
    if sys.argv[1:2] and sys.argv[1].startswith("--"):
        print(json.dumps(_child_main(sys.argv[1:])))
    else:
        sys.path.insert(0, str(ROOT))
        print(run())
