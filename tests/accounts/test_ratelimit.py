"""The cache-based limiter shared by login, activation and the public forms."""

from django.core.cache import cache
from hypothesis import given, settings
from hypothesis import strategies as st

from geliat.core.ratelimit import rate_limited


@settings(max_examples=25, deadline=None)
@given(limit=st.integers(min_value=1, max_value=30))
def test_allows_exactly_limit_hits_then_refuses(limit):
    """The first ``limit`` hits in a window pass; every hit after that is refused."""
    cache.clear()
    results = [rate_limited(key="k", limit=limit, window_seconds=60) for _ in range(limit + 3)]
    assert results == [False] * limit + [True] * 3


def test_keys_are_counted_separately():
    """Exhausting one key (one username from one address) leaves other keys alone."""
    for _ in range(3):
        rate_limited(key="login:budi:10.0.0.1", limit=2, window_seconds=60)
    assert rate_limited(key="login:budi:10.0.0.1", limit=2, window_seconds=60)
    assert not rate_limited(key="login:budi:10.0.0.2", limit=2, window_seconds=60)
    assert not rate_limited(key="login:siti:10.0.0.1", limit=2, window_seconds=60)


def test_keys_with_spaces_and_unicode_work():
    """User-typed parts (spaces, accents) are hashed, so any backend accepts the key."""
    key = "login:Bápak Budi  :::1"
    assert not rate_limited(key=key, limit=1, window_seconds=60)
    assert rate_limited(key=key, limit=1, window_seconds=60)


def test_a_new_window_starts_after_expiry():
    """When the window's entry is gone (expired), counting starts again."""
    assert not rate_limited(key="k2", limit=1, window_seconds=60)
    assert rate_limited(key="k2", limit=1, window_seconds=60)
    cache.clear()  # what the backend does when window_seconds have passed
    assert not rate_limited(key="k2", limit=1, window_seconds=60)
