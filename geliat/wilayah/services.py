"""Writes to the region tree: loading the Kemendagri reference table, and units below desa."""

import csv
import functools
import gzip
import io
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from geliat.audit.models import AuditEvent
from geliat.audit.services import audit_record, model_snapshot
from geliat.core.scope import region_prefix_q
from geliat.wilayah.models import LEVEL_DEPTH, Level, Region, RegionAlias
from geliat.wilayah.selectors import level_word_re, rw_in_desa
from geliat.wilayah.text import name_key
from geliat.wilayah.units import unit_code, unit_name, unit_number

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PATH = DATA_DIR / "indonesia_wilayah.csv.gz"
ALIASES_PATH = DATA_DIR / "aliases.csv"

# The levels the reference table holds; everything deeper is a unit a desa created.
TABLE_LEVELS = (Level.PROVINSI, Level.KABUPATEN, Level.KECAMATAN, Level.DESA)
_LEVEL_BY_DEPTH = {LEVEL_DEPTH[level]: level for level in TABLE_LEVELS}
_HEADER = ["code", "name", "level", "parent_code"]
# Large enough to keep statement count low, small enough for PostgreSQL's parameter limit.
_BATCH = 2000

# (code, name, level, parent_code or None, name_key)
Row = tuple[str, str, str, str | None, str]


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int
    aliases: int  # aliases added
    seconds: float

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.aliases)


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _row_error(line: int, message: str) -> ValidationError:
    return ValidationError(_("Baris %(line)d: %(message)s") % {"line": line, "message": message})


@functools.lru_cache(maxsize=4)
def _parse_regions(path: str, mtime_ns: int, size: int) -> tuple[Row, ...]:
    """Rows of a region table, checked; cached per file version (the suite loads it often)."""
    rows: list[Row] = []
    seen: set[str] = set()
    with _open_text(Path(path)) as handle:
        reader = csv.reader(handle)
        if next(reader, None) != _HEADER:
            raise ValidationError(
                _("Berkas wilayah harus berkolom %(header)s pada baris pertama.")
                % {"header": ",".join(_HEADER)}
            )
        for line, record in enumerate(reader, start=2):
            if len(record) != 4:
                raise _row_error(line, _("harus ada 4 kolom (kode, nama, tingkat, kode induk)."))
            code, name, level, parent = (value.strip() for value in record)
            parts = code.split(".")
            # Scoping relies on every code extending its parent's code.
            if _LEVEL_BY_DEPTH.get(len(parts)) != level or not all(p.isdigit() for p in parts):
                raise _row_error(
                    line,
                    _("kode %(code)s tidak cocok dengan tingkat \"%(level)s\" "
                      "(provinsi 35, kabupaten 35.14, kecamatan 35.14.01, desa 35.14.01.2001).")
                    % {"code": code, "level": level},
                )
            if parent != ".".join(parts[:-1]):
                raise _row_error(
                    line,
                    _("kode induk %(parent)s harus kode %(code)s tanpa bagian terakhir.")
                    % {"parent": parent or "-", "code": code},
                )
            if code in seen:
                raise _row_error(line, _("kode %(code)s tertulis dua kali.") % {"code": code})
            if not name:
                raise _row_error(line, _("nama wilayah %(code)s kosong.") % {"code": code})
            seen.add(code)
            rows.append((code, name, level, parent or None, name_key(name)))
    return tuple(rows)


