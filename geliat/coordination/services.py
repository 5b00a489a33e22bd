"""Writes of coordination: the matrix seed and edits, actors, who-does-what-where entries,
the summary tables' rebuild and the monthly reports. Each audited."""

import datetime
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geliat.accounts.models import Agency
from geliat.audit.models import AuditEvent
from geliat.audit.services import actor_user as _user
from geliat.audit.services import audit_object, audit_record, model_snapshot, snapshot_diff
from geliat.coordination.models import (
    Activity,
    ActivityStat,
    Actor,
    AreaStat,
    Engagement,
    Indicator,
    ProgrammeStat,
    ReportJob,
    StatsRun,
    Theme,
)
from geliat.coordination.seeds import ACTION_MATRIX, NAMES, matrix_rows
from geliat.programmes.models import Delivery, Enrolment
from geliat.registry.models import Business, Registration
from geliat.verification.models import LEVELS as VERIFICATION_LEVELS
from geliat.verification.models import Verification

logger = logging.getLogger(__name__)



def _stale(expected_version: int, current: int) -> None:
    if expected_version != current:
        raise ValidationError(_(
            "Data ini baru saja diubah orang lain. Muat ulang halaman, periksa perubahannya, lalu simpan lagi."
        ))


# ---------------------------------------------------------------- the action matrix


@dataclass(frozen=True)
class SeedResult:
    created: int
    agencies_added: int
    unchanged: int


@transaction.atomic
def matrix_seed(*, actor: Any = "sistem", table: str = ACTION_MATRIX) -> SeedResult:
    """Put the plan's action matrix in the database; running it again changes nothing.

    A new activity gets its name, theme and responsible agencies; an existing one only
    gains a responsible agency the table names and it lacks. What coordinators set
    (names, targets, deadlines, indicators, linked programmes) is never overwritten.
    """
    rows = matrix_rows(table)
    agencies = {agency.code: agency for agency in Agency.objects.filter(code__in={c for r in rows for c in r.agency_codes})}
    missing = sorted({code for row in rows for code in row.agency_codes} - set(agencies))
    if missing:
        raise ValidationError(_("OPD dengan kode %(codes)s belum ada. Jalankan migrate agar OPD kabupaten dimuat.") % {
            "codes": ", ".join(missing)
        })
    created = added = unchanged = 0
    for row in rows:
        name, theme = NAMES.get((row.affected_group, row.number), (row.source_text, Theme.OTHER))
        activity = Activity.objects.filter(affected_group=row.affected_group, number=row.number).first()
        if activity is None:
            activity = Activity.objects.create(
                code=row.code, affected_group=row.affected_group, number=row.number, name=name,
                source_text=row.source_text, theme=theme, indicator=Indicator.REACHED, seeded=True,
                created_by=_user(actor),
            )
            activity.agencies.set([agencies[code] for code in row.agency_codes])
            created += 1
            continue
        have = set(activity.agencies.values_list("code", flat=True))
        lacking = [agencies[code] for code in row.agency_codes if code not in have]
        if lacking:
            activity.agencies.add(*lacking)
            added += len(lacking)
        else:
            unchanged += 1
    if created or added:
        audit_record(
            actor=actor, action=AuditEvent.Action.LOAD, object_type="coordination.activity",
            after={"created": created, "agencies_added": added},
            note=_("Matriks aksi dimuat dari rencana aksi."),
        )
    return SeedResult(created=created, agencies_added=added, unchanged=unchanged)


_ACTIVITY_FIELDS = ["name", "theme", "indicator", "target", "deadline", "manual_actual", "manual_note"]


def _activity_snapshot(activity: Activity) -> dict:
    snapshot = model_snapshot(activity, _ACTIVITY_FIELDS)
    snapshot["agencies"] = sorted(activity.agencies.values_list("code", flat=True))
    snapshot["programmes"] = sorted(activity.programmes.values_list("code", flat=True))
    return snapshot


