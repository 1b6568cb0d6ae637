from django.core.management.base import BaseCommand

from letters.services.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Queue the reminders that are due: N days before each open letter's deadline (the letter's reminder days), "
        "to invited organisations that have not answered and to signers who never confirmed. Safe to run often "
        "and concurrently: each reminder step is sent once."
    )

    def handle(self, *args, **options):
        queued = send_reminders()
        self.stdout.write(f"queued {queued} reminder(s)")
