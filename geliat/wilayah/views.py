"""Public fragments for the region picker. They list regions only, never personal data."""

import re

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geliat.wilayah.forms import (
    PICKER_LEVELS,
    RegionPickerWidget,
    in_regency,
    options_for,
    placeholder,
)
from geliat.wilayah.models import Level
from geliat.wilayah.selectors import region_search
from geliat.wilayah.text import name_key

SEARCH_LIMIT = 20
# Form field names and element ids echoed back into the page.
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def _value(request, key: str) -> str:
    """``key`` from the query, or the first filled field named in ``from`` (the picker's selects)."""
    if request.GET.get(key):
        return request.GET[key].strip()
    for source in request.GET.get("from", "").split(","):
        if request.GET.get(source):
            return request.GET[source].strip()
    return ""


def _level(request, key: str, default: str | None = None) -> str | None:
    value = request.GET.get(key) or default
    return value if value in PICKER_LEVELS else None


@require_GET
def children(request):
    """``<option>``s for the regions at ``level`` under ``parent``.

    With ``picker`` (the picker's id) the selects deeper than ``level``, down to
    ``deepest``, are refilled out of band so no stale choice survives a change above.
    """
    level = _level(request, "level")
    if level is None:
        return HttpResponseBadRequest(
            _("Tingkat wilayah tidak dikenal; gunakan salah satu dari: %(levels)s.")
            % {"levels": ", ".join(PICKER_LEVELS)}
        )
    parent = _value(request, "parent")
    picker = request.GET.get("picker", "")
    deepest = _level(request, "deepest") or level
    below = PICKER_LEVELS[PICKER_LEVELS.index(level) + 1 : PICKER_LEVELS.index(deepest) + 1]
    deeper = [
        {"id": f"{picker}_{lower}", "regions": options_for(parent, lower), "placeholder": placeholder(lower)}
        for lower in (below if _NAME.match(picker) else ())
    ]
    return render(
        request,
        "wilayah/options.html",
        {"regions": options_for(parent, level), "placeholder": placeholder(level), "deeper": deeper},
    )


@require_GET
def search(request):
    """``<option>``s for regions in the served regency whose name (or old spelling) matches."""
    levels = [level for level in request.GET.getlist("level") if level in PICKER_LEVELS] or [Level.DESA]
    q = _value(request, "q")
    regions = []
    if len(name_key(q)) < 2:
        prompt = _("— ketik sedikitnya 2 huruf nama wilayah —")
    else:
        regions = region_search(q=q, within=settings.GELIAT_REGENCY_CODE, levels=levels, limit=SEARCH_LIMIT)
        if regions:
            prompt = _("— %(count)d ditemukan, pilih salah satu —") % {"count": len(regions)}
        else:
            prompt = _("— tidak ada wilayah bernama \"%(q)s\" —") % {"q": q}
    return render(
        request,
        "wilayah/options.html",
        {"regions": regions, "placeholder": prompt, "with_parent": True},
    )


@require_GET
def picker(request):
    """The whole picker with ``code`` chosen: what a search hit swaps in."""
    name, base_id = request.GET.get("name", ""), request.GET.get("id", "")
    deepest = _level(request, "deepest", Level.DESA)
    if not (_NAME.match(name) and _NAME.match(base_id) and deepest):
        return HttpResponseBadRequest(_("Parameter pemilih wilayah tidak lengkap (name, id, deepest)."))
    code = _value(request, "code")
    widget = RegionPickerWidget(max_level=deepest)
    return HttpResponse(widget.render(name, code if in_regency(code) else "", attrs={"id": base_id}))
