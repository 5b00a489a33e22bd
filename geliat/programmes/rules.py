"""The eligibility rule language: declarative JSON, checked on save, compiled to one query.

A programme's ``rules`` is an object with a list of conditions, all of which must hold::

    {"conditions": [
        {"field": "affected_group", "op": "in", "value": [2, 10]},
        {"field": "size", "op": "in", "value": ["mikro"]},
        {"field": "verified", "op": "is", "value": true},
        {"field": "revenue_drop_pct", "op": "gte", "value": 30},
        {"field": "excluded_by", "op": "none_of", "value": ["asn", "tni", "polri"]},
        {"any": [{"field": "owner_sex", "op": "eq", "value": "P"},
                 {"field": "owner_age", "op": "gte", "value": 60}]}
    ]}

A condition is a leaf ``{"field", "op", "value"}`` or ``{"any": [leaves]}`` (one of them
must hold). Each condition becomes one reason a business is in or out. ``FIELDS`` lists
the fields, their operators and the value each takes; anything else is refused by
``rules_validate`` with the reason in Indonesian, naming the condition.

Besides the declared conditions every programme gets two implicit ones: the owner is not
already enrolled in this programme, and (for a programme with an overlap class) not in
another programme of the class whose period overlaps. Both count one *identity*: a
record merged by dedup stands for its survivor.

``compile_conditions`` turns the rules into Django ``Q`` objects over ``Business``
(annotated by ``evaluation_queryset`` with ``owner_identity``). Filtering by all of them
is the eligible set in one query; annotating each as a boolean gives, from the same
expressions, the reasons for every row shown.
"""

import dataclasses
import datetime
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from geliat.registry.models import AffectedGroup, Business, BusinessSize, KbliSection, Sex

MAX_CONDITIONS = 30
MAX_VALUES = 500
_REGION_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4}([.][A-Z0-9]+)*)?)?)?$")
_CATEGORY_VALUES = ("asn", "tni", "polri", "bumn_bumd", "kur_debtor", "other")


class RuleError(ValidationError):
    """Rules that cannot be evaluated; ``messages`` say which condition and why."""


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    label: Promise
    ops: tuple[str, ...]
    # "int_choices", "str_choices", "number", "percent", "bool", "regions", "categories", "programmes"
    kind: str
    choices: tuple = ()
    help: Promise | str = ""


FIELDS: dict[str, FieldSpec] = {
    "affected_group": FieldSpec(
        _lazy("kelompok terdampak"), ("in", "not_in"), "int_choices", tuple(AffectedGroup.values),
        _lazy("daftar angka 1–10 (kelompok matriks aksi)"),
    ),
    "size": FieldSpec(
        _lazy("skala usaha"), ("in", "not_in"), "str_choices", tuple(BusinessSize.values),
        _lazy("daftar dari: mikro, kecil, menengah, besar, \"\" (belum diketahui)"),
    ),
    "kbli_section": FieldSpec(
        _lazy("kategori KBLI"), ("in", "not_in"), "str_choices", tuple(KbliSection.values), _lazy("daftar huruf A–U")
    ),
    "region": FieldSpec(
        _lazy("wilayah usaha"), ("within", "not_within"), "regions", (),
        _lazy("daftar kode wilayah, misalnya [\"35.14.01\"]"),
    ),
    "verified": FieldSpec(_lazy("terverifikasi sampai kabupaten"), ("is",), "bool", (), _lazy("true atau false")),
    "revenue_drop_pct": FieldSpec(
        _lazy("penurunan omzet (%)"), ("gte", "lte"), "percent", (), _lazy("angka bulat 0–100")
    ),
    "revenue_before": FieldSpec(_lazy("omzet per bulan sebelum pandemi (Rp)"), ("gte", "lte"), "number", (), _lazy("angka rupiah")),
    "revenue_now": FieldSpec(_lazy("omzet per bulan sekarang (Rp)"), ("gte", "lte"), "number", (), _lazy("angka rupiah")),
    "capital": FieldSpec(_lazy("modal usaha (Rp)"), ("gte", "lte"), "number", (), _lazy("angka rupiah")),
    "annual_sales": FieldSpec(_lazy("hasil penjualan tahunan (Rp)"), ("gte", "lte"), "number", (), _lazy("angka rupiah")),
    "employees_now": FieldSpec(_lazy("jumlah karyawan sekarang"), ("gte", "lte"), "number", (), _lazy("angka")),
    "owner_age": FieldSpec(
        _lazy("usia pemilik (tahun, pada tanggal mulai program)"), ("gte", "lte"), "number", (), _lazy("angka tahun")
    ),
    "owner_sex": FieldSpec(_lazy("jenis kelamin pemilik"), ("eq",), "str_choices", tuple(Sex.values), _lazy("\"L\" atau \"P\"")),
    "koperasi_member": FieldSpec(_lazy("anggota koperasi"), ("is",), "bool", (), _lazy("true atau false")),
    "excluded_by": FieldSpec(
        _lazy("tercantum di daftar pengecualian"), ("none_of",), "categories", _CATEGORY_VALUES,
        _lazy("daftar kategori: asn, tni, polri, bumn_bumd, kur_debtor, other"),
    ),
    "programmes": FieldSpec(
        _lazy("penerima program"), ("none_of", "any_of"), "programmes", (),
        _lazy("daftar kode program, misalnya [\"kur-2020\"]"),
    ),
}

