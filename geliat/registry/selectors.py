"""Reads of the registry, always scoped to what the viewer serves."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.http import Http404

from geliat.audit.selectors import audit_for_object
from geliat.core.scope import region_prefix_q, user_region_q
from geliat.registry.models import Business, Koperasi, Person, Registration
from geliat.wilayah.models import Region
from geliat.wilayah.text import name_key

DESA_CODE_LENGTH = len("35.14.01.2001")


def with_desa_name(queryset: QuerySet) -> QuerySet:
    """Annotate ``desa_name``: lists show "Gerbo, RT 001/RW 001" rather than a bare unit name."""
    desa = Region.objects.filter(code=Substr(OuterRef("region_id"), 1, DESA_CODE_LENGTH)).values("name")[:1]
    return queryset.annotate(desa_name=Subquery(desa))


def businesses_for_user(user) -> QuerySet[Business]:
    """Businesses located inside the user's region."""
    return Business.objects.filter(user_region_q(user)).select_related("owner", "region")


def people_for_user(user) -> QuerySet[Person]:
    """People who live inside the user's region or own a business there."""
    owns_here = Business.objects.filter(user_region_q(user), owner=OuterRef("pk"))
    return Person.objects.filter(user_region_q(user) | Q(Exists(owns_here))).select_related("region")


def registrations_for_user(user) -> QuerySet[Registration]:
    """Registrations whose business lies inside the user's region."""
    return Registration.objects.filter(user_region_q(user, "business__region__code")).select_related(
        "person", "business", "business__region"
    )


def koperasi_for_user(user) -> QuerySet[Koperasi]:
    """Koperasi based inside the user's region."""
    return Koperasi.objects.filter(user_region_q(user)).select_related("chair", "region")


def _get_or_404(queryset: QuerySet, **lookup):
    # Out of scope and missing look the same: both are 404.
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_person_for_user_or_404(*, user, pk) -> Person:
    return _get_or_404(people_for_user(user), pk=pk)


def get_business_for_user_or_404(*, user, pk) -> Business:
    return _get_or_404(businesses_for_user(user), pk=pk)


def get_koperasi_for_user_or_404(*, user, pk) -> Koperasi:
    return _get_or_404(koperasi_for_user(user), pk=pk)


def get_registration_for_user_or_404(*, user, pk) -> Registration:
    return _get_or_404(registrations_for_user(user), pk=pk)


def person_filter(
    queryset: QuerySet[Person], *, q: str = "", region: str = "", include_merged: bool = True
) -> QuerySet[Person]:
    """Narrow a people list by name or NIK digits, and by region code prefix; without
    ``include_merged``, records merged into another (duplicates settled by dedup) are left out."""
    if not include_merged:
        queryset = queryset.filter(merged_into__isnull=True)
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        if len(digits) >= 6 and len(digits) == len(q.replace(" ", "")):
            queryset = queryset.filter(nik__startswith=digits)
        else:
            queryset = queryset.filter(name_key__contains=name_key(q))
    if region:
        queryset = queryset.filter(region_prefix_q(region))
    return queryset


def business_filter(
    queryset: QuerySet[Business], *, q: str = "", region: str = "", affected_group: int | None = None
) -> QuerySet[Business]:
    """Narrow a business list by business or owner name, region code prefix and affected group."""
    if q:
        key = name_key(q)
        queryset = queryset.filter(Q(name__icontains=q.strip()) | Q(owner__name_key__contains=key))
    if region:
        queryset = queryset.filter(region_prefix_q(region))
    if affected_group:
        queryset = queryset.filter(affected_group=affected_group)
    return queryset


@dataclass(frozen=True)
class NikLookup:
    """Whether a NIK is registered, and the record when the viewer may see it."""

    exists: bool
    person: Person | None = None


def nik_lookup(*, nik: str, user=None) -> NikLookup:
    """Is ``nik`` registered? Officers get the person when it lies in their scope."""
    if not Person.objects.filter(nik=nik).exists():
        return NikLookup(exists=False)
    if user is None or not user.is_authenticated:
        return NikLookup(exists=True)
    return NikLookup(exists=True, person=people_for_user(user).filter(nik=nik).first())


def registration_for_status(*, tracking_code: str, nik: str) -> Registration | None:
    """The registration matching both the tracking code and the owner's NIK (public status page)."""
    code = (tracking_code or "").strip().upper()
    if not code.startswith("GLT-") and len(code) == 8:
        code = f"GLT-{code[:4]}-{code[4:]}"
    return (
        Registration.objects.filter(tracking_code=code, person__nik=nik)
        .select_related("business", "business__region", "person")
        .first()
    )


def record_history(obj):
    """The audit trail of one registry record, newest first."""
    return audit_for_object(object_type=obj._meta.label_lower, object_id=obj.pk)
