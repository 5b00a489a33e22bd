"""Import jobs: storing an upload, its column mapping, and the engine that brings its rows
into the registry.

The engine (``import_job_run``) streams the file's rows, cleans each one and writes them
in batches of ``GELIAT_IMPORT_BATCH`` rows (default 2,000). Each batch is one
transaction together with the job's counters, so a cancelled or failed job never leaves
half a batch and ``processed`` says exactly how far it got; running it again goes on
from the next row. Per batch: RW/RT units in bulk, one query for the people by NIK, one
for their businesses (one more for source IDs when the file has them), bulk inserts and
updates, one audit event per created or changed record (before/after for changes), and
one ``registrations_announce`` so verification starts at the importer's level.

Matching, so that importing the same file again creates nothing: a person by NIK; a
business by its source ID (``external_id``, a KoboToolbox ``_uuid`` or ODK
``instanceID``) when the row has one, else by its owner and its name (case, spacing and
punctuation ignored). Every row read ends in exactly one outcome:

- ``created``: a new business of a new person;
- ``linked``: a new business of a person already registered (by NIK, also earlier in the file);
- ``updated``: the business was there, and the row changed it or its owner;
- ``unchanged``: the business was there and the row says what the registry holds;
- ``rejected``: nothing written; the reasons say what to fix.

The first four are "accepted". A blank cell never erases what the registry holds, and a
row naming only the desa leaves a record already placed in an RW/RT of that desa there.

Reports. CSV, columns ``row,status,reasons,id``, written as batches commit: ``row`` is
the data row (1 = the first line under the header; blank lines are skipped but counted,
as the spreadsheet counts them), ``status`` ``accepted`` or ``rejected``, ``reasons`` the
errors of a rejected row or, for an accepted one, what happened and any warnings, ``id``
the id of the business (empty when rejected, and in a dry run for a business that would
be new). XLSX, written when the job is done: the rejected rows only, with the file's own
headers and cells and an ``alasan`` column, so the office fixes them and uploads that
file again. Reports are files of the default (file system) storage.

A dry run does everything but keep the writes: each batch is written and rolled back.
Only to tell created from linked across batches it remembers the NIKs and business keys
it would have created (some 100 bytes per row).
"""

import csv
import io
import itertools
import json
import logging
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geliat.audit.models import AuditEvent
from geliat.audit.services import audit_object, model_snapshot, snapshot_diff
from geliat.core.bulk import batched_writes, build, bulk_insert, few_collections, insert_rows
from geliat.core.scope import user_region_code
from geliat.imports.cleaning import CleanRow, RegionCache, cells_from_row, clean_row
from geliat.imports.headers import guess_mapping, mapping_problems
from geliat.imports.models import ExternalRecord, ImportJob
from geliat.imports.pipeline import CleanPlan, cleaned_batches
from geliat.imports.readers import open_table
from geliat.imports.selectors import may_import
from geliat.registry.models import Business, Channel, Person, Registration
from geliat.registry.services import registrations_announce, tracking_codes_draw_unique
from geliat.registry.sizing import business_size
from geliat.wilayah.models import Region
from geliat.wilayah.services import units_ensure
from geliat.wilayah.text import name_key
from geliat.wilayah.units import numbers_from_code

logger = logging.getLogger(__name__)

CREATED, UPDATED, LINKED, UNCHANGED, REJECTED = "created", "updated", "linked", "unchanged", "rejected"
OUTCOMES = (CREATED, UPDATED, LINKED, UNCHANGED, REJECTED)
REPORT_HEADER = ["row", "status", "reasons", "id"]
XLSX_REASON_HEADER = "alasan"


def _batch_size() -> int:
    return settings.GELIAT_IMPORT_BATCH


# Jobs -----------------------------------------------------------------------------


