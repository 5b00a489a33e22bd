"""The audit log: who did what, when, to which record, with before and after."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One audited act. Rows are only ever added; nothing in the app updates them."""

    class Action(models.TextChoices):
        CREATE = "create", _("Dibuat")
        UPDATE = "update", _("Diubah")
        DELETE = "delete", _("Dihapus")
        VIEW_PII = "view_pii", _("Data pribadi dibuka")
        EXPORT = "export", _("Diekspor")
        LOGIN = "login", _("Masuk")
        ACCOUNT = "account", _("Akun dikelola")
        LOAD = "load", _("Data rujukan dimuat")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text so the trail survives the account and names the public/system actors.
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    region_code = models.CharField(max_length=40, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"
