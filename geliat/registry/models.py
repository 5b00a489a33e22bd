"""People, their businesses and koperasi, and the registrations that bring them in."""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from geliat.core.models import Stamped
from geliat.wilayah.models import Region
from geliat.wilayah.text import name_key


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class AffectedGroup(models.IntegerChoices):
    """The ten affected groups of the plan's action matrix."""

    VULNERABLE = 1, _("Rentan: usia 65+, tinggal sendiri, terbatas mengikuti pelatihan")
    FOOD_STALL = 2, _("Warung makan-minum, katering")
    STREET_VENDOR = 3, _("Pedagang kaki lima (PKL)")
    CRAFT = 4, _("Kriya")
    FARM_FISH_LABOUR = 5, _("Buruh tani/nelayan")
    SMALL_SHOP = 6, _("Toko pracangan/mlijo/pertokoan")
    OJEK_BECAK = 7, _("Tukang ojek/becak")
    GARMENT = 8, _("Konveksi/penjahit")
    SALON = 9, _("Salon")
    PROCESSED_FOOD = 10, _("Olahan pangan")


class KbliSection(models.TextChoices):
    """KBLI 2020 sections (kategori)."""

    A = "A", _("A. Pertanian, kehutanan dan perikanan")
    B = "B", _("B. Pertambangan dan penggalian")
    C = "C", _("C. Industri pengolahan")
    D = "D", _("D. Pengadaan listrik, gas, uap/air panas dan udara dingin")
    E = "E", _("E. Pengelolaan air, limbah dan daur ulang sampah")
    F = "F", _("F. Konstruksi")
    G = "G", _("G. Perdagangan besar dan eceran; reparasi kendaraan")
    H = "H", _("H. Pengangkutan dan pergudangan")
    I = "I", _("I. Penyediaan akomodasi dan makan minum")  # noqa: E741
    J = "J", _("J. Informasi dan komunikasi")
    K = "K", _("K. Jasa keuangan dan asuransi")
    L = "L", _("L. Real estat")
    M = "M", _("M. Jasa profesional, ilmiah dan teknis")
    N = "N", _("N. Jasa persewaan, ketenagakerjaan, agen perjalanan dan penunjang usaha")
    O = "O", _("O. Administrasi pemerintahan, pertahanan dan jaminan sosial wajib")  # noqa: E741
    P = "P", _("P. Pendidikan")
    Q = "Q", _("Q. Kesehatan manusia dan kegiatan sosial")
    R = "R", _("R. Kesenian, hiburan dan rekreasi")
    S = "S", _("S. Kegiatan jasa lainnya")
    T = "T", _("T. Kegiatan rumah tangga sebagai pemberi kerja")
    U = "U", _("U. Kegiatan badan internasional dan badan ekstra internasional")


class BusinessSize(models.TextChoices):
    MICRO = "mikro", _("Mikro")
    SMALL = "kecil", _("Kecil")
    MEDIUM = "menengah", _("Menengah")
    LARGE = "besar", _("Besar")
    UNKNOWN = "", _("Belum diketahui")


class Impact(models.TextChoices):
    """How the disaster hit a business."""

    SALES_DROP = "sales_drop", _("Penjualan turun")
    CLOSED = "closed", _("Tutup sementara")
    SUPPLY = "supply", _("Bahan baku sulit/mahal")
    DISTRIBUTION = "distribution", _("Distribusi terhambat")
    CAPITAL = "capital", _("Kesulitan modal")
    CREDIT = "credit", _("Kredit macet/sulit bayar angsuran")
    LAYOFF = "layoff", _("Mengurangi karyawan")
    OTHER = "other", _("Lainnya")


class Channel(models.TextChoices):
    SELF = "self", _("Daftar mandiri")
    OFFICER = "officer", _("Petugas")
    IMPORT = "import", _("Impor berkas")
    API = "api", _("API")


class Located(models.Model):
    """An address down to RT: the street line, RT/RW as written, and the region node."""

    address = models.CharField(_("alamat"), max_length=255)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    # The deepest known node: RT when the desa keeps its RT units, else RW, dusun or desa.
    # Indexed by each model's own pattern-ops index, which serves both scope prefixes and
    # equality; a second index on the key would only slow every insert (imports).
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah"), db_index=False
    )

    class Meta:
        abstract = True


