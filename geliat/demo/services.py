"""Filling the registry with synthetic registrants, and the demo logins.

For development and demonstrations only: ``demo_populate`` writes generated people,
businesses, koperasi and registrations in bulk; ``demo_accounts_ensure`` adds one
login per level with a published password.
"""

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geliat.accounts.models import Agency, Role, User
from geliat.accounts.services import AUDIT_FIELDS
from geliat.audit.models import AuditEvent
from geliat.audit.services import audit_object, audit_record, model_snapshot
from geliat.demo.synthetic import SyntheticRecord, generate
from geliat.registry.models import (
    Business,
    Channel,
    Koperasi,
    Person,
    Registration,
)
from geliat.registry.nik import nik_check
from geliat.registry.services import (
    CONSENT_VERSION,
    registrations_announce,
    tracking_codes_draw_unique,
)
from geliat.registry.sizing import business_size
from geliat.wilayah.models import Level, Region, RegionAlias
from geliat.wilayah.services import unit_get_or_create, units_ensure
from geliat.wilayah.text import name_key
from geliat.wilayah.units import unit_number

DEMO_PASSWORD = "geliat-demo-2026"
DEMO_AGENCY = {"code": "diskopum", "name": "Dinas Koperasi dan Usaha Mikro", "short_name": "Diskop UM"}
# The first households generated live in the demo RT, so its officer has work to do.
DEMO_RT_HOUSEHOLDS = 6
_DEMO_DUSUN = "Krajan"
_BATCH = 1000
_IN_CHUNK = 500  # values per IN (...) lookup, well under SQLite's parameter limit


@dataclasses.dataclass(frozen=True)
class DemoResult:
    people: int  # Person rows added
    businesses: int
    koperasi: int
    registrations: int
    units: int  # RW and RT units added
    duplicates: int  # repeated registrations written (by NIK to the same person or, with a NIK error, to a new one)
    rejected: int  # rows left out because their NIK fails the NIK check, as an import would
    seconds: float


@dataclasses.dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    region: str
    created: bool


def _regions_missing() -> ValidationError:
    return ValidationError(
        _("Data wilayah belum dimuat. Jalankan dulu: geliat wilayah load")
    )


def demo_guard(*, force: bool = False) -> None:
    """Refuse outside development (``GELIAT_DEBUG=1``) unless forced: synthetic people and
    published passwords do not belong in a live registry."""
    if not settings.DEBUG and not force:
        raise ValidationError(
            _("Data dan akun demo hanya untuk pengembangan (GELIAT_DEBUG=1). Bila memang perlu di sini, "
              "ulangi dengan --force.")
        )


