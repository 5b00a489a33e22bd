"""Service levels of verification: how long a record has waited at its level, and telling
officers when it waits too long (``settings.GELIAT_VERIFICATION_SLA_DAYS``, days per level).

An overdue record is told once per stay at a level: to the officers of the node it waits
at and to those of the next level up its chain, in the app, with a link to the record.
Officers of the level above also get a wa.me link to remind the waiting officer (shown
while Geliat has no WhatsApp gateway). What goes out by e-mail/WhatsApp is one summary per
officer per run, not one message per record: a backlog of hundreds must not become
hundreds of messages on a phone.
"""

import dataclasses
import datetime
import itertools

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from geliat.accounts.models import Role, User
from geliat.audit.models import AuditEvent
from geliat.audit.services import audit_record
from geliat.notifications import channels
from geliat.notifications.models import Notification
from geliat.notifications.services import Message, notifications_send
from geliat.verification import selectors
from geliat.verification.models import Verification
from geliat.wilayah.models import Level, Region

KIND = "verification_sla"
SUMMARY_KIND = "verification_sla_summary"
_CHUNK = 1000


def record_link(verification_id: int) -> str:
    """The officers' page of one record (served by the verification pages at /verifikasi/)."""
    return f"/verifikasi/{verification_id}/"


@dataclasses.dataclass
class SlaResult:
    overdue: int = 0  # records waiting longer than their level allows
    already_told: int = 0  # of those, told before during this stay at the level
    told: int = 0  # records whose officers were told in this run
    notifications: int = 0  # notifications created, per record and officer plus summaries
    officers: int = 0  # officers told
    # Nodes holding overdue records with no active officer: nobody can act on them.
    unstaffed: list[str] = dataclasses.field(default_factory=list)


def sla_state(verification: Verification, *, now: datetime.datetime | None = None) -> tuple[int, bool]:
    """(whole days waited at the current level, whether that is past the level's limit)."""
    waited = (now or timezone.now()) - verification.waiting_since
    limit = settings.GELIAT_VERIFICATION_SLA_DAYS.get(verification.level)
    overdue = verification.status == Verification.Status.WAITING and limit is not None and waited > datetime.timedelta(days=limit)
    return waited.days, overdue


def _key(pk: int, level: str, waiting_since: datetime.datetime) -> str:
    # A new stay at a level (after an approval below, a send-back or a correction) has a new
    # ``waiting_since``, so it is told again.
    return f"sla:{pk}:{level}:{int(waiting_since.timestamp())}"


def _node_above(chain: list[dict], step: int) -> str:
    """The node of the next level that acts after ``step`` ("" at the top)."""
    return next((s["node"] for s in chain[step + 1 :] if not s["skip"]), "")


class _Officers:
    """Active officers per node, looked up once per node in a run."""

    def __init__(self):
        self.by_node: dict[str, list[tuple[int, str]]] = {}
        self.labels: dict[str, str] = {}
        self.unstaffed: set[str] = set()

    def load(self, nodes: set[str]) -> None:
        missing = nodes - self.by_node.keys()
        if not missing:
            return
        for node in missing:
            self.by_node[node] = []
        officers = User.objects.filter(role=Role.OFFICER, is_active=True, region_id__in=missing).order_by("pk")
        for node, pk, phone in officers.values_list("region_id", "pk", "phone"):
            self.by_node[node].append((pk, channels.whatsapp_number(phone)))
        self.labels.update((region.code, region.label) for region in Region.objects.filter(code__in=missing))

    def ids(self, node: str) -> list[int]:
        return [pk for pk, _number in self.by_node.get(node, [])]

    def first_number(self, node: str) -> str:
        return next((number for _pk, number in self.by_node.get(node, []) if number), "")


def _message(row, *, node_label: str, now, sla_days, users, whatsapp_to="") -> Message:
    """The same words for the waiting officers and the level above: the latter may forward them."""
    return Message(
        users=users, kind=KIND, link=record_link(row.pk), key=_key(row.pk, row.level, row.waiting_since),
        whatsapp_to=whatsapp_to,
        title=_("Verifikasi terlambat: %(code)s") % {"code": row.registration__tracking_code},
        body=_(
            "Usaha «%(business)s» menunggu verifikasi tingkat %(level)s (%(node)s) selama %(days)d hari, "
            "melewati batas %(limit)d hari. Mohon segera diputuskan."
        ) % {
            "business": row.registration__business__name, "level": Level(row.level).label, "node": node_label,
            "days": (now - row.waiting_since).days, "limit": sla_days[row.level],
        },
    )