def _importer_scope(actor) -> tuple[str, str]:
    """(region code, level) an actor imports within; refused for anyone else."""
    if actor is None or not may_import(actor):
        raise PermissionDenied(
            _("Hanya petugas wilayah atau koordinator yang memiliki wilayah tugas yang dapat mengimpor data.")
        )
    code = user_region_code(actor)
    level = actor.region.level if actor.region_id else Region.objects.only("level").get(code=code).level
    return code, level


def _mapping_resolve(mapping: dict, headers: list[str]) -> dict[str, str | None]:
    """``{column index or header text: field key or None}`` with columns as indexes, as a
    job stores them (``{"0": "nik"}``); an unknown header is refused naming those found."""
    by_header = {" ".join(header.split()).lower(): index for index, header in enumerate(headers)}
    resolved: dict[str, str | None] = {}
    for column, key in mapping.items():
        text = str(column).strip()
        if text.isdigit() and int(text) < len(headers):
            index = int(text)
        elif " ".join(text.split()).lower() in by_header:
            index = by_header[" ".join(text.split()).lower()]
        else:
            raise ValidationError(
                _("Kolom “%(column)s” pada pemetaan tidak ada di berkas. Kolom di berkas: %(headers)s.")
                % {"column": column, "headers": _header_list(headers)}
            )
        resolved[str(index)] = key or None
    return resolved


def _mapping_guess(headers: list[str]) -> dict[str, str]:
    return {str(index): key for index, key in guess_mapping(headers).items() if key}


def _header_list(headers: list[str]) -> str:
    return ", ".join(f"“{header}”" for header in headers if header) or _("(tidak ada)")


def _mapping_of(job: ImportJob) -> dict[int, str]:
    return {int(column): key for column, key in (job.mapping or {}).items() if key}


def _read_headers(job: ImportJob) -> list[str]:
    with job.file.open("rb") as handle, open_table(handle, name=job.source_name) as table:
        return table.headers


@transaction.atomic
def import_job_create(*, actor, file, name: str, mapping: dict | None = None, dry_run: bool = False) -> ImportJob:
    """Store an uploaded file as a pending job of ``actor``, with ``mapping`` (column index
    or header → field key) or else the guessed one. Nothing is imported yet."""
    region_code, level = _importer_scope(actor)
    job = ImportJob(
        created_by=actor, source_name=Path(name).name[:255], dry_run=dry_run, region_code=region_code,
        start_level=level,
    )
    job.file.save(job.source_name, file, save=False)
    try:
        headers = _read_headers(job)
        resolved = _mapping_resolve(mapping, headers) if mapping is not None else _mapping_guess(headers)
        job.mapping = {column: key for column, key in resolved.items() if key}
        job.save(force_insert=True)
    except BaseException:
        job.file.delete(save=False)
        raise
    audit_object(
        actor=actor, action=AuditEvent.Action.CREATE, obj=job,
        after={"source_name": job.source_name, "mapping": job.mapping, "dry_run": dry_run},
        note=_("Berkas impor diunggah."),
    )
    return job


@transaction.atomic
def import_job_update_mapping(*, actor, job: ImportJob, mapping: dict, dry_run: bool | None = None) -> ImportJob:
    """Set the column mapping (column index → field key) the user confirmed, before the job runs.
    Refused while it lacks a required field or names a field twice."""
    if job.status != ImportJob.Status.PENDING:
        raise ValidationError(_("Pemetaan kolom hanya bisa diubah sebelum impor dijalankan."))
    headers = _read_headers(job)
    problems = mapping_problems(mapping, headers)
    if problems:
        raise ValidationError(problems)
    before = {"mapping": job.mapping, "dry_run": job.dry_run}
    job.mapping = {column: key for column, key in _mapping_resolve(mapping, headers).items() if key}
    if dry_run is not None:
        job.dry_run = dry_run
    job.save(update_fields=["mapping", "dry_run"])
    audit_object(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=job, before=before,
        after={"mapping": job.mapping, "dry_run": job.dry_run}, note=_("Pemetaan kolom impor."),
    )
    return job