def _chunks(values: list, size: int = _IN_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _demo_desa() -> Region:
    """The first desa of the regency (in Pasuruan: of kecamatan Purwodadi) that keeps
    dusun, else the first desa of that kecamatan; kelurahan have no dusun."""
    regency = settings.GELIAT_REGENCY_CODE
    if not Region.objects.filter(code=regency).exists():
        raise _regions_missing()
    desas = [
        d for d in Region.objects.filter(level=Level.DESA, code__startswith=regency + ".").order_by("code")
        if not d.is_kelurahan
    ]
    if not desas:
        raise ValidationError(_("Wilayah yang dilayani tidak memiliki desa (hanya kelurahan), padahal data demo "
                                "membutuhkan desa dengan dusun, RW dan RT."))
    desas = [d for d in desas if d.parent_id == desas[0].parent_id]
    with_dusun = set(Region.objects.filter(parent__in=desas, level=Level.DUSUN).values_list("parent_id", flat=True))
    return next((d for d in desas if d.code in with_dusun), desas[0])


def _demo_units() -> dict[str, Region]:
    """The demo desa's dusun, RW 1 and RT 1 (added when missing), with the desa and above."""
    desa = _demo_desa()
    dusun = Region.objects.filter(parent=desa, level=Level.DUSUN).order_by("code").first()
    rt = unit_get_or_create(desa=desa, dusun=dusun.name if dusun else _DEMO_DUSUN, rw=1, rt=1, actor="sistem")
    rw = rt.parent
    return {
        Level.KABUPATEN: desa.parent.parent,
        Level.KECAMATAN: desa.parent,
        Level.DESA: desa,
        Level.DUSUN: rw.parent,
        Level.RW: rw,
        Level.RT: rt,
    }


def _in_demo_rt(records: Iterable[SyntheticRecord], desa: Region) -> Iterator[SyntheticRecord]:
    for record in records:
        if record.household_id < DEMO_RT_HOUSEHOLDS:
            record = dataclasses.replace(record, desa_code=desa.code, desa_name=desa.name, rw="01", rt="01")
        yield record


def _known_nik_regions() -> set[str]:
    """Provinsi, kabupaten and kecamatan codes, for checking NIKs without a query each."""
    return set(
        Region.objects.filter(level__in=[Level.PROVINSI, Level.KABUPATEN, Level.KECAMATAN]).values_list("code", flat=True)
    )


def _existing_people(niks: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(niks):
        found.update(Person.objects.filter(nik__in=chunk).values_list("nik", "pk"))
    return found


def _koperasi_create(
    records: list[SyntheticRecord], person_ids: dict[str, int], place: Callable[[SyntheticRecord], str], user
) -> tuple[dict[int, int], int]:
    """Koperasi chaired by the records' people; one already registered under the same
    legal number is reused. Returns generator key → Koperasi id, and how many are new."""
    chaired = [r for r in records if r.koperasi is not None]
    legal = [r.koperasi.legal_number for r in chaired if r.koperasi.legal_number]
    existing: dict[str, int] = {}
    for chunk in _chunks(legal):
        existing.update(Koperasi.objects.filter(legal_number__in=chunk).values_list("legal_number", "pk"))
    ids: dict[int, int] = {}
    new: list[tuple[int, Koperasi]] = []
    for record in chaired:
        koperasi = record.koperasi
        if koperasi.legal_number in existing:
            ids[koperasi.key] = existing[koperasi.legal_number]
            continue
        new.append((koperasi.key, Koperasi(
            name=koperasi.name, legal_number=koperasi.legal_number, type=koperasi.type, members=koperasi.members,
            chair_id=person_ids[record.nik], address=koperasi.address, rt=record.rt, rw=record.rw,
            region_id=place(record), created_by=user,
        )))
    Koperasi.objects.bulk_create([k for _key, k in new], batch_size=_BATCH)
    ids.update((key, k.pk) for key, k in new)
    return ids, len(new)


def demo_populate(*, people: int, seed: int = 1, duplicate_rate: float = 0.03, actor=None) -> DemoResult:
    """Write ``people`` synthetic registrants of the regency, with their businesses,
    koperasi and registrations (see ``geliat.demo.synthetic``).

    A row whose NIK is already registered (a repeated registration, or the same seed run
    twice) adds its business to that person. Rows with a NIK the NIK check refuses are
    left out, as an import would. Every row lands in an RT unit of its desa; the first
    households go to the demo RT (see ``demo_accounts_ensure``).
    """
    started = time.perf_counter()
    if people < 1:
        raise ValidationError(_("Jumlah orang harus 1 atau lebih."))
    if not 0 <= duplicate_rate <= 1:
        raise ValidationError(_("Tingkat duplikat harus antara 0 dan 1, misalnya 0.03."))
    regency = settings.GELIAT_REGENCY_CODE
    desa_names = dict(
        Region.objects.filter(level=Level.DESA, code__startswith=regency + ".").values_list("code", "name")
    )
    if not desa_names:
        raise _regions_missing()
    aliases: dict[str, list[str]] = {}
    for code, name in RegionAlias.objects.filter(region_id__in=list(desa_names)).values_list("region_id", "name"):
        aliases.setdefault(code, []).append(name)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    records = list(generate(
        people=people, seed=seed, desa_codes=sorted(desa_names), duplicate_rate=duplicate_rate,
        desa_names=desa_names, desa_aliases=aliases,
    ))

    with transaction.atomic():
        records = list(_in_demo_rt(records, _demo_units()[Level.DESA]))
        known_regions = _known_nik_regions()

        def region_codes(codes: list[str]) -> set[str]:
            return known_regions.intersection(codes)

        person_ids = _existing_people(sorted({r.nik for r in records}))
        warnings: dict[str, list[str]] = {}  # NIK → check warnings, for each new person
        kept: list[SyntheticRecord] = []
        for record in records:
            if record.nik not in person_ids and record.nik not in warnings:
                check = nik_check(record.nik, sex=record.sex, birth_date=record.birth_date, region_codes=region_codes)
                if not check.valid:
                    continue
                warnings[record.nik] = check.warnings
            kept.append(record)
        places, new_units = units_ensure(places=((r.desa_code, unit_number(r.rw), unit_number(r.rt)) for r in kept))

        def place(record: SyntheticRecord) -> str:
            return places[(record.desa_code, unit_number(record.rw), unit_number(record.rt))]

        new_people: dict[str, Person] = {}
        for record in kept:
            if record.nik in warnings and record.nik not in new_people:
                full_name = record.full_name.strip()
                new_people[record.nik] = Person(
                    nik=record.nik, full_name=full_name, name_key=name_key(full_name), sex=record.sex,
                    birth_place=record.birth_place, birth_date=record.birth_date, phone=record.phone,
                    address=record.address, rt=record.rt, rw=record.rw, region_id=place(record),
                    nik_warnings=warnings[record.nik], created_by=user,
                )
        Person.objects.bulk_create(new_people.values(), batch_size=_BATCH)
        person_ids.update((nik, person.pk) for nik, person in new_people.items())
        koperasi_ids, koperasi_created = _koperasi_create(kept, person_ids, place, user)

        businesses = [
            Business(
                owner_id=person_ids[record.nik], name=record.business_name, affected_group=record.affected_group,
                kbli_section=record.kbli_section, capital=record.capital, annual_sales=record.annual_sales,
                # bulk_create skips save(), where the size is normally worked out.
                size=business_size(capital=record.capital, annual_sales=record.annual_sales),
                employees_before=record.employees_before, employees_now=record.employees_now,
                revenue_before=record.revenue_before, revenue_now=record.revenue_now, impacts=record.impacts,
                impact_note=record.impact_note, products=record.products,
                koperasi_id=koperasi_ids.get(record.koperasi_key), address=record.business_address,
                rt=record.rt, rw=record.rw, region_id=place(record), created_by=user,
            )
            for record in kept
        ]
        Business.objects.bulk_create(businesses, batch_size=_BATCH)
        now = timezone.now()
        registrations = [
            Registration(
                person_id=business.owner_id, business_id=business.pk, channel=record.channel,
                submitted_by=user if record.channel != Channel.SELF else None,
                consent_at=now if record.channel == Channel.SELF else None,
                consent_version=CONSENT_VERSION if record.channel == Channel.SELF else "",
            )
            for record, business in zip(kept, businesses, strict=True)
        ]
        tracking_codes_draw_unique(registrations=registrations)
        Registration.objects.bulk_create(registrations, batch_size=_BATCH)
        # As any registration: verification (and later dedup) start on their own. The demo
        # desa's records start at RT, for its officers; the rest of the list came, as such
        # lists do, from the kabupaten, so they wait at the kabupaten level.
        demo_desa = _demo_units()[Level.DESA].code
        in_demo_desa = [r.pk for r, b in zip(registrations, businesses, strict=True) if b.region_id.startswith(demo_desa)]
        registrations_announce(registration_ids=in_demo_desa)
        registrations_announce(
            registration_ids=sorted({r.pk for r in registrations} - set(in_demo_desa)), start_level=Level.KABUPATEN
        )
        counts = {
            "people": len(new_people),
            "businesses": len(businesses),
            "koperasi": koperasi_created,
            "registrations": len(registrations),
            "units": len(new_units),
            "duplicates": sum(r.is_duplicate for r in kept),
            "rejected": len(records) - len(kept),
        }
        audit_record(
            actor=actor or "sistem",
            action=AuditEvent.Action.CREATE,
            object_type="demo",
            region_code=regency,
            after=counts | {"seed": seed, "duplicate_rate": duplicate_rate},
            note=_("Data demo sintetis: %(people)d orang diminta.") % {"people": people},
        )
    return DemoResult(**counts, seconds=time.perf_counter() - started)


# username, full name, role, level of the region served
_DEMO_ACCOUNTS = (
    ("demo.koordinator", "Demo Koordinator Kabupaten", Role.COORDINATOR, Level.KABUPATEN),
    ("demo.opd", "Demo Staf Dinas Koperasi dan Usaha Mikro", Role.AGENCY, Level.KABUPATEN),
    ("demo.kabupaten", "Demo Petugas Kabupaten", Role.OFFICER, Level.KABUPATEN),
    ("demo.kecamatan", "Demo Petugas Kecamatan", Role.OFFICER, Level.KECAMATAN),
    ("demo.desa", "Demo Petugas Desa", Role.OFFICER, Level.DESA),
    ("demo.dusun", "Demo Petugas Dusun", Role.OFFICER, Level.DUSUN),
    ("demo.rw", "Demo Petugas RW", Role.OFFICER, Level.RW),
    ("demo.rt", "Demo Petugas RT", Role.OFFICER, Level.RT),
)


@transaction.atomic
def demo_accounts_ensure() -> list[DemoLogin]:
    """The demo logins, all with ``DEMO_PASSWORD``: a coordinator, an OPD user and an
    officer at each level of one desa's chain. Existing accounts are left as they are."""
    regions = _demo_units()
    agency, _created = Agency.objects.get_or_create(code=DEMO_AGENCY["code"], defaults=DEMO_AGENCY)
    logins = []
    for username, full_name, role, level in _DEMO_ACCOUNTS:
        region = regions[level]
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            user = User(
                username=username, full_name=full_name, role=role, region=region,
                agency=agency if role == Role.AGENCY else None,
                can_manage_accounts=role == Role.COORDINATOR,
            )
            user.set_password(DEMO_PASSWORD)
            user.save(force_insert=True)
            audit_object(
                actor="sistem", action=AuditEvent.Action.CREATE, obj=user,
                after=model_snapshot(user, AUDIT_FIELDS), note=_("Akun demo."),
            )
        logins.append(DemoLogin(
            username=username, password=DEMO_PASSWORD, role=user.get_role_display(),
            region=_place(user.region) if user.region_id else "", created=created,
        ))
    return logins


def _place(region: Region) -> str:
    """The region with its parents up to the kecamatan ("RT 001, RW 001, Dusun Krajan, Desa Gerbo, …"):
    a unit's name alone says little."""
    labels = [region.label]
    while region.level not in (Level.KECAMATAN, Level.KABUPATEN, Level.PROVINSI):
        region = region.parent
        labels.append(region.label)
    return ", ".join(labels)


@dataclasses.dataclass(frozen=True)
class DemoReach:
    verified: int
    enrolled: int
    delivered: int


# Of the records waiting at the kabupaten, the share the demo kabupaten officer approves, and
# of those eligible for the demo programme, the share Diskop UM confirms (half delivered).
_DEMO_VERIFIED_SHARE = 0.6
_DEMO_ENROLLED_SHARE = 0.5
_DEMO_PROGRAMME = "pemasaran-daring"


def demo_reach_populate() -> DemoReach:
    """Give the dashboards, the gap report and the map something to show, the way officers
    would: the demo kabupaten officer approves part of the records waiting at the kabupaten,
    and the demo OPD user (Diskop UM) builds a proposal of its online-marketing programme,
    confirms half of it and records deliveries for half of those. Everything goes through the
    verification and programme services, so it is checked and audited like real work."""
    from geliat.programmes.models import Programme
    from geliat.programmes.services import (
        delivery_record,
        programmes_seed,
        proposal_build,
        proposal_rows_confirm,
    )
    from geliat.verification.models import Verification
    from geliat.verification.services import verification_bulk_approve

    demo_accounts_ensure()
    officer = User.objects.get(username="demo.kabupaten")
    waiting = list(
        Verification.objects.filter(node_code=officer.region_id, status=Verification.Status.WAITING)
        .order_by("pk").values_list("pk", flat=True)
    )
    chosen = waiting[: int(len(waiting) * _DEMO_VERIFIED_SHARE)]
    verified = 0
    for start in range(0, len(chosen), _BATCH):
        verified += len(verification_bulk_approve(actor=officer, verification_ids=chosen[start : start + _BATCH]).approved)
    programmes_seed()
    programme = Programme.objects.filter(code=_DEMO_PROGRAMME).first()
    opd = User.objects.get(username="demo.opd")
    if programme is None or not programme.agencies.filter(pk=opd.agency_id).exists():
        return DemoReach(verified=verified, enrolled=0, delivered=0)
    proposal = proposal_build(actor=opd, programme=programme)
    rows = list(proposal.rows.order_by("pk").values_list("pk", flat=True))
    confirmed = proposal_rows_confirm(
        actor=opd, proposal=proposal, row_ids=rows[: int(len(rows) * _DEMO_ENROLLED_SHARE)]
    ).confirmed
    delivered = 0
    for row in confirmed[: len(confirmed) // 2]:
        delivery_record(
            actor=opd, enrolment=row.enrolment, delivered_on=programme.starts_on,
            item=programme.benefit_item or programme.name,
        )
        delivered += 1
    return DemoReach(verified=verified, enrolled=len(confirmed), delivered=delivered)
