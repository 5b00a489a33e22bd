"""Forms of the duplicate pages: queue filters, the two decisions, starting a run."""

from django import forms
from django.utils.translation import gettext_lazy as _

from geliat.dedup.models import CandidatePair, DedupRun, Source
from geliat.dedup.selectors import BANDS, MERGE_GROUPS
from geliat.dedup.services import ABSORBED, SURVIVOR

LEFT, RIGHT = "left", "right"
_SIDES = [(LEFT, _("Data A")), (RIGHT, _("Data B"))]

BAND_LABELS = {
    "tinggi": _("Sangat mungkin (≥ 99%)"),
    "sedang": _("Mungkin (90–99%)"),
    "rendah": _("Perlu dicermati (< 90%)"),
}
GROUP_LABELS = {
    "full_name": _("Nama lengkap"),
    "sex": _("Jenis kelamin"),
    "birth_place": _("Tempat lahir"),
    "birth_date": _("Tanggal lahir"),
    "phone": _("No. HP/WA"),
    "address": _("Alamat (jalan, RT/RW, wilayah)"),
}


class QueueFilterForm(forms.Form):
    band = forms.ChoiceField(label=_("Peluang sama"), required=False)
    source = forms.ChoiceField(label=_("Sumber"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "status" not in data:
            # No status asked for: open pairs (the work), shown as such in the select.
            data = data.copy()
            data["status"] = CandidatePair.Status.OPEN
        super().__init__(data, *args, **kwargs)
        self.fields["status"].initial = CandidatePair.Status.OPEN
        self.fields["band"].choices = [("", _("Semua"))] + [(key, BAND_LABELS[key]) for key in BANDS]
        self.fields["source"].choices = [("", _("Semua"))] + list(Source.choices)
        self.fields["status"].choices = [("", _("Semua status"))] + list(CandidatePair.Status.choices)

    def queue_filters(self) -> dict:
        """Keyword arguments for ``review_queue``: open pairs unless another status is asked for;
        values typed wrongly are left out."""
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "band": cleaned.get("band") or "",
            "source": cleaned.get("source") or "",
            # Unbound (no filters): open pairs; "Semua status" (sent as ""): every status.
            "status": cleaned.get("status", "") if self.is_bound else CandidatePair.Status.OPEN,
        }


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, pair: CandidatePair, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair
        self.fields["version"].initial = pair.version


class DifferentForm(DecisionForm):
    reason = forms.CharField(
        label=_("Alasan (mis. ayah dan anak, nama sama tetangga)"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeForm(DecisionForm):
    """Which record survives (its NIK stays) and, for each field group whose values differ,
    whose value the survivor keeps: one radio per side (A = left, B = right)."""

    survivor = forms.ChoiceField(
        label=_("Data yang dipertahankan (NIK-nya dipakai)"), choices=_SIDES, widget=forms.RadioSelect,
        error_messages={"required": _("Pilih data yang dipertahankan: Data A atau Data B.")},
    )

    def __init__(self, *args, pair: CandidatePair, **kwargs):
        super().__init__(*args, pair=pair, **kwargs)
        self.fields["survivor"].initial = LEFT
        self.groups = [group for group in MERGE_GROUPS if _differs(pair, group)]
        for group in self.groups:
            self.fields[f"take_{group}"] = forms.ChoiceField(
                label=GROUP_LABELS[group], choices=_SIDES, widget=forms.RadioSelect,
                initial=RIGHT if _blank(pair.left, group) and not _blank(pair.right, group) else LEFT,
                error_messages={"required": _("Pilih nilai %(field)s yang dipakai: dari Data A atau Data B.") % {
                    "field": GROUP_LABELS[group]}},
            )

    def chosen_side(self, group: str) -> str:
        """The side (left/right) chosen for ``group``: posted, else the initial one."""
        name = f"take_{group}"
        if self.is_bound and self.data.get(name) in (LEFT, RIGHT):
            return self.data[name]
        return self.fields[name].initial

    def survivor_side(self) -> str:
        if self.is_bound and self.data.get("survivor") in (LEFT, RIGHT):
            return self.data["survivor"]
        return LEFT

    def service_kwargs(self) -> dict:
        survivor_side = self.cleaned_data["survivor"]
        survivor_id = self.pair.left_id if survivor_side == LEFT else self.pair.right_id
        choices = {
            group: SURVIVOR if self.cleaned_data[f"take_{group}"] == survivor_side else ABSORBED
            for group in self.groups
        }
        return {"survivor_id": survivor_id, "choices": choices, "expected_version": self.cleaned_data["version"]}


def _values(person, group: str) -> tuple:
    return tuple(getattr(person, field + ("_id" if field == "region" else "")) for field in MERGE_GROUPS[group])


def _blank(person, group: str) -> bool:
    return all(value in (None, "") for value in _values(person, group))


def _differs(pair: CandidatePair, group: str) -> bool:
    return _values(pair.left, group) != _values(pair.right, group)


class RunStartForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Cakupan"), choices=DedupRun.Mode.choices, initial=DedupRun.Mode.INCREMENTAL, widget=forms.RadioSelect,
        help_text=_("Hanya data baru/berubah: data yang berubah sejak pencarian terakhir dan yang mirip dengannya (cepat). "
                    "Menyeluruh: semua data di wilayah Anda."),
    )
    backend = forms.ChoiceField(
        label=_("Mesin"), choices=[("duckdb", "DuckDB"), ("spark", "Spark")], initial="duckdb",
        help_text=_("DuckDB untuk satu kabupaten; Spark untuk data provinsi atau nasional."),
    )
    threshold = forms.FloatField(
        label=_("Ambang peluang"), required=False, min_value=0.01, max_value=1.0,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text=_("Pasangan dengan peluang sama setidaknya sebesar ini masuk antrean. Kosongkan untuk memakai bawaan."),
        error_messages={
            "invalid": _("Isi ambang peluang dengan angka antara 0 dan 1, misalnya 0.9."),
            "min_value": _("Ambang peluang harus di atas 0, misalnya 0.9."),
            "max_value": _("Ambang peluang paling besar 1, misalnya 0.9."),
        },
    )
