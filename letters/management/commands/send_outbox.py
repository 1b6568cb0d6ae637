import logging
import time

from django.core.management.base import BaseCommand

from letters.emails.core import reset_connections, send_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send queued emails whose time has come (retries after an SMTP outage). Use --loop to keep running."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep sweeping every --interval seconds.")
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args, **options):
        while True:
            try:
                sent = send_due()  # also releases emails and tasks left claimed or running by a killed worker
            except Exception:
                if not options["loop"]:
                    raise
                # --loop keeps going through a database restart or network blip, like run_scheduler.
                logger.exception("outbox sweep failed; trying again in %s s", options["interval"])
                reset_connections()
                sent = 0
            if sent or options["verbosity"] > 1:
                self.stdout.write(f"sent {sent} email(s)")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
