"""Writing the audit trail. Every service that changes data or reveals personal data calls this."""

import datetime
import decimal
import functools
from typing import Any

from django.db import models

from geliat.audit.models import AuditEvent

_AS_IS = frozenset({str, int, bool, float, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:  # most values: decided without the isinstance chain
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


_UNAUDITED = frozenset({"created_at", "updated_at", "name_key", "version"})


@functools.cache
def _audited_fields(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    """(name, attribute name) of the fields a snapshot of ``model`` holds."""
    return tuple((f.name, f.attname) for f in model._meta.concrete_fields if f.name not in _UNAUDITED)


def model_snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-ready dict of ``obj``'s concrete fields (foreign keys by id)."""
    values = obj.__dict__
    return {
        name: _plain(values[attname] if attname in values else getattr(obj, attname))
        for name, attname in _audited_fields(type(obj))
        if fields is None or name in fields
    }


def snapshot_diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)] + [k for k in before if k not in after]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def actor_user(actor):
    """The account behind ``actor``: None for a text actor (the system, "sistem") and for the
    public (None or an anonymous user)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def actor_label(actor) -> str:
    """How the trail names ``actor``: the text itself, the username, or "publik"."""
    if isinstance(actor, str):
        return actor
    return actor.get_username() if actor_user(actor) else "publik"


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor,
    action: str,
    object_type: str,
    object_id: str | int = "",
    region_code: str = "",
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    request=None,
) -> AuditEvent:
    """Add one event. ``actor`` is a user, a label such as ``"sistem"``, or None for the public."""
    user = actor if actor is not None and not isinstance(actor, str) and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        region_code=region_code or "",
        before=before,
        after=after,
        note=note,
        ip=_client_ip(request),
    )


def audit_object(*, actor, action: str, obj: models.Model, before=None, after=None, note: str = "", request=None) -> AuditEvent:
    """Audit an act on a model instance; its region (if any) scopes who may read the event."""
    return audit_record(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        region_code=getattr(obj, "region_id", "") or "",
        before=before,
        after=after,
        note=note,
        request=request,
    )
