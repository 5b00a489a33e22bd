"""Writes on accounts: creation down the hierarchy, activation, deactivation, API tokens, imports.

Passwords are never handed around: a new or reset account gets a one-time activation
code, shown once to the administrator, and the officer sets their own password with
it. Audit snapshots leave out the password hash and the activation code's hash.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from geliat.accounts.models import Agency, Role, User
from geliat.accounts.selectors import (
    account_manageable,
    is_account_manager,
    region_trails,
    users_for_user,
)
from geliat.accounts.spreadsheet import OfficerRow
from geliat.audit.models import AuditEvent
from geliat.audit.services import audit_object, audit_record, model_snapshot, snapshot_diff
from geliat.core.phones import phone_check
from geliat.core.scope import user_covers
from geliat.wilayah.models import LEVEL_DEPTH, Level, Region
from geliat.wilayah.selectors import region_match
from geliat.wilayah.services import unit_get_or_create
from geliat.wilayah.text import name_key

# What the audit trail keeps of an account: never the password or activation hashes.
AUDIT_FIELDS = [
    "username", "full_name", "phone", "role", "region", "agency",
    "is_active", "can_manage_accounts", "activation_expires",
]
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,29}")
# Honorifics that would otherwise become everyone's username ("h.ahmad", "hj.siti").
_NAME_TITLES = frozenset({"h", "hj", "kh", "dr", "drs", "dra", "ir", "prof", "bpk", "bapak", "ibu", "sdr", "sdri"})


def _snapshot(user: User) -> dict:
    return model_snapshot(user, AUDIT_FIELDS)


def _activation_days() -> int:
    return settings.GELIAT_ACTIVATION_DAYS


def _scope_error(actor, region: Region | None, role: str) -> ValidationError:
    if region is None:
        return ValidationError(_("Pilih wilayah tugas akun ini."))
    trails = region_trails([region.code, actor.region_id])
    own = trails.get(actor.region_id, _("wilayah Anda"))
    if not user_covers(actor, region.code):
        return ValidationError(
            _("%(region)s berada di luar wilayah Anda (%(own)s); akun ini tidak dapat Anda buat.")
            % {"region": trails[region.code], "own": own}
        )
    if role == Role.AGENCY:
        return ValidationError(_("Akun staf OPD hanya dapat dibuat oleh pengelola akun tingkat kabupaten."))
    return ValidationError(
        _("Anda hanya dapat membuat akun untuk tingkat di bawah %(own)s; akun tingkat %(level)s "
          "dibuat oleh pengelola di atasnya.")
        % {"own": own, "level": region.get_level_display()}
    )


def username_suggest(full_name: str) -> str:
    """A free, readable username from a name: "H. Budi Santoso, S.Pd" → ``budi.santoso`` (or ``budi.santoso2``)."""
    # Degrees follow a comma; honorifics come first.
    words = [name_key(word) for word in full_name.split(",")[0].split()]
    words = [word for word in words if word and word not in _NAME_TITLES]
    base = ".".join(words[:2])[:24].strip(".")
    if len(base) < 3:
        base = f"petugas.{base}" if base else "petugas"
    candidates = [base, *(f"{base}{number}" for number in range(2, 10))]
    # Exact matches ride the unique index; the prefix scan is only for very common names.
    taken = set(User.objects.filter(username__in=candidates).values_list("username", flat=True))
    if len(taken) == len(candidates):
        taken = set(
            User.objects.filter(username__istartswith=base).annotate(low=Lower("username")).values_list("low", flat=True)
        )
    number = 1
    while (candidate := base if number == 1 else f"{base}{number}") in taken:
        number += 1
    return candidate


def _username_clean(username: str, full_name: str) -> str:
    username = username.strip().lower()
    if not username:
        return username_suggest(full_name)
    if not USERNAME_RE.fullmatch(username):
        raise ValidationError({"username": _(
            "Nama pengguna \"%(value)s\" tidak dapat dipakai: gunakan 3–30 huruf kecil, angka, titik, "
            "garis bawah atau tanda minus, misalnya budi.santoso."
        ) % {"value": username}})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _(
            "Nama pengguna \"%(value)s\" sudah dipakai akun lain. Pilih nama pengguna lain atau kosongkan agar dibuatkan."
        ) % {"value": username}})
    return username


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    phone: str,
    role: str,
    region: Region | None,
    agency: Agency | None = None,
    can_manage_accounts: bool = False,
    request=None,
) -> tuple[User, str]:
    """Create an account below ``actor`` and return it with its one-time activation code."""
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError({"full_name": _("Nama wajib diisi.")})
    if len(full_name) > 150:
        raise ValidationError({"full_name": _("Nama terlalu panjang: maksimal 150 huruf.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Peran tidak dikenal.")})
    if not account_manageable(actor=actor, region=region, role=role):
        raise _scope_error(actor, region, role)
    checked_phone = phone_check(phone or "")
    if not checked_phone.valid:
        raise ValidationError({"phone": checked_phone.errors})
    user = User(
        username=_username_clean(username, full_name),
        full_name=full_name,
        phone=checked_phone.e164 or "",
        role=role,
        region=region,
        agency=agency if role == Role.AGENCY else None,
        can_manage_accounts=can_manage_accounts,
        created_by=actor if actor.is_authenticated else None,
    )
    user.clean()
    code = user.issue_activation_code(days=_activation_days())
    try:
        user.save(force_insert=True)
    except IntegrityError as exc:
        # Another request took the username between the check and the insert; this
        # function's transaction rolls back as the error leaves it.
        raise ValidationError({"username": _(
            "Nama pengguna \"%(value)s\" baru saja dipakai akun lain. Coba lagi."
        ) % {"value": user.username}}) from exc
    audit_object(actor=actor, action=AuditEvent.Action.CREATE, obj=user, after=_snapshot(user), request=request)
    return user, code


def _require_manageable(actor, user: User) -> None:
    if not users_for_user(viewer=actor).filter(pk=user.pk).exists():
        raise PermissionDenied


def _account_save(*, actor, user: User, before: dict, note: str, request) -> None:
    """Save a change made to ``user``, drop their API token, and audit before/after."""
    user.save()
    # A deactivated or reset account must not keep working through the API either.
    Token.objects.filter(user=user).delete()
    old, new = snapshot_diff(before, _snapshot(user))
    audit_object(actor=actor, action=AuditEvent.Action.ACCOUNT, obj=user, before=old, after=new, note=note, request=request)


@transaction.atomic
def user_deactivate(*, actor, user: User, request=None) -> User:
    """Switch an account off: it can no longer log in, activate or use its API token.

    A pending activation code is kept (activation requires an active account), so a
    reactivated account that never activated can still do so while the code lasts.
    """
    _require_manageable(actor, user)
    before = _snapshot(user)
    user.is_active = False
    _account_save(actor=actor, user=user, before=before, note=_("Akun dinonaktifkan"), request=request)
    return user


@transaction.atomic
def user_reactivate(*, actor, user: User, request=None) -> User:
    """Switch an account back on; its password (if set) works again."""
    _require_manageable(actor, user)
    before = _snapshot(user)
    user.is_active = True
    _account_save(actor=actor, user=user, before=before, note=_("Akun diaktifkan kembali"), request=request)
    return user


@transaction.atomic
def user_reset(*, actor, user: User, request=None) -> str:
    """Issue a new activation code; the old password, sessions and API token stop working."""
    _require_manageable(actor, user)
    if not user.is_active:
        raise ValidationError(_("Akun ini nonaktif. Aktifkan kembali dulu, lalu terbitkan kode aktivasi baru."))
    before = _snapshot(user)
    code = user.issue_activation_code(days=_activation_days())
    _account_save(
        actor=actor, user=user, before=before,
        note=_("Kode aktivasi baru diterbitkan; sandi lama tidak berlaku lagi"), request=request,
    )
    return code


@transaction.atomic
def user_activate(*, username: str, code: str, password: str, request=None) -> User:
    """Set the password of an account waiting for activation, with its one-time code."""
    user = (
        User.objects.select_for_update()
        .filter(username__iexact=username.strip(), is_active=True)
        .exclude(activation_hash="")
        .first()
    )
    # A wrong username and a wrong code get the same answer, so neither can be probed.
    if user is None or not user.activation_code_matches(code):
        raise ValidationError({"code": _(
            "Nama pengguna atau kode aktivasi salah. Periksa kembali pesan dari pengelola akun Anda."
        )})
    if user.activation_expired:
        raise ValidationError({"code": _(
            "Kode aktivasi ini sudah kedaluwarsa. Minta kode baru kepada pengelola akun Anda."
        )})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    before = _snapshot(user)
    user.set_password(password)
    user.clear_activation_code()
    user.save()
    old, new = snapshot_diff(before, _snapshot(user))
    audit_object(
        actor=user, action=AuditEvent.Action.ACCOUNT, obj=user, before=old, after=new,
        note=_("Akun diaktifkan dengan kode aktivasi; sandi dibuat pemiliknya"), request=request,
    )
    return user


@transaction.atomic
def token_rotate(*, user: User, request=None) -> str:
    """Give ``user`` a new API token (replacing any old one) and return its key."""
    replaced = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    # The key is a credential: the audit names the account, never the key.
    audit_record(
        actor=user, action=AuditEvent.Action.ACCOUNT, object_type=User._meta.label_lower,
        object_id=user.pk, region_code=user.region_id or "",
        note=_("Token API diganti") if replaced else _("Token API dibuat"), request=request,
    )
    return token.key


@transaction.atomic
def token_revoke(*, user: User, request=None) -> bool:
    """Delete ``user``'s API token; False when there was none."""
    if not Token.objects.filter(user=user).delete()[0]:
        return False
    audit_record(
        actor=user, action=AuditEvent.Action.ACCOUNT, object_type=User._meta.label_lower,
        object_id=user.pk, region_code=user.region_id or "", note=_("Token API dicabut"), request=request,
    )
    return True


