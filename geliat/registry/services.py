"""Writes to the registry: registrations, edits with history, and audited reveals of personal data."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geliat.audit.models import AuditEvent
from geliat.audit.services import audit_object, model_snapshot, snapshot_diff
from geliat.core.scope import user_covers
from geliat.registry.models import (
    Business,
    Channel,
    Koperasi,
    Person,
    Registration,
    new_tracking_code,
)
from geliat.registry.signals import registrations_created

CONSENT_VERSION = "2026-11"


class NikAlreadyRegistered(ValidationError):
    """The NIK belongs to a person already in the registry."""

    def __init__(self, person_id: int):
        self.person_id = person_id
        super().__init__(_("NIK ini sudah terdaftar."), code="nik_registered")


class StaleEdit(ValidationError):
    """Someone saved the record after this form was opened."""

    def __init__(self):
        super().__init__(
            _("Data ini baru saja diubah oleh orang lain. Muat ulang halaman, periksa perubahannya, lalu simpan lagi."),
            code="stale",
        )


def _actor_user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _check_scope(actor, data: dict[str, Any]) -> None:
    """Officers may only place records inside the region they serve."""
    user = _actor_user(actor)
    region = data.get("region")
    if user is not None and region is not None and not user_covers(user, region.pk):
        raise ValidationError({"region": _("Wilayah ini di luar wilayah tugas Anda. Pilih desa/RT di wilayah Anda, atau minta petugas wilayah tersebut.")})


def _create(model, *, actor, data: dict[str, Any], request, **extra):
    _check_scope(actor, data)
    obj = model(**data, **extra, created_by=_actor_user(actor))
    obj.full_clean(exclude=["created_by", "owner", "region"] if model is Business else ["created_by", "region"])
    obj.save()
    audit_object(actor=actor, action=AuditEvent.Action.CREATE, obj=obj, after=model_snapshot(obj), request=request)
    return obj


@transaction.atomic
def registration_submit(
    *,
    business_data: dict[str, Any],
    channel: str,
    actor=None,
    person_data: dict[str, Any] | None = None,
    person: Person | None = None,
    consent: bool = False,
    request=None,
) -> Registration:
    """Register a business, with a new owner (``person_data``) or an existing one (``person``).

    A NIK already in the registry is refused with :class:`NikAlreadyRegistered`; the
    caller decides what the viewer may learn about that record. Self-registration
    needs the registrant's consent to the stated purpose.
    """
    if (person is None) == (person_data is None):
        raise ValueError("give exactly one of person or person_data")
    if channel == Channel.SELF and not consent:
        raise ValidationError({"consent": _("Centang persetujuan agar data Anda boleh diolah untuk program pemulihan usaha.")})
    if person is None:
        existing = Person.objects.filter(nik=person_data["nik"]).values_list("pk", flat=True).first()
        if existing:
            raise NikAlreadyRegistered(existing)
        try:
            # A savepoint, so a concurrent insert of the same NIK leaves this transaction usable.
            with transaction.atomic():
                person = _create(Person, actor=actor, data=person_data, request=request)
        except IntegrityError:
            raise NikAlreadyRegistered(Person.objects.get(nik=person_data["nik"]).pk) from None
    business = _create(Business, actor=actor, data=business_data, request=request, owner=person)
    registration = Registration.objects.create(
        person=person,
        business=business,
        channel=channel,
        submitted_by=_actor_user(actor),
        consent_at=timezone.now() if consent else None,
        consent_version=CONSENT_VERSION if consent else "",
    )
    registrations_announce(registration_ids=[registration.pk])
    audit_object(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=business,
        after={"registration": registration.tracking_code, "channel": channel},
        note=_("Pendaftaran %(code)s") % {"code": registration.tracking_code},
        request=request,
    )
    return registration


def registrations_announce(*, registration_ids: list[int], start_level: str | None = None) -> None:
    """Tell the apps above (verification, dedup) about new registrations, inside the caller's
    transaction so that their rows commit or roll back with the registrations.

    ``start_level``: the level of the officer who brought them in (imports), where their
    verification starts."""
    registrations_created.send(sender=Registration, registration_ids=registration_ids, start_level=start_level)


def tracking_codes_draw_unique(*, registrations: list[Registration]) -> None:
    """For bulk writers: draw again the rare tracking code already used (in the database or
    among ``registrations``), which a bulk insert would otherwise fail on."""
    codes = [r.tracking_code for r in registrations]
    taken: set[str] = set()
    for start in range(0, len(codes), 500):  # well under SQLite's parameter limit
        taken.update(
            Registration.objects.filter(tracking_code__in=codes[start : start + 500]).values_list("tracking_code", flat=True)
        )
    for registration in registrations:
        while registration.tracking_code in taken:
            registration.tracking_code = new_tracking_code()
        taken.add(registration.tracking_code)


def _update(model, *, actor, obj, data: dict[str, Any], expected_version: int, request):
    # Optimistic lock under a row lock: a form opened before someone else's save is refused.
    current = model.objects.select_for_update().get(pk=obj.pk)
    if current.version != expected_version:
        raise StaleEdit()
    # Only a move is checked: an owner living elsewhere, seen through a business here, stays editable.
    if "region" in data and data["region"] is not None and data["region"].pk != current.region_id:
        _check_scope(actor, data)
    before = model_snapshot(current)
    for field, value in data.items():
        setattr(current, field, value)
    current.full_clean(exclude=["created_by", "owner", "region"])
    changed_before, changed_after = snapshot_diff(before, model_snapshot(current))
    if not changed_after:
        return current
    current.version = expected_version + 1
    current.save()
    audit_object(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=current, before=changed_before, after=changed_after, request=request
    )
    return current


@transaction.atomic
def person_update(*, actor, person: Person, data: dict[str, Any], expected_version: int, request=None) -> Person:
    """Change a person's fields, keeping who/when/before/after; NIK stays unique."""
    nik = data.get("nik")
    if nik and nik != person.nik and Person.objects.filter(nik=nik).exclude(pk=person.pk).exists():
        raise ValidationError({"nik": _("NIK ini sudah dipakai orang lain di registri. Periksa kembali angka NIK.")})
    return _update(Person, actor=actor, obj=person, data=data, expected_version=expected_version, request=request)


@transaction.atomic
def business_update(*, actor, business: Business, data: dict[str, Any], expected_version: int, request=None) -> Business:
    """Change a business's fields, keeping who/when/before/after."""
    return _update(Business, actor=actor, obj=business, data=data, expected_version=expected_version, request=request)


@transaction.atomic
def koperasi_create(*, actor, data: dict[str, Any], request=None) -> Koperasi:
    """Register a koperasi inside the actor's region, audited."""
    return _create(Koperasi, actor=actor, data=data, request=request)


@transaction.atomic
def koperasi_update(*, actor, koperasi: Koperasi, data: dict[str, Any], expected_version: int, request=None) -> Koperasi:
    """Change a koperasi's fields, keeping who/when/before/after."""
    return _update(Koperasi, actor=actor, obj=koperasi, data=data, expected_version=expected_version, request=request)


@transaction.atomic
def person_pii_reveal(*, viewer, person: Person, request=None) -> dict[str, str]:
    """Unmasked NIK and phone for a viewer whose role needs them; each reveal is audited."""
    if not viewer.needs_pii:
        raise PermissionError("role does not need personal data")
    audit_object(actor=viewer, action=AuditEvent.Action.VIEW_PII, obj=person, note="NIK, no. HP", request=request)
    return {"nik": person.nik, "phone": person.phone}