@transaction.atomic
def activity_update(*, actor, activity: Activity, data: dict[str, Any], expected_version: int, request=None) -> Activity:
    """Change a matrix activity (coordinators): name, theme, agencies, linked programmes,
    indicator, target, deadline; a manual actual only where the indicator is manual."""
    current = Activity.objects.select_for_update().get(pk=activity.pk)
    _stale(expected_version, current.version)
    before = _activity_snapshot(current)
    agencies = data.pop("agencies", None)
    programmes = data.pop("programmes", None)
    for field, value in data.items():
        setattr(current, field, value)
    if current.indicator != Indicator.MANUAL:
        current.manual_actual, current.manual_note = None, ""
    if not agencies and agencies is not None:
        raise ValidationError({"agencies": _("Pilih sedikitnya satu OPD penanggung jawab.")})
    current.full_clean(exclude=["created_by", "manual_by"])
    if "manual_actual" in data and current.manual_actual != activity.manual_actual:
        current.manual_at, current.manual_by = timezone.now(), _user(actor)
    current.version = expected_version + 1
    current.save()
    if agencies is not None:
        current.agencies.set(agencies)
    if programmes is not None:
        current.programmes.set(programmes)
    changed_before, changed_after = snapshot_diff(before, _activity_snapshot(current))
    audit_object(actor=actor, action=AuditEvent.Action.UPDATE, obj=current, before=changed_before, after=changed_after, request=request)
    return current


@transaction.atomic
def activity_actual_record(
    *, actor, activity: Activity, value: int | None, note: str, expected_version: int, request=None
) -> Activity:
    """A responsible agency (or a coordinator) types the actual of a manual-indicator activity."""
    current = Activity.objects.select_for_update().get(pk=activity.pk)
    _stale(expected_version, current.version)
    if current.indicator != Indicator.MANUAL:
        raise ValidationError({"manual_actual": _(
            "Capaian kegiatan ini dihitung sistem dari registri dan program, jadi tidak diisi manual."
        )})
    before = {"manual_actual": current.manual_actual, "manual_note": current.manual_note}
    current.manual_actual, current.manual_note = value, note
    current.manual_at, current.manual_by = timezone.now(), _user(actor)
    current.version = expected_version + 1
    current.save()
    audit_object(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=current, before=before,
        after={"manual_actual": value, "manual_note": note}, note=_("Capaian manual"), request=request,
    )
    return current


# ---------------------------------------------------------------- penta helix actors

_ACTOR_FIELDS = [
    "name", "helix", "description", "offers", "contact_name", "contact_phone", "contact_email", "website", "active",
]


def _actor_snapshot(actor_obj: Actor) -> dict:
    snapshot = model_snapshot(actor_obj, _ACTOR_FIELDS)
    snapshot["areas"] = sorted(actor_obj.areas.values_list("code", flat=True))
    return snapshot


@transaction.atomic
def actor_create(*, actor, data: dict[str, Any], request=None) -> Actor:
    """Add a penta helix actor with the areas it works in."""
    areas = data.pop("areas")
    record = Actor(**data, created_by=_user(actor))
    record.full_clean(exclude=["created_by"])
    record.save()
    record.areas.set(areas)
    audit_object(actor=actor, action=AuditEvent.Action.CREATE, obj=record, after=_actor_snapshot(record), request=request)
    return record


@transaction.atomic
def actor_update(*, actor, record: Actor, data: dict[str, Any], expected_version: int, request=None) -> Actor:
    current = Actor.objects.select_for_update().get(pk=record.pk)
    _stale(expected_version, current.version)
    before = _actor_snapshot(current)
    areas = data.pop("areas", None)
    for field, value in data.items():
        setattr(current, field, value)
    current.full_clean(exclude=["created_by"])
    current.version = expected_version + 1
    current.save()
    if areas is not None:
        current.areas.set(areas)
    changed_before, changed_after = snapshot_diff(before, _actor_snapshot(current))
    audit_object(actor=actor, action=AuditEvent.Action.UPDATE, obj=current, before=changed_before, after=changed_after, request=request)
    return current