# Region of an officer, from names and numbers as a form or spreadsheet gives them.

_LEVEL_WORDS = {
    "rt": Level.RT, "ketuart": Level.RT,
    "rw": Level.RW, "ketuarw": Level.RW,
    "dusun": Level.DUSUN, "kasun": Level.DUSUN, "kepaladusun": Level.DUSUN,
    "desa": Level.DESA, "kelurahan": Level.DESA, "desakelurahan": Level.DESA,
    "kecamatan": Level.KECAMATAN,
    "kabupaten": Level.KABUPATEN,
}


def level_parse(text: str) -> str | None:
    """``"RT"``, ``"Ketua RT"``, ``"Desa/Kelurahan"`` → a ``Level``; None when not understood."""
    return _LEVEL_WORDS.get(name_key(text))


def _named_region(*, actor, level: str, name: str, within: Region, memo: dict) -> Region:
    """The kecamatan/desa ``name`` inside ``within``; blank means the actor's own."""
    label = Level(level).label
    if not name:
        if not (actor.region_id and actor.level_depth >= LEVEL_DEPTH[level]):
            raise ValidationError({level: _("Kolom %(label)s wajib diisi.") % {"label": label}})
        code = ".".join(actor.region_id.split(".")[: LEVEL_DEPTH[level]])
        if not within.contains(code):
            raise ValidationError({level: _(
                "Kolom %(label)s kosong, tetapi %(label)s Anda tidak berada di %(within)s: isi kolom %(label)s."
            ) % {"label": label, "within": within.label}})
        if code not in memo:
            memo[code] = Region.objects.get(code=code)
        return memo[code]
    key = (level, within.code, name_key(name))
    if key not in memo:
        memo[key] = region_match(name=name, level=level, within=within.code)
    if memo[key] is None:
        raise ValidationError({level: _(
            "%(label)s \"%(name)s\" tidak ditemukan di %(within)s (atau namanya tidak unik). "
            "Periksa ejaannya atau isi kolom Kecamatan."
        ) % {"label": label, "name": name, "within": within.label}})
    return memo[key]


