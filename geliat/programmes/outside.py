"""Lists from outside: a ministry's recipients list, a bank's KUR debtors, an ASN list.

Read with the importer's readers (CSV/XLSX, encodings, header row found), its header
guessing and its cleaners (NIK damage from number cells, dates as people write them,
desa names), then matched to the registry. Every row read ends as exactly one of
accepted or rejected (``rows_read = accepted + rejected``); an accepted row is matched or
not.

Matching, simple deterministic rules, in order:
1. NIK: a valid NIK equal to a registered person's.
2. A NIK whose 16th digit a number cell zeroed: the first 15 digits and the name
   (name key: case, spaces and punctuation ignored) of exactly one person.
3. Name + birth date + desa: exactly one identity with that name key and birth date
   living, or owning a business, in that desa. Used when the NIK is damaged, invalid
   or not registered (a mistyped NIK on either side), and said so in the row's note.
Several candidates match nobody (the note says so): a wrong match would exclude or
count the wrong person.

What matching does. An exclusion list's matched people are what the ``excluded_by`` rule
tests. A recipients list's matched people become enrolments of its programme (origin
"outside list", status delivered, person-level: no business), so they count as reached
and a later enrolment in the same overlap class is refused; a person already benefiting
from a programme of the class in an overlapping period is an *overlap*, counted and named
in the row's note (the enrolment is still recorded: it happened).

A list is processed in one transaction: it lands whole or not at all.
"""

import itertools
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from geliat.audit.models import AuditEvent
from geliat.audit.services import audit_record
from geliat.core.bulk import bulk_insert
from geliat.imports.cleaning import RegionCache, clean_date, clean_nik
from geliat.imports.headers import header_candidates
from geliat.imports.readers import open_table
from geliat.programmes import selectors
from geliat.programmes.models import Enrolment, OutsideList, OutsideListEntry, Programme
from geliat.registry.models import Business, Person
from geliat.wilayah.text import name_key

LIST_FIELDS = ("nik", "full_name", "birth_date", "kecamatan", "desa")
BATCH = 2000


def _mapping_guess(headers: list[str]) -> dict[str, str]:
    """Column index → one of ``LIST_FIELDS``, by the importer's header guessing (best column per field)."""
    best: dict[str, tuple[tuple, int]] = {}
    for column, header in enumerate(headers):
        for rank, key in header_candidates(header or ""):
            if key in LIST_FIELDS and (key not in best or rank < best[key][0]):
                best[key] = (rank, column)
    return {str(column): key for key, (_rank, column) in best.items()}


def _mapping_problems(mapping: dict[str, str], headers: list[str]) -> list[str]:
    keys = set(mapping.values())
    unknown = keys - set(LIST_FIELDS)
    if unknown:
        return [_("Isian %(keys)s tidak dikenal; pakai nik, full_name, birth_date, kecamatan, desa.") % {"keys": ", ".join(sorted(unknown))}]
    if "nik" in keys or {"full_name", "birth_date", "desa"} <= keys:
        return []
    found = ", ".join(f"“{h}”" for h in headers if h) or _("(tidak ada)")
    return [
        _(
            "Berkas harus punya kolom NIK, atau kolom Nama, Tanggal Lahir dan Desa untuk mencocokkan tanpa NIK. "
            "Kolom di berkas: %(headers)s."
        ) % {"headers": found}
    ]


def _may_import_list(actor, data: dict) -> None:
    if selectors.is_coordinator(actor):
        return
    if not selectors.is_agency(actor):
        raise PermissionDenied(_("Hanya koordinator atau staf OPD yang dapat mengunggah daftar dari luar."))
    programme = data.get("programme")
    if programme is not None and not selectors.may_manage_programme(actor, programme):
        raise PermissionDenied(_("Daftar penerima hanya dapat diunggah untuk program OPD Anda."))


