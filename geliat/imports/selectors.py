"""Reads of import jobs, scoped to who may see them.

Everyone sees the jobs they started. Coordinators, superusers and officers who manage
accounts also see the jobs run in their region, so they can follow up on their staff's
imports. Anything else answers 404, as if it did not exist.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from geliat.accounts.models import Role
from geliat.core.scope import region_prefix_q, user_region_code
from geliat.imports.models import ImportJob


def may_import(user) -> bool:
    """Whether ``user`` may upload a file: an active officer or coordinator serving a region."""
    if not (user.is_authenticated and user.is_active) or user_region_code(user) is None:
        return False
    return user.is_superuser or user.role in (Role.OFFICER, Role.COORDINATOR)


def _oversees_region(user) -> bool:
    return user.is_superuser or user.role == Role.COORDINATOR or (
        user.role == Role.OFFICER and user.can_manage_accounts
    )


def import_jobs_for_user(user) -> QuerySet[ImportJob]:
    """The jobs ``user`` may follow, newest first."""
    queryset = ImportJob.objects.select_related("created_by").order_by("-created_at")
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    allowed = Q(created_by=user)
    code = user_region_code(user)
    if code is not None and _oversees_region(user):
        allowed |= region_prefix_q(code, "region_code")
    return queryset.filter(allowed)


def get_import_job_for_user_or_404(*, user, pk) -> ImportJob:
    """One job ``user`` may follow, or 404 (also for jobs that exist out of scope)."""
    try:
        return import_jobs_for_user(user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
