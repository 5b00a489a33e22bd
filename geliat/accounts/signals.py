"""Auditing of logins, for the web pages and the Django admin alike."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from geliat.audit.models import AuditEvent
from geliat.audit.services import audit_object


@receiver(user_logged_in, dispatch_uid="geliat.accounts.login_audit")
def login_audit(sender, request, user, **kwargs) -> None:
    audit_object(actor=user, action=AuditEvent.Action.LOGIN, obj=user, request=request)
