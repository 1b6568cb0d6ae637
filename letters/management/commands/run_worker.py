"""The task worker, kept running through database restarts: `manage.py run_worker` (django-tasks-db's db_worker).

django-tasks-db's worker loop ends with an exception the first time the database cannot be reached (PostgreSQL
restarting, a failover, a network blip), which left emails queued until someone restarted it. This command runs the
library's own Worker — same options, same task handling — and when its loop fails it closes the broken
connections, waits (1 s, 2 s, 4 s … up to --max-backoff) and starts the loop again. On each (re)start it also
releases what a killed worker left behind (emails claimed by a dead worker, task rows left "running"; see
letters.emails.core.sweep) and hands the released emails back to the queue.

Ctrl-C / SIGTERM stop it as they stop db_worker (a running task finishes first). Run it under something that
restarts a process that exits anyway (docker-compose `restart: unless-stopped`, systemd `Restart=always`).
"""

import logging
import os
import time

from django.db import Error as DatabaseLibraryError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from letters.emails.core import _enqueue, reset_connections, sweep

logger = logging.getLogger("django_tasks_db")

# A loop that ran this long before failing counts as recovered: the next wait starts again from 1 s.
HEALTHY_SECONDS = 60


class ResilientWorker(Worker):
    def __init__(self, *, max_backoff, **kwargs):
        super().__init__(**kwargs)
        self.max_backoff = max_backoff

    def run(self):
        failures = 0
        while self.running:
            started = time.monotonic()
            try:
                self.recover()
                return super().run()  # returns only in --batch / --max-tasks mode; SIGTERM exits the process
            except DatabaseLibraryError as error:
                reason = f"database unavailable ({type(error).__name__}: {str(error).strip()[:300]})"
            except Exception as error:  # noqa: BLE001 - a supervisor keeps going; the traceback is logged
                logger.exception("task worker loop failed")
                reason = f"{type(error).__name__}: {error}"
            finally:
                self.running_task = False
            if time.monotonic() - started > HEALTHY_SECONDS:
                failures = 0
            delay = min(self.max_backoff, 2**failures)
            failures += 1
            logger.warning("Worker %s: %s; starting again in %s s", self.worker_id, reason, delay)
            reset_connections()
            time.sleep(delay)

    def recover(self):
        """Release claims and task rows left by a worker that died, and queue the released emails again."""
        for email_id in sweep():
            _enqueue(email_id)


class Command(DbWorkerCommand):
    help = (
        "Run the database task worker (django-tasks-db's db_worker) and keep it running through database restarts "
        "and network blips: it reconnects with back-off instead of exiting."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--max-backoff", type=float, default=30,
            help="Longest wait, in seconds, before trying again after the database failed (default: %(default)s).",
        )

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, max_backoff, **options):
        # As db_worker's handle(), with the resilient worker.
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            max_backoff=max_backoff,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
