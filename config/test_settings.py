"""Settings for the test suite: the same as production's, with fast hashing and inline tasks."""

import os

os.environ.setdefault("GELIAT_TESTING", "1")

import tempfile  # noqa: E402

from config.settings import *  # noqa: E402,F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in production: in Django's shared-cache memory database a second writer fails
    # at once ("database table is locked") instead of waiting, so concurrency tests cannot run.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"geliat-test-{os.getpid()}.sqlite3")
    }
