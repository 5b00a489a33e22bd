"""Regions: the Kemendagri tree down to desa, and the units a desa keeps below it.

A region's primary key is its dotted code. Units below desa extend their parent's
code (``35.14.01.2001.D01`` dusun, ``….RW001`` RW, ``….RW001.RT003`` RT), so every
region's code starts with the codes of all its ancestors and "inside region X" is a
prefix test on the code, with no join.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from geliat.wilayah.text import name_key


class Level(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten/Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa/Kelurahan")
    DUSUN = "dusun", _("Dusun")
    RW = "rw", _("RW")
    RT = "rt", _("RT")


# Depth in the tree; the order officers verify in runs from RT (deepest) upwards.
LEVEL_DEPTH = {
    Level.PROVINSI: 1,
    Level.KABUPATEN: 2,
    Level.KECAMATAN: 3,
    Level.DESA: 4,
    Level.DUSUN: 5,
    Level.RW: 6,
    Level.RT: 7,
}
UNIT_LEVELS = (Level.DUSUN, Level.RW, Level.RT)


class Region(models.Model):
    code = models.CharField(_("kode"), max_length=40, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Lower-case, letters and digits only: what searches compare.
    name_key = models.CharField(max_length=120, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        indexes = [
            # PostgreSQL needs pattern ops for LIKE 'prefix%' under a non-C collation;
            # other backends ignore opclasses.
            models.Index(fields=["code"], name="region_code_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "level"], name="region_parent_level_idx"),
        ]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return LEVEL_DEPTH[Level(self.level)]

    @property
    def is_kelurahan(self) -> bool:
        """A desa-level code whose last segment starts with 1 is a kelurahan (no dusun)."""
        return self.level == Level.DESA and self.code.rsplit(".", 1)[-1].startswith("1")

    @property
    def is_kota(self) -> bool:
        return self.level == Level.KABUPATEN and int(self.code.split(".")[1]) >= 71

    @property
    def label(self) -> str:
        if self.level == Level.DESA:
            return f"{'Kelurahan' if self.is_kelurahan else 'Desa'} {self.name}"
        if self.level == Level.KECAMATAN:
            return f"Kecamatan {self.name}"
        if self.level == Level.DUSUN:
            return f"Dusun {self.name}"
        return self.name

    def contains(self, code: str) -> bool:
        """True when ``code`` is this region or lies inside it."""
        return code == self.code or code.startswith(self.code + ".")

    def ancestor_codes(self) -> list[str]:
        """Codes of this region's ancestors, outermost first (derived from the code)."""
        parts = self.code.split(".")
        return [".".join(parts[:i]) for i in range(1, len(parts))]


class RegionAlias(models.Model):
    """Another spelling of a region's name (older editions, common variants)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=120)
    name_key = models.CharField(max_length=120, db_index=True, editable=False)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "name_key"], name="region_alias_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.region.name}"

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)