def _read_regions(path: Path) -> tuple[Row, ...]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise ValidationError(
            _("Berkas wilayah %(path)s tidak dapat dibaca: %(error)s")
            % {"path": path, "error": exc.strerror}
        ) from exc
    return _parse_regions(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def _select(rows: tuple[Row, ...], only: str) -> list[Row]:
    """The rows of ``only``, everything inside it and its ancestors."""
    parts = only.split(".")
    ancestors = {".".join(parts[:i]) for i in range(1, len(parts))}
    inside = only + "."
    chosen = [r for r in rows if r[0] == only or r[0].startswith(inside) or r[0] in ancestors]
    if not any(r[0] == only for r in chosen):
        raise ValidationError(
            _("Kode wilayah %(code)s tidak ada di berkas; periksa kode (misalnya 35.14).")
            % {"code": only}
        )
    return chosen


def _check_parents(rows: list[Row] | tuple[Row, ...], current: dict) -> None:
    """Every parent must be in the file or already stored (a file of one kabupaten)."""
    codes = {r[0] for r in rows}
    wanted = {r[3] for r in rows if r[3] and r[3] not in codes and r[3] not in current}
    missing = wanted - set(Region.objects.filter(code__in=wanted).values_list("code", flat=True))
    if missing:
        raise ValidationError(
            _("Induk wilayah %(codes)s belum ada; sertakan barisnya di berkas atau muat tabel "
              "lengkap dulu.") % {"codes": ", ".join(sorted(missing))}
        )


def _load_aliases(codes: set[str]) -> int:
    """Add the old spellings of regions in ``codes`` not yet stored; returns how many."""
    with ALIASES_PATH.open(encoding="utf-8", newline="") as handle:
        wanted = [r for r in csv.DictReader(handle) if r["code"] in codes]
    stored = set(
        RegionAlias.objects.filter(region_id__in=[r["code"] for r in wanted]).values_list(
            "region_id", "name_key"
        )
    )
    new = [
        RegionAlias(region_id=r["code"], name=r["name"], name_key=name_key(r["name"]), note=r["note"])
        for r in wanted
        if (r["code"], name_key(r["name"])) not in stored
    ]
    RegionAlias.objects.bulk_create(new)
    return len(new)


def regions_load(*, path: Path | None = None, only: str | None = None, actor=None) -> LoadResult:
    """Bring the provinsi-to-desa tree in line with a reference table.

    New codes are added, renamed or moved ones updated, the rest left alone, so a
    second run writes nothing. Units below desa are never read or written. ``only``
    limits the load to one region, what lies inside it and its ancestors.
    """
    started = time.perf_counter()
    path = Path(path) if path else DEFAULT_PATH
    only = (only or "").strip() or None
    rows = _read_regions(path)
    if only:
        rows = _select(rows, only)
    with transaction.atomic():
        stored = Region.objects.filter(level__in=TABLE_LEVELS)
        if only:
            stored = stored.filter(
                region_prefix_q(only, "code") | Q(code__in=Region(code=only).ancestor_codes())
            )
        current = {
            code: (name, level, parent, key)
            for code, name, level, parent, key in stored.values_list(
                "code", "name", "level", "parent_id", "name_key"
            ).iterator(chunk_size=_BATCH)
        }
        _check_parents(rows, current)
        new: list[Region] = []
        changed: list[Region] = []
        for code, name, level, parent, key in rows:
            before = current.get(code)
            if before == (name, level, parent, key):
                continue
            region = Region(code=code, name=name, level=level, parent_id=parent, name_key=key)
            (new if before is None else changed).append(region)
        Region.objects.bulk_create(new, batch_size=_BATCH)
        # An upsert rewrites changed rows in a few statements, unlike bulk_update's CASE.
        Region.objects.bulk_create(
            changed,
            batch_size=_BATCH,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "parent", "name_key"],
        )
        counts = {
            "created": len(new),
            "updated": len(changed),
            "unchanged": len(rows) - len(new) - len(changed),
            "aliases": _load_aliases({r[0] for r in rows}),
        }
        audit_record(
            actor=actor or "sistem",
            action=AuditEvent.Action.LOAD,
            object_type=Region._meta.label_lower,
            object_id=only or "",
            region_code=only or "",
            after=counts,
            note=path.name,
        )
    return LoadResult(**counts, seconds=time.perf_counter() - started)


def _number(value: str | int | None, label: str) -> int | None:
    """A unit number, None when left blank; anything else must be 1-999."""
    if value is None or (isinstance(value, str) and value.strip() in {"", "-"}):
        return None
    number = unit_number(value)
    if number is None:
        raise ValidationError(
            _("Nomor %(label)s \"%(value)s\" tidak dikenali; isi angka 1 sampai 999, misalnya 3.")
            % {"label": label, "value": value}
        )
    return number


def _unit(parent: Region, level: str, number: int, name: str, actor) -> Region:
    code = unit_code(parent.code, level, number)
    unit = Region.objects.filter(pk=code).first()
    if unit is None:
        unit = Region(code=code, name=unit_name(level, number, name), level=level, parent=parent)
        unit.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=Region._meta.label_lower,
            object_id=unit.code,
            region_code=unit.code,
            after=model_snapshot(unit),
        )
    return unit


def _dusun(desa: Region, text: str, actor) -> Region:
    """The desa's dusun called ``text`` ("Krajan", "Dusun Krajan", "3"), added when new."""
    bare = level_word_re(Level.DUSUN).sub("", text).strip()
    key = name_key(bare)
    if key.isdigit():
        number = unit_number(key)
        if number is None or number > 99:
            raise ValidationError(_("Nomor dusun harus 1 sampai 99."))
        return _unit(desa, Level.DUSUN, number, "", actor)
    numbers = []
    for unit in Region.objects.filter(parent=desa, level=Level.DUSUN):
        if name_key(level_word_re(Level.DUSUN).sub("", unit.name)) == key:
            return unit
        numbers.append(unit_number(unit.code.rsplit(".D", 1)[-1]) or 0)
    return _unit(desa, Level.DUSUN, max(numbers, default=0) + 1, bare, actor)


