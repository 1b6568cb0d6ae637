import time

from django.core.management.base import BaseCommand

from letters.emails.core import send_due


class Command(BaseCommand):
    help = "Send queued emails whose time has come (retries after an SMTP outage). Use --loop to keep running."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep sweeping every --interval seconds.")
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args, **options):
        while True:
            sent = send_due()
            if sent or options["verbosity"] > 1:
                self.stdout.write(f"sent {sent} email(s)")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