@transaction.atomic
def outside_list_create(*, actor, file, file_name: str, data: dict, mapping: dict | None = None, request=None) -> OutsideList:
    """Store an uploaded outside list with its column mapping (guessed unless given), and queue
    its matching. ``data``: code, name, kind, category, programme, issuer."""
    from geliat.programmes.tasks import match_outside_list

    _may_import_list(actor, data)
    outside_list = OutsideList(
        code=data.get("code", ""), name=data.get("name", ""), kind=data.get("kind", ""),
        category=data.get("category") or "", programme=data.get("programme"), issuer=data.get("issuer", ""),
        agency=actor.agency if selectors.is_agency(actor) else data.get("agency"),
        file_name=Path(file_name).name[:255], created_by=actor,
    )
    if outside_list.kind == OutsideList.Kind.RECIPIENTS:
        outside_list.category = ""
    outside_list.full_clean(exclude=["file", "created_by"])
    outside_list.file.save(outside_list.file_name or "daftar.csv", file, save=False)
    try:
        with outside_list.file.open("rb") as handle, open_table(handle, name=outside_list.file_name) as table:
            headers = table.headers
        guessed = _mapping_guess(headers)
        if mapping:
            chosen = {str(k): v for k, v in mapping.items() if v}
            guessed = {k: v for k, v in guessed.items() if k not in chosen and v not in chosen.values()} | chosen
        problems = _mapping_problems(guessed, headers)
        if problems:
            raise ValidationError({"file": problems})
        outside_list.mapping = guessed
        outside_list.save()
    except BaseException:
        outside_list.file.delete(save=False)
        raise
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, object_type="programmes.outsidelist", object_id=outside_list.pk,
        after={"code": outside_list.code, "kind": outside_list.kind, "category": outside_list.category,
               "programme": outside_list.programme_id, "file": outside_list.file_name, "mapping": outside_list.mapping},
        request=request,
    )
    transaction.on_commit(lambda: match_outside_list.enqueue(outside_list.pk))
    return outside_list


class _Entry:
    __slots__ = ("entry", "nik", "damaged_prefix", "key", "birth_date", "desa_code", "errors")

    def __init__(self, entry: OutsideListEntry):
        self.entry = entry
        self.nik = None
        self.damaged_prefix = None
        self.key = ""
        self.birth_date = None
        self.desa_code = None
        self.errors: list[str] = []


def _read_row(row, mapping: dict[int, str], headers: list[str], cache: RegionCache, list_id: int) -> _Entry:
    cells = {key: row[column] for column, key in mapping.items() if column < len(row)}
    numeric = {key for column, key in mapping.items() if column in getattr(row, "numeric", ())}
    raw = {headers[column] or str(column + 1): row[column] for column in range(min(len(headers), len(row)))}
    entry = OutsideListEntry(
        outside_list_id=list_id, row_number=row.number, raw=raw, full_name=cells.get("full_name", "").strip()[:150],
    )
    item = _Entry(entry)
    nik_text = cells.get("nik", "").strip()
    entry.nik = nik_text[:32]
    if nik_text:
        check = clean_nik(nik_text, numeric="nik" in numeric, region_codes=cache.region_codes)
        if check.valid:
            item.nik = entry.nik = check.nik
        elif check.damaged and "nik" in numeric and nik_text.isdigit() and len(nik_text) == 16:
            item.damaged_prefix = nik_text[:15]
            item.errors.append(check.errors[0])
        else:
            item.errors += check.errors
    item.key = name_key(entry.full_name) if entry.full_name else ""
    if text := cells.get("birth_date", "").strip():
        date, error, _ambiguous = clean_date(text)
        if error:
            item.errors.append(_("Tanggal lahir: %(error)s") % {"error": error})
        entry.birth_date = item.birth_date = date
    if text := cells.get("desa", "").strip():
        kecamatan = None
        if kec_text := cells.get("kecamatan", "").strip():
            kecamatan, error = cache.kecamatan(kec_text)
            if error:
                item.errors.append(error)
        desa, error = cache.desa(kecamatan=kecamatan, text=text)
        if error:
            item.errors.append(error)
        else:
            item.desa_code = desa.code
        entry.desa = text[:150]
    return item