OP_LABELS = {
    "in": _lazy("salah satu dari"),
    "not_in": _lazy("bukan"),
    "within": _lazy("di dalam"),
    "not_within": _lazy("di luar"),
    "is": _lazy("adalah"),
    "gte": _lazy("paling sedikit"),
    "lte": _lazy("paling banyak"),
    "eq": _lazy("sama dengan"),
    "none_of": _lazy("tidak tercantum di"),
    "any_of": _lazy("tercantum di"),
}


def _where(index: int, leaf_index: int | None = None) -> str:
    if leaf_index is None:
        return _("Syarat ke-%(n)d") % {"n": index + 1}
    return _("Syarat ke-%(n)d, pilihan ke-%(m)d") % {"n": index + 1, "m": leaf_index + 1}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _leaf_errors(leaf: Any, where: str, *, known_programmes: Callable[[list[str]], set[str]] | None) -> list[str]:
    if not isinstance(leaf, dict):
        return [_("%(where)s harus berupa objek {\"field\", \"op\", \"value\"}.") % {"where": where}]
    extra = set(leaf) - {"field", "op", "value"}
    if extra:
        return [_("%(where)s: kunci %(keys)s tidak dikenal; yang dipakai hanya field, op dan value.")
                % {"where": where, "keys": ", ".join(sorted(extra))}]
    name = leaf.get("field")
    spec = FIELDS.get(name) if isinstance(name, str) else None
    if spec is None:
        return [_("%(where)s: isian “%(field)s” tidak dikenal. Isian yang tersedia: %(fields)s.")
                % {"where": where, "field": name, "fields": ", ".join(FIELDS)}]
    op = leaf.get("op")
    if op not in spec.ops:
        return [_("%(where)s (%(field)s): operator “%(op)s” tidak berlaku; pakai %(ops)s.")
                % {"where": where, "field": name, "op": op, "ops": " atau ".join(spec.ops)}]
    if "value" not in leaf:
        return [_("%(where)s (%(field)s): nilai (value) belum diisi; isi %(help)s.") % {"where": where, "field": name, "help": spec.help}]
    value = leaf["value"]
    wrong = _("%(where)s (%(field)s): nilai %(value)s salah jenis; isi %(help)s.") % {
        "where": where, "field": name, "value": _shown(value), "help": spec.help,
    }
    if spec.kind == "bool":
        return [] if isinstance(value, bool) else [wrong]
    if spec.kind in {"number", "percent"}:
        if not _is_number(value) or value < 0:
            return [wrong]
        if spec.kind == "percent" and (not isinstance(value, int) or value > 100):
            return [wrong]
        return []
    if spec.kind == "str_choices" and op == "eq":
        return [] if value in spec.choices else [wrong]
    # The rest take a non-empty list.
    if not isinstance(value, list) or not value or len(value) > MAX_VALUES:
        return [wrong]
    if spec.kind == "int_choices":
        bad = [v for v in value if not (isinstance(v, int) and not isinstance(v, bool) and v in spec.choices)]
    elif spec.kind in {"str_choices", "categories"}:
        bad = [v for v in value if not (isinstance(v, str) and v in spec.choices)]
    elif spec.kind == "regions":
        bad = [v for v in value if not (isinstance(v, str) and _REGION_CODE.match(v))]
    else:  # programmes
        bad = [v for v in value if not isinstance(v, str) or not v]
        if not bad and known_programmes is not None:
            known = known_programmes(value)
            missing = [v for v in value if v not in known]
            if missing:
                return [_("%(where)s (%(field)s): kode program %(codes)s tidak ada di katalog.")
                        % {"where": where, "field": name, "codes": ", ".join(missing)}]
    if bad:
        return [_("%(where)s (%(field)s): %(bad)s tidak berlaku; isi %(help)s.")
                % {"where": where, "field": name, "bad": ", ".join(_shown(v) for v in bad), "help": spec.help}]
    return []


def _shown(value: Any) -> str:
    import json

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"“{text if len(text) <= 60 else text[:57] + '…'}”"


def _programme_codes(codes: list[str]) -> set[str]:
    from geliat.programmes.models import Programme

    return set(Programme.objects.filter(code__in=codes).values_list("code", flat=True))


