"""Reads of programmes, proposals, enrolments, outside lists and coverage gaps, scoped.

Who sees what:
- coordinators (and superusers) see everything;
- agency (OPD) staff see their agency's programmes and act on them; personal data only
  in those programmes' proposals and enrolments (and their own outside lists);
- region officers see the catalogue, and the proposals' rows, enrolments, assistance and
  gaps of people inside their region, read-only.

"Reached" (what coverage counts): a business is reached when it has an enrolment in
status confirmed or delivered, or when its owner's identity has one that names no
business (a person-level benefit, such as a matched outside recipients list).
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Substr
from django.http import Http404

from geliat.accounts.models import Role
from geliat.core.scope import region_prefix_q, user_region_q
from geliat.programmes.models import (
    Assistance,
    Delivery,
    Enrolment,
    OutsideList,
    OutsideListEntry,
    Programme,
    Proposal,
    ProposalRow,
)
from geliat.registry.models import Business
from geliat.verification.models import Verification

KECAMATAN_CODE_LENGTH = len("35.14.01")
DESA_CODE_LENGTH = len("35.14.01.2001")


def _get_or_404(queryset: QuerySet, **lookup):
    # Out of scope and missing look the same: both are 404.
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def is_coordinator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.COORDINATOR))


def is_agency(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.AGENCY and user.agency_id)


def is_officer(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.OFFICER and user.region_id)


# ------------------------------------------------------------------ programmes


def programmes_for_user(user) -> QuerySet[Programme]:
    """The catalogue a user sees: all for coordinators and officers, the agency's own for OPD staff."""
    queryset = Programme.objects.prefetch_related("agencies")
    if is_coordinator(user) or is_officer(user):
        return queryset
    if is_agency(user):
        return queryset.filter(agencies=user.agency_id).distinct()
    return queryset.none()


def get_programme_for_user_or_404(*, user, code: str | None = None, pk=None) -> Programme:
    lookup = {"code": code} if code is not None else {"pk": pk}
    return _get_or_404(programmes_for_user(user), **lookup)


def may_manage_programme(user, programme: Programme) -> bool:
    """Run the programme: build proposals, confirm, record deliveries, edit it."""
    if is_coordinator(user):
        return True
    return is_agency(user) and programme.agencies.filter(pk=user.agency_id).exists()


def may_create_programme(user) -> bool:
    return is_coordinator(user) or is_agency(user)


def managed_programmes(user) -> QuerySet[Programme]:
    if is_coordinator(user):
        return Programme.objects.all()
    if is_agency(user):
        return Programme.objects.filter(agencies=user.agency_id).distinct()
    return Programme.objects.none()


# ------------------------------------------------------------------ proposals


def proposals_for_user(user) -> QuerySet[Proposal]:
    return Proposal.objects.filter(programme__in=programmes_for_user(user).values("pk")).select_related("programme")


def get_proposal_for_user_or_404(*, user, pk) -> Proposal:
    return _get_or_404(proposals_for_user(user), pk=pk)


def proposal_rows_for_user(user, proposal: Proposal) -> QuerySet[ProposalRow]:
    """Rows a user may see: all for who runs the programme, the region's for an officer."""
    rows = ProposalRow.objects.filter(proposal=proposal).select_related("business", "person", "business__region")
    if may_manage_programme(user, proposal.programme):
        return rows
    if is_officer(user):
        return rows.filter(user_region_q(user, "region_code"))
    return rows.none()


def get_proposal_row_for_user_or_404(*, user, pk) -> ProposalRow:
    """A proposal row the user may see (its proposal in view; an officer's only in their region)."""
    row = _get_or_404(ProposalRow.objects.select_related("proposal__programme", "business"), pk=pk)
    if not proposal_rows_for_user(user, row.proposal).filter(pk=row.pk).exists():
        raise Http404
    return row


# ------------------------------------------------------------------ enrolments, deliveries


def enrolments_for_user(user) -> QuerySet[Enrolment]:
    queryset = Enrolment.objects.select_related("programme", "person", "business")
    if is_coordinator(user):
        return queryset
    if is_agency(user):
        return queryset.filter(programme__agencies=user.agency_id).distinct()
    if is_officer(user):
        return queryset.filter(user_region_q(user, "region_code"))
    return queryset.none()


def get_enrolment_for_user_or_404(*, user, pk) -> Enrolment:
    return _get_or_404(enrolments_for_user(user), pk=pk)