def _usable(item: _Entry) -> bool:
    return bool(item.nik or (item.key and item.birth_date and item.desa_code) or (item.damaged_prefix and item.key))


def _identity(person: Person) -> int:
    return person.merged_into_id or person.pk


def _match_batch(items: list[_Entry]) -> None:
    """Set ``entry.person``, ``match`` and ``note`` for a batch, by the module's three rules."""
    by_nik = {p.nik: p for p in Person.objects.filter(nik__in=[i.nik for i in items if i.nik])}
    rest = []
    for item in items:
        person = by_nik.get(item.nik) if item.nik else None
        if person is not None:
            item.entry.person, item.entry.match = person, OutsideListEntry.Match.NIK
        else:
            rest.append(item)
    # Rule 2: zeroed 16th digit, first 15 digits + name.
    prefixed = [i for i in rest if i.damaged_prefix and i.key]
    if prefixed:
        q = Q()
        for item in prefixed:
            q |= Q(nik__startswith=item.damaged_prefix, name_key=item.key)
        candidates = list(Person.objects.filter(q))
        for item in prefixed:
            found = {_identity(p): p for p in candidates if p.nik.startswith(item.damaged_prefix) and p.name_key == item.key}
            _settle(item, found, _("Cocok 15 angka pertama NIK dan nama (angka ke-16 rusak di spreadsheet)."))
    # Rule 3: name + birth date + desa.
    fuzzy = [i for i in rest if i.entry.person_id is None and i.key and i.birth_date and i.desa_code]
    if fuzzy:
        people = list(
            Person.objects.filter(name_key__in={i.key for i in fuzzy}, birth_date__in={i.birth_date for i in fuzzy})
        )
        places: dict[int, set[str]] = {p.pk: {p.region_id} for p in people}
        for owner_id, region_id in Business.objects.filter(owner__in=[p.pk for p in people]).values_list("owner_id", "region_id"):
            places[owner_id].add(region_id)
        for item in fuzzy:
            found = {
                _identity(p): p for p in people
                if p.name_key == item.key and p.birth_date == item.birth_date
                and any(code == item.desa_code or code.startswith(item.desa_code + ".") for code in places[p.pk])
            }
            why = _("Cocok nama, tanggal lahir dan desa")
            if item.nik:
                why += _(" (NIK di daftar berbeda dengan NIK di registri; periksa)")
            _settle(item, found, why + ".")
    for item in items:
        if item.entry.person_id is None and not item.entry.note:
            item.entry.note = _("Tidak ditemukan di registri.")


def _settle(item: _Entry, found: dict[int, Person], why: str) -> None:
    if len(found) == 1:
        person = next(iter(found.values()))
        item.entry.person, item.entry.match, item.entry.note = person, OutsideListEntry.Match.FUZZY, why[:300]
    elif len(found) > 1:
        item.entry.note = _("%(n)d orang di registri cocok; tidak dipilih otomatis. Periksa NIK-nya.") % {"n": len(found)}


def _plan_recipients(outside_list: OutsideList, items: list[_Entry], seen: set[int]) -> tuple[list, int]:
    """Which matched rows of a recipients list become enrolments, noting duplicates and
    overlaps on the rows: ([(item, person, identity)], how many overlap)."""
    programme: Programme = outside_list.programme
    matched = [i for i in items if i.entry.person_id]
    people = {p.pk: p for p in Person.objects.filter(pk__in=[i.entry.person_id for i in matched])}
    identities = {_identity(people[i.entry.person_id]) for i in matched}
    conflicts = selectors.benefit_conflicts(programme, identities)
    overlaps, planned = 0, []
    for item in matched:
        person = people[item.entry.person_id]
        identity = _identity(person)
        conflict = conflicts.get(identity)
        if identity in seen:
            item.entry.note = (item.entry.note + " " + _("Orang yang sama sudah ada di baris lain daftar ini.")).strip()[:300]
            continue
        seen.add(identity)
        if conflict is not None and conflict.pk == programme.pk:
            item.entry.note = (item.entry.note + " " + _("Sudah tercatat sebagai penerima program ini.")).strip()[:300]
            continue
        if conflict is not None:
            overlaps += 1
            item.entry.note = (
                item.entry.note + " " + _("TUMPANG TINDIH: juga menerima %(other)s pada periode yang beririsan.") % {"other": conflict.name}
            ).strip()[:300]
        planned.append((item, person, identity))
    return planned, overlaps


