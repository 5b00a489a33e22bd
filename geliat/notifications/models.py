"""Messages to users: shown in the app, and sent by e-mail or WhatsApp when configured."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geliat.notifications.channels import whatsapp_link


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("penerima")
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)
    # What the notification is about, for filtering: "verification_sla", …
    kind = models.CharField(_("jenis"), max_length=40)
    title = models.CharField(_("judul"), max_length=200)
    body = models.TextField(_("isi"), blank=True)
    # A path inside Geliat ("/verifikasi/12/"), opened from the list.
    link = models.CharField(_("tautan"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    # Outcome per external channel once tried: {"email": "sent" | "failed", "whatsapp": …}.
    channel_sent = models.JSONField(default=dict, blank=True)
    # The number (E.164 digits) of the person the recipient may message about this on
    # WhatsApp themself, when Geliat has no gateway to send through.
    whatsapp_to = models.CharField(max_length=16, blank=True)
    # Senders that must not repeat themselves give a key; one notification per user and key.
    key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["user", "-created_at"], name="notification_list_idx"),
        ]
        constraints = [
            # Key first: senders look keys up across users ("was this already told?").
            models.UniqueConstraint(
                fields=["key", "user"], condition=~models.Q(key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def whatsapp_link(self) -> str:
        """A wa.me link for the recipient to send this themself; "" when Geliat sends by gateway."""
        return whatsapp_link(self)
