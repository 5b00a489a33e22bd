"""``geliat coordination_refresh``: rebuild the summary tables behind dashboards, map and
open data now (cron, or after a large import); ``--queue`` leaves it to the task worker."""

from django.core.management.base import BaseCommand

from geliat.coordination.services import coordination_stats_refresh, stats_refresh_request


class Command(BaseCommand):
    help = "Rebuild the coordination summary tables (dashboards, map, reports, open data)."

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true", help="Queue it as a background task instead of running it here.")

    def handle(self, *args, queue: bool = False, **options):
        if queue:
            run = stats_refresh_request(actor="sistem")
            self.stdout.write(f"queued: run {run.pk} ({run.status})")
            return
        run = coordination_stats_refresh()
        self.stdout.write(f"{run.status}: {run.rows} rows in {run.seconds or 0:.1f} s")
