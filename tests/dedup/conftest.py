"""Fixtures for the record-linkage engine's tests: one local Spark session for the run."""

import pytest


@pytest.fixture(scope="session")
def spark():
    """A local[2] SparkSession with Splink's similarity functions, shared by every test
    of the session (starting Spark takes tens of seconds), stopped at the end."""
    from geliat.dedup.engine import linking

    session = linking.spark_session()
    yield session
    session.stop()
    linking._spark_session = None
