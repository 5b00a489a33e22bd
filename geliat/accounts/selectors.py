"""Reading accounts, and who may administer whom.

An account manager (``can_manage_accounts``) administers the accounts of the levels
strictly below their own, inside their region. The regency's own managers also keep
the OPD staff, who sit at the regency node. Superusers administer every account
except other superusers. Everything else answers 404, as if it did not exist.
"""

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from geliat.accounts.models import Role, User
from geliat.core.scope import region_prefix_q, user_covers, user_region_code
from geliat.wilayah.models import LEVEL_DEPTH, Level, Region
from geliat.wilayah.text import name_key


def is_account_manager(user) -> bool:
    """Whether ``user`` may open the account administration at all."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or (user.can_manage_accounts and user.region_id is not None)


def can_keep_agency_staff(actor) -> bool:
    """Whether ``actor`` is one of the regency's own managers, who also keep the OPD staff."""
    return actor.level == Level.KABUPATEN and actor.role != Role.AGENCY


def _levels_below(actor) -> list[str]:
    return [level for level, depth in LEVEL_DEPTH.items() if depth > actor.level_depth]


def account_manageable(*, actor, region: Region | None, role: str) -> bool:
    """Whether ``actor`` may hold an account of ``role`` at ``region`` (create it, or act on it).

    The same rule as :func:`users_for_user`, for an account that does not exist yet;
    new accounts always sit inside the regency served, superusers' included.
    """
    if not is_account_manager(actor) or region is None or not user_covers(actor, region.code):
        return False
    if actor.is_superuser:
        return True
    if role == Role.AGENCY and region.code == actor.region_id and can_keep_agency_staff(actor):
        return True
    return region.depth > actor.level_depth


def users_for_user(*, viewer) -> QuerySet[User]:
    """The accounts ``viewer`` administers; none for a viewer who manages no accounts."""
    queryset = User.objects.select_related("region", "agency")
    if not is_account_manager(viewer):
        return queryset.none()
    queryset = queryset.exclude(pk=viewer.pk).exclude(is_superuser=True)
    if viewer.is_superuser:
        return queryset
    allowed = region_prefix_q(viewer.region_id, "region__code") & Q(region__level__in=_levels_below(viewer))
    if can_keep_agency_staff(viewer):
        allowed |= Q(role=Role.AGENCY, region=viewer.region_id)
    return queryset.filter(allowed)


def get_user_for_user_or_404(*, viewer, pk) -> User:
    """One account ``viewer`` administers, or 404 (also for accounts that exist out of scope)."""
    try:
        return users_for_user(viewer=viewer).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


class AccountStatus(models.TextChoices):
    ACTIVE = "aktif", _("Aktif")
    PENDING = "menunggu", _("Menunggu aktivasi")
    INACTIVE = "nonaktif", _("Nonaktif")


def user_filter(queryset: QuerySet[User], *, q: str = "", level: str = "", status: str = "") -> QuerySet[User]:
    """Narrow an account list by free text (name, username, phone), level and status."""
    q = q.strip()
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        text = Q(full_name__icontains=q) | Q(username__icontains=q)
        if len(digits) >= 4:
            # Phones are stored +62…; people type 0812…, so match on the part after the 0.
            text |= Q(phone__contains=digits.lstrip("0"))
        key = name_key(q)
        if key:
            text |= Q(region__name_key__contains=key)
        queryset = queryset.filter(text)
    if level in Level.values:
        queryset = queryset.filter(region__level=level)
    if status == AccountStatus.ACTIVE:
        queryset = queryset.filter(is_active=True, activation_hash="")
    elif status == AccountStatus.PENDING:
        queryset = queryset.filter(is_active=True).exclude(activation_hash="")
    elif status == AccountStatus.INACTIVE:
        queryset = queryset.filter(is_active=False)
    return queryset.order_by("region_id", "full_name", "username")


def user_for_activation(*, username: str) -> User | None:
    """The active account named ``username`` (any case) if it waits for activation."""
    return (
        User.objects.filter(username__iexact=username.strip(), is_active=True)
        .exclude(activation_hash="")
        .first()
    )


def place_names(*, viewer, level: str) -> list[str]:
    """Names of the regions at ``level`` inside ``viewer``'s region, to suggest in the account form."""
    code = user_region_code(viewer)
    if code is None:
        return []
    regions = Region.objects.filter(region_prefix_q(code, "code"), level=level)
    return list(regions.order_by("name").values_list("name", flat=True).distinct())


def token_for_user(*, user) -> Token | None:
    """The user's own API token, if they have one."""
    return Token.objects.filter(user=user).first()


def region_trails(codes) -> dict[str, str]:
    """Each code's region named with its ancestors up to the kecamatan, in one query:
    ``"RT 003, RW 001, Desa Gerbo, Kecamatan Purwodadi"`` (a bare "RT 003" says little)."""
    prefixes = {}
    for code in set(filter(None, codes)):
        parts = code.split(".")
        # Codes nest by dots down to RT; stop above the kecamatan (depth 3) unless the code is higher.
        prefixes[code] = [".".join(parts[:i]) for i in range(len(parts), min(3, len(parts)) - 1, -1)]
    wanted = {prefix for chain in prefixes.values() for prefix in chain}
    labels = {region.code: region.label for region in Region.objects.filter(code__in=wanted)}
    return {code: ", ".join(labels[p] for p in chain if p in labels) for code, chain in prefixes.items()}
