"""A small fixed-window rate limiter on the shared cache (login, activation, public forms)."""

import hashlib

from django.core.cache import cache


def rate_limited(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit on ``key`` and say whether the hits in the window now exceed ``limit``.

    The window starts at the first hit and lasts ``window_seconds``. Keys are hashed
    so user-supplied parts (usernames, addresses) are safe for any cache backend.
    """
    cache_key = "ratelimit:" + hashlib.sha256(key.encode()).hexdigest()
    # add() only sets a missing key, so concurrent first hits do not reset the window.
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        hits = cache.incr(cache_key)
    except ValueError:
        # The entry expired between add() and incr(): this hit opens a new window.
        cache.set(cache_key, 1, timeout=window_seconds)
        hits = 1
    return hits > limit
