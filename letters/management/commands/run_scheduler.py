"""A small scheduler for the outreach jobs, so a deployment needs no cron: `manage.py run_scheduler`."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import Error as DatabaseLibraryError
from django.db import close_old_connections

from letters.emails.core import reset_connections, send_due
from letters.models import ExportJob
from letters.ordering import key_changed_lists
from letters.services.confidential import publish_due
from letters.services.personal_data import apply_retention
from letters.services.reminders import send_digests, send_reminders

logger = logging.getLogger(__name__)

# (name, job, every N seconds). Every job is idempotent, so running it late, early or twice does no harm.
JOBS = [
    ("reminders", send_reminders, 15 * 60),
    ("digests", send_digests, 15 * 60),
    ("outbox sweep", send_due, 60),
    # Confidential letters are public from their date whatever this does; the job records it in their history.
    ("publication", publish_due, 60),
    # A head start for exports: the names of changed lists keyed in every language (each export checks anyway).
    ("sort keys", key_changed_lists, 5 * 60),
    # Off unless SIGNER_DATA_RETENTION_DAYS is set; once a day is enough for a limit counted in days.
    ("retention", apply_retention, 24 * 60 * 60),
    # Background export files older than EXPORT_JOB_KEEP_DAYS (they may hold signers' emails).
    ("export files", ExportJob.objects.prune, 60 * 60),
]


class Command(BaseCommand):
    help = ("Run the due jobs in a loop: reminders and digests every 15 minutes, the outbox sweep and the "
            "publication of confidential letters every minute, the sort keys of changed lists every 5 minutes, "
            "old background export files every hour, the retention of signers' data once a day.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and exit (for cron or tests).")
        parser.add_argument("--tick", type=float, default=30, help="Seconds between checks for due jobs.")
        parser.add_argument(
            "--sweep-every", type=float, default=60, help="Seconds between outbox sweeps (default: %(default)s)."
        )

    def handle(self, *args, **options):
        last_run = {}
        every_of = {"outbox sweep": options["sweep_every"]}
        while True:
            now = time.monotonic()
            for name, job, every in JOBS:
                every = every_of.get(name, every)
                if options["once"] or now - last_run.get(name, -every) >= every:
                    last_run[name] = now
                    self._run(name, job)
            if options["once"]:
                return
            time.sleep(options["tick"])
            # A long-running loop must not keep a connection the database has dropped meanwhile (a restart).
            try:
                close_old_connections()
            except Exception:  # noqa: BLE001 - closing a broken connection may itself fail; drop it regardless
                reset_connections()

    def _run(self, name, job):
        # A failing job (database restarting, a bad template) must not stop the others or the loop.
        try:
            result = job()
        except DatabaseLibraryError as error:
            # The database is restarting or unreachable: start from fresh connections at the next tick.
            logger.warning("scheduled job %s: database unavailable (%s); trying again later", name, error)
            reset_connections()
            return
        except Exception:  # noqa: BLE001
            logger.exception("scheduled job %s failed", name)
            return
        if result:
            self.stdout.write(f"{name}: {result}")