def _enrol_recipients(outside_list: OutsideList, planned: list, now) -> None:
    """The planned rows as enrolments (after their entries are stored, to point at them)."""
    Enrolment.objects.bulk_create(
        Enrolment(
            programme=outside_list.programme, person=person, business=None, identity_id=identity,
            region_code=person.region_id, status=Enrolment.Status.DELIVERED, origin=Enrolment.Origin.OUTSIDE_LIST,
            outside_entry=item.entry, confirmed_at=now, confirmed_by=outside_list.created_by,
        )
        for item, person, identity in planned
    )


def outside_list_run(*, list_id: int) -> OutsideList:
    """Read, clean and match an outside list (the background task's body)."""
    outside_list = OutsideList.objects.select_related("programme").get(pk=list_id)
    if outside_list.status in {OutsideList.Status.DONE, OutsideList.Status.RUNNING}:
        return outside_list
    OutsideList.objects.filter(pk=list_id).update(status=OutsideList.Status.RUNNING)
    try:
        with transaction.atomic():
            counts = _run(outside_list)
            OutsideList.objects.filter(pk=list_id).update(
                status=OutsideList.Status.DONE, finished_at=timezone.now(), error="", **counts
            )
            audit_record(
                actor=outside_list.created_by or "sistem", action=AuditEvent.Action.UPDATE,
                object_type="programmes.outsidelist", object_id=list_id, after=counts,
                note=_("Daftar %(name)s dicocokkan dengan registri.") % {"name": outside_list.name},
            )
    except ValidationError as exc:
        OutsideList.objects.filter(pk=list_id).update(status=OutsideList.Status.FAILED, error=" ".join(exc.messages), finished_at=timezone.now())
    outside_list.refresh_from_db()
    return outside_list


def _run(outside_list: OutsideList) -> dict[str, int]:
    mapping = {int(column): key for column, key in outside_list.mapping.items()}
    cache = RegionCache(settings.GELIAT_REGENCY_CODE)
    counts = {"rows_read": 0, "accepted": 0, "rejected": 0, "matched": 0, "overlapping": 0}
    seen: set[int] = set()
    now = timezone.now()
    with outside_list.file.open("rb") as handle, open_table(handle, name=outside_list.file_name) as table:
        rows = table.rows()
        while batch := list(itertools.islice(rows, BATCH)):
            items = [_read_row(row, mapping, table.headers, cache, outside_list.pk) for row in batch]
            usable = []
            for item in items:
                if _usable(item):
                    usable.append(item)
                else:
                    item.entry.match = OutsideListEntry.Match.REJECTED
                    missing = _("NIK tidak sah, dan nama, tanggal lahir atau desa tidak lengkap untuk mencocokkan tanpa NIK.")
                    item.entry.note = " ".join([*item.errors, missing])[:300]
            _match_batch(usable)
            for item in usable:
                if item.errors and item.entry.person_id is None:
                    item.entry.note = " ".join([*item.errors, item.entry.note])[:300]
            planned = []
            if outside_list.kind == OutsideList.Kind.RECIPIENTS:
                planned, overlaps = _plan_recipients(outside_list, usable, seen)
                counts["overlapping"] += overlaps
            bulk_insert(OutsideListEntry, [item.entry for item in items])
            _enrol_recipients(outside_list, planned, now)
            counts["rows_read"] += len(items)
            counts["accepted"] += len(usable)
            counts["rejected"] += len(items) - len(usable)
            counts["matched"] += sum(1 for item in usable if item.entry.person_id)
    return counts