def rules_validate(rules: Any, *, check_programmes: bool = True) -> None:
    """Raise :class:`RuleError` listing every condition that cannot be evaluated."""
    if rules in (None, {}):
        return
    if not isinstance(rules, dict):
        raise RuleError(_("Aturan harus berupa objek JSON {\"conditions\": [ … ]}."))
    extra = set(rules) - {"conditions"}
    if extra:
        raise RuleError(_("Kunci %(keys)s tidak dikenal; aturan hanya berisi “conditions”.") % {"keys": ", ".join(sorted(extra))})
    conditions = rules.get("conditions", [])
    if not isinstance(conditions, list):
        raise RuleError(_("“conditions” harus berupa daftar syarat [ … ]."))
    if len(conditions) > MAX_CONDITIONS:
        raise RuleError(_("Paling banyak %(max)d syarat.") % {"max": MAX_CONDITIONS})
    known = _programme_codes if check_programmes else None
    errors: list[str] = []
    for index, condition in enumerate(conditions):
        if isinstance(condition, dict) and "any" in condition:
            options = condition["any"]
            if set(condition) != {"any"} or not isinstance(options, list) or not options:
                errors.append(_("%(where)s: “any” harus berupa daftar syarat yang tidak kosong.") % {"where": _where(index)})
                continue
            for leaf_index, leaf in enumerate(options):
                errors += _leaf_errors(leaf, _where(index, leaf_index), known_programmes=known)
        else:
            errors += _leaf_errors(condition, _where(index), known_programmes=known)
    if errors:
        raise RuleError(errors)


# --------------------------------------------------------------------- compiling


@dataclasses.dataclass(frozen=True)
class Condition:
    """One reason a business is in or out, over ``evaluation_queryset`` rows.

    ``q`` and ``flag`` say the same thing in two SQL shapes: ``q`` for filtering a set
    (PostgreSQL turns its subqueries into hash joins), ``flag`` for a value computed row
    by row (a reason, a count per condition), where each subquery must be an index lookup.
    """

    key: str
    label: str  # what must hold, in Indonesian
    q: Q
    flag: Q


def evaluation_queryset(queryset: QuerySet[Business] | None = None) -> QuerySet[Business]:
    """Businesses with ``owner_identity``: the person who counts for benefits."""
    queryset = Business.objects.all() if queryset is None else queryset
    return queryset.annotate(owner_identity=Coalesce("owner__merged_into_id", "owner_id"))


def _years_before(date: datetime.date, years: int) -> datetime.date:
    try:
        return date.replace(year=date.year - years)
    except ValueError:  # 29 February
        return date.replace(year=date.year - years, day=28)


def owner_identity_ref() -> Coalesce:
    """The outer business's owner identity, inside a subquery."""
    return Coalesce(OuterRef("owner__merged_into_id"), OuterRef("owner_id"))


def identity_exists(queryset: QuerySet, *, per_row: bool = False) -> Q:
    """Rows of ``queryset`` (with a ``person`` foreign key) of the outer business's owner identity.

    For a set (``per_row`` False): one EXISTS comparing ``Coalesce(person.merged_into_id,
    person_id)`` with the owner's identity, which PostgreSQL runs as a (parallel) hash
    semi-join. Row by row that comparison has no index, so ``per_row`` spells it as two
    indexed lookups instead: the identity X is a survivor (merges are flat), so a row's
    person is X itself or a record merged into X.
    """
    identity = owner_identity_ref()
    if per_row:
        return Q(Exists(queryset.filter(person_id=identity))) | Q(Exists(queryset.filter(person__merged_into_id=identity)))
    return Q(Exists(queryset.annotate(_identity=Coalesce("person__merged_into_id", "person_id")).filter(_identity=identity)))


def _active_enrolments():
    from geliat.programmes.models import Enrolment

    return Enrolment.objects.filter(status__in=Enrolment.ACTIVE)


