"""Programmes and benefits: the catalogue, proposals, enrolments, deliveries, outside lists.

A programme's eligibility ``rules`` are declarative JSON (see ``rules.py``), checked when
saved and compiled into one database query. A benefit is counted per *identity*: a person
merged by dedup into a survivor counts as the survivor (``Coalesce(merged_into_id, id)``).
Two programmes of one ``overlap_class`` whose periods overlap cannot both benefit one
identity; the database enforces it through ``EnrolmentClaim`` (one row per identity,
class and calendar month of the programme's period, unique), so two enrolments racing
each other cannot both land.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from geliat.accounts.models import Agency
from geliat.core.models import Stamped
from geliat.registry.models import Business, Person


class Source(models.TextChoices):
    CENTRAL = "central", _("Pemerintah pusat (kementerian/lembaga)")
    PROVINCE = "province", _("Pemerintah provinsi")
    REGENCY = "regency", _("OPD kabupaten")
    UNIVERSITY = "university", _("Perguruan tinggi")
    BUMN_CSR = "bumn_csr", _("BUMN/CSR swasta")
    OTHER = "other", _("Lainnya")


class Kind(models.TextChoices):
    CASH_AID = "cash_aid", _("Bantuan tunai")
    CREDIT_SUBSIDY = "credit_subsidy", _("Kredit/subsidi bunga")
    REVOLVING_FUND = "revolving_fund", _("Pinjaman dana bergulir")
    TRAINING = "training", _("Pelatihan")
    CERTIFICATION = "certification", _("Sertifikasi/perizinan")
    MARKETING = "marketing", _("Bantuan pemasaran")
    EQUIPMENT = "equipment", _("Peralatan/teknologi tepat guna")
    MEALS = "meals", _("Makanan")
    CONSULTATION = "consultation", _("Konsultasi/pendampingan usaha")
    OTHER = "other", _("Lainnya")


# Path segments of /program/… pages: a programme cannot take one as its code.
RESERVED_CODES = frozenset({"baru", "usulan", "penerima", "daftar-luar", "belum-terjangkau", "usaha", "pendampingan"})


def month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of every calendar month from ``start`` to ``end`` inclusive."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


class Programme(Stamped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Konsep")
        OPEN = "open", _("Berjalan")
        CLOSED = "closed", _("Selesai")

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama program"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    source = models.CharField(_("sumber"), max_length=12, choices=Source.choices)
    kind = models.CharField(_("jenis manfaat"), max_length=16, choices=Kind.choices)
    agencies = models.ManyToManyField(
        Agency, related_name="programmes", blank=True, verbose_name=_("OPD penanggung jawab")
    )
    # Programmes of one class cannot both benefit one person in overlapping periods;
    # blank means the programme belongs to no class (only a second enrolment in it is refused).
    overlap_class = models.CharField(_("kelas tumpang tindih"), max_length=40, blank=True, db_index=True)
    benefit_amount = models.BigIntegerField(
        _("nilai manfaat per penerima (Rp)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    benefit_item = models.CharField(_("bentuk manfaat (barang/jasa)"), max_length=200, blank=True)
    quota = models.PositiveIntegerField(_("kuota penerima"), null=True, blank=True)
    budget = models.BigIntegerField(_("anggaran (Rp)"), null=True, blank=True, validators=[MinValueValidator(0)])
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    rules = models.JSONField(_("aturan kelayakan"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Run by the regency through Geliat (proposals, enrolments) or elsewhere (a bank's KUR,
    # Prakerja): the latter are applied for through Assistance and arrive as outside lists.
    run_here = models.BooleanField(_("dijalankan melalui Geliat"), default=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("program")
        verbose_name_plural = _("program")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="programme_period_ordered",
                violation_error_message=_("Tanggal selesai tidak boleh sebelum tanggal mulai."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # A rule that cannot be evaluated is refused whatever writes it (form, API, seed).
        from geliat.programmes.rules import RuleError, rules_validate

        try:
            rules_validate(self.rules)
        except RuleError as exc:
            raise ValidationError({"rules": exc.messages}) from None
        super().save(*args, **kwargs)

    def clean(self):
        from geliat.programmes.rules import RuleError, rules_validate

        super().clean()
        errors = {}
        if self.code in RESERVED_CODES:
            errors["code"] = _("Kode “%(code)s” dipakai oleh halaman Geliat. Pilih kode lain, misalnya %(code)s-2021.") % {"code": self.code}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        try:
            rules_validate(self.rules)
        except RuleError as exc:
            errors["rules"] = exc.messages
        if errors:
            raise ValidationError(errors)

    @property
    def months(self) -> list[datetime.date]:
        return month_starts(self.starts_on, self.ends_on)


class Proposal(models.Model):
    """One evaluation of a programme's rules over the registry, kept for review.

    Rows are stored for the businesses found eligible (the agency confirms from them);
    those found ineligible are counted per failing condition and listed on demand, with
    their reasons computed from the same compiled conditions. Built in the background: over
    a million businesses it takes longer than a page request may.
    """

    class Status(models.TextChoices):
        BUILDING = "building", _("Sedang disusun")
        READY = "ready", _("Siap ditinjau")
        FAILED = "failed", _("Gagal disusun")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="proposals")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BUILDING)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The rules as evaluated, so a later edit of the programme does not rewrite history.
    rules = models.JSONField(default=dict)
    evaluated = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    # {condition key: number of businesses failing it}
    failed_counts = models.JSONField(default=dict)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("usulan penerima")
        verbose_name_plural = _("usulan penerima")

    def __str__(self) -> str:
        return f"{self.programme} · {self.created_at:%Y-%m-%d %H:%M}"


class ProposalRow(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu keputusan")
        CONFIRMED = "confirmed", _("Dikonfirmasi")
        REFUSED = "refused", _("Ditolak")

    # A proposal stores up to a registry's worth of rows in one INSERT … SELECT, and each
    # index costs time per row: lookups go by proposal (the composite indexes below), so
    # the foreign keys that are only followed outwards carry no index of their own;
    # and the business and person keys are not checked by the database either (a check per
    # row at commit doubles the insert's time); the rows are a snapshot of registry rows
    # that Django's on_delete still removes with them.
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="rows", db_index=False)
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    # The business's region when proposed: scoping by region needs no join.
    region_code = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(max_length=300, blank=True)
    enrolment = models.ForeignKey(
        "Enrolment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["proposal", "status"], name="proposalrow_status_idx"),
            models.Index(
                fields=["proposal", "region_code"], name="proposalrow_region_idx", opclasses=["", "varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "business"], name="proposalrow_once_per_business"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.business_id} ({self.status})"


class Enrolment(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Terdaftar sebagai penerima")
        DELIVERED = "delivered", _("Manfaat sudah diterima")
        CANCELLED = "cancelled", _("Dibatalkan")

    class Origin(models.TextChoices):
        HERE = "here", _("Ditetapkan di Geliat")
        OUTSIDE_LIST = "outside_list", _("Daftar penerima dari luar")

    ACTIVE = (Status.CONFIRMED, Status.DELIVERED)

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrolments")
    business = models.ForeignKey(Business, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments")
    # The identity when enrolled (the survivor if the record was merged). Checks recompute
    # it through ``person.merged_into`` so a merge made later still counts as one person.
    identity_id = models.BigIntegerField(db_index=True)
    # The business's (or else the person's) region: scoping needs no join.
    region_code = models.CharField(max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.HERE)
    outside_entry = models.ForeignKey(
        "OutsideListEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("dikonfirmasi"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("alasan pembatalan"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        verbose_name = _("penerima program")
        verbose_name_plural = _("penerima program")
        indexes = [
            models.Index(fields=["programme", "status"], name="enrolment_prog_status_idx"),
            models.Index(fields=["person", "status"], name="enrolment_person_status_idx"),
            models.Index(fields=["business", "status"], name="enrolment_business_status_idx"),
            models.Index(fields=["region_code"], name="enrolment_region_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.person}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class EnrolmentClaim(models.Model):
    """The database's guard against a doubled benefit: one identity, one class, one month.

    Written with each active enrolment in a programme that has an overlap class, one row
    per calendar month of the programme's period (periods overlapping by a day within one
    month therefore conflict: deliberately conservative). Removed when it is cancelled.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="claims")
    identity_id = models.BigIntegerField()
    overlap_class = models.CharField(max_length=40)
    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["identity_id", "overlap_class", "month"], name="claim_one_per_identity_class_month"),
        ]

    def __str__(self) -> str:
        return f"{self.identity_id} {self.overlap_class} {self.month:%Y-%m}"


