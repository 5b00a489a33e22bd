"""Forms of the import pages: the upload, and the column mapping the user confirms."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from geliat.imports.fields import FIELDS
from geliat.imports.headers import mapping_problems
from geliat.imports.readers import open_table


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_lazy("Berkas data (.csv atau .xlsx)"),
        error_messages={
            "required": _lazy("Pilih berkas .csv atau .xlsx yang akan diimpor."),
            "empty": _lazy("Berkas kosong. Pilih berkas yang berisi judul kolom dan baris data."),
            "invalid": _lazy("Berkas tidak terbaca. Pilih ulang berkas .csv atau .xlsx."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx,.xlsm"}),
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["file"].help_text = _("Baris pertama berisi judul kolom. Ukuran maksimal %(size)s.") % {
            "size": filesizeformat(max_bytes)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise ValidationError(
                _("Berkas terlalu besar (%(size)s); maksimal %(max)s. Pecah menjadi beberapa berkas, lalu unggah satu per satu.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(self.max_bytes)},
                code="too_large",
            )
        # Opening it reads the format and the header row: a wrong or broken file is answered
        # here, with what to do, rather than in a failed job.
        with open_table(upload, name=upload.name):
            pass
        upload.seek(0)
        return upload


class MappingForm(forms.Form):
    """One select per column of the file (its field, or not imported), and the dry-run choice."""

    dry_run = forms.BooleanField(
        label=_lazy("Uji coba dulu: periksa semua baris dan buat laporan tanpa menyimpan data"),
        required=False,
    )

    def __init__(self, *args, headers: list[str], mapping: dict[int, str | None], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = _field_choices()
        for index, header in enumerate(headers):
            self.fields[self.column_name(index)] = forms.ChoiceField(
                label=header or _("Kolom ke-%(number)d (tanpa judul)") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=mapping.get(index) or "",
            )

    @staticmethod
    def column_name(index: int) -> str:
        return f"col_{index}"

    def column_fields(self) -> list[forms.BoundField]:
        return [self[self.column_name(index)] for index in range(len(self.headers))]

    def clean(self):
        cleaned = super().clean()
        self.mapping = {index: cleaned.get(self.column_name(index)) or None for index in range(len(self.headers))}
        for problem in mapping_problems(self.mapping, self.headers):
            self.add_error(None, problem)
        return cleaned


def _field_choices() -> list:
    """The fields grouped as owner and business; required ones marked with *."""
    groups = {"person": (_("Pemilik"), []), "business": (_("Usaha"), [])}
    for key, field in FIELDS.items():
        groups[field.group][1].append((key, f"{field.label} *" if field.required else str(field.label)))
    return [("", _("— tidak diimpor —")), *groups.values()]
