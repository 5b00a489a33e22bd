"""Export pages: choose the format (and, for roles that need them, full NIK and phone), download."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache

from geliat.exports import services
from geliat.exports.selectors import KINDS, export_count, export_filters
from geliat.registry.models import AffectedGroup
from geliat.verification.models import Verification
from geliat.wilayah.models import Region

TITLES = {
    "businesses": _lazy("Usaha terdaftar"),
    "people": _lazy("Pemilik usaha"),
    "verification": _lazy("Status verifikasi"),
}
FILE_NAMES = {"businesses": "usaha", "people": "pemilik", "verification": "verifikasi"}
LIST_PAGES = {"businesses": "registry:business_list", "people": "registry:person_list", "verification": "verification:queue"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Parameters of the list page that are not filters, or belong to the export form itself.
_NOT_FILTERS = {"page", "lengkap"}


def _kind_or_404(kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    return kind


def _described(applied: dict) -> list[str]:
    """The applied filters in words, as the user set them on the list page."""
    words = []
    if applied.get("q"):
        words.append(_("Pencarian: %(q)s") % {"q": applied["q"]})
    if applied.get("region"):
        region = Region.objects.filter(code=applied["region"]).first()
        words.append(_("Wilayah: %(region)s") % {"region": region.label if region else applied["region"]})
    if applied.get("affected_group"):
        words.append(_("Kelompok terdampak: %(group)s") % {"group": AffectedGroup(applied["affected_group"]).label})
    if applied.get("min_days"):
        words.append(_("Menunggu minimal %(days)d hari") % {"days": applied["min_days"]})
    if applied.get("warnings"):
        words.append(_("Hanya yang NIK-nya berperingatan"))
    if applied.get("status"):
        words.append(_("Status: %(status)s") % {"status": Verification.Status(applied["status"]).label})
    return words


@login_required
def start(request, kind):
    """What will be exported (filters in words, row count), the format and the unmasking choice."""
    kind = _kind_or_404(kind)
    params = [(key, value) for key, value in request.GET.items() if key not in _NOT_FILTERS and value]
    back = reverse(LIST_PAGES[kind]) + ("?" + urlencode(params) if params else "")
    return render(
        request,
        "exports/start.html",
        {
            "kind": kind,
            "title": TITLES[kind],
            "filters": _described(export_filters(kind=kind, filters=request.GET)),
            "count": export_count(user=request.user, kind=kind, filters=request.GET),
            "params": params,
            "back": back,
        },
    )


@never_cache
@login_required
def download(request, kind, fmt):
    """The export file; ``lengkap=1`` asks for full NIK and phone (honoured only for roles that need them)."""
    kind = _kind_or_404(kind)
    unmasked = request.GET.get("lengkap", "").lower() in {"1", "on"}
    name = f"geliat-{FILE_NAMES[kind]}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    arguments = {"user": request.user, "kind": kind, "filters": request.GET, "unmasked": unmasked, "request": request}
    if fmt == "xlsx":
        return FileResponse(services.export_xlsx(**arguments), as_attachment=True, filename=name, content_type=XLSX_TYPE)
    response = StreamingHttpResponse(services.export_csv(**arguments), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
