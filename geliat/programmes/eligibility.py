"""Reads that evaluate rules: why a business is in or out, and which programmes it could have.

Everything here comes from ``rules.compile_conditions``: a condition is annotated on the
rows as ``ok_<key>`` (``CASE WHEN <its flag> THEN true ELSE false``), the row-by-row
shape of the very condition the proposal filters by (tests hold the two to the same
answers), so the reason shown and the decision taken agree. A condition on an unknown
value (revenue not given, say) is false: the business is out, and the reason names what
is missing.
"""

import dataclasses

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from geliat.core.scope import region_prefix_q
from geliat.programmes import selectors
from geliat.programmes.models import Programme, Proposal
from geliat.programmes.rules import Condition, compile_conditions, evaluation_queryset
from geliat.registry.models import Business
from geliat.registry.selectors import with_desa_name


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def annotate_conditions(queryset: QuerySet, conditions: list[Condition]) -> QuerySet:
    return queryset.annotate(**{f"ok_{c.key}": _flag(c.flag) for c in conditions})


@dataclasses.dataclass
class Verdict:
    business: Business
    eligible: bool
    reasons: list[tuple[str, bool]]  # (what must hold, whether it holds)
    conflict: Programme | None = None  # the programme that already benefits the owner

    @property
    def failed(self) -> list[str]:
        return [label for label, ok in self.reasons if not ok]


def _verdicts(programme: Programme, conditions: list[Condition], businesses: list[Business]) -> list[Verdict]:
    out = []
    needs_conflict = [b.owner_identity for b in businesses if not getattr(b, "ok_not_enrolled", True) or not getattr(b, "ok_overlap", True)]
    conflicts = selectors.benefit_conflicts(programme, set(needs_conflict)) if needs_conflict else {}
    for business in businesses:
        reasons = [(c.label, bool(getattr(business, f"ok_{c.key}"))) for c in conditions]
        out.append(
            Verdict(
                business=business, eligible=all(ok for _label, ok in reasons), reasons=reasons,
                conflict=conflicts.get(business.owner_identity),
            )
        )
    return out


def explain(programme: Programme, business: Business) -> Verdict:
    """Whether one business is eligible for ``programme`` now, condition by condition."""
    conditions = compile_conditions(programme)
    row = annotate_conditions(evaluation_queryset().filter(pk=business.pk), conditions).select_related("owner").get()
    return _verdicts(programme, conditions, [row])[0]


@dataclasses.dataclass
class Page:
    verdicts: list[Verdict]
    has_next: bool

    @property
    def next_after(self) -> int | None:
        """The ``after`` of the next page: the last business id shown."""
        return self.verdicts[-1].business.pk if self.has_next and self.verdicts else None


def ineligible_page(
    proposal: Proposal, *, user, after: int = 0, per_page: int = 50, failing: str = "", region: str = ""
) -> Page:
    """Businesses out of ``proposal``'s programme now, with the reasons, one page at a time.

    Computed on demand from the rules the proposal was built with. Pages follow business
    ids (``after`` the last one shown): the database walks the primary key and evaluates
    the conditions row by row only until the page is full, so a page costs the same
    anywhere in a registry of a million (an OFFSET would evaluate every row skipped).
    """
    programme = proposal.programme
    conditions = compile_conditions(programme, proposal.rules)
    queryset = evaluation_queryset()
    if not selectors.may_manage_programme(user, programme):
        if not selectors.is_officer(user):
            return Page([], False)
        queryset = queryset.filter(region_prefix_q(user.region_id))
    if region:
        queryset = queryset.filter(region_prefix_q(region))
    if after:
        queryset = queryset.filter(pk__gt=after)
    queryset = annotate_conditions(queryset, conditions)
    keys = {c.key for c in conditions}
    if failing in keys:
        queryset = queryset.filter(**{f"ok_{failing}": False})
    else:
        any_failed = Q()
        for c in conditions:
            any_failed |= Q(**{f"ok_{c.key}": False})
        queryset = queryset.filter(any_failed) if conditions else queryset.none()
    rows = list(with_desa_name(queryset.select_related("owner")).order_by("pk")[: per_page + 1])
    return Page(_verdicts(programme, conditions, rows[:per_page]), len(rows) > per_page)


# ------------------------------------------------------------------ coverage gaps


def gap_programmes(user) -> list[Programme]:
    """Open programmes a gap list names: all for coordinators and officers, the agency's own for OPD staff."""
    queryset = selectors.managed_programmes(user) if selectors.is_agency(user) else Programme.objects.all()
    return list(queryset.filter(status=Programme.Status.OPEN).order_by("name"))


def gap_rows(user, *, region: str = "", affected_group: int | None = None, programme: str = "") -> tuple[QuerySet, list[Programme]]:
    """Verified businesses in the user's view no programme has reached, each annotated
    ``elig_<programme id>`` for every open programme in view; OPD staff get only those
    eligible for one of their programmes. Returns (queryset, programmes)."""
    programmes = gap_programmes(user)
    if programme:
        programmes = [p for p in programmes if p.code == programme]
    queryset = evaluation_queryset(selectors.gap_businesses(user))
    if region:
        queryset = queryset.filter(region_prefix_q(region))
    if affected_group:
        queryset = queryset.filter(affected_group=affected_group)
    compiled = {p.pk: compile_conditions(p) for p in programmes}
    eligible_q = {pk: Q(*[c.flag for c in conditions]) for pk, conditions in compiled.items()}
    queryset = queryset.annotate(**{f"elig_{pk}": _flag(q) for pk, q in eligible_q.items()})
    if selectors.is_agency(user) or programme:
        any_of = Q()
        for pk in eligible_q:
            any_of |= Q(**{f"elig_{pk}": True})
        queryset = queryset.filter(any_of) if eligible_q else queryset.none()
    queryset = with_desa_name(queryset.select_related("owner", "region")).order_by("region_id", "pk")
    return queryset, programmes


def eligible_for(row: Business, programmes: list[Programme]) -> list[Programme]:
    return [p for p in programmes if getattr(row, f"elig_{p.pk}", False)]