def enrolments_of_business(user, business: Business) -> QuerySet[Enrolment]:
    """Enrolments in view that reach ``business``: on it, or person-level of its owner's identity."""
    identity = business.owner.merged_into_id or business.owner_id
    person_level = Q(business__isnull=True) & (Q(person_id=identity) | Q(person__merged_into_id=identity))
    return enrolments_for_user(user).filter(Q(business=business) | person_level)


def deliveries_for_user(user) -> QuerySet[Delivery]:
    return Delivery.objects.filter(enrolment__in=enrolments_for_user(user).values("pk")).select_related(
        "enrolment", "enrolment__programme", "enrolment__person", "recorded_by"
    )


def get_delivery_for_user_or_404(*, user, pk) -> Delivery:
    return _get_or_404(deliveries_for_user(user), pk=pk)


def enrolment_filter(queryset: QuerySet[Enrolment], *, programme: str = "", status: str = "", region: str = "") -> QuerySet[Enrolment]:
    if programme:
        queryset = queryset.filter(programme__code=programme)
    if status:
        queryset = queryset.filter(status=status)
    if region:
        queryset = queryset.filter(region_prefix_q(region, "region_code"))
    return queryset


def benefit_conflicts(programme: Programme, identities: set[int]) -> dict[int, Programme]:
    """identity → the programme already benefiting it: this one, or another of its overlap
    class whose period overlaps (enrolments confirmed or delivered; merged records count as
    their survivor). One query for any number of identities."""
    from geliat.programmes.rules import class_overlap_enrolments

    if not identities:
        return {}
    same = Enrolment.objects.filter(status__in=Enrolment.ACTIVE, programme=programme)
    if programme.overlap_class:
        same = same | class_overlap_enrolments(programme)
    found = (
        same.annotate(_identity=Coalesce("person__merged_into_id", "person_id"))
        .filter(_identity__in=identities)
        .select_related("programme")
        .order_by("confirmed_at", "pk")
    )
    out: dict[int, Programme] = {}
    for enrolment in found:
        out.setdefault(enrolment._identity, enrolment.programme)
    return out


def doubled_benefits(user, *, limit: int = 50) -> list[tuple[Enrolment, Enrolment]]:
    """Pairs of active enrolments in view that benefit one identity twice: the same programme,
    or two programmes of one overlap class whose periods overlap.

    Enrolment refuses this from the start; it shows up when dedup later finds two records,
    each already enrolled, to be one person (``merged_into``). Oldest first, at most ``limit``.
    """
    active = (
        enrolments_for_user(user).filter(status__in=Enrolment.ACTIVE)
        .annotate(_identity=Coalesce("person__merged_into_id", "person_id"))
    )
    # Identities with more than one active enrolment at all: the only ones that can double.
    repeated = (
        active.values("_identity").annotate(n=Count("pk", distinct=True)).filter(n__gt=1).values("_identity")
    )
    by_identity: dict[int, list[Enrolment]] = {}
    for enrolment in active.filter(_identity__in=repeated).order_by("confirmed_at", "pk"):
        by_identity.setdefault(enrolment._identity, []).append(enrolment)
    pairs = []
    for enrolments in by_identity.values():
        for index, first in enumerate(enrolments):
            for second in enrolments[index + 1 :]:
                a, b = first.programme, second.programme
                same_class = a == b or (
                    a.overlap_class and a.overlap_class == b.overlap_class
                    and a.starts_on <= b.ends_on and b.starts_on <= a.ends_on
                )
                if same_class and first.pk != second.pk:
                    pairs.append((first, second))
    return pairs[:limit]


def programme_counts(programme: Programme) -> dict:
    """Active enrolments, deliveries and what was paid out, for the programme page."""
    active = Enrolment.objects.filter(programme=programme, status__in=Enrolment.ACTIVE)
    counts = active.aggregate(
        enrolled=Count("pk"), delivered=Count("pk", filter=Q(status=Enrolment.Status.DELIVERED)),
    )
    from django.db.models import Sum

    counts["paid"] = Delivery.objects.filter(enrolment__programme=programme).exclude(
        enrolment__status=Enrolment.Status.CANCELLED
    ).aggregate(total=Sum("amount"))["total"] or 0
    counts["quota_left"] = None if programme.quota is None else max(programme.quota - counts["enrolled"], 0)
    return counts


# ------------------------------------------------------------------ reach and coverage