def import_job_cancel(*, actor, job: ImportJob) -> ImportJob:
    """Ask a pending or running job to stop; it stops before its next batch, keeping the
    batches already written."""
    if ImportJob.objects.filter(pk=job.pk, status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING]).update(
        cancel_requested=True
    ):
        audit_object(actor=actor, action=AuditEvent.Action.UPDATE, obj=job, note=_("Impor diminta berhenti."))
    job.refresh_from_db()
    return job


@transaction.atomic
def import_job_rerun(*, actor, job: ImportJob) -> ImportJob:
    """Queue a failed or cancelled job again; it goes on after the last batch written."""
    from geliat.imports.tasks import run_import_job

    if not job.can_rerun:
        raise ValidationError(
            _("Impor ini tidak bisa dijalankan lagi karena statusnya %(status)s.") % {"status": job.get_status_display()}
        )
    job.status, job.error, job.cancel_requested = ImportJob.Status.PENDING, "", False
    job.save(update_fields=["status", "error", "cancel_requested"])
    audit_object(actor=actor, action=AuditEvent.Action.UPDATE, obj=job, note=_("Impor dijalankan lagi."))
    transaction.on_commit(lambda: run_import_job.enqueue(str(job.pk)))
    return job


def import_file(
    *, actor, path, mapping: dict | None = None, dry_run: bool = False, report_path=None
) -> ImportJob:
    """Import a file in place (the ``geliat import`` command, benchmarks): a job made and run
    at once. ``mapping`` (column index or header → field key, or None to leave the column
    out) goes over the guessed one. A file lacking required columns is refused before
    anything is stored, naming the columns found and those needed. ``report_path``: where
    to copy the CSV report (the XLSX report goes beside it)."""
    path = Path(path)
    with open_table(path, name=path.name) as table:
        headers = table.headers
    resolved = _mapping_guess(headers)
    if mapping:
        chosen = _mapping_resolve(mapping, headers)
        resolved = {
            column: key for column, key in resolved.items() if column not in chosen and key not in chosen.values()
        } | {column: key for column, key in chosen.items() if key}
    problems = mapping_problems(resolved, headers)
    if problems:
        raise ValidationError(
            [*problems, _("Kolom di berkas: %(headers)s.") % {"headers": _header_list(headers)}]
        )
    with path.open("rb") as handle:
        job = import_job_create(actor=actor, file=File(handle), name=path.name, mapping=resolved, dry_run=dry_run)
    job = import_job_run(job_id=job.pk)
    if report_path and job.report_csv:
        report_path = Path(report_path)
        shutil.copyfile(job.report_csv.path, report_path)
        if job.report_xlsx:
            shutil.copyfile(job.report_xlsx.path, report_path.with_suffix(".xlsx"))
    return job


# The engine -----------------------------------------------------------------------

_COUNTERS = ["processed", *OUTCOMES]


def import_job_run(*, job_id) -> ImportJob:
    """Run (or go on with) a job: the background task's body, and what ``import_file`` calls.

    A job done is left alone, and so is one running in another worker (a task queued
    twice); a cancel asked is honoured, and a worker finding its job no longer running
    stops before its next batch. A failed or cancelled job goes on from the row after
    the last batch written. (A worker killed mid-job leaves it "running": cancel it and
    run it, and it is marked cancelled, ready to be run again from there.)
    """
    job = ImportJob.objects.select_related("created_by__region").get(pk=job_id)
    if job.status == ImportJob.Status.DONE:
        return job
    if job.cancel_requested:
        return _finish(job, ImportJob.Status.CANCELLED)
    if job.status == ImportJob.Status.RUNNING:
        return job
    started_at = job.started_at or timezone.now()
    claimed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportJob.Status.RUNNING, error="", finished_at=None, started_at=started_at
    )
    if not claimed:
        return ImportJob.objects.get(pk=job.pk)
    job.status, job.error, job.finished_at, job.started_at = ImportJob.Status.RUNNING, "", None, started_at
    try:
        done = _run(job)
    except ValidationError as exc:
        job.refresh_from_db()
        return _finish(job, ImportJob.Status.FAILED, error=" ".join(exc.messages))
    except Exception:
        logger.exception("import job %s failed", job.pk)
        job.refresh_from_db()
        return _finish(
            job, ImportJob.Status.FAILED,
            error=_("Impor terhenti karena kesalahan sistem setelah %(rows)d baris. Baris yang sudah diproses "
                    "tersimpan utuh; jalankan lagi untuk melanjutkan.") % {"rows": job.processed},
        )
    return _finish(job, ImportJob.Status.DONE if done else ImportJob.Status.CANCELLED)