class Delivery(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="deliveries")
    delivered_on = models.DateField(_("tanggal penyaluran"))
    amount = models.BigIntegerField(_("nilai (Rp)"), null=True, blank=True, validators=[MinValueValidator(0)])
    item = models.CharField(_("barang/jasa"), max_length=200, blank=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("penyaluran")
        verbose_name_plural = _("penyaluran")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=False) | ~models.Q(item=""), name="delivery_amount_or_item",
                violation_error_message=_("Isi nilai (Rp) atau barang/jasa yang diserahkan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.delivered_on}"


class OutsideList(models.Model):
    """A list that arrives from outside: recipients of a programme, or people to exclude."""

    class Kind(models.TextChoices):
        RECIPIENTS = "recipients", _("Daftar penerima program")
        EXCLUSION = "exclusion", _("Daftar pengecualian")

    class Category(models.TextChoices):
        """Why people on an exclusion list are excluded (the BPUM exclusions and debtors)."""

        ASN = "asn", _("ASN")
        TNI = "tni", _("TNI")
        POLRI = "polri", _("Polri")
        BUMN_BUMD = "bumn_bumd", _("Pegawai BUMN/BUMD")
        KUR_DEBTOR = "kur_debtor", _("Debitur KUR/perbankan aktif")
        OTHER = "other", _("Lainnya")

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama daftar"), max_length=200)
    kind = models.CharField(_("jenis daftar"), max_length=12, choices=Kind.choices)
    category = models.CharField(_("kategori pengecualian"), max_length=12, choices=Category.choices, blank=True)
    # For a recipients list: the programme they received (matched rows become enrolments).
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="outside_lists",
        verbose_name=_("program"),
    )
    issuer = models.CharField(_("sumber daftar"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("OPD")
    )
    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Sedang dicocokkan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    active = models.BooleanField(_("berlaku"), default=True)
    file_name = models.CharField(max_length=255, blank=True)
    file = models.FileField(upload_to="programmes/lists/", blank=True)
    # Column index (as text) → "nik", "full_name", "birth_date", "desa" or "kecamatan".
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    overlapping = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("daftar dari luar")
        verbose_name_plural = _("daftar dari luar")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="exclusion") | ~models.Q(category=""), name="exclusion_list_has_category",
                violation_error_message=_("Daftar pengecualian harus memilih kategori."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="recipients") | models.Q(programme__isnull=False),
                name="recipients_list_has_programme",
                violation_error_message=_("Daftar penerima harus menyebut programnya."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OutsideListEntry(models.Model):
    """One row of an outside list as read, and the registry person it was matched to."""

    class Match(models.TextChoices):
        NIK = "nik", _("Cocok NIK")
        FUZZY = "fuzzy", _("Cocok nama + tanggal lahir + desa")
        NONE = "none", _("Tidak ditemukan di registri")
        REJECTED = "rejected", _("Baris ditolak")

    outside_list = models.ForeignKey(OutsideList, on_delete=models.CASCADE, related_name="entries")
    row_number = models.PositiveIntegerField()
    nik = models.CharField(max_length=32, blank=True)
    full_name = models.CharField(max_length=150, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    desa = models.CharField(max_length=150, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    match = models.CharField(max_length=10, choices=Match.choices, default=Match.NONE)
    note = models.CharField(max_length=300, blank=True)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="outside_entries")

    class Meta:
        ordering = ["outside_list", "row_number"]
        indexes = [
            models.Index(fields=["person"], name="outside_entry_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.outside_list_id}#{self.row_number}"


class Assistance(Stamped):
    """A business's application to a programme run elsewhere, helped by an officer."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Berkas disiapkan")
        SUBMITTED = "submitted", _("Diajukan")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")
        DISBURSED = "disbursed", _("Dana/manfaat cair")
        WITHDRAWN = "withdrawn", _("Dibatalkan pemohon")

    CLOSED = (Status.REJECTED, Status.DISBURSED, Status.WITHDRAWN)

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="assistance", verbose_name=_("usaha"))
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="assistance",
        verbose_name=_("program"),
    )
    programme_name = models.CharField(_("nama program (bila tidak ada di katalog)"), max_length=200, blank=True)
    institution = models.CharField(_("lembaga tujuan"), max_length=200, help_text=_("mis. BRI Unit Bangil, LPDB-KUMKM"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("petugas pendamping"),
    )
    region_code = models.CharField(max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREPARING)
    submitted_on = models.DateField(_("tanggal pengajuan"), null=True, blank=True)
    decided_on = models.DateField(_("tanggal keputusan"), null=True, blank=True)
    amount_requested = models.BigIntegerField(_("nilai diajukan (Rp)"), null=True, blank=True, validators=[MinValueValidator(0)])
    amount_approved = models.BigIntegerField(_("nilai disetujui (Rp)"), null=True, blank=True, validators=[MinValueValidator(0)])
    outcome = models.TextField(_("hasil/catatan"), blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("pendampingan pengajuan")
        verbose_name_plural = _("pendampingan pengajuan")
        indexes = [
            models.Index(fields=["region_code"], name="assistance_region_idx", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(programme__isnull=False) | ~models.Q(programme_name=""),
                name="assistance_names_programme",
                violation_error_message=_("Pilih program dari katalog atau tuliskan nama programnya."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} · {self.programme or self.programme_name}"