@transaction.atomic
def actor_delete(*, actor, record: Actor, request=None) -> None:
    """Remove an actor nothing refers to; one with recorded activities is deactivated instead."""
    used = record.engagements.count()
    if used:
        raise ValidationError(_(
            "%(name)s masih tercatat di %(n)d kegiatan di wilayah. Hapus catatan itu dulu, atau nonaktifkan aktor ini."
        ) % {"name": record.name, "n": used})
    audit_object(actor=actor, action=AuditEvent.Action.DELETE, obj=record, before=_actor_snapshot(record), request=request)
    record.delete()


@transaction.atomic
def actor_contact_reveal(*, viewer, record: Actor, request=None) -> dict[str, str]:
    """The actor's contact person's phone and e-mail in full; each reveal is audited."""
    if not viewer.needs_pii:
        raise PermissionError("role does not need personal data")
    audit_object(
        actor=viewer, action=AuditEvent.Action.VIEW_PII, obj=record, note=_("Kontak narahubung aktor pentahelix"),
        request=request,
    )
    return {"phone": record.contact_phone, "email": record.contact_email}


# ---------------------------------------------------------------- who does what where

_ENGAGEMENT_FIELDS = ["activity", "agency", "actor", "region", "starts_on", "ends_on", "note"]


def _engagement_clean(record: Engagement) -> None:
    try:
        record.full_clean(exclude=["created_by"])
    except ValidationError as error:
        # The partial unique constraints report on no field: name the doer's field.
        messages = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        raise ValidationError({
            ("agency" if record.agency_id else "actor") if key == "__all__" else key: value
            for key, value in messages.items()
        }) from None


@transaction.atomic
def engagement_create(*, actor, data: dict[str, Any], request=None) -> Engagement:
    """Record that an agency or actor carries out a matrix activity in an area."""
    record = Engagement(**data, created_by=_user(actor))
    _engagement_clean(record)
    record.save()
    audit_object(
        actor=actor, action=AuditEvent.Action.CREATE, obj=record, after=model_snapshot(record, _ENGAGEMENT_FIELDS),
        request=request,
    )
    return record


@transaction.atomic
def engagement_update(*, actor, record: Engagement, data: dict[str, Any], expected_version: int, request=None) -> Engagement:
    current = Engagement.objects.select_for_update().get(pk=record.pk)
    _stale(expected_version, current.version)
    before = model_snapshot(current, _ENGAGEMENT_FIELDS)
    for field, value in data.items():
        setattr(current, field, value)
    _engagement_clean(current)
    current.version = expected_version + 1
    current.save()
    changed_before, changed_after = snapshot_diff(before, model_snapshot(current, _ENGAGEMENT_FIELDS))
    audit_object(actor=actor, action=AuditEvent.Action.UPDATE, obj=current, before=changed_before, after=changed_after, request=request)
    return current


@transaction.atomic
def engagement_delete(*, actor, record: Engagement, request=None) -> None:
    before = model_snapshot(record, _ENGAGEMENT_FIELDS)
    audit_object(actor=actor, action=AuditEvent.Action.DELETE, obj=record, before=before, request=request)
    record.delete()


# ---------------------------------------------------------------- summary tables


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _m2m_table(field) -> str:
    return connection.ops.quote_name(field.remote_field.through._meta.db_table)


def _both(a: str, b: str) -> str:
    return f"b.{a} IS NOT NULL AND b.{b} IS NOT NULL"


