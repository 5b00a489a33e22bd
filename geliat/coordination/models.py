"""Coordination: the action matrix, the penta helix, who does what where, and the summary
tables the dashboards, map, reports and open-data page read.

The matrix (``Activity``) is live data seeded from the plan: affected group → activity →
responsible agencies → indicator, target, actual, deadline. An actual is computed from the
registry and the programmes whenever the indicator says how; only an activity whose
indicator is ``manual`` carries a typed actual, and it is shown as such.

``AreaStat``, ``ActivityStat`` and ``ProgrammeStat`` are denormalised aggregates per desa,
rebuilt as a whole by ``coordination_stats_refresh`` (a background job): a dashboard over a
million businesses then sums a few thousand rows instead of scanning the registry.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geliat.accounts.models import Agency
from geliat.core.models import Stamped
from geliat.programmes.models import Programme
from geliat.registry.models import AffectedGroup
from geliat.wilayah.models import Level, Region

# Region levels an actor or an engagement may be placed at.
AREA_LEVELS = (Level.KABUPATEN, Level.KECAMATAN, Level.DESA)
DESA_CODE_LENGTH = len("35.14.01.2001")
KECAMATAN_CODE_LENGTH = len("35.14.01")


class Helix(models.TextChoices):
    """The five actors of the penta helix (point 7 of the plan)."""

    ACADEMIA = "academia", _("Akademisi")
    COMMUNITY = "community", _("Komunitas")
    GOVERNMENT = "government", _("Pemerintah")
    PRIVATE = "private", _("Swasta/dunia usaha")
    MEDIA = "media", _("Media")


class Offer(models.TextChoices):
    MENTORING = "mentoring", _("Pendampingan")
    FUNDING = "funding", _("Pendanaan")
    MARKET_ACCESS = "market_access", _("Akses pasar")
    PROMOTION = "promotion", _("Promosi")
    STUDIES = "studies", _("Kajian")


class Theme(models.TextChoices):
    """What an activity does, across groups: two doers of one theme for one group in one
    area are an overlap."""

    MEALS = "meals", _("Makanan untuk kelompok rentan")
    DELIVERY = "delivery", _("Tim antar")
    FOOD_SAFETY = "food_safety", _("Keamanan pangan")
    ONLINE = "online", _("Pemasaran daring")
    MARKET = "market", _("Fasilitas pasar")
    PROMOTION = "promotion", _("Promosi/pameran")
    TRAINING = "training", _("Pelatihan/sertifikasi keterampilan")
    CONTINUITY = "continuity", _("Rencana kelangsungan usaha (BCP/DRP)")
    PERMITS = "permits", _("Perizinan/sertifikasi produk")
    AQUACULTURE = "aquaculture", _("Budikdamber (ikan dan kangkung dalam ember)")
    OTHER = "other", _("Lainnya")


class Indicator(models.TextChoices):
    """How an activity's actual is found."""

    REACHED = "reached", _("Usaha kelompok ini yang dijangkau program terkait")
    DELIVERED = "delivered", _("Usaha kelompok ini yang sudah menerima penyaluran program terkait")
    DELIVERIES = "deliveries", _("Jumlah penyaluran program terkait")
    VERIFIED = "verified", _("Usaha kelompok ini yang terverifikasi")
    MANUAL = "manual", _("Diisi manual oleh penanggung jawab")


class Actor(Stamped):
    """A penta helix actor: a university, a business association, a CSR forum, a newspaper…"""

    name = models.CharField(_("nama"), max_length=200)
    helix = models.CharField(_("unsur pentahelix"), max_length=12, choices=Helix.choices)
    description = models.TextField(_("keterangan"), blank=True)
    # A subset of ``Offer`` values; a handful of actors, so filtering happens in Python.
    offers = models.JSONField(_("yang ditawarkan"), default=list, blank=True)
    areas = models.ManyToManyField(Region, related_name="+", verbose_name=_("wilayah kerja"))
    contact_name = models.CharField(_("nama narahubung"), max_length=150, blank=True)
    contact_phone = models.CharField(_("no. HP/WA narahubung"), max_length=20, blank=True)
    contact_email = models.EmailField(_("e-mail narahubung"), blank=True)
    website = models.URLField(_("situs web"), blank=True)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("aktor pentahelix")
        verbose_name_plural = _("aktor pentahelix")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        unknown = [value for value in self.offers or [] if value not in Offer.values]
        if unknown:
            raise ValidationError({"offers": _("Pilihan yang ditawarkan tidak dikenal: %(v)s.") % {"v": ", ".join(map(str, unknown))}})

    def offer_labels(self) -> list[str]:
        return [str(Offer(value).label) for value in self.offers if value in Offer.values]


