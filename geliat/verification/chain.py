"""The chain of levels a record climbs, derived from its region code and its desa's rule."""

from django.utils.translation import gettext_lazy as _

from geliat.wilayah.models import Level

# Why a level is skipped; stored as codes, shown through this table.
SKIP_REASONS = {
    "desa_rt": _("Desa memverifikasi untuk RT (tidak ada petugas RT)."),
    "desa_rw": _("Desa memverifikasi untuk RW (tidak ada petugas RW)."),
    "desa_dusun": _("Desa memverifikasi untuk dusun."),
    "no_rt": _("Alamat belum sampai RT yang terdaftar di desa."),
    "no_rw": _("Alamat belum sampai RW yang terdaftar di desa."),
    "kelurahan": _("Kelurahan tidak memiliki dusun."),
    "no_dusun": _("RW ini tidak berada di bawah dusun."),
    "imported_desa": _("Diimpor oleh petugas desa: tingkat di bawahnya tidak diminta lagi."),
    "imported_kecamatan": _("Diimpor oleh petugas kecamatan: tingkat di bawahnya tidak diminta lagi."),
    "imported_kabupaten": _("Diimpor oleh petugas kabupaten: tingkat di bawahnya tidak diminta lagi."),
    "imported_dusun": _("Diimpor oleh petugas dusun: tingkat di bawahnya tidak diminta lagi."),
    "imported_rw": _("Diimpor oleh petugas RW: tingkat di bawahnya tidak diminta lagi."),
}


def _unit_prefix(parts: list[str], marker: str) -> str:
    """The code up to and including the first segment starting with ``marker`` ("" if none)."""
    for index, part in enumerate(parts[4:], start=4):
        if part.startswith(marker) and part[len(marker):].isdigit():
            return ".".join(parts[: index + 1])
    return ""


def chain_for(region_code: str, *, rule=None, start_level: str | None = None) -> list[dict]:
    """One step per level, RT first: ``{"level", "node", "skip"}``; ``skip`` is a reason code or "".

    ``region_code`` is the record's deepest known node (desa or a unit below it).
    ``start_level``: records brought in by an officer of that level (an import) start there;
    the levels below are recorded as skipped, with the importer's level as the reason.
    """
    parts = region_code.split(".")
    if len(parts) < 4:
        raise ValueError(f"a verification chain needs a desa or deeper: {region_code!r}")
    desa = ".".join(parts[:4])
    is_kelurahan = parts[3].startswith("1")
    nodes = {
        Level.RT: _unit_prefix(parts, "RT"),
        Level.RW: _unit_prefix(parts, "RW"),
        Level.DUSUN: _unit_prefix(parts, "D"),
        Level.DESA: desa,
        Level.KECAMATAN: ".".join(parts[:3]),
        Level.KABUPATEN: ".".join(parts[:2]),
    }
    delegated = {
        Level.RT: rule is not None and rule.desa_verifies_rt,
        Level.RW: rule is not None and rule.desa_verifies_rw,
        Level.DUSUN: rule is not None and rule.desa_verifies_dusun,
    }
    missing = {Level.RT: "no_rt", Level.RW: "no_rw", Level.DUSUN: "kelurahan" if is_kelurahan else "no_dusun"}
    order = (Level.RT, Level.RW, Level.DUSUN, Level.DESA, Level.KECAMATAN, Level.KABUPATEN)
    below_start = set(order[: order.index(Level(start_level))]) if start_level in order else set()
    steps = []
    for level in order:
        skip = ""
        if level in below_start:
            skip = f"imported_{start_level}"
        elif delegated.get(level):
            skip = f"desa_{level}"
        elif not nodes[level]:
            skip = missing[level]
        steps.append({"level": str(level), "node": "" if skip else nodes[level], "skip": skip})
    return steps


def skip_reason(code: str) -> str:
    return str(SKIP_REASONS.get(code, code))
