from django.core.management.base import BaseCommand

from letters.services.reminders import send_digests


class Command(BaseCommand):
    help = (
        "Queue today's coordinator digests for letters set to a daily digest (from DIGEST_HOUR local time, "
        "default 8). Safe to run often: one digest per letter, coordinator and day."
    )

    def handle(self, *args, **options):
        queued = send_digests()
        self.stdout.write(f"queued {queued} digest(s)")
