"""Level-by-level verification: RT → RW → Dusun → Desa → Kecamatan → Kabupaten.

Each registration gets one ``Verification``. Its ``chain`` is fixed when it starts (or
restarts after a correction): one step per level with the region node that acts there,
or the reason the level is skipped, so a skipped level is always visible. Every act is
a ``Decision`` row; the timeline, the audit of who decided and the time spent at each
level are read from them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geliat.registry.models import Registration
from geliat.wilayah.models import Level, Region

# The order records climb in.
LEVELS = (Level.RT, Level.RW, Level.DUSUN, Level.DESA, Level.KECAMATAN, Level.KABUPATEN)


class VerificationRule(models.Model):
    """How a desa runs the levels below it (a desa without RT/RW officers verifies for them)."""

    desa = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="verification_rule", verbose_name=_("desa"))
    desa_verifies_rt = models.BooleanField(_("desa memverifikasi untuk RT"), default=False)
    desa_verifies_rw = models.BooleanField(_("desa memverifikasi untuk RW"), default=False)
    desa_verifies_dusun = models.BooleanField(_("desa memverifikasi untuk dusun"), default=False)
    note = models.CharField(_("keterangan"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("aturan verifikasi desa")
        verbose_name_plural = _("aturan verifikasi desa")

    def __str__(self) -> str:
        return str(self.desa)


class Verification(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Menunggu verifikasi")
        RETURNED = "returned", _("Dikembalikan untuk perbaikan")
        REJECTED = "rejected", _("Ditolak")
        VERIFIED = "verified", _("Terverifikasi")

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="verification")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    # The step waiting for a decision (index into ``chain``), its level and the node that acts.
    step = models.PositiveSmallIntegerField(default=0)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices, blank=True)
    node_code = models.CharField(max_length=40, blank=True)
    chain = models.JSONField(default=list)
    # The record's region when the chain was made: filters by area need no join.
    region_code = models.CharField(max_length=40)
    waiting_since = models.DateTimeField(default=timezone.now)
    # What the registrant must fix while returned.
    return_reason = models.TextField(blank=True)
    return_fields = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("verifikasi")
        verbose_name_plural = _("verifikasi")
        indexes = [
            # The officer's queue: what waits at my node.
            models.Index(fields=["node_code", "status", "waiting_since"], name="verif_queue_idx"),
            models.Index(fields=["status", "level"], name="verif_status_level_idx"),
            models.Index(fields=["region_code"], name="verif_region_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.status} {self.level}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.WAITING


class Decision(models.Model):
    """One act on a verification. Rows are only added."""

    class Action(models.TextChoices):
        START = "start", _("Masuk antrean verifikasi")
        APPROVE = "approve", _("Disetujui")
        SKIP = "skip", _("Tingkat dilewati")
        RETURN = "return", _("Dikembalikan untuk perbaikan")
        REJECT = "reject", _("Ditolak")
        SEND_BACK = "send_back", _("Dikirim kembali ke tingkat bawah")
        RESUBMIT = "resubmit", _("Diperbaiki dan diajukan lagi")

    # Indexed by decision_verif_idx (verification, at), whose prefix serves the key alone.
    verification = models.ForeignKey(
        Verification, on_delete=models.CASCADE, related_name="decisions", db_index=False
    )
    at = models.DateTimeField(default=timezone.now)
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    node_code = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.TextField(blank=True)
    fields = models.JSONField(default=list, blank=True)
    # How long the record waited at this level before this decision (for SLA and medians).
    waited_seconds = models.PositiveIntegerField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["verification", "at"], name="decision_verif_idx"),
            models.Index(fields=["level", "action", "at"], name="decision_level_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.level} {self.action}"


def _visit_photo_path(instance, filename: str) -> str:
    # The stored name is random: the uploader's file name is never used (it may carry a
    # person's name); the extension comes from the checked content (see forms.PhotoField).
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"kunjungan/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class FieldVisit(models.Model):
    """An officer's visit to the business, with a note and optionally a photo of it.

    Photos are served by a view that checks the viewer's scope, never from MEDIA_URL.
    """

    verification = models.ForeignKey(Verification, on_delete=models.CASCADE, related_name="visits")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("petugas"))
    visited_on = models.DateField(_("tanggal kunjungan"))
    note = models.TextField(_("catatan"))
    photo = models.FileField(_("foto usaha"), upload_to=_visit_photo_path, blank=True, max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("kunjungan lapangan")
        verbose_name_plural = _("kunjungan lapangan")

    def __str__(self) -> str:
        return f"{self.verification_id}: {self.visited_on}"
