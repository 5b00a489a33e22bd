"""Region scoping: a user sees what lies inside the region node they serve."""

from django.conf import settings
from django.db.models import Q


def region_prefix_q(code: str, field: str = "region__code") -> Q:
    """Rows whose ``field`` (a region code) is ``code`` or lies inside it.

    ``region__code`` is the foreign key's own column, so the test needs no join.
    """
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})


def user_region_code(user) -> str | None:
    """The code a user's view is confined to; superusers see the regency served."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.region_id:
        return user.region_id
    if user.is_superuser:
        return settings.GELIAT_REGENCY_CODE
    return None


def user_region_q(user, field: str = "region__code") -> Q:
    """Filter for rows inside ``user``'s region; matches nothing for a user without one."""
    code = user_region_code(user)
    if code is None:
        return Q(pk__in=[])
    return region_prefix_q(code, field)


def user_covers(user, code: str) -> bool:
    """Whether a region code lies inside what ``user`` serves."""
    scope = user_region_code(user)
    return scope is not None and (code == scope or code.startswith(scope + "."))
