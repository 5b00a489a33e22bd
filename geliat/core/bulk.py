"""Inserting many rows at once, faster than ``bulk_create`` for wide batches."""

import contextlib
import functools
import gc
import json
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.base import ModelState
from django.utils import timezone

M = TypeVar("M", bound=models.Model)

_PLAIN_TYPES = frozenset({
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "ForeignKey", "IntegerField",
    "PositiveBigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField", "TextField",
})


def build(model: type[M], values: dict[str, Any]) -> M:
    """A new, unsaved ``model`` instance with ``values`` (by attribute name: ``owner_id``, not
    ``owner``) over its fields' defaults, for writers that make thousands per batch.

    ``Model.__init__`` resolves every keyword against every field and sends two signals per
    instance, which costs more than storing the row; the models built here have no field
    that needs those signals. Callable defaults are called for each instance, as Django does.
    """
    static, dynamic = _defaults(model)
    obj = model.__new__(model)
    obj._state = ModelState()
    attrs = obj.__dict__
    attrs.update(static)
    for name, default in dynamic:
        attrs[name] = default()
    attrs.update(values)
    return obj


@functools.cache
def _defaults(model: type[models.Model]) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...]]:
    """(constant defaults by attribute name, (attribute name, callable default) pairs) of ``model``."""
    static, dynamic = {}, []
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            dynamic.append((field.attname, field.default))
        else:
            static[field.attname] = field.get_default()
    return static, tuple(dynamic)


def bulk_insert(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert ``objs`` and set their primary keys (see ``insert_rows`` for why not ``bulk_create``)."""
    if not objs:
        return
    if not connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objs)
        return
    opts = model._meta
    fields = [f for f in opts.concrete_fields if f is not opts.pk]
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    now = timezone.now()
    names = [f.attname for f in fields]
    rows = []
    for obj in objs:
        for name in stamped:
            setattr(obj, name, now)
        rows.append([getattr(obj, name) for name in names])
    pks = insert_rows(model, names, rows)
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence]) -> list:
    """Insert ``rows`` (value sequences in the order of the attribute ``names``); their primary keys.

    For writers of thousands of rows whose model instances would only be thrown away: building
    an instance costs more than storing its row. Columns not named take their field's default,
    computed once per call (a callable default such as ``timezone.now`` gives the batch one
    moment). ``bulk_create`` spends more time preparing each value than the database spends
    storing it; here text, numbers and keys go as they are, JSON is serialised directly and
    only other types (dates, timestamps) pass through their field's conversion. PostgreSQL gets
    the rows by ``COPY``, with keys drawn from the table's sequence first; SQLite gets
    ``VALUES`` within its parameter limit.
    """
    if not rows:
        return []
    opts = model._meta
    by_name = {f.attname: f for f in opts.concrete_fields if f is not opts.pk}
    named = [by_name[name] for name in names]
    defaulted = [f for f in by_name.values() if f.attname not in set(names)]
    now = timezone.now()
    defaults = [now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
                for f in defaulted]
    fields = named + defaulted
    columns = [list(column) for column in zip(*rows, strict=True)] if named else []
    columns += [[value] * len(rows) for value in defaults]
    for column, field in zip(columns, fields, strict=True):
        _prepare_column(column, field)
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
    tail = f" RETURNING {quote(opts.pk.column)}"
    pks = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            pks = _copy_rows(cursor, opts, fields, columns, len(rows))
        else:
            placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
            # Django's 999 parameters, not SQLite's own 32,766: the driver keeps each cached statement
            # with a copy of the values bound last, 150 MB more for an import, and no faster.
            per_statement = max(1, (connection.features.max_query_params or 999) // len(fields))
            values = list(zip(*columns, strict=True))
            for start in range(0, len(values), per_statement):
                chunk = values[start : start + per_statement]
                cursor.execute(
                    head + "VALUES " + ", ".join([placeholders] * len(chunk)) + tail,
                    [value for row in chunk for value in row],
                )
                pks += [pk for (pk,) in cursor.fetchall()]
    return pks


def _copy_rows(cursor, opts, fields: list[models.Field], columns: list[list], count: int) -> list[int]:
    """PostgreSQL: draw ``count`` keys from the table's sequence, then ``COPY`` the rows with them.

    ``COPY`` stores a batch several times faster than one ``INSERT`` of ``UNNEST``ed arrays
    (2,000 audit events: 16 ms against 104 ms), whose arrays of JSON text the server parses
    twice; it returns no keys, hence the sequence, which is safe with other writers at once.
    """
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [opts.db_table, opts.pk.column, count],
    )
    pks = [pk for (pk,) in cursor.fetchall()]
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in [opts.pk.column, *(field.column for field in fields)])
    with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({names}) FROM STDIN") as copy:
        for row in zip(pks, *columns, strict=True):
            copy.write_row(row)
    return pks


def _prepare_column(column: list, field: models.Field) -> None:
    """Convert one column's values to what the database driver takes, in place."""
    kind = field.get_internal_type()
    if kind in _PLAIN_TYPES:
        return
    if kind == "JSONField":
        dumps, encoder = json.dumps, field.encoder
        # Rows often share one value (a default [], a chain built once per RT): serialise it
        # once. Keyed by identity: the values stay alive in ``column`` while this runs.
        done: dict[int, str] = {}
        for index, value in enumerate(column):
            if value is None:
                continue
            db_value = done.get(id(value))
            if db_value is None:
                db_value = done[id(value)] = dumps(value, cls=encoder, ensure_ascii=False)
            column[index] = db_value
        return
    # The batch's records share their timestamps: each distinct value is converted once.
    last, db_value = object(), None
    for index, value in enumerate(column):
        if value is not None:
            if value is not last:
                last, db_value = value, field.get_db_prep_save(value, connection)
            column[index] = db_value


@contextlib.contextmanager
def few_collections() -> Iterator[None]:
    """Run a bulk job with Python's cycle collector mostly out of the way, as it was after.

    A batch of thousands of rows makes hundreds of thousands of objects that live until the
    batch commits; each pass of the collector's oldest generation then walks them and every
    object the process already held (Django, the region cache), which cost an import a
    quarter of its time. The objects alive before the job are frozen (left out of every pass)
    and passes come after 50,000 new objects instead of 700; the job's rows hold no reference
    cycles, so memory stays flat. A process that froze its objects itself (a server that
    forks workers) keeps them frozen: only a freeze made here is undone.
    """
    thresholds = gc.get_threshold()
    ours = gc.get_freeze_count() == 0
    if ours:
        gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if ours:
            gc.unfreeze()


# Pages (4 KB each) the SQLite write-ahead log may hold during a bulk job before it is copied
# back into the database file: about 200 MB.
_BULK_WAL_PAGES = 50_000


@contextlib.contextmanager
def batched_writes() -> Iterator[None]:
    """Let a job of many committed batches copy its writes into the SQLite database file
    seldom, as a checkpoint of all of them, instead of after every batch.

    Each batch adds rows to indexes with random keys (NIK, name key, tracking code), which
    dirties a page of each index per row once they outgrow a batch. SQLite copies the log
    back into the file (and syncs it) whenever the log passes 1,000 pages, so at a million
    rows every batch paid for a checkpoint of thousands of pages (a third of the COMMIT time,
    87 s of a 415 s import); a page changed by many batches between two checkpoints is copied
    once. Safety is as before:
    committed batches are in the log, which survives a crash. At the end the log is copied
    back and emptied (waiting for readers at most the connection's busy timeout). Other
    databases are left alone.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA wal_autocheckpoint={_BULK_WAL_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(before)}")
            if not connection.in_atomic_block:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