def reached_q(prefix: str = "", *, per_row: bool = False) -> Q:
    """Businesses reached by some programme (see the module docstring). ``prefix``: the path
    to the business from the queried model, e.g. ``"business__"``. ``per_row``: the shape
    for a value computed row by row (a count's FILTER) rather than a set filter; see
    ``rules.identity_exists``."""
    return _reached_by(Enrolment.objects.filter(status__in=Enrolment.ACTIVE), prefix, per_row=per_row)


def _reached_by(active: QuerySet, prefix: str = "", *, per_row: bool = False) -> Q:
    pk = OuterRef(f"{prefix}pk" if prefix else "pk")
    identity = Coalesce(OuterRef(f"{prefix}owner__merged_into_id"), OuterRef(f"{prefix}owner_id"))
    person_level = active.filter(business__isnull=True)
    on_business = Q(Exists(active.filter(business_id=pk)))
    if per_row:
        # The identity is a survivor (merges are flat): a person-level enrolment is on it or
        # on a record merged into it, two indexed lookups.
        return (
            on_business
            | Q(Exists(person_level.filter(person_id=identity)))
            | Q(Exists(person_level.filter(person__merged_into_id=identity)))
        )
    person_identity = Coalesce("person__merged_into_id", "person_id")
    return on_business | Q(Exists(person_level.annotate(_identity=person_identity).filter(_identity=identity)))


def verified_q(prefix: str = "") -> Q:
    """Businesses with a registration verified up to kabupaten."""
    pk = OuterRef(f"{prefix}pk" if prefix else "pk")
    return Q(Exists(Verification.objects.filter(registration__business_id=pk, status=Verification.Status.VERIFIED)))


def business_ids_reached(programme: Programme | None = None) -> QuerySet:
    """Ids of businesses reached (by ``programme`` if given), as a subquery-ready queryset.

    Used by coordination for programme reach: ``Business.objects.filter(pk__in=business_ids_reached())``.
    """
    active = Enrolment.objects.filter(status__in=Enrolment.ACTIVE)
    if programme is not None:
        active = active.filter(programme=programme)
    return Business.objects.filter(_reached_by(active)).values("pk")


def gap_businesses(user) -> QuerySet[Business]:
    """Verified affected businesses in the user's view that no programme has reached yet."""
    queryset = Business.objects.filter(verified_q()).exclude(reached_q())
    if is_coordinator(user):
        return queryset.filter(user_region_q(user)) if user.region_id else queryset
    if is_officer(user):
        return queryset.filter(user_region_q(user))
    if is_agency(user):
        # Agency staff see the people their own programmes could take in (see gap_rows).
        return queryset
    return queryset.none()


def gap_counts(user, *, by: str) -> list[dict]:
    """Verified and not-reached businesses per kecamatan, desa or affected group (counts only)."""
    base = Business.objects.filter(verified_q())
    if not is_agency(user):
        base = base.filter(user_region_q(user))
    if by == "affected_group":
        key = "affected_group"
        base = base.annotate(key=Coalesce("affected_group", 0))
    else:
        length = KECAMATAN_CODE_LENGTH if by == "kecamatan" else DESA_CODE_LENGTH
        base = base.annotate(key=Substr("region_id", 1, length))
        key = "key"
    rows = (
        base.values("key")
        .annotate(verified=Count("pk"), gap=Count("pk", filter=~reached_q(per_row=True)))
        .order_by("-gap", "key")
    )
    del key
    return list(rows)


# ------------------------------------------------------------------ outside lists, assistance


def outside_lists_for_user(user) -> QuerySet[OutsideList]:
    queryset = OutsideList.objects.select_related("programme", "agency", "created_by")
    if is_coordinator(user):
        return queryset
    if is_agency(user):
        return queryset.filter(Q(agency_id=user.agency_id) | Q(created_by=user))
    return queryset.none()


def get_outside_list_for_user_or_404(*, user, pk) -> OutsideList:
    return _get_or_404(outside_lists_for_user(user), pk=pk)


def outside_entries(outside_list: OutsideList) -> QuerySet[OutsideListEntry]:
    return outside_list.entries.select_related("person")


def assistance_for_user(user) -> QuerySet[Assistance]:
    queryset = Assistance.objects.select_related("business", "business__owner", "programme", "officer")
    if is_coordinator(user):
        return queryset
    if is_officer(user):
        return queryset.filter(user_region_q(user, "region_code"))
    if is_agency(user):
        return queryset.filter(Q(officer__agency_id=user.agency_id) | Q(programme__agencies=user.agency_id)).distinct()
    return queryset.none()


def get_assistance_for_user_or_404(*, user, pk) -> Assistance:
    return _get_or_404(assistance_for_user(user), pk=pk)