class Person(Located, Stamped):
    """A business owner or koperasi chair, one per NIK."""

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    name_key = models.CharField(max_length=150, db_index=True, editable=False)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    phone = models.CharField(_("no. HP/WA"), max_length=16, blank=True)
    # Warnings found when the NIK was last checked (old prefix, sex/date disagreement).
    nik_warnings = models.JSONField(default=list, blank=True)
    # Set when dedup merges this record into another: the survivor is the one person that
    # programmes count. Kept flat (never a chain) so "who is this really" is one lookup.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records",
        verbose_name=_("digabung ke"),
    )

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("orang")
        verbose_name_plural = _("orang")
        indexes = [
            models.Index(fields=["region"], name="person_region_idx", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nik__regex=r"^[0-9]{16}$"), name="person_nik_16_digits",
                violation_error_message=_("NIK harus 16 angka."),
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")), name="person_not_merged_into_self",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.full_name)
        super().save(*args, **kwargs)

    @property
    def identity_id(self) -> int:
        """The id of the person this record stands for: the survivor if merged, else itself."""
        return self.merged_into_id or self.pk


class Koperasi(Located, Stamped):
    class Type(models.TextChoices):
        SAVINGS = "simpan_pinjam", _("Simpan pinjam")
        CONSUMER = "konsumen", _("Konsumen")
        PRODUCER = "produsen", _("Produsen")
        MARKETING = "pemasaran", _("Pemasaran")
        SERVICES = "jasa", _("Jasa")

    name = models.CharField(_("nama koperasi"), max_length=200)
    legal_number = models.CharField(_("nomor badan hukum"), max_length=100, blank=True)
    type = models.CharField(_("jenis koperasi"), max_length=20, choices=Type.choices)
    members = models.PositiveIntegerField(_("jumlah anggota"), default=0)
    chair = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="chaired_koperasi",
        verbose_name=_("ketua"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("koperasi")
        verbose_name_plural = _("koperasi")
        indexes = [models.Index(fields=["region"], name="koperasi_region_idx", opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.UniqueConstraint(
                fields=["legal_number"], condition=~models.Q(legal_number=""), name="koperasi_legal_number_unique",
                violation_error_message=_("Nomor badan hukum ini sudah dipakai koperasi lain. Periksa kembali nomornya."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Business(Located, Stamped):
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("pemilik"))
    name = models.CharField(_("nama usaha"), max_length=150)
    affected_group = models.PositiveSmallIntegerField(_("kelompok terdampak"), choices=AffectedGroup.choices)
    kbli_section = models.CharField(_("kategori KBLI 2020"), max_length=1, choices=KbliSection.choices)
    # PP 7/2021: capital excludes land and buildings; sales are yearly. Both in Rupiah.
    capital = models.BigIntegerField(_("modal usaha (Rp)"), null=True, blank=True, validators=[MinValueValidator(0)])
    annual_sales = models.BigIntegerField(
        _("hasil penjualan tahunan (Rp)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    size = models.CharField(_("skala usaha"), max_length=10, choices=BusinessSize.choices, blank=True, editable=False)
    employees_before = models.PositiveIntegerField(_("karyawan sebelum pandemi"), null=True, blank=True)
    employees_now = models.PositiveIntegerField(_("karyawan sekarang"), null=True, blank=True)
    revenue_before = models.BigIntegerField(
        _("omzet per bulan sebelum pandemi (Rp)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    revenue_now = models.BigIntegerField(
        _("omzet per bulan sekarang (Rp)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    impacts = models.JSONField(_("dampak"), default=list, blank=True)
    impact_note = models.TextField(_("keterangan dampak"), blank=True)
    products = models.TextField(_("produk/jasa"), blank=True)
    koperasi = models.ForeignKey(
        Koperasi, null=True, blank=True, on_delete=models.SET_NULL, related_name="member_businesses",
        verbose_name=_("anggota koperasi"),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("usaha")
        verbose_name_plural = _("usaha")
        indexes = [
            models.Index(fields=["region"], name="business_region_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["affected_group"], name="business_group_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(affected_group__gte=1, affected_group__lte=10), name="business_group_1_10"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from geliat.registry.sizing import business_size

        self.size = business_size(capital=self.capital, annual_sales=self.annual_sales)
        super().save(*args, **kwargs)


_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


def new_tracking_code() -> str:
    """``GLT-XXXX-XXXX`` from an alphabet without look-alike characters (40 bits)."""
    # One draw of 40 random bits, five per character (the alphabet has 32): imports make
    # thousands of codes, and a draw per character costs eight system calls each.
    bits = int.from_bytes(secrets.token_bytes(5), "big")
    chars = "".join(_CODE_ALPHABET[(bits >> shift) & 31] for shift in range(0, 40, 5))
    return f"GLT-{chars[:4]}-{chars[4:]}"


class Registration(models.Model):
    """One submission of a business for the registry, with its tracking code."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Diterima, menunggu verifikasi")

    tracking_code = models.CharField(_("kode pelacakan"), max_length=14, unique=True, default=new_tracking_code)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="registrations")
    channel = models.CharField(_("jalur"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_at = models.DateTimeField(_("persetujuan"), null=True, blank=True)
    consent_version = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pendaftaran")
        verbose_name_plural = _("pendaftaran")

    def __str__(self) -> str:
        return self.tracking_code