# AreaStat's figures and the SQL that computes each over the registry: b is the business,
# v the verification of its latest registration, reached a business any programme reached.
def _area_columns() -> dict[str, str]:
    def count(condition: str) -> str:
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    def total(condition: str, column: str) -> str:
        return f"COALESCE(SUM(CASE WHEN {condition} THEN b.{column} END), 0)"

    rev, jobs = _both("revenue_before", "revenue_now"), _both("employees_before", "employees_now")
    columns = {
        "businesses": "COUNT(*)",
        **{status: count(f"v.status = '{status}'") for status in ("verified", "waiting", "returned", "rejected")},
        **{f"waiting_{level}": count(f"v.status = 'waiting' AND v.level = '{level}'") for level in VERIFICATION_LEVELS},
        "reached": count("reached.business_id IS NOT NULL"),
        "reached_verified": count("reached.business_id IS NOT NULL AND v.status = 'verified'"),
        "revenue_reported": count(rev), "revenue_before": total(rev, "revenue_before"),
        "revenue_now": total(rev, "revenue_now"),
        "jobs_reported": count(jobs), "jobs_before": total(jobs, "employees_before"), "jobs_now": total(jobs, "employees_now"),
    }
    return columns


def area_select_sql(area_length: int = 13) -> str:
    """Businesses per area × group, folded into AreaStat's figures, straight from the
    registry (one ``%s``: the regency's code prefix, ``35.14.%``).

    This is what the summary table keeps per desa (``area_length`` 13); the benchmark also
    runs it per kecamatan (8) as the peer of the pages.
    """
    active = ", ".join(f"'{status}'" for status in Enrolment.ACTIVE)
    return f"""
        SELECT SUBSTR(b.region_id, 1, {area_length:d}), SUBSTR(b.region_id, 1, 8), b.affected_group,
            {", ".join(_area_columns().values())}
        FROM {_table(Business)} b
        LEFT JOIN (SELECT business_id, MAX(id) AS id FROM {_table(Registration)} GROUP BY business_id) latest
            ON latest.business_id = b.id
        LEFT JOIN {_table(Verification)} v ON v.registration_id = latest.id
        LEFT JOIN (SELECT DISTINCT business_id FROM {_table(Enrolment)}
                   WHERE status IN ({active}) AND business_id IS NOT NULL) reached
            ON reached.business_id = b.id
        WHERE b.region_id LIKE %s
        GROUP BY SUBSTR(b.region_id, 1, {area_length:d}), SUBSTR(b.region_id, 1, 8), b.affected_group
    """


def _area_sql() -> str:
    return f"""
        INSERT INTO {_table(AreaStat)} (desa_code, kecamatan_code, affected_group, {", ".join(_area_columns())})
        {area_select_sql()}
    """


def _activity_sql() -> str:
    """Per activity and desa: businesses of its group its linked programmes reached."""
    active = ", ".join(f"'{status}'" for status in Enrolment.ACTIVE)
    links = _m2m_table(Activity._meta.get_field("programmes"))
    return f"""
        INSERT INTO {_table(ActivityStat)} (activity_id, desa_code, kecamatan_code, affected_group,
            reached, delivered, deliveries)
        SELECT a.id, SUBSTR(b.region_id, 1, 13), SUBSTR(b.region_id, 1, 8), a.affected_group,
            COUNT(DISTINCT b.id), COUNT(DISTINCT CASE WHEN d.id IS NOT NULL THEN b.id END), COUNT(d.id)
        FROM {_table(Activity)} a
        JOIN {links} link ON link.activity_id = a.id
        JOIN {_table(Enrolment)} e ON e.programme_id = link.programme_id AND e.status IN ({active})
        JOIN {_table(Business)} b ON b.id = e.business_id AND b.affected_group = a.affected_group
        LEFT JOIN {_table(Delivery)} d ON d.enrolment_id = e.id
        WHERE b.region_id LIKE %s
        GROUP BY a.id, SUBSTR(b.region_id, 1, 13), SUBSTR(b.region_id, 1, 8), a.affected_group
    """