def officer_region_resolve(
    *, actor, level: str, kecamatan: str = "", desa: str = "", dusun: str = "",
    rw: str = "", rt: str = "", memo: dict | None = None,
) -> Region:
    """The node an officer at ``level`` serves, from names and numbers as written.

    Kecamatan and desa are found by name inside the regency (left blank: the actor's
    own); dusun, RW and RT below the desa are added when new. ``memo`` caches the
    name look-ups across the rows of one import.
    """
    memo = {} if memo is None else memo
    if "regency" not in memo:
        memo["regency"] = Region.objects.get(code=settings.GELIAT_REGENCY_CODE)
    regency = memo["regency"]
    if level == Level.KABUPATEN:
        return regency
    within = regency
    # Without a kecamatan, a regency-level actor's desa is looked for in the whole regency.
    if kecamatan or level == Level.KECAMATAN or actor.level_depth >= LEVEL_DEPTH[Level.KECAMATAN]:
        within = _named_region(actor=actor, level=Level.KECAMATAN, name=kecamatan, within=regency, memo=memo)
    if level == Level.KECAMATAN:
        return within
    desa_region = _named_region(actor=actor, level=Level.DESA, name=desa, within=within, memo=memo)
    if level == Level.DESA:
        if dusun or rw or rt:
            raise ValidationError({"level": _(
                "Tingkat Desa, tetapi Dusun/RW/RT diisi: kosongkan kolom itu atau ubah Tingkat."
            )})
        return desa_region
    required = {Level.DUSUN: ("dusun", dusun), Level.RW: ("rw", rw), Level.RT: ("rt", rt)}[level]
    if not required[1]:
        raise ValidationError({required[0]: _("Kolom %(label)s wajib diisi untuk tingkat %(label)s.") % {"label": Level(level).label}})
    if (level == Level.DUSUN and (rw or rt)) or (level == Level.RW and rt):
        raise ValidationError({"level": _(
            "Tingkat %(level)s, tetapi kolom di bawahnya (RW/RT) diisi: kosongkan kolom itu atau ubah Tingkat."
        ) % {"level": Level(level).label}})
    return unit_get_or_create(desa=desa_region, dusun=dusun or None, rw=rw or None, rt=rt or None, actor=actor)


