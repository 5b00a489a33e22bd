"""Settings for the test suite: the same as production's, with fast hashing and inline tasks."""

import os

os.environ.setdefault("GELIAT_TESTING", "1")

from config.settings import *  # noqa: E402,F403