def _programme_sql() -> str:
    """Per programme, desa and group: active enrolments, those delivered to, deliveries, amount."""
    active = ", ".join(f"'{status}'" for status in Enrolment.ACTIVE)
    return f"""
        INSERT INTO {_table(ProgrammeStat)} (programme_id, desa_code, kecamatan_code, affected_group,
            reached, delivered, deliveries, amount)
        SELECT e.programme_id, SUBSTR(e.region_code, 1, 13), SUBSTR(e.region_code, 1, 8),
            COALESCE(b.affected_group, 0), COUNT(DISTINCT e.id),
            COUNT(DISTINCT CASE WHEN d.id IS NOT NULL THEN e.id END), COUNT(d.id), COALESCE(SUM(d.amount), 0)
        FROM {_table(Enrolment)} e
        LEFT JOIN {_table(Business)} b ON b.id = e.business_id
        LEFT JOIN {_table(Delivery)} d ON d.enrolment_id = e.id
        WHERE e.status IN ({active}) AND e.region_code LIKE %s
        GROUP BY e.programme_id, SUBSTR(e.region_code, 1, 13), SUBSTR(e.region_code, 1, 8), COALESCE(b.affected_group, 0)
    """


# An arbitrary constant: PostgreSQL's advisory lock key for the one rebuild at a time.
_REFRESH_LOCK = 7_140_001


def coordination_stats_refresh(*, run_id: int | None = None) -> StatsRun:
    """Rebuild the summary tables from the registry and the programmes, in one transaction.

    Readers keep seeing the previous figures until it commits. Two rebuilds never
    interleave (an advisory lock on PostgreSQL; SQLite writes one at a time anyway).
    """
    run = StatsRun.objects.filter(pk=run_id).first() if run_id else None
    if run is None:
        run = StatsRun.objects.create(status=StatsRun.Status.PENDING)
    if run.status == StatsRun.Status.DONE:
        return run
    run.status, run.started_at = StatsRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    started = time.perf_counter()
    prefix = settings.GELIAT_REGENCY_CODE + ".%"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
            rows = 0
            for model, sql in ((AreaStat, _area_sql()), (ActivityStat, _activity_sql()), (ProgrammeStat, _programme_sql())):
                cursor.execute(f"DELETE FROM {_table(model)}")
                cursor.execute(sql, [prefix])
                rows += max(cursor.rowcount, 0)
            if connection.vendor == "postgresql":
                # Fresh statistics for the planner: the tables were just replaced whole.
                for model in (AreaStat, ActivityStat, ProgrammeStat):
                    cursor.execute(f"ANALYZE {_table(model)}")
    except Exception as exc:
        logger.exception("coordination stats refresh failed")
        run.status, run.error, run.finished_at = StatsRun.Status.FAILED, str(exc)[:2000], timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.status, run.finished_at = StatsRun.Status.DONE, timezone.now()
    run.seconds, run.rows = time.perf_counter() - started, rows
    run.save(update_fields=["status", "finished_at", "seconds", "rows"])
    # A rebuild every quarter hour: keep a week of them for the record, not forever.
    StatsRun.objects.filter(requested_at__lt=run.finished_at - datetime.timedelta(days=7)).delete()
    return run


def stats_max_age() -> datetime.timedelta:
    """How old the figures may be before a page asks for a rebuild
    (``GELIAT_COORDINATION_STATS_MAX_AGE`` seconds, default 15 minutes)."""
    return datetime.timedelta(seconds=getattr(settings, "GELIAT_COORDINATION_STATS_MAX_AGE", 900))


def stats_refresh_request(*, actor=None, request=None) -> StatsRun:
    """Queue a rebuild unless one is already waiting or running; returns that run."""
    from geliat.coordination.tasks import refresh_stats

    recent = timezone.now() - datetime.timedelta(minutes=30)
    waiting = StatsRun.objects.filter(
        status__in=[StatsRun.Status.PENDING, StatsRun.Status.RUNNING], requested_at__gte=recent
    ).first()
    if waiting is not None:
        return waiting
    run = StatsRun.objects.create(requested_by=_user(actor))
    if actor is not None:
        audit_record(
            actor=actor, action=AuditEvent.Action.UPDATE, object_type="coordination.statsrun", object_id=run.pk,
            note=_("Rekap koordinasi diminta dihitung ulang."), request=request,
        )
    refresh_stats.enqueue(run.pk)
    return run


