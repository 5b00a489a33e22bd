"""Settling duplicates: candidate pairs of people, officers' decisions on them, merges and
full runs.

A ``CandidatePair`` is one unordered pair of people (``left_id < right_id``, unique), so a
pair found again, by a later run or at entry, lands on the same row: a pair decided
"different people" stays decided and is never asked again. A ``Merge`` keeps what it
changed and a snapshot of both records before, so it can be undone exactly.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geliat.registry.models import Person


class Source(models.TextChoices):
    ENTRY = "entry", _("Saat pendaftaran")
    IMPORT = "import", _("Impor berkas")
    RUN = "run", _("Pencarian menyeluruh")
    MERGE = "merge", _("Sesudah penggabungan")


class DedupRun(models.Model):
    """One search over the registry (or a region of it) as a background job."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu giliran")
        RUNNING = "running", _("Sedang berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    class Mode(models.TextChoices):
        FULL = "full", _("Menyeluruh")
        INCREMENTAL = "incremental", _("Hanya data baru/berubah")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("dimulai oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, db_index=True)
    # The region the run covers (its records are those living inside it).
    region_code = models.CharField(_("wilayah"), max_length=40)
    backend = models.CharField(_("mesin"), max_length=10, default="duckdb")
    threshold = models.FloatField(_("ambang peluang"))
    mode = models.CharField(_("cakupan"), max_length=12, choices=Mode.choices, default=Mode.INCREMENTAL)
    # Incremental: records changed since this moment (the previous finished run's start).
    since = models.DateTimeField(_("perubahan sejak"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    stage = models.CharField(_("tahap"), max_length=100, blank=True)
    percent = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    records = models.PositiveIntegerField(_("data diperiksa"), default=0)
    pairs_found = models.PositiveIntegerField(_("pasangan ditemukan"), default=0)
    pairs_new = models.PositiveIntegerField(_("pasangan baru"), default=0)
    pairs_known = models.PositiveIntegerField(_("pasangan sudah diputuskan, dilewati"), default=0)
    auto_merged = models.PositiveIntegerField(_("digabung otomatis"), default=0)
    seconds = models.FloatField(_("lama (detik)"), null=True, blank=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    error = models.TextField(_("kesalahan"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pencarian duplikat")
        verbose_name_plural = _("pencarian duplikat")
        indexes = [
            models.Index(fields=["region_code"], name="dedup_run_region_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)


class CandidatePair(models.Model):
    """Two records that may be one person, with the evidence and what officers decided."""

    class Status(models.TextChoices):
        OPEN = "open", _("Menunggu keputusan")
        SAME = "same", _("Orang yang sama (digabung)")
        DIFFERENT = "different", _("Orang berbeda")
        AUTO_MERGED = "auto_merged", _("Digabung otomatis")
        # One of the two was merged into a third record through another pair.
        OBSOLETE = "obsolete", _("Tidak berlaku lagi (salah satu sudah digabung)")

    left = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("data kiri"))
    right = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("data kanan"))
    probability = models.FloatField(_("peluang sama"))
    weight = models.FloatField(_("bobot bukti"))
    # Field → "exact" | "close" | "different" | "missing", as the engine compared them.
    levels = models.JSONField(_("perbandingan per kolom"), default=dict)
    source = models.CharField(_("sumber"), max_length=10, choices=Source.choices)
    run = models.ForeignKey(DedupRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairs")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(_("ditemukan"), default=timezone.now)
    scored_at = models.DateTimeField(_("dinilai"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    # The merge that settled this pair (same, auto-merged) or made it obsolete.
    merge = models.ForeignKey("Merge", null=True, blank=True, on_delete=models.SET_NULL, related_name="settled_pairs")
    # A pair re-scored against the survivor when its record was merged: undone with that merge.
    origin_merge = models.ForeignKey(
        "Merge", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived_pairs"
    )
    # Bumped by every decision: a form opened before another officer's decision is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-probability", "id"]
        verbose_name = _("pasangan diduga ganda")
        verbose_name_plural = _("pasangan diduga ganda")
        constraints = [
            models.CheckConstraint(condition=models.Q(left__lt=models.F("right")), name="dedup_pair_ordered"),
            models.UniqueConstraint(fields=["left", "right"], name="dedup_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=1), name="dedup_pair_probability_0_1"
            ),
        ]
        indexes = [
            # The review queue: open pairs, most likely first; and "does this person have any".
            models.Index(fields=["status", "-probability"], name="dedup_pair_queue_idx"),
            models.Index(fields=["right", "status"], name="dedup_pair_right_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.left_id}~{self.right_id} ({self.probability:.3f}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def percent(self) -> float:
        return self.probability * 100


class Merge(models.Model):
    """``absorbed`` merged into ``survivor``: what changed on the survivor, and both before."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("data dipertahankan"))
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("data digabungkan"))
    pair = models.ForeignKey(CandidatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Field group → "survivor" | "absorbed": whose value the survivor keeps.
    choices = models.JSONField(_("pilihan per kolom"), default=dict)
    # Field → [value before, value after] for each survivor field the merge changed.
    changes = models.JSONField(_("perubahan"), default=dict)
    survivor_before = models.JSONField(_("data dipertahankan sebelum"))
    absorbed_before = models.JSONField(_("data digabungkan sebelum"))
    # Records that had been merged into ``absorbed``, pointed at the survivor (kept flat).
    repointed = models.JSONField(default=list, blank=True)
    automatic = models.BooleanField(_("otomatis"), default=False)
    probability = models.FloatField(_("peluang sama"), null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("digabung oleh"),
    )
    merged_by_label = models.CharField(max_length=150)
    merged_at = models.DateTimeField(_("digabung"), default=timezone.now, db_index=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("dibatalkan oleh"),
    )
    reversed_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("penggabungan")
        verbose_name_plural = _("penggabungan")
        constraints = [
            models.CheckConstraint(condition=~models.Q(survivor=models.F("absorbed")), name="dedup_merge_two_records"),
            # A record is merged away once at a time: undo that merge before merging it again.
            models.UniqueConstraint(
                fields=["absorbed"], condition=models.Q(reversed_at__isnull=True), name="dedup_merge_absorbed_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.absorbed_id} → {self.survivor_id}"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None

    @property
    def percent(self) -> float | None:
        return None if self.probability is None else self.probability * 100


class BlockKey(models.Model):
    """The blocking keys of one person (see ``geliat.dedup.engine.blocking_keys``), each
    ``"kind:value"`` hashed, so the records sharing any key with a new one are one indexed
    lookup: the pool scored at entry, and the neighbours an incremental run adds."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=32)

    class Meta:
        indexes = [
            models.Index(fields=["key", "person"], name="dedup_blockkey_idx"),
            models.Index(fields=["person"], name="dedup_blockkey_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.key}"
