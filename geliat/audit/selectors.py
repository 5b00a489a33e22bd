from django.db.models import QuerySet

from geliat.audit.models import AuditEvent


def audit_for_object(*, object_type: str, object_id) -> QuerySet[AuditEvent]:
    """The trail of one record, newest first."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).select_related("actor")