def stats_ensure_fresh() -> StatsRun | None:
    """Called by the pages: queue a rebuild when the newest figures are older than the
    allowed age (or there are none). Returns the newest finished run, if any."""
    latest = StatsRun.objects.filter(status=StatsRun.Status.DONE).order_by("-finished_at").first()
    if latest is None or latest.finished_at < timezone.now() - stats_max_age():
        stats_refresh_request()
        latest = StatsRun.objects.filter(status=StatsRun.Status.DONE).order_by("-finished_at").first()
    return latest


# ---------------------------------------------------------------- monthly reports


def month_start(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


@transaction.atomic
def report_job_create(*, actor, month: datetime.date, agency: Agency | None, request=None) -> ReportJob:
    """Ask for a monthly report (regency-wide when ``agency`` is None); it is built in the background."""
    from geliat.coordination.tasks import generate_report

    if month > timezone.localdate():
        raise ValidationError({"month": _("Bulan laporan belum tiba. Pilih bulan ini atau bulan yang sudah lewat.")})
    job = ReportJob.objects.create(month=month_start(month), agency=agency, created_by=_user(actor))
    audit_object(
        actor=actor, action=AuditEvent.Action.CREATE, obj=job,
        after={"month": job.month.isoformat(), "agency": agency.code if agency else None}, request=request,
    )
    generate_report.enqueue(str(job.pk))
    return job


def _job_step(job: ReportJob, progress: int, step: str) -> None:
    job.progress, job.step = progress, step
    ReportJob.objects.filter(pk=job.pk).update(progress=progress, step=step)


def report_job_run(*, job_id) -> ReportJob:
    """Build a report's PDF and XLSX (the background task's body), recording progress."""
    from geliat.coordination import reports

    job = ReportJob.objects.select_related("agency", "created_by").get(pk=job_id)
    if job.status == ReportJob.Status.DONE:
        return job
    claimed = ReportJob.objects.filter(pk=job.pk, status__in=[ReportJob.Status.PENDING, ReportJob.Status.FAILED]).update(
        status=ReportJob.Status.RUNNING, started_at=timezone.now(), error=""
    )
    if not claimed:
        return job
    job.status = ReportJob.Status.RUNNING
    try:
        content = reports.report_content(month=job.month, agency=job.agency, progress=lambda p, s: _job_step(job, p, s))
        _job_step(job, 80, _("Menyusun PDF"))
        pdf = reports.render_pdf(content)
        _job_step(job, 90, _("Menyusun Excel"))
        xlsx = reports.render_xlsx(content)
        stem = f"laporan-koordinasi-{job.month:%Y-%m}-{job.agency.code if job.agency_id else 'kabupaten'}"
        job.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        job.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    except Exception:
        logger.exception("report job %s failed", job.pk)
        job.status, job.finished_at = ReportJob.Status.FAILED, timezone.now()
        job.error = _("Laporan gagal dibuat karena kesalahan sistem. Coba buat lagi; bila tetap gagal, hubungi admin.")
        job.save(update_fields=["status", "finished_at", "error"])
        return job
    job.status, job.progress, job.step, job.finished_at = ReportJob.Status.DONE, 100, "", timezone.now()
    job.save(update_fields=["status", "progress", "step", "finished_at", "pdf", "xlsx"])
    audit_object(
        actor=job.created_by or "sistem", action=AuditEvent.Action.UPDATE, obj=job, after={"status": job.status},
        note=_("Laporan koordinasi %(month)s selesai dibuat.") % {"month": f"{job.month:%Y-%m}"},
    )
    return job