def unit_get_or_create(
    *,
    desa: Region,
    rw: str | int | None = None,
    rt: str | int | None = None,
    dusun: str | None = None,
    actor=None,
) -> Region:
    """The deepest unit named by dusun/RW/RT under ``desa``, adding the missing ones.

    An RW given without a dusun is the desa's RW of that number wherever it sits
    (directly under the desa or under one of its dusun).
    """
    if desa.level != Level.DESA:
        raise ValidationError(_("Dusun, RW dan RT hanya ada di bawah desa/kelurahan; pilih desa."))
    dusun = (dusun or "").strip() if name_key(dusun or "") else ""
    rw_number = _number(rw, "RW")
    rt_number = _number(rt, "RT")
    if dusun and desa.is_kelurahan:
        raise ValidationError(
            _("%(desa)s tidak memiliki dusun; kosongkan isian Dusun.") % {"desa": desa.label}
        )
    if rt_number and not rw_number:
        raise ValidationError(_("RT selalu berada di bawah RW; isi juga nomor RW."))
    with transaction.atomic():
        # Two registrations naming the same new unit must not both insert it.
        Region.objects.select_for_update().only("pk").get(pk=desa.pk)
        unit = _dusun(desa, dusun, actor) if dusun else desa
        if rw_number:
            found = None if dusun else rw_in_desa(desa_code=desa.code, number=rw_number)
            unit = found or _unit(unit, Level.RW, rw_number, "", actor)
        if rt_number:
            unit = _unit(unit, Level.RT, rt_number, "", actor)
    return unit


UnitPlace = tuple[str, int | None, int | None]  # (desa code, RW number, RT number)


def _chunked(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def units_ensure(*, places: Iterable[UnitPlace]) -> tuple[dict[UnitPlace, str], list[Region]]:
    """The code of the deepest unit for each (desa, RW, RT), adding missing RW/RT units in bulk.

    For bulk writers (imports, demo data): the rules of ``unit_get_or_create`` without a
    dusun (an RW number is the desa's RW wherever it sits; a new RW goes directly under
    the desa), in a few queries per call instead of a few per row. No RW gives the desa
    (an RT without its RW cannot be placed, so it is not). Returns the codes and the units
    added, for the caller to count or audit.
    """
    places = set(places)
    desas = sorted({desa for desa, _rw, _rt in places})
    # Through the parent index: a LIKE on the code would scan the whole table on SQLite.
    parents = list(desas)
    for chunk in _chunked(desas):
        parents += Region.objects.filter(parent_id__in=chunk, level=Level.DUSUN).values_list("code", flat=True)
    rws: dict[tuple[str, int], str] = {}
    for chunk in _chunked(parents):
        for code in sorted(Region.objects.filter(parent_id__in=chunk, level=Level.RW).values_list("code", flat=True)):
            rws.setdefault((".".join(code.split(".")[:4]), unit_number(code.rsplit(".RW", 1)[1])), code)
    rts: set[str] = set()
    for chunk in _chunked(sorted(rws.values())):
        rts.update(Region.objects.filter(parent_id__in=chunk, level=Level.RT).values_list("code", flat=True))
    new: list[Region] = []

    def add(code: str, level: str, number: int, parent: str) -> None:
        name = unit_name(level, number)
        new.append(Region(code=code, name=name, name_key=name_key(name), level=level, parent_id=parent))

    codes: dict[UnitPlace, str] = {}
    for place in sorted(places, key=lambda p: (p[0], p[1] or 0, p[2] or 0)):
        desa, rw_number, rt_number = place
        if not rw_number:
            codes[place] = desa
            continue
        rw = rws.get((desa, rw_number))
        if rw is None:
            rw = rws[(desa, rw_number)] = unit_code(desa, Level.RW, rw_number)
            add(rw, Level.RW, rw_number, desa)
        if not rt_number:
            codes[place] = rw
            continue
        rt = unit_code(rw, Level.RT, rt_number)
        if rt not in rts:
            rts.add(rt)
            add(rt, Level.RT, rt_number, rw)
        codes[place] = rt
    # Each RW is listed before its RTs, so parents go in first.
    Region.objects.bulk_create(new, batch_size=_BATCH)
    return codes, new
