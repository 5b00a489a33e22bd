"""Truly at once: calls run in threads released together, each with its own database connection.

Tests using ``race`` take the ``committed_db`` fixture (tests/conftest.py): rows committed for
real, so the other threads' connections see them and contend for them.
"""

import threading

from django.db import connections


def race(*calls):
    """Run ``calls`` in threads released together; each call's result or exception, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # the outcome is what the test inspects
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