def _leaf_q(leaf: dict, *, programme, per_row: bool = False) -> Q:
    from geliat.programmes.models import OutsideList, OutsideListEntry
    from geliat.verification.models import Verification

    name, op, value = leaf["field"], leaf["op"], leaf["value"]
    if name in {"affected_group", "size", "kbli_section"}:
        q = Q(**{f"{name}__in": value})
        return q if op == "in" else ~q
    if name == "region":
        q = Q()
        for code in value:
            q |= Q(region__code=code) | Q(region__code__startswith=code + ".")
        return q if op == "within" else ~q
    if name == "verified":
        q = Q(Exists(Verification.objects.filter(registration__business_id=OuterRef("pk"), status=Verification.Status.VERIFIED)))
        return q if value else ~q
    if name == "revenue_drop_pct":
        # drop% ≥ X  ⇔  100·now ≤ (100−X)·before, for a known revenue before > 0 (no division).
        known = Q(revenue_before__gt=0, revenue_now__isnull=False)
        now, before = F("revenue_now") * 100, F("revenue_before") * (100 - value)
        compare = LessThanOrEqual(now, before) if op == "gte" else GreaterThanOrEqual(now, before)
        return known & Q(compare)
    if name in {"revenue_before", "revenue_now", "capital", "annual_sales", "employees_now"}:
        return Q(**{f"{name}__{op}": value})
    if name == "owner_age":
        # Age on the programme's first day: age ≥ N ⇔ born on or before that day N years earlier.
        start = programme.starts_on if programme is not None else timezone.localdate()
        years = int(value)
        if op == "gte":
            return Q(owner__birth_date__lte=_years_before(start, years))
        return Q(owner__birth_date__gt=_years_before(start, years + 1))
    if name == "owner_sex":
        return Q(owner__sex=value)
    if name == "koperasi_member":
        q = Q(koperasi__isnull=False)
        return q if value else ~q
    if name == "excluded_by":
        entries = OutsideListEntry.objects.filter(
            outside_list__kind=OutsideList.Kind.EXCLUSION, outside_list__active=True,
            outside_list__category__in=value, person__isnull=False,
        )
        return ~identity_exists(entries, per_row=per_row)
    if name == "programmes":
        enrolled = identity_exists(_active_enrolments().filter(programme__code__in=value), per_row=per_row)
        return enrolled if op == "any_of" else ~enrolled
    raise RuleError(_("Isian “%(field)s” tidak dikenal.") % {"field": name})


def leaf_label(leaf: dict) -> str:
    """What a leaf requires, in Indonesian: “kelompok terdampak salah satu dari 2, 10”."""
    spec = FIELDS[leaf["field"]]
    value = leaf["value"]
    if spec.kind == "bool":
        shown = _("ya") if value else _("tidak")
        return f"{spec.label}: {shown}"
    if spec.kind == "int_choices":
        labels = dict(AffectedGroup.choices)
        shown = "; ".join(str(labels.get(v, v)) for v in value)
    elif spec.kind == "str_choices":
        labels = {**dict(BusinessSize.choices), **dict(KbliSection.choices), **dict(Sex.choices)}
        values = value if isinstance(value, list) else [value]
        shown = "; ".join(str(labels.get(v, v)) or _("belum diketahui") for v in values)
    elif spec.kind == "categories":
        from geliat.programmes.models import OutsideList

        labels = dict(OutsideList.Category.choices)
        shown = ", ".join(str(labels.get(v, v)) for v in value)
    elif spec.kind == "number" and leaf["field"] in {"revenue_before", "revenue_now", "capital", "annual_sales"}:
        shown = "Rp" + f"{value:,.0f}".replace(",", ".")
    elif isinstance(value, list):
        shown = ", ".join(str(v) for v in value)
    else:
        shown = str(value)
    return f"{spec.label} {OP_LABELS[leaf['op']]} {shown}"


def compile_conditions(programme, rules: dict | None = None) -> list[Condition]:
    """The programme's conditions (declared, then the two implicit ones), each with its ``Q``."""

    rules = programme.rules if rules is None else rules
    rules_validate(rules, check_programmes=False)
    conditions: list[Condition] = []
    for index, condition in enumerate((rules or {}).get("conditions", [])):
        leaves = condition["any"] if "any" in condition else [condition]
        q, flag = Q(), Q()
        for leaf in leaves:
            q |= _leaf_q(leaf, programme=programme)
            flag |= _leaf_q(leaf, programme=programme, per_row=True)
        label = _(" atau ").join(leaf_label(leaf) for leaf in leaves)
        conditions.append(Condition(key=f"c{index + 1}", label=label, q=q, flag=flag))
    if programme is not None and programme.pk:
        here = _active_enrolments().filter(programme_id=programme.pk)
        conditions.append(
            Condition(
                key="not_enrolled", label=_("belum menjadi penerima program ini"),
                q=~identity_exists(here), flag=~identity_exists(here, per_row=True),
            )
        )
        if programme.overlap_class:
            others = class_overlap_enrolments(programme)
            conditions.append(
                Condition(
                    key="overlap", label=_("tidak menerima program lain sekelas (%(cls)s) pada periode yang beririsan")
                    % {"cls": programme.overlap_class},
                    q=~identity_exists(others), flag=~identity_exists(others, per_row=True),
                )
            )
    return conditions


def class_overlap_enrolments(programme) -> QuerySet:
    """Active enrolments in *other* programmes of ``programme``'s class whose period overlaps."""
    from geliat.programmes.models import Programme

    others = Programme.objects.filter(
        overlap_class=programme.overlap_class, starts_on__lte=programme.ends_on, ends_on__gte=programme.starts_on
    ).exclude(pk=programme.pk)
    return _active_enrolments().filter(programme__in=others)
