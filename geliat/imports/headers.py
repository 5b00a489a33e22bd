"""Guessing which column holds which field from the headers people and tools write.

A header is compared as name keys (case, spaces and punctuation ignored), first whole,
then without a note in brackets ("Nama Lengkap (sesuai KTP)"), then, for exports of
KoboToolbox and ODK whose headers are group paths (``grp_identitas/nik``,
``data-nama_lengkap``, ``identitas:nama``), as the last part joined with its group
(``grp_usaha/nama`` is the business's name) and as the last part alone. Only then are
keyword sets tried ("Omzet per bulan sebelum pandemi" has omzet + sebelum), the most
specific first.

Each field goes to one column: the best-matching one, the leftmost on ties. Columns
that match nothing, lose to a better column, or are form-tool bookkeeping (Kobo's
``_id``, ``_submission_time``, ``_notes``, ``formhub/uuid``, ODK's ``SubmissionDate``)
map to None. The submission's own id (``meta/instanceID``, ODK Central's ``KEY``,
Kobo's ``_uuid``) maps to ``external_id``, so a re-exported survey updates rows
instead of adding them.
"""

import functools
import re

from django.utils.translation import gettext as _

from geliat.imports.fields import FIELDS, REQUIRED_FIELDS
from geliat.wilayah.text import name_key

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_PATH_SEPARATORS = re.compile(r"\s*[/:]\s*|(?<=[A-Za-z0-9_])-(?=[A-Za-z_])")
_GROUP_PREFIX = re.compile(r"^(?:grp|group|gr|g|section|sec|bagian)(?=[_\-\s]|[0-9]|[A-Z])[_\-\s]*[0-9]*[_\-\s]*")
_TOOL_GROUPS = ("formhub", "meta")
_SUBMISSION_IDS = {"uuid", "metainstanceid", "instanceid", "key"}

_EXACT = {synonym: (key, index) for key, field in FIELDS.items() for index, synonym in enumerate(field.synonyms)}
# Most specific first: more letters matched is a narrower phrase ("alamat usaha" before "alamat").
_KEYWORDS = sorted(
    ((words, key) for key, field in FIELDS.items() for words in field.keywords),
    key=lambda item: -sum(map(len, item[0])),
)


def _forms(header: str) -> list[str]:
    """Name keys to compare, most literal first: whole, without brackets, and for a
    group path its last part joined with its group, then the last part alone."""
    stripped = _BRACKETS.sub(" ", header).strip()
    forms = [name_key(header), name_key(stripped)]
    parts = [part for part in _PATH_SEPARATORS.split(stripped) if part.strip()]
    if len(parts) > 1:
        group = name_key(_GROUP_PREFIX.sub("", parts[-2]))
        leaf = name_key(parts[-1])
        forms += [leaf + group, leaf]
    return forms


def _is_bookkeeping(header: str, forms: list[str]) -> bool:
    text = header.strip()
    if text.startswith("_") and forms[0] != "uuid":
        return True  # Kobo's own columns: _id, _index, _notes, _status, _submission_time…
    parts = [name_key(part) for part in _PATH_SEPARATORS.split(text)]
    return len(parts) > 1 and parts[0] in _TOOL_GROUPS and forms[0] not in _SUBMISSION_IDS


@functools.lru_cache(maxsize=4096)
def header_candidates(header: str) -> tuple[tuple[tuple, str], ...]:
    """(rank, field key) pairs for one header, best first; lower ranks match better."""
    forms = _forms(header)
    if not forms[0] or _is_bookkeeping(header, forms):
        return ()
    found: dict[str, tuple] = {}
    for position, form in enumerate(forms):
        if form in _EXACT:
            key, index = _EXACT[form]
            found.setdefault(key, (0, position, index))
    # Keywords on the header without brackets (it holds a path's leaf and its group).
    for order, (words, key) in enumerate(_KEYWORDS):
        if all(word in forms[1] for word in words):
            found.setdefault(key, (1, order, 0))
    return tuple(sorted(((rank, key) for key, rank in found.items())))


def guess_mapping(headers: list[str]) -> dict[int, str | None]:
    """Column index → field key, or None for a column not imported."""
    mapping: dict[int, str | None] = dict.fromkeys(range(len(headers)))
    candidates = sorted(
        (rank, column, key)
        for column, header in enumerate(headers)
        for rank, key in header_candidates(header or "")
    )
    taken: set[str] = set()
    for _rank, column, key in candidates:
        if key not in taken and mapping[column] is None:
            mapping[column] = key
            taken.add(key)
    return mapping


def mapping_problems(mapping: dict, headers: list[str] | None = None) -> list[str]:
    """What stops an import with this mapping, in Indonesian: required fields without a
    column, fields given two columns, unknown fields. Keys may be strings (from JSON)."""
    problems = []
    columns_of: dict[str, list[int]] = {}
    for column, key in mapping.items():
        if key:
            columns_of.setdefault(key, []).append(int(column))

    def column_name(index: int) -> str:
        header = headers[index] if headers and index < len(headers) else ""
        return f"“{header}”" if header else _("kolom ke-%(number)d") % {"number": index + 1}

    for key, columns in columns_of.items():
        if key not in FIELDS:
            problems.append(
                _("Isian “%(key)s” tidak dikenal (%(column)s). Pilih isian dari daftar atau “tidak diimpor”.")
                % {"key": key, "column": column_name(columns[0])}
            )
        elif len(columns) > 1:
            problems.append(
                _("%(columns)s sama-sama dipetakan ke %(field)s. Pilih satu kolom saja; kolom lain “tidak diimpor”.")
                % {"columns": ", ".join(column_name(c) for c in sorted(columns)), "field": FIELDS[key].label}
            )
    for key in REQUIRED_FIELDS:
        if key not in columns_of:
            problems.append(
                _("Belum ada kolom untuk %(field)s (wajib). Pilih kolom yang berisi %(field)s, atau tambahkan kolom itu di berkas.")
                % {"field": FIELDS[key].label}
            )
    return problems
