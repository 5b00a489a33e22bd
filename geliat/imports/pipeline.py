"""Reading and cleaning an import's rows, in the job's process or in a helper process.

Cleaning a row (NIK checks, dates, money, phones, region names) is pure computation on
the row and the region table, and takes about a third of an import's time; writing a batch
needs the database state of the batches before it. So a large file is read and cleaned by
a second process while the job's process writes: on a machine with two cores the two run
at once. Batches come back in file order through a pipe that holds little, so memory stays
flat however long the file is, and the writer commits them exactly as it would have
cleaned them itself (the same function cleans both ways).

Small files are cleaned in the job's process: starting an interpreter costs about a second.
"""

import dataclasses
import itertools
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import translation


@dataclass(frozen=True)
class CleanPlan:
    """What the cleaner needs to know about a job, picklable for the helper process."""

    path: str
    source_name: str
    mapping: dict[int, str | None]
    columns: dict[str, str]
    regency: str
    start: int
    batch_size: int
    language: str


def cleaned_batches(plan: CleanPlan, *, rows_left: int, clean_chunk) -> Iterator[list]:
    """The job's rows from ``plan.start`` on, cleaned, in batches of ``plan.batch_size``.

    ``clean_chunk(rows, plan, cache)`` cleans one batch (``cache`` is built by it on the
    first call when None). With ``GELIAT_IMPORT_WORKERS`` at 1 or more and at least
    ``GELIAT_IMPORT_PARALLEL_ROWS`` rows left, a helper process does it.
    """
    if settings.GELIAT_IMPORT_WORKERS < 1 or rows_left < settings.GELIAT_IMPORT_PARALLEL_ROWS:
        yield from _in_process(plan, clean_chunk)
        return
    yield from _in_helper(plan, clean_chunk)


def _chunks(plan: CleanPlan) -> Iterator[list]:
    from geliat.imports.readers import open_table

    with open(plan.path, "rb") as handle, open_table(handle, name=plan.source_name) as table:
        rows = itertools.islice(table.rows(), plan.start, None)
        while chunk := list(itertools.islice(rows, plan.batch_size)):
            yield chunk


def _in_process(plan: CleanPlan, clean_chunk) -> Iterator[list]:
    cache = None
    for chunk in _chunks(plan):
        batch, cache = clean_chunk(chunk, plan, cache)
        yield batch


def _in_helper(plan: CleanPlan, clean_chunk) -> Iterator[list]:
    # A fresh interpreter (not a fork): a forked copy would share the job's database
    # connection, and multiprocessing's spawn re-imports whatever script started the job.
    database = {key: connection.settings_dict[key] for key in ("NAME", "USER", "HOST", "PORT")}
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings")}
    helper = subprocess.Popen(
        [sys.executable, "-m", "geliat.imports.pipeline"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
    )
    try:
        # The helper starts on the second batch: the interpreter takes about a second to start,
        # in which this process cleans the first one itself.
        pickle.dump((dataclasses.replace(plan, start=plan.start + plan.batch_size), database), helper.stdin)
        helper.stdin.close()
        yield from itertools.islice(_in_process(plan, clean_chunk), 1)
        # The pipe holds little: the cleaner waits while the writer is behind, so memory stays flat.
        while True:
            try:
                item = pickle.load(helper.stdout)
            except EOFError:
                raise RuntimeError(f"import cleaner process ended early (code {helper.wait()})") from None
            if item is None:
                break
            if isinstance(item, str):
                raise RuntimeError(f"import cleaner process failed:\n{item}")
            yield item
    finally:
        # A cancel or a failed batch stops the writer: the cleaner is not needed any more.
        if helper.poll() is None:
            helper.kill()
        helper.wait()
        helper.stdout.close()


def _helper_main() -> None:
    """The helper process: set Django up on the job's database, clean, hand batches over."""
    import traceback

    plan, database = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    # Anything printed by accident must not corrupt the stream of batches.
    sys.stdout = sys.stderr
    import django

    django.setup()
    from django.db import connections

    # The parent may be a test run whose database name was set at run time.
    connections["default"].settings_dict.update(database)
    from geliat.core.bulk import few_collections
    from geliat.imports.services import clean_chunk

    try:
        with translation.override(plan.language), few_collections():
            cache = None
            for chunk in _chunks(plan):
                batch, cache = clean_chunk(chunk, plan, cache)
                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
                out.flush()
        pickle.dump(None, out)
    except Exception:  # handed to the writer, which fails the job with it
        pickle.dump(traceback.format_exc(), out)
    finally:
        out.flush()
        connections.close_all()


if __name__ == "__main__":
    _helper_main()