@transaction.atomic
def user_create_at(
    *,
    actor,
    level: str,
    kecamatan: str = "",
    desa: str = "",
    dusun: str = "",
    rw: str = "",
    rt: str = "",
    username: str,
    full_name: str,
    phone: str,
    role: str,
    agency: Agency | None = None,
    can_manage_accounts: bool = False,
    memo: dict | None = None,
    request=None,
) -> tuple[User, str]:
    """:func:`user_create` at the node named as in a form or sheet; units it adds roll back with it."""
    region = officer_region_resolve(
        actor=actor, level=level, kecamatan=kecamatan, desa=desa, dusun=dusun, rw=rw, rt=rt, memo=memo
    )
    return user_create(
        actor=actor, username=username, full_name=full_name, phone=phone, role=role, region=region,
        agency=agency, can_manage_accounts=can_manage_accounts, request=request,
    )


# Spreadsheet import.

IMPORT_BATCH = 200

@dataclass
class ImportOutcome:
    """What became of one spreadsheet row: an account and its code, or the reason it was refused."""

    row: OfficerRow
    user: User | None = None
    code: str = ""
    reason: str = ""

    @property
    def created(self) -> bool:
        return self.user is not None


def _row_level(row: OfficerRow) -> str:
    if row.level:
        level = level_parse(row.level)
        if level is None:
            raise ValidationError({"level": _(
                "Tingkat \"%(value)s\" tidak dikenal: isi RT, RW, Dusun, Desa, Kecamatan atau Kabupaten."
            ) % {"value": row.level}})
        return level
    for level, value in ((Level.RT, row.rt), (Level.RW, row.rw), (Level.DUSUN, row.dusun),
                         (Level.DESA, row.desa), (Level.KECAMATAN, row.kecamatan)):
        if value:
            return level
    raise ValidationError({"level": _("Isi kolom Tingkat, atau kolom wilayahnya (Kecamatan, Desa, Dusun, RW, RT).")})


def _officer_row_create(*, actor, row: OfficerRow, memo: dict, request) -> tuple[User, str]:
    if not row.name:
        raise ValidationError({"full_name": _("Kolom Nama kosong.")})
    return user_create_at(
        actor=actor, level=_row_level(row), kecamatan=row.kecamatan, desa=row.desa,
        dusun=row.dusun, rw=row.rw, rt=row.rt, memo=memo,
        username=row.username, full_name=row.name, phone=row.phone, role=Role.OFFICER, request=request,
    )


def officers_import(*, actor, rows: list[OfficerRow], request=None) -> list[ImportOutcome]:
    """Create an officer account for each row, each in its own transaction.

    A refused row is rolled back alone (units it would have added included) and
    reported with its reason; the others go ahead.
    """
    if not is_account_manager(actor):
        raise PermissionDenied
    memo: dict = {}
    outcomes = []
    for start in range(0, len(rows), IMPORT_BATCH):
        # Each row is its own atomic unit (a savepoint inside the batch); committing per
        # batch rather than per row keeps thousands of rows within one request, and
        # locks last one batch only.
        with transaction.atomic():
            for row in rows[start : start + IMPORT_BATCH]:
                try:
                    user, code = _officer_row_create(actor=actor, row=row, memo=memo, request=request)
                except ValidationError as exc:
                    outcomes.append(ImportOutcome(row=row, reason=" ".join(exc.messages)))
                else:
                    outcomes.append(ImportOutcome(row=row, user=user, code=code))
    created = sum(outcome.created for outcome in outcomes)
    audit_record(
        actor=actor, action=AuditEvent.Action.ACCOUNT, object_type=User._meta.label_lower,
        region_code=actor.region_id or "",
        after={"rows": len(outcomes), "created": created, "rejected": len(outcomes) - created},
        note=_("Impor akun petugas dari spreadsheet"), request=request,
    )
    return outcomes