class Activity(Stamped):
    """One programme/activity of the action matrix, for one affected group."""

    code = models.CharField(_("kode"), max_length=10, unique=True)
    affected_group = models.PositiveSmallIntegerField(_("kelompok terdampak"), choices=AffectedGroup.choices)
    number = models.PositiveSmallIntegerField(_("nomor"))
    name = models.CharField(_("program/kegiatan"), max_length=250)
    # The plan's own words, kept beside the name used in the interface.
    source_text = models.CharField(_("rumusan di rencana aksi"), max_length=300, blank=True)
    theme = models.CharField(_("tema"), max_length=12, choices=Theme.choices, default=Theme.OTHER)
    agencies = models.ManyToManyField(Agency, related_name="matrix_activities", verbose_name=_("OPD penanggung jawab"))
    programmes = models.ManyToManyField(
        Programme, related_name="matrix_activities", blank=True, verbose_name=_("program terkait")
    )
    indicator = models.CharField(_("indikator"), max_length=12, choices=Indicator.choices, default=Indicator.REACHED)
    target = models.PositiveIntegerField(_("target"), null=True, blank=True)
    deadline = models.DateField(_("tenggat"), null=True, blank=True)
    # Only for ``Indicator.MANUAL``: typed by a responsible agency or a coordinator.
    manual_actual = models.PositiveIntegerField(_("capaian (isian manual)"), null=True, blank=True)
    manual_note = models.CharField(_("sumber capaian manual"), max_length=300, blank=True)
    manual_at = models.DateTimeField(null=True, blank=True)
    manual_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seeded = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["affected_group", "number"]
        verbose_name = _("kegiatan matriks aksi")
        verbose_name_plural = _("kegiatan matriks aksi")
        constraints = [
            models.UniqueConstraint(fields=["affected_group", "number"], name="activity_group_number_unique"),
            models.CheckConstraint(
                condition=models.Q(affected_group__gte=1, affected_group__lte=10), name="activity_group_1_10"
            ),
            models.CheckConstraint(
                condition=models.Q(indicator="manual") | models.Q(manual_actual__isnull=True),
                name="activity_manual_actual_only_manual",
                violation_error_message=_("Capaian manual hanya untuk indikator yang diisi manual."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def group_label(self) -> str:
        return AffectedGroup(self.affected_group).label

    def clean(self):
        super().clean()
        if self.indicator != Indicator.MANUAL and self.manual_actual is not None:
            raise ValidationError({"manual_actual": _(
                "Capaian kegiatan ini dihitung sistem dari registri dan program; kosongkan isian manual "
                "atau ubah indikatornya menjadi “diisi manual”."
            )})


class Engagement(Stamped):
    """Who does what where: an agency or a penta helix actor carrying out a matrix
    activity in a kecamatan, a desa, or the whole regency."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="engagements", verbose_name=_("kegiatan"))
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="engagements", verbose_name=_("OPD")
    )
    actor = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="engagements", verbose_name=_("aktor")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah"))
    starts_on = models.DateField(_("mulai"), null=True, blank=True)
    ends_on = models.DateField(_("selesai"), null=True, blank=True)
    note = models.CharField(_("keterangan"), max_length=300, blank=True)

    class Meta:
        ordering = ["activity__affected_group", "activity__number", "region_id", "id"]
        verbose_name = _("kegiatan di wilayah (3W)")
        verbose_name_plural = _("kegiatan di wilayah (3W)")
        indexes = [
            models.Index(fields=["region"], name="engagement_region_idx", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(agency__isnull=False) & models.Q(actor__isnull=True))
                | (models.Q(agency__isnull=True) & models.Q(actor__isnull=False)),
                name="engagement_one_doer",
                violation_error_message=_("Pilih satu pelaksana: OPD atau aktor pentahelix, tidak keduanya."),
            ),
            models.UniqueConstraint(
                fields=["activity", "agency", "region"], condition=models.Q(agency__isnull=False),
                name="engagement_agency_unique",
                violation_error_message=_("OPD ini sudah tercatat menjalankan kegiatan ini di wilayah itu."),
            ),
            models.UniqueConstraint(
                fields=["activity", "actor", "region"], condition=models.Q(actor__isnull=False),
                name="engagement_actor_unique",
                violation_error_message=_("Aktor ini sudah tercatat menjalankan kegiatan ini di wilayah itu."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="engagement_period_ordered",
                violation_error_message=_("Tanggal selesai tidak boleh sebelum tanggal mulai."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doer} · {self.activity.code} · {self.region_id}"

    @property
    def doer(self):
        return self.agency if self.agency_id else self.actor


# ---------------------------------------------------------------- summary tables


class StatsRun(models.Model):
    """One rebuild of the summary tables; the newest finished one dates what pages show."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Sedang berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, db_index=True)
    seconds = models.FloatField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "finished_at"], name="statsrun_status_idx")]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.status}"