def _tell_chunk(rows: list, *, now, sla_days, officers: _Officers, result: SlaResult, told_per_user: dict) -> None:
    keys = {_key(row.pk, row.level, row.waiting_since): row for row in rows}
    told_before = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True).distinct())
    result.already_told += len(told_before)
    fresh = [row for key, row in keys.items() if key not in told_before]
    officers.load({row.node_code for row in fresh} | {_node_above(row.chain, row.step) for row in fresh} - {""})
    messages = []
    for row in fresh:
        node, above = row.node_code, _node_above(row.chain, row.step)
        waiting_officers, above_officers = officers.ids(node), officers.ids(above)
        if not waiting_officers:
            officers.unstaffed.add(node)
        if not (waiting_officers or above_officers):
            continue  # nobody to tell; told once somebody serves here (no key is kept)
        label = officers.labels.get(node, node)
        if waiting_officers:
            messages.append(_message(row, node_label=label, now=now, sla_days=sla_days, users=waiting_officers))
        if above_officers:
            messages.append(
                _message(
                    row, node_label=label, now=now, sla_days=sla_days, users=above_officers,
                    whatsapp_to=officers.first_number(node),
                )
            )
        result.told += 1
        for user_id in {*waiting_officers, *above_officers}:
            told_per_user[user_id] = told_per_user.get(user_id, 0) + 1
    result.notifications += len(notifications_send(messages=messages, send=False))


def _summaries(told_per_user: dict[int, int]) -> list[Message]:
    return [
        Message(
            users=[user_id], kind=SUMMARY_KIND, link="/notifikasi/?belum=1",
            title=ngettext(
                "%(count)d data verifikasi terlambat", "%(count)d data verifikasi terlambat", count
            ) % {"count": count},
            body=_(
                "Ada data di wilayah tugas Anda yang menunggu verifikasi melewati batas waktu. "
                "Daftarnya ada di notifikasi Geliat."
            ),
        )
        for user_id, count in told_per_user.items()
    ]


def sla_check(*, now: datetime.datetime | None = None) -> SlaResult:
    """Find overdue records and tell their officers and the level above, once per stay at a level."""
    now = now or timezone.now()
    sla_days = settings.GELIAT_VERIFICATION_SLA_DAYS
    result = SlaResult()
    officers = _Officers()
    told_per_user: dict[int, int] = {}
    rows = (
        selectors.overdue(sla_days=sla_days, now=now)
        .order_by("pk")
        .values_list(
            "pk", "level", "node_code", "step", "chain", "waiting_since",
            "registration__tracking_code", "registration__business__name", named=True,
        )
        .iterator(chunk_size=_CHUNK)
    )
    while chunk := list(itertools.islice(rows, _CHUNK)):
        result.overdue += len(chunk)
        # Each chunk commits on its own: what was told stays told if a later chunk fails.
        with transaction.atomic():
            _tell_chunk(chunk, now=now, sla_days=sla_days, officers=officers, result=result, told_per_user=told_per_user)
    result.officers = len(told_per_user)
    result.unstaffed = sorted(officers.unstaffed)
    if told_per_user:
        with transaction.atomic():
            if channels.email_enabled() or channels.whatsapp_configured():
                result.notifications += len(notifications_send(messages=_summaries(told_per_user), send=True))
            audit_record(
                actor="sistem", action=AuditEvent.Action.CREATE, object_type="notifications.notification",
                note=_("Pemberitahuan verifikasi terlambat"),
                after={key: value for key, value in dataclasses.asdict(result).items() if key != "unstaffed"},
            )
    return result


@task()
def verification_sla_task() -> dict:
    """``sla_check`` in the background (the nightly ``geliat verification_sla`` runs it in place)."""
    return dataclasses.asdict(sla_check())
