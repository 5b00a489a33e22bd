"""The cascading region picker: kecamatan → desa → dusun → RW → RT inside the served regency.

Without JavaScript the selects are filled server-side from what is already chosen
(a rejected form re-renders with the desa list of the chosen kecamatan); with htmx
each select fills the next one from ``wilayah:children`` as soon as it changes.
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geliat.wilayah.models import LEVEL_DEPTH, Level, Region
from geliat.wilayah.selectors import region_children

PICKER_LEVELS = (Level.KECAMATAN, Level.DESA, Level.DUSUN, Level.RW, Level.RT)
# Where each select takes its options from: the first chosen of these levels.
# Dusun is optional (a kelurahan has none), so RW falls back to the desa.
PARENT_LEVELS = {
    Level.KECAMATAN: (Level.KABUPATEN,),
    Level.DESA: (Level.KECAMATAN,),
    Level.DUSUN: (Level.DESA,),
    Level.RW: (Level.DUSUN, Level.DESA),
    Level.RT: (Level.RW,),
}
# Protects the page from an unbounded list; no real parent has this many children.
OPTIONS_LIMIT = 300


def level_name(level: str) -> str:
    """The level as it reads mid-sentence: "desa/kelurahan", "RW"."""
    label = str(Level(level).label)
    return label if label.isupper() else label.lower()


def placeholder(level: str) -> str:
    return _("— pilih %(level)s —") % {"level": level_name(level)}


def picker_levels(deepest: str) -> tuple[Level, ...]:
    return PICKER_LEVELS[: PICKER_LEVELS.index(Level(deepest)) + 1]


def in_regency(code: str) -> bool:
    regency = settings.GELIAT_REGENCY_CODE
    return code == regency or code.startswith(regency + ".")


def options_for(parent_code: str, level: str) -> list[Region]:
    """What a select at ``level`` offers under ``parent_code``; nothing outside the regency."""
    if not parent_code or not in_regency(parent_code):
        return []
    return list(region_children(parent_code=parent_code, level=level)[:OPTIONS_LIMIT])


def _code(value) -> str:
    return value.pk if isinstance(value, Region) else (value or "").strip()


class RegionPickerWidget(forms.Widget):
    """One select per level, named ``<name>_<level>``, plus a search box by name.

    Posting ``<name>`` itself with a code (scripts, tests) bypasses the selects.
    """

    template_name = "wilayah/picker.html"
    use_fieldset = True

    def __init__(self, attrs=None, *, max_level: str = Level.DESA):
        self.max_level = Level(max_level)
        self.levels = picker_levels(max_level)  # ValueError above kecamatan
        super().__init__(attrs)

    def value_from_datadict(self, data, files, name):
        """The deepest chosen code whose selects agree with each other."""
        if data.get(name):
            return data[name].strip()
        chosen = ""
        for level in self.levels:
            code = (data.get(f"{name}_{level}") or "").strip()
            if not code and level == Level.DUSUN:
                continue
            # A desa left over from another kecamatan (no JavaScript) ends the chain.
            if not code or (chosen and not code.startswith(chosen + ".")):
                break
            chosen = code
        return chosen

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}_{level}" in data for level in self.levels)

    def format_value(self, value):
        return _code(value)

    def id_for_label(self, id_):
        return f"{id_}_{self.levels[0]}" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        code = context["widget"]["value"] or ""
        chain = [*Region(code=code).ancestor_codes(), code] if code else []
        chosen = dict(Region.objects.filter(code__in=chain).values_list("level", "code"))
        chosen[Level.KABUPATEN] = settings.GELIAT_REGENCY_CODE
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        children_url = reverse("wilayah:children")
        rows = []
        for index, level in enumerate(self.levels):
            parent = next((chosen[p] for p in PARENT_LEVELS[level] if chosen.get(p)), "")
            row = {
                "level": level,
                "label": level.label,
                "name": f"{name}_{level}",
                "id": f"{base_id}_{level}",
                "options": options_for(parent, level),
                "selected": chosen.get(level, ""),
                "placeholder": placeholder(level),
            }
            if index + 1 < len(self.levels):
                # Each select refills the next; choosing no dusun lists the desa's RWs.
                sources = [f"{name}_{level}"] + ([f"{name}_{Level.DESA}"] if level == Level.DUSUN else [])
                query = {"level": self.levels[index + 1], "deepest": self.max_level, "picker": base_id, "from": ",".join(sources)}
                row["next_url"] = f"{children_url}?{urlencode(query)}"
                row["next_id"] = f"{base_id}_{self.levels[index + 1]}"
                row["include"] = f"#{base_id}_{Level.DESA}" if level == Level.DUSUN else ""
            rows.append(row)
        search = {"level": Level.DESA, "from": f"{name}_q"}
        picker = {"name": name, "id": base_id, "deepest": self.max_level, "from": f"{name}_found"}
        context["widget"].update(
            base_id=base_id,
            rows=rows,
            search_url=f"{reverse('wilayah:search')}?{urlencode(search)}",
            picker_url=f"{reverse('wilayah:picker')}?{urlencode(picker)}",
        )
        return context


class RegionPickerField(forms.Field):
    """A region inside the served regency, between ``min_level`` and ``max_level`` deep."""

    widget = RegionPickerWidget
    default_error_messages = {
        "required": gettext_lazy("Pilih wilayah sampai tingkat %(level)s."),
        "unknown": gettext_lazy("Kode wilayah %(code)s tidak dikenal; pilih wilayah dari daftar."),
        "outside": gettext_lazy("%(region)s berada di luar %(regency)s; pilih wilayah di %(regency)s."),
        "too_shallow": gettext_lazy("Pilih juga %(level)s di %(region)s."),
        "too_deep": gettext_lazy("Pilih wilayah paling dalam sampai tingkat %(level)s saja."),
    }

    def __init__(self, *, min_level: str = Level.DESA, max_level: str = Level.DESA, **kwargs):
        self.min_level, self.max_level = Level(min_level), Level(max_level)
        kwargs.setdefault("widget", RegionPickerWidget(max_level=max_level))
        super().__init__(**kwargs)

    def to_python(self, value) -> Region | None:
        if isinstance(value, Region):
            return value
        code = _code(value)
        if not code:
            return None
        region = Region.objects.filter(code=code).select_related("parent").first()
        if region is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"code": code})
        return region

    def validate(self, value: Region | None) -> None:
        if value is None:
            if self.required:
                raise ValidationError(
                    self.error_messages["required"],
                    code="required",
                    params={"level": level_name(self.min_level)},
                )
            return
        if not in_regency(value.code):
            regency = Region.objects.filter(code=settings.GELIAT_REGENCY_CODE).first()
            raise ValidationError(
                self.error_messages["outside"],
                code="outside",
                params={"region": value.label, "regency": regency.label if regency else settings.GELIAT_REGENCY_CODE},
            )
        if value.depth < LEVEL_DEPTH[self.min_level]:
            raise ValidationError(
                self.error_messages["too_shallow"],
                code="too_shallow",
                params={"level": level_name(self.min_level), "region": value.label},
            )
        if value.depth > LEVEL_DEPTH[self.max_level]:
            raise ValidationError(
                self.error_messages["too_deep"],
                code="too_deep",
                params={"level": level_name(self.max_level)},
            )

    def has_changed(self, initial, data) -> bool:
        return _code(initial) != _code(data)
