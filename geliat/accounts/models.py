"""Users of Geliat: officers bound to a region node, agency (OPD) staff, coordinators."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geliat.wilayah.models import LEVEL_DEPTH, Level, Region


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Koordinator (BAPPEDA/Bagian Perekonomian)")
    OFFICER = "officer", _("Petugas wilayah")
    AGENCY = "agency", _("Staf OPD")


# Roles whose work needs the full NIK and phone (verifying identity, contacting owners).
PII_ROLES = frozenset({Role.COORDINATOR, Role.OFFICER, Role.AGENCY})


class Agency(models.Model):
    """A regency agency (OPD) such as Dinas Koperasi dan Usaha Mikro."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")

    def __str__(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """An account. ``region`` is the node the user serves: they see what lies inside it."""

    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)
    phone = models.CharField(_("no. HP/WA"), max_length=20, blank=True)
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.OFFICER)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("wilayah tugas"),
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("OPD"),
    )
    # An administrator of a level manages the accounts of the levels below, in their region.
    can_manage_accounts = models.BooleanField(_("pengelola akun"), default=False)
    created_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A new or reset account gets a one-time activation code; only its hash is kept.
    activation_hash = models.CharField(max_length=64, blank=True, editable=False)
    activation_expires = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="agency") | models.Q(agency__isnull=False),
                name="agency_user_has_agency",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self):
        """Role, agency and region must agree: OPD staff name their OPD, coordinators sit at the regency."""
        super().clean()
        errors = {}
        if self.role == Role.AGENCY and not self.agency_id:
            errors["agency"] = _("Staf OPD harus memilih OPD tempatnya bekerja.")
        if self.role != Role.AGENCY and self.agency_id:
            errors["agency"] = _("OPD hanya diisi untuk akun staf OPD.")
        if self.role == Role.COORDINATOR and self.region_id and self.region.level != Level.KABUPATEN:
            errors["region"] = _("Koordinator bertugas di tingkat kabupaten.")
        if errors:
            raise ValidationError(errors)

    @property
    def level(self) -> str | None:
        return self.region.level if self.region_id else None

    @property
    def level_depth(self) -> int:
        return LEVEL_DEPTH[Level(self.region.level)] if self.region_id else 0

    @property
    def needs_pii(self) -> bool:
        """Whether this role's work needs unmasked NIK and phone (always audited)."""
        return self.is_active and (self.is_superuser or self.role in PII_ROLES)

    def issue_activation_code(self, *, days: int) -> str:
        """Set and return a fresh one-time activation code; the password stops working."""
        code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
        self.activation_hash = hashlib.sha256(code.encode()).hexdigest()
        self.activation_expires = timezone.now() + timedelta(days=days)
        self.set_unusable_password()
        return code

    @property
    def activation_pending(self) -> bool:
        return bool(self.activation_hash)

    @property
    def activation_expired(self) -> bool:
        return self.activation_expires is None or self.activation_expires < timezone.now()

    def activation_code_matches(self, code: str) -> bool:
        """Whether ``code`` is the one issued, expired or not (to tell the two apart)."""
        if not self.activation_hash:
            return False
        digest = hashlib.sha256(code.strip().upper().encode()).hexdigest()
        return secrets.compare_digest(digest, self.activation_hash)

    def check_activation_code(self, code: str) -> bool:
        return self.activation_code_matches(code) and not self.activation_expired

    def clear_activation_code(self) -> None:
        self.activation_hash = ""
        self.activation_expires = None
