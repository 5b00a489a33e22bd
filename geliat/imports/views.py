"""Pages of the import: upload, column mapping, progress (and cancel), report downloads."""

import functools
from itertools import islice

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from geliat.audit.models import AuditEvent
from geliat.audit.services import audit_record
from geliat.core.forms import add_service_errors
from geliat.imports import selectors, services
from geliat.imports.forms import MappingForm, UploadForm
from geliat.imports.headers import mapping_problems
from geliat.imports.models import ImportJob
from geliat.imports.readers import open_table
from geliat.imports.tasks import run_import_job

PAGE_SIZE = 25
SAMPLE_ROWS = 3
REPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def import_required(view):
    """Only officers and coordinators serving a region may import; anyone else gets 403."""

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not selectors.may_import(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _max_upload_bytes() -> int:
    return settings.GELIAT_IMPORT_MAX_MB * 1024 * 1024


@import_required
def job_list(request):
    """The user's import jobs, and the upload that starts a new one."""
    form = UploadForm(request.POST or None, request.FILES or None, max_bytes=_max_upload_bytes())
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.import_job_create(actor=request.user, file=upload, name=upload.name)
        return redirect("imports:mapping", pk=job.pk)
    page = Paginator(selectors.import_jobs_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/job_list.html", {"form": form, "page": page})


def _preview(job: ImportJob) -> tuple[list[str], list[list[str]]]:
    """The file's headers and its first few data rows, to show beside the mapping."""
    with job.file.open("rb") as handle, open_table(handle, name=job.source_name) as table:
        return table.headers, list(islice(table.rows(), SAMPLE_ROWS))


@login_required
def job_mapping(request, pk):
    """The guessed column mapping, for the user to correct before anything is written."""
    job = selectors.get_import_job_for_user_or_404(user=request.user, pk=pk)
    if job.status != ImportJob.Status.PENDING:
        return redirect("imports:detail", pk=job.pk)
    headers, rows = _preview(job)
    mapping = {int(index): key for index, key in (job.mapping or {}).items()}
    form = MappingForm(request.POST or None, headers=headers, mapping=mapping, initial={"dry_run": job.dry_run})
    if request.method == "POST" and form.is_valid():
        try:
            services.import_job_update_mapping(
                actor=request.user, job=job, mapping=form.mapping, dry_run=form.cleaned_data["dry_run"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            run_import_job.enqueue(str(job.pk))
            return redirect("imports:detail", pk=job.pk)
    columns = [
        (field, [row[index] if index < len(row) else "" for row in rows])
        for index, field in enumerate(form.column_fields())
    ]
    context = {
        "job": job,
        "form": form,
        "columns": columns,
        # After a refused submit the form carries the problems; before it, the guess's own.
        "problems": [] if form.is_bound else mapping_problems(mapping, headers),
    }
    return render(request, "imports/job_mapping.html", context)


@login_required
def job_detail(request, pk):
    """Progress while the job runs (polled by htmx), then its counts and reports."""
    job = selectors.get_import_job_for_user_or_404(user=request.user, pk=pk)
    template = "imports/job_detail.html#progress" if request.htmx else "imports/job_detail.html"
    return render(request, template, {"job": job})


@require_POST
@login_required
def job_cancel(request, pk):
    job = selectors.get_import_job_for_user_or_404(user=request.user, pk=pk)
    job = services.import_job_cancel(actor=request.user, job=job)
    if job.cancel_requested:
        messages.success(request, _(
            "Permintaan berhenti diterima: impor berhenti sebelum kelompok baris berikutnya. Baris yang sudah "
            "disimpan tetap ada; pilih “Jalankan lagi” untuk melanjutkan."
        ))
    else:
        messages.error(request, _("Impor ini tidak bisa dihentikan karena statusnya %(status)s.") % {
            "status": job.get_status_display()
        })
    return redirect("imports:detail", pk=job.pk)


@require_POST
@login_required
def job_rerun(request, pk):
    """Run a failed or cancelled job again; rows already written are matched, not duplicated."""
    job = selectors.get_import_job_for_user_or_404(user=request.user, pk=pk)
    try:
        services.import_job_rerun(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:detail", pk=job.pk)


@login_required
def job_report(request, pk, kind: str):
    """A job's report file (CSV or XLSX), only for those who may see the job; every download audited."""
    job = selectors.get_import_job_for_user_or_404(user=request.user, pk=pk)
    report = job.report_csv if kind == "csv" else job.report_xlsx
    if not report:
        raise Http404
    try:
        handle = report.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type=job._meta.label_lower,
        object_id=job.pk,
        region_code=job.region_code,
        note=_("Laporan impor %(name)s diunduh (%(kind)s).") % {"name": job.source_name, "kind": kind.upper()},
        request=request,
    )
    stem = job.source_name.rsplit(".", 1)[0] or "impor"
    return FileResponse(
        handle, as_attachment=True, filename=f"laporan-{stem}.{kind}", content_type=REPORT_TYPES[kind]
    )
