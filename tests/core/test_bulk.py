"""The bulk writers' building blocks: what they store is what the ORM would have stored."""

import datetime
import gc
import os

import pytest
from django.db import connection, transaction
from django.utils import timezone

from geliat.audit.models import AuditEvent
from geliat.core.bulk import batched_writes, build, bulk_insert, few_collections, insert_rows
from geliat.registry.models import Person
from tests.factories import GERBO
from tests.imports.conftest import valid_nik


def _person_values(serial: int) -> dict:
    return {
        "nik": valid_nik(serial), "full_name": f"Siti Aminah {serial}", "name_key": f"siti aminah {serial}",
        "sex": "P", "birth_date": datetime.date(1980, 8, 17), "address": "Jl. Raya Gerbo 5", "rt": "", "rw": "",
        "region_id": GERBO,
    }


def test_build_gives_the_defaults_the_model_would(db):
    """A built person has the same field values as one made by ``Person(...)``, and each gets
    its own list for a list default (changing one's warnings leaves the other's alone)."""
    values = _person_values(1)
    built, made = build(Person, values), Person(**values)

    for field in Person._meta.concrete_fields:
        assert getattr(built, field.attname) == getattr(made, field.attname), field.name
    assert built._state.adding and built.pk is None

    other = build(Person, _person_values(2))
    other.nik_warnings.append("old_prefix")
    assert built.nik_warnings == []


def test_bulk_insert_stores_built_records_and_sets_their_keys(regions):
    """Three built people inserted at once get their keys, in order, and read back as written,
    with the creation time set."""
    people = [build(Person, _person_values(serial)) for serial in (1, 2, 3)]

    bulk_insert(Person, people)

    assert all(person.pk for person in people)
    stored = {person.pk: person for person in Person.objects.filter(pk__in=[p.pk for p in people])}
    for person in people:
        again = stored[person.pk]
        assert (again.nik, again.full_name, again.birth_date, again.region_id) == (
            person.nik, person.full_name, person.birth_date, GERBO
        )
        assert again.nik_warnings == [] and again.version == 1 and again.created_at is not None


def test_insert_rows_returns_keys_in_row_order_and_keeps_json_and_times(db):
    """Rows given as tuples come back with their keys in the order given; JSON, text with
    quotes and tabs, and aware timestamps are stored as given; columns not named take defaults."""
    at = timezone.now().replace(microsecond=0)
    rows = [
        (at, "bench", "create", "registry.person", str(n), GERBO, {"full_name": f'Ali "{n}"\tx', "n": n})
        for n in range(5)
    ]

    keys = insert_rows(AuditEvent, ("at", "actor_label", "action", "object_type", "object_id", "region_code", "after"), rows)

    stored = AuditEvent.objects.in_bulk(keys)
    assert [stored[key].object_id for key in keys] == [str(n) for n in range(5)]
    assert stored[keys[3]].after == {"full_name": 'Ali "3"\tx', "n": 3}
    assert stored[keys[0]].at == at and stored[keys[0]].before is None and stored[keys[0]].note == ""


def test_few_collections_puts_the_collector_back_as_it_was():
    """Inside, collections are rare and the objects alive before are frozen; after, even when
    the job failed, the thresholds and the frozen objects are as before."""
    thresholds = gc.get_threshold()
    frozen = gc.get_freeze_count()

    with pytest.raises(RuntimeError), few_collections():
        assert gc.get_threshold()[0] > thresholds[0]
        assert gc.get_freeze_count() > frozen
        raise RuntimeError("a failed import")

    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() == frozen


def test_few_collections_leaves_a_freeze_made_before_it():
    """A process that froze its objects before the job (a server before forking) finds them
    still frozen afterwards."""
    marker = [object()]  # a container the collector tracks
    gc.freeze()
    try:
        with few_collections():
            pass
        # Frozen objects sit in no generation the collector walks (nor lists).
        assert not any(candidate is marker for candidate in gc.get_objects())
    finally:
        gc.unfreeze()
    assert any(candidate is marker for candidate in gc.get_objects())


def _pragma(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write-ahead log")


@sqlite_only
def test_batched_writes_checkpoints_once_at_the_end_and_empties_the_log(committed_db):
    """Batches committed inside stay in the write-ahead log (the database file does not grow
    batch by batch, though the log passes SQLite's usual 1,000-page checkpoint); at the end
    they are in the file, the log is emptied and the checkpoint setting is as before."""
    path = connection.settings_dict["NAME"]
    usual = _pragma("wal_autocheckpoint")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    file_before = os.path.getsize(path)
    at = timezone.now()
    columns = ("at", "actor_label", "action", "object_type", "object_id", "after")

    with batched_writes():
        for batch in range(6):  # ~6 MB in all, ~1,500 pages
            with transaction.atomic():
                insert_rows(AuditEvent, columns, [
                    (at, "bench", "create", "registry.person", f"{batch}-{n}", {"note": "x" * 1000}) for n in range(1000)
                ])
        assert os.path.getsize(path) == file_before
        assert os.path.getsize(f"{path}-wal") > usual * _pragma("page_size")

    assert os.path.getsize(f"{path}-wal") == 0
    assert os.path.getsize(path) > file_before + 5_000_000
    assert _pragma("wal_autocheckpoint") == usual
    assert AuditEvent.objects.filter(actor_label="bench").count() == 6000


@sqlite_only
def test_batched_writes_puts_the_setting_back_after_a_failure(db):
    """A job that fails inside leaves the connection's checkpoint setting as it found it."""
    usual = _pragma("wal_autocheckpoint")

    with pytest.raises(RuntimeError), batched_writes():
        raise RuntimeError("a failed import")

    assert _pragma("wal_autocheckpoint") == usual