def _finish(job: ImportJob, status: str, *, error: str = "") -> ImportJob:
    job.status, job.error, job.finished_at, job.cancel_requested = status, error, timezone.now(), False
    job.save(update_fields=["status", "error", "finished_at", "cancel_requested"])
    audit_object(
        actor=job.created_by or "sistem", action=AuditEvent.Action.UPDATE, obj=job,
        after={"status": status, "dry_run": job.dry_run, **{name: getattr(job, name) for name in _COUNTERS}},
        note=error or _("Impor %(name)s: %(status)s.") % {"name": job.source_name, "status": job.get_status_display()},
    )
    return job


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


def _run(job: ImportJob) -> bool:
    """Process the rows not yet written; False when stopped by a cancel."""
    mapping = _mapping_of(job)
    with job.file.open("rb") as handle, open_table(handle, name=job.source_name) as table:
        problems = mapping_problems(mapping, table.headers)
        if problems:
            raise ValidationError(problems)
        if job.total_rows is None:
            job.total_rows = sum(1 for _row in table.rows())
            job.save(update_fields=["total_rows"])
        headers = table.headers
    plan = CleanPlan(
        path=job.file.path, source_name=job.source_name, mapping=mapping,
        columns={key: headers[index] for index, key in mapping.items() if index < len(headers)},
        regency=settings.GELIAT_REGENCY_CODE, start=job.processed, batch_size=_batch_size(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    seen = _DryRunSeen() if job.dry_run else None
    # RW/RT units found or added by earlier batches: units are never removed, so they need no
    # lookup again (not in a dry run, whose batches roll their new units back).
    units: dict | None = None if job.dry_run else {}
    with _Reports(job) as reports, few_collections(), batched_writes():
        batches = cleaned_batches(plan, rows_left=job.total_rows - job.processed, clean_chunk=clean_chunk)
        try:
            for batch in batches:
                if ImportJob.objects.filter(
                    Q(cancel_requested=True) | ~Q(status=ImportJob.Status.RUNNING), pk=job.pk
                ).exists():
                    return False
                _commit(job, batch, reports, seen, units)
        finally:
            batches.close()
        reports.finish(headers)
    return True


def clean_chunk(chunk: list, plan: CleanPlan, cache: "_Regions | None") -> tuple[list["_Row"], "_Regions"]:
    """Clean one batch of the reader's rows into the engine's rows; the region cache built on
    the first batch is handed back for the next (the same in the job's or the cleaner's process)."""
    cache = cache or _Regions(plan.regency)
    batch = []
    for row in chunk:
        cells, numeric = cells_from_row(row, plan.mapping)
        clean = clean_row(cells, regency_code=plan.regency, region_cache=cache, columns=plan.columns, numeric=numeric)
        batch.append(_Row(number=row.number, cells=list(row), clean=clean))
    return batch, cache


@dataclass(slots=True)
class _Row:
    number: int
    cells: list[str]
    clean: CleanRow
    outcome: str = ""
    notes: list[str] = field(default_factory=list)
    region: str = ""
    business: Business | None = None
    new_business: bool = False

    def reject(self, *reasons: str) -> None:
        self.outcome, self.notes = REJECTED, list(reasons)


class _Regions(RegionCache):
    """The cleaner's region lookups, minus RW/RT: the engine finds or adds those per batch
    (``units_ensure``), where a lookup per distinct RW/RT would cost a query each."""

    def unit_code(self, desa: Region, rw: int | None, rt: int | None) -> str:
        return desa.code


class _DryRunSeen:
    """What a dry run would have created in earlier (rolled back) batches, as hashes."""

    def __init__(self):
        self.people: set[int] = set()
        self.businesses: set[int] = set()


def _commit(
    job: ImportJob, batch: list[_Row], reports: "_Reports", seen: _DryRunSeen | None, units: dict | None = None
) -> None:
    """Write one batch, its report lines and the job's counters in one transaction."""
    with transaction.atomic():
        # A savepoint, so a dry run can drop the batch's writes and still keep the counters.
        with transaction.atomic():
            _apply(job, batch, seen, units)
            if job.dry_run:
                transaction.set_rollback(True)
        job.checkpoint = reports.write(batch, dry_run=job.dry_run)
        counts = Counter(row.outcome for row in batch)
        job.processed += len(batch)
        for outcome in OUTCOMES:
            setattr(job, outcome, getattr(job, outcome) + counts[outcome])
        job.save(update_fields=[*_COUNTERS, "checkpoint"])


def _covers(scope: str, code: str) -> bool:
    return code == scope or code.startswith(scope + ".")


def _place(clean: CleanRow) -> tuple[str, int | None, int | None]:
    values = clean.values
    return values["desa_code"], int(values["rw"]) if values["rw"] else None, int(values["rt"]) if values["rt"] else None


def _outside(scope: str, place: tuple[str, int | None, int | None]) -> bool:
    """Whether a (desa, RW, RT) surely lies outside ``scope``, judged before any unit is made.
    An importer below desa level is matched on the RW/RT numbers their code carries."""
    desa, rw, rt = place
    if _covers(scope, desa):
        return False
    if not scope.startswith(desa + "."):
        return True
    wanted = numbers_from_code(scope)
    return any(wanted[key] and (number is None or int(wanted[key]) != number) for key, number in (("rw", rw), ("rt", rt)))


def _scope_reason(region_code: str) -> str:
    region = Region.objects.filter(code=region_code).first()
    return _(
        "Alamat pada baris ini di luar wilayah tugas pengimpor (%(region)s). Baris ini hanya dapat diimpor oleh "
        "petugas wilayah tersebut atau koordinator kabupaten."
    ) % {"region": region.label if region else region_code}


class _Batch:
    """The records one batch touches: loaded, new, and the stored ones it changed."""

    def __init__(self, job: ImportJob, rows: list[_Row]):
        self.job = job
        self.user = job.created_by
        self.user_id = job.created_by_id
        self.actor_label = self.user.get_username() if self.user else "sistem"
        self.now = timezone.now()
        # Looked up once: a translation lookup per row costs more than the row's report line.
        self.texts = {
            CREATED: _("Baru: orang dan usahanya ditambahkan."),
            LINKED: _("NIK sudah terdaftar: usaha ditambahkan ke orang tersebut."),
            UNCHANGED: _("Sudah terdaftar; tidak ada yang berubah."),
            UPDATED: _("Sudah terdaftar; diperbarui: %(fields)s."),
            "row": _("Impor %(name)s, baris %(row)d."),
            "file": _("Impor %(name)s."),
        }
        niks = {row.clean.values["nik"] for row in rows}
        self.people: dict[str, Person] = {p.nik: p for p in Person.objects.select_for_update().filter(nik__in=niks)}
        nik_of = {person.pk: nik for nik, person in self.people.items()}
        external_ids = {row.clean.values["external_id"] for row in rows} - {""}
        self.known_external = dict(
            ExternalRecord.objects.filter(external_id__in=external_ids).values_list("external_id", "business_id")
        ) if external_ids else {}
        stored = Business.objects.select_for_update().filter(
            Q(owner_id__in=nik_of) | Q(pk__in=self.known_external.values())
        )
        by_pk = {business.pk: business for business in stored}
        self.by_key: dict[tuple[str, str], Business] = {}
        for business in sorted(by_pk.values(), key=lambda b: b.pk):
            if business.owner_id in nik_of:
                self.by_key.setdefault((nik_of[business.owner_id], name_key(business.name)), business)
        self.by_external = {ext: by_pk[pk] for ext, pk in self.known_external.items() if pk in by_pk}
        self.new_people: list[Person] = []
        self.new_businesses: list[tuple[_Row, Business, Person]] = []  # (row, business, its owner)
        self.new_external: list[tuple[str, Business]] = []
        # id(record) → (record, snapshot before this batch changed it, row number)
        self.before: dict[int, tuple[models.Model, dict, int]] = {}

    def assign(self, obj: models.Model, data: dict[str, Any], row: _Row) -> list[str]:
        """Set the fields of ``data`` that differ; returns their names."""
        changed = [name for name, value in data.items() if getattr(obj, name) != value]
        if changed and obj.pk is not None and id(obj) not in self.before:
            self.before[id(obj)] = (obj, model_snapshot(obj), row.number)
        for name in changed:
            setattr(obj, name, data[name])
        return changed


def _changes(obj: models.Model, data: dict[str, Any], row: _Row) -> dict[str, Any]:
    """What a row writes over a stored record: blank cells leave its fields alone, and a row
    without RW leaves a record already placed inside the same desa where it is."""
    values = row.clean.values
    # The NIK check's warnings describe how a file wrote the NIK, not the person.
    kept = ("region_id", "rt", "rw", "nik_warnings")
    changes = {key: value for key, value in data.items() if key not in kept and value not in (None, "", [])}
    if values["rw"] or not _covers(values["desa_code"], obj.region_id):
        changes.update(region_id=row.region, rt=values["rt"], rw=values["rw"])
    return changes


def _apply(job: ImportJob, batch: list[_Row], seen: _DryRunSeen | None, units: dict | None = None) -> None:
    """Decide every row's outcome and write the batch (inside the caller's transaction).
    ``units``: codes of the (desa, RW, RT) places already known, added to as units are found."""
    outside = _scope_reason(job.region_code)
    for row in batch:
        if row.clean.errors:
            row.reject(*row.clean.errors)
        elif _outside(job.region_code, _place(row.clean)):
            row.reject(outside)
    rows = [row for row in batch if not row.outcome]
    known = {} if units is None else units
    codes, new_units = units_ensure(places={_place(row.clean) for row in rows} - known.keys())
    known.update(codes)
    for row in rows:
        row.region = known[_place(row.clean)]
        if not _covers(job.region_code, row.region):
            row.reject(outside)
    rows = [row for row in rows if not row.outcome]
    work = _Batch(job, rows)
    for row in rows:
        _decide(work, row, seen)
    _write(work, new_units)


def _decide(work: _Batch, row: _Row, seen: _DryRunSeen | None) -> None:
    """Match one row to the people and businesses known so far and choose its outcome."""
    values = row.clean.values
    nik, external_id = values["nik"], values["external_id"]
    person = work.people.get(nik)
    business = work.by_external.get(external_id) if external_id else None
    if business is not None and (person is None or business.owner_id != person.pk):
        row.reject(
            _("Kolom ID sumber: %(id)s sudah dipakai untuk usaha milik orang dengan NIK lain. Periksa NIK pada "
              "baris ini, atau kosongkan ID sumbernya bila ini usaha yang berbeda.") % {"id": external_id}
        )
        return
    key = (nik, name_key(values["business_name"]))
    business = business or work.by_key.get(key)
    known_person = person is not None or (seen is not None and hash(nik) in seen.people)
    changed: list[str] = []
    if person is None:
        person = build(Person, {
            **row.clean.person_data(), "name_key": name_key(values["full_name"]), "created_by_id": work.user_id,
            "region_id": row.region,
        })
        work.people[nik] = person
        work.new_people.append(person)
    else:
        changed += work.assign(person, _changes(person, row.clean.person_data(given_only=True), row), row)
    if business is None:
        business = build(Business, {
            **row.clean.business_data(), "owner_id": person.pk, "created_by_id": work.user_id, "region_id": row.region,
        })
        work.by_key[key] = business
        work.new_businesses.append((row, business, person))
        row.new_business = True
        if external_id:
            work.by_external[external_id] = business
            work.new_external.append((external_id, business))
        outcome = LINKED if known_person else CREATED
        if seen is not None:
            if hash(key) in seen.businesses:
                outcome = UNCHANGED
            seen.people.add(hash(nik))
            seen.businesses.add(hash(key))
    else:
        changed += work.assign(business, _changes(business, row.clean.business_data(given_only=True), row), row)
        if external_id and external_id not in work.by_external:
            work.by_external[external_id] = business
            work.new_external.append((external_id, business))
        outcome = UPDATED if changed else UNCHANGED
    row.outcome, row.business = outcome, business
    if outcome == UPDATED:
        labels = dict.fromkeys(str(_field_label(name)) for name in changed)
        note = work.texts[UPDATED] % {"fields": ", ".join(labels)}
    else:
        note = work.texts[outcome]
    row.notes = [note, *row.clean.warnings]


def _field_label(name: str):
    for model in (Business, Person):
        try:
            return model._meta.get_field(name).verbose_name
        except FieldDoesNotExist:  # a name only the other model has
            continue
    return name


_EVENT_COLUMNS = (
    "at", "actor_id", "actor_label", "action", "object_type", "object_id", "region_code", "before", "after", "note",
)


def _event(work: _Batch, *, action: str, obj: models.Model, row_number: int | None, before=None, after=None) -> tuple:
    """An audit event as a row of ``_EVENT_COLUMNS``: thousands per batch, no model built for each."""
    name = work.job.source_name
    note = work.texts["file"] % {"name": name} if row_number is None else work.texts["row"] % {"name": name, "row": row_number}
    return (
        work.now, work.user_id, work.actor_label, action, obj._meta.label_lower, str(obj.pk),
        obj.pk if isinstance(obj, Region) else obj.region_id, before, after, note,
    )


def _write(work: _Batch, new_units: list[Region]) -> None:
    bulk_insert(Person, work.new_people)
    businesses = []
    for _row, business, owner in work.new_businesses:
        business.owner_id = owner.pk
        business.size = business_size(capital=business.capital, annual_sales=business.annual_sales)
        businesses.append(business)
    bulk_insert(Business, businesses)
    registrations = [
        build(Registration, {
            "person_id": b.owner_id, "business_id": b.pk, "channel": Channel.IMPORT, "submitted_by_id": work.user_id,
        })
        for b in businesses
    ]
    tracking_codes_draw_unique(registrations=registrations)
    bulk_insert(Registration, registrations)
    bulk_insert(
        ExternalRecord,
        [ExternalRecord(external_id=ext, business_id=business.pk) for ext, business in work.new_external],
    )
    events = [
        _event(work, action=AuditEvent.Action.CREATE, obj=unit, row_number=None, after=model_snapshot(unit))
        for unit in new_units
    ]
    # A new person comes with the first new business of theirs in the batch.
    person_rows: dict[int, int] = {}
    for row, business, _owner in work.new_businesses:
        person_rows.setdefault(business.owner_id, row.number)
    events += [
        _event(work, action=AuditEvent.Action.CREATE, obj=person, row_number=person_rows[person.pk],
               after=model_snapshot(person))
        for person in work.new_people
    ]
    events += [
        _event(
            work, action=AuditEvent.Action.CREATE, obj=business, row_number=row.number,
            after={**model_snapshot(business), "registration": registration.tracking_code, "channel": Channel.IMPORT},
        )
        for (row, business, _owner), registration in zip(work.new_businesses, registrations, strict=True)
    ]
    events += _updates(work)
    registrations_announce(registration_ids=[r.pk for r in registrations], start_level=work.job.start_level)
    insert_rows(AuditEvent, _EVENT_COLUMNS, events)


def _updates(work: _Batch) -> list[tuple]:
    """Save the stored records the batch changed (bulk, per model) and their audit events."""
    events = []
    for model in (Person, Business):
        changed, fields = [], set()
        for obj, before, row_number in work.before.values():
            if not isinstance(obj, model):
                continue
            if model is Person:
                obj.name_key = name_key(obj.full_name)
            else:
                obj.size = business_size(capital=obj.capital, annual_sales=obj.annual_sales)
            diff_before, diff_after = snapshot_diff(before, model_snapshot(obj))
            if not diff_after:
                continue
            obj.version += 1
            obj.updated_at = work.now
            fields.update(model._meta.get_field(name).attname for name in diff_after)
            changed.append(obj)
            events.append(
                _event(work, action=AuditEvent.Action.UPDATE, obj=obj, row_number=row_number,
                       before=diff_before, after=diff_after)
            )
        if changed:
            extra = ["name_key"] if model is Person else []
            model.objects.bulk_update(changed, [*sorted(fields), *extra, "version", "updated_at"], batch_size=500)
    return events


# Reports --------------------------------------------------------------------------


class _Reports:
    """The CSV report, and the rejected rows kept for the XLSX report, as batches commit.

    ``write`` returns both files' lengths, stored on the job with the batch; a rerun cuts
    the files back to them, so lines of a batch that did not commit are dropped.
    """

    def __init__(self, job: ImportJob):
        self.job = job
        storage = job.report_csv.storage
        if not job.report_csv:
            job.report_csv.name = f"imports/reports/{job.pk}.csv"
            job.save(update_fields=["report_csv"])
        self.csv_path = Path(storage.path(job.report_csv.name))
        self.rejected_path = self.csv_path.with_suffix(".rejected.jsonl")
        self.csv_path.parent.mkdir(parents=True, exist_ok=True)
        if job.processed == 0:
            self.csv_path.write_bytes(("\ufeff" + ",".join(REPORT_HEADER) + "\r\n").encode())
            self.rejected_path.write_bytes(b"")
        else:
            for path, name in ((self.csv_path, "csv"), (self.rejected_path, "rejected")):
                with path.open("r+b") as handle:
                    handle.truncate(job.checkpoint[name])
        self.csv = self.csv_path.open("ab")
        self.rejected = self.rejected_path.open("ab")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.csv.close()
        self.rejected.close()

    def write(self, batch: list[_Row], *, dry_run: bool) -> dict[str, int]:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        for row in batch:
            business = row.business
            # A dry run shows only ids that exist: those of businesses already registered.
            shown = business is not None and not (dry_run and row.new_business)
            writer.writerow([
                row.number, REJECTED if row.outcome == REJECTED else "accepted",
                " | ".join(" ".join(note.split()) for note in row.notes), business.pk if shown else "",
            ])
            if row.outcome == REJECTED:
                self.rejected.write(json.dumps([row.number, row.cells, row.notes], ensure_ascii=False).encode() + b"\n")
        self.csv.write(text.getvalue().encode())
        self.csv.flush()
        self.rejected.flush()
        return {"csv": self.csv.tell(), "rejected": self.rejected.tell()}

    def finish(self, headers: list[str]) -> None:
        """Write the XLSX report of the rejected rows; the kept rows are no longer needed."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        self.rejected.close()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Ditolak"))

        def text_cell(value: str):
            # As text, never as a formula: a cell such as "=1+1" stays what the office typed.
            if not value.startswith("="):
                return value
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell

        sheet.append([*headers, XLSX_REASON_HEADER])
        with self.rejected_path.open("rb") as handle:
            for line in handle:
                _number, cells, reasons = json.loads(line)
                sheet.append([*(text_cell(cell) for cell in cells), text_cell(" | ".join(reasons))])
        name = f"imports/reports/{self.job.pk}.xlsx"
        workbook.save(self.job.report_xlsx.storage.path(name))
        self.job.report_xlsx.name = name
        self.job.save(update_fields=["report_xlsx"])
        self.rejected_path.unlink()
