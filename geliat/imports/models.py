"""Import jobs: one uploaded list, its column mapping, progress counters and reports."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geliat.registry.models import Business
from geliat.wilayah.models import Level


class ImportJob(models.Model):
    """One file brought into the registry, by an officer, within the region they serve.

    Every data row read ends in exactly one counter: ``created``, ``updated``, ``linked``,
    ``unchanged`` (together: accepted) or ``rejected``; ``processed`` is their sum and only
    moves when a batch is committed, so it says how far a cancelled or failed job got.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Sedang berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")
        CANCELLED = "cancelled", _("Dihentikan")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="import_jobs",
        verbose_name=_("pengimpor"),
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, db_index=True)
    source_name = models.CharField(_("nama berkas"), max_length=255)
    file = models.FileField(_("berkas"), upload_to="imports/")
    # Column index (as text: JSON keys) → field key of ``geliat.imports.fields.FIELDS``.
    mapping = models.JSONField(_("pemetaan kolom"), default=dict, blank=True)
    dry_run = models.BooleanField(_("uji coba tanpa menyimpan"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    cancel_requested = models.BooleanField(_("diminta berhenti"), default=False)
    total_rows = models.PositiveIntegerField(_("jumlah baris"), null=True, blank=True)
    processed = models.PositiveIntegerField(_("baris diproses"), default=0)
    created = models.PositiveIntegerField(_("baru"), default=0)
    updated = models.PositiveIntegerField(_("diperbarui"), default=0)
    linked = models.PositiveIntegerField(_("NIK sudah terdaftar, usaha ditambahkan"), default=0)
    unchanged = models.PositiveIntegerField(_("tidak berubah"), default=0)
    rejected = models.PositiveIntegerField(_("ditolak"), default=0)
    report_csv = models.FileField(_("laporan CSV"), upload_to="imports/reports/", blank=True)
    report_xlsx = models.FileField(_("laporan XLSX"), upload_to="imports/reports/", blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    # The importer's scope and level when the job was made: rows outside it are rejected,
    # and verification of what it creates starts at that level.
    region_code = models.CharField(_("wilayah"), max_length=40)
    start_level = models.CharField(_("tingkat awal verifikasi"), max_length=10, choices=Level.choices)
    # Byte lengths of the report files as of the last committed batch: a rerun cuts them
    # back to there and goes on from row ``processed + 1``.
    checkpoint = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impor data")
        verbose_name_plural = _("impor data")
        indexes = [
            models.Index(fields=["region_code"], name="importjob_region_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.linked + self.unchanged

    @property
    def percent(self) -> int:
        """Progress for the bar, 0-100 (0 while the row count is not known yet)."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed * 100 // self.total_rows)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def can_rerun(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.CANCELLED)


class ExternalRecord(models.Model):
    """A business brought in under its source's own ID (KoboToolbox ``_uuid``, ODK
    ``instanceID``): the same submission exported again finds it even if its name changed."""

    external_id = models.CharField(_("ID sumber"), max_length=100, unique=True)
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ID sumber impor")
        verbose_name_plural = _("ID sumber impor")

    def __str__(self) -> str:
        return self.external_id
