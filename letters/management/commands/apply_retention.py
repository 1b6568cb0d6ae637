"""`manage.py apply_retention [--days N]`: erase signers' data of letters finalised N days ago (run_scheduler runs
it daily). Safe to run again: a second run finds nothing and says so."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from letters.services.personal_data import apply_retention


class Command(BaseCommand):
    help = ("Erase signers' names, emails and messages, and the emails about their sign-ons, on letters finalised "
            "SIGNER_DATA_RETENTION_DAYS days ago or more.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Override SIGNER_DATA_RETENTION_DAYS for this run.")

    def handle(self, *args, days, **options):
        days = settings.SIGNER_DATA_RETENTION_DAYS if days is None else days
        if days <= 0:
            self.stdout.write(_("Retention is off (SIGNER_DATA_RETENTION_DAYS is 0): nothing was erased."))
            return
        result = apply_retention(days=days)
        self.stdout.write(_("Retention (%(days)d days): %(result)s.") % {"days": days, "result": result})
