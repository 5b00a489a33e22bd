"""``geliat coordination_reports [--month YYYY-MM]``: queue last month's reports, one for
the regency and one per OPD (for a monthly cron)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from geliat.accounts.models import Agency
from geliat.coordination.services import report_job_create


class Command(BaseCommand):
    help = "Queue the monthly coordination reports: the regency's and each OPD's."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: last month)")

    def handle(self, *args, month: str | None = None, **options):
        if month:
            try:
                first = datetime.datetime.strptime(month, "%Y-%m").date()
            except ValueError as exc:
                raise CommandError("--month must look like 2026-05") from exc
        else:
            first = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        created = 0
        try:
            for agency in [None, *Agency.objects.order_by("code")]:
                report_job_create(actor="sistem", month=first, agency=agency)
                created += 1
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{created} reports queued for {first:%Y-%m}")