class _DesaStat(models.Model):
    desa_code = models.CharField(max_length=DESA_CODE_LENGTH)
    kecamatan_code = models.CharField(max_length=KECAMATAN_CODE_LENGTH)
    affected_group = models.PositiveSmallIntegerField()

    class Meta:
        abstract = True


class AreaStat(_DesaStat):
    """One row per desa and affected group: its businesses by the verification state of
    their latest registration (waiting ones per level), how many any programme reached, and
    their revenue and jobs before and now. Wide, so a dashboard sums at most 3,650 rows."""

    businesses = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    waiting_rt = models.PositiveIntegerField(default=0)
    waiting_rw = models.PositiveIntegerField(default=0)
    waiting_dusun = models.PositiveIntegerField(default=0)
    waiting_desa = models.PositiveIntegerField(default=0)
    waiting_kecamatan = models.PositiveIntegerField(default=0)
    waiting_kabupaten = models.PositiveIntegerField(default=0)
    reached = models.PositiveIntegerField(default=0)
    reached_verified = models.PositiveIntegerField(default=0)
    # Sums over the businesses that gave both figures, so before and now compare like with like.
    revenue_reported = models.PositiveIntegerField(default=0)
    revenue_before = models.BigIntegerField(default=0)
    revenue_now = models.BigIntegerField(default=0)
    jobs_reported = models.PositiveIntegerField(default=0)
    jobs_before = models.BigIntegerField(default=0)
    jobs_now = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["desa_code"], name="areastat_desa_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kecamatan_code", "affected_group"], name="areastat_kec_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.desa_code} {self.affected_group}: {self.businesses}"


class ActivityStat(_DesaStat):
    """Per matrix activity and desa: businesses of the activity's group that its linked
    programmes reached (confirmed or delivered), delivered to, and the deliveries made."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    reached = models.PositiveIntegerField(default=0)
    delivered = models.PositiveIntegerField(default=0)
    deliveries = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["activity", "desa_code"], name="activitystat_idx", opclasses=["", "varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.desa_code}: {self.reached}"


class ProgrammeStat(_DesaStat):
    """Per programme, desa and affected group: enrolments active, businesses reached,
    deliveries and their amount. Enrolments of a person without a business have group 0."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    reached = models.PositiveIntegerField(default=0)
    delivered = models.PositiveIntegerField(default=0)
    deliveries = models.PositiveIntegerField(default=0)
    amount = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["programme", "desa_code"], name="programmestat_idx", opclasses=["", "varchar_pattern_ops"]),
            models.Index(fields=["desa_code"], name="programmestat_desa_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.desa_code} {self.affected_group}: {self.reached}"


# ---------------------------------------------------------------- reports


def _report_path(instance, filename: str) -> str:
    return f"koordinasi/laporan/{instance.month:%Y-%m}/{instance.pk}/{filename}"


class ReportJob(models.Model):
    """A monthly coordination report (regency-wide, or one OPD's), built in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Sedang dibuat")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    month = models.DateField(_("bulan"))  # the first day of the month reported
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("OPD")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    pdf = models.FileField(upload_to=_report_path, blank=True, max_length=200)
    xlsx = models.FileField(upload_to=_report_path, blank=True, max_length=200)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("laporan koordinasi")
        verbose_name_plural = _("laporan koordinasi")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency or 'kabupaten'}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def scope_label(self) -> str:
        return self.agency.name if self.agency_id else str(_("Kabupaten (semua OPD)"))
