"""Deduplicating a data officer's own spreadsheet: ``geliat dedup-file``.

INPUT is a CSV or XLSX list with a header row. Its columns are recognised by the
importer's header rules (``geliat.imports.headers``: "No. KTP" is the NIK, "Nama
Lengkap (sesuai KTP)" the name, "Desa/Kel." the desa …), plus an id column ("id",
"no", "kode", "id data" …). Needed: a name column and a NIK or birth-date column;
without an id column, the line number in the spreadsheet is the id. Any cell may be
empty or unreadable: that lowers the evidence for its row and nothing more.

OUT is a CSV with one row per input row, in input order: ``id``, ``cluster_id`` (rows
of one person share it; a cluster is named by its smallest id) and
``match_probability`` (the best match of the row inside its cluster; 0 for a row
alone).

It lives with the importer, above dedup: it reads files with the importer's readers and
header rules and hands the rows to the dedup engine.
"""

import csv
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from geliat.dedup.engine import FIELDS, link_records, model_load
from geliat.imports.headers import guess_mapping
from geliat.imports.readers import open_table
from geliat.wilayah.text import name_key

# Importer field key → engine field.
_FROM_IMPORTER = {
    "nik": "nik", "full_name": "name", "sex": "sex", "birth_date": "birth_date", "address": "address",
    "rt": "rt", "rw": "rw", "desa": "village", "kecamatan": "district", "phone": "phone", "external_id": "id",
}
# Headers naming a row's own id (compared as name keys).
_ID_HEADERS = ("id", "no", "nomor", "nourut", "nomorurut", "kode", "kodedata", "iddata", "recid", "recordid", "rowid")
FIELD_LABELS = {
    "id": "id", "nik": "NIK", "name": "Nama", "sex": "Jenis kelamin", "birth_date": "Tanggal lahir",
    "address": "Alamat", "rt": "RT", "rw": "RW", "village": "Desa/Kelurahan", "district": "Kecamatan",
    "phone": "No. HP/WA",
}


@dataclass
class FileResult:
    rows: int
    clusters: int  # clusters of two rows or more
    rows_in_clusters: int
    columns: dict[str, str]  # engine field → header used
    seconds: float


def _field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def recognise_columns(headers: list[str]) -> dict[str, int]:
    """Engine field → column index, by the importer's header rules (and id headers)."""

    columns: dict[str, int] = {}
    for index, key in guess_mapping(list(headers)).items():
        field = _FROM_IMPORTER.get(key or "")
        if field and field not in columns:
            columns[field] = index
    if "id" not in columns:
        for index, header in enumerate(headers):
            if name_key(header or "") in _ID_HEADERS and index not in columns.values():
                columns["id"] = index
                break
    return columns


def columns_problem(headers: list[str], columns: dict[str, int]) -> str | None:
    """The refusal, in Indonesian, when the needed columns are missing; else None."""
    if "name" in columns and ("nik" in columns or "birth_date" in columns):
        return None
    found = ", ".join(f"“{h}”" for h in headers if h) or _("(tidak ada judul kolom)")
    recognised = ", ".join(f"{_field_label(f)} ← “{headers[i]}”" for f, i in columns.items()) or _("tidak ada")
    return _(
        "Berkas tidak bisa diperiksa: kolom yang dibutuhkan tidak ditemukan. Dibutuhkan kolom Nama, dan kolom NIK "
        "atau Tanggal lahir (judul seperti “Nama Lengkap”, “NIK”, “Tgl Lahir”). Kolom lain yang dipakai bila ada: "
        "id, Jenis kelamin, Alamat, RT, RW, Desa/Kelurahan, Kecamatan, No. HP/WA. Kolom di berkas: %(found)s. "
        "Kolom yang dikenali: %(recognised)s. Tambahkan atau ganti judul kolomnya, lalu jalankan lagi."
    ) % {"found": found, "recognised": recognised}


def read_records(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """The rows of INPUT as a DataFrame with the engine's FIELDS, and the header used per
    field. Raises ``ValidationError`` (Indonesian message) when the file cannot be read
    or lacks the needed columns."""

    path = Path(path)
    if not path.is_file():
        raise ValidationError(_("Berkas %(path)s tidak ditemukan.") % {"path": path})
    with open_table(path, name=path.name) as table:
        headers = list(table.headers)
        columns = recognise_columns(headers)
        problem = columns_problem(headers, columns)
        if problem:
            raise ValidationError(problem, code="columns")
        data: dict[str, list] = {field: [] for field in FIELDS}
        for row in table.rows():
            for field in FIELDS:
                index = columns.get(field)
                data[field].append(row[index] if index is not None and index < len(row) else None)
            if "id" not in columns:
                data["id"][-1] = str(table.header_line + row.number)
    frame = pd.DataFrame(data, columns=list(FIELDS))
    ids = frame["id"].fillna("").astype(str).str.strip()
    blank = ids == ""
    repeated = ids.duplicated(keep=False) & ~blank
    if blank.any() or repeated.any():
        examples = ", ".join(sorted(set(ids[repeated]))[:5])
        raise ValidationError(
            _(
                "Kolom id (“%(header)s”) harus berisi kode yang berbeda untuk setiap baris. %(blank)d baris kosong, "
                "%(repeated)d baris memakai kode yang sama (misalnya: %(examples)s). Isi kode yang unik, atau hapus "
                "kolom id agar nomor baris yang dipakai."
            )
            % {"header": headers[columns["id"]], "blank": int(blank.sum()), "repeated": int(repeated.sum()),
               "examples": examples or "-"},
            code="ids",
        )
    frame["id"] = ids
    return frame, {field: headers[index] for field, index in columns.items()}


def write_result(path: Path, ids, clusters: dict[str, str], best: dict[str, float]) -> None:
    """OUT: ``id, cluster_id, match_probability``, one row per input row, in input order."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "cluster_id", "match_probability"])
        for record_id in ids:
            probability = best.get(record_id, 0.0)
            writer.writerow([record_id, clusters.get(record_id, record_id), f"{probability:.6f}" if probability else "0"])


def dedup_file(*, input_path: Path, output_path: Path, backend: str = "duckdb", threshold: float = 0.9,
               train: bool = False, model_path: Path | None = None, progress=None) -> FileResult:
    """Read INPUT, link its rows, write OUT; see the module docstring."""

    started = time.perf_counter()
    frame, used = read_records(input_path)
    model = model_load(model_path) if model_path else None
    result = link_records(frame, backend=backend, threshold=threshold, model=model, train=train, progress=progress)
    ids = frame["id"].tolist()
    write_result(output_path, ids, result.clusters, result.best)
    sizes = pd.Series(list(result.clusters.values())).value_counts()
    grouped = sizes[sizes > 1]
    return FileResult(
        rows=len(ids), clusters=int(len(grouped)), rows_in_clusters=int(grouped.sum()), columns=used,
        seconds=time.perf_counter() - started,
    )
