"""`manage.py erase_personal_data EMAIL [--dry-run] [--yes]`: erase one person's data (sign-ons stay on the lists)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from letters.services import personal_data


class Command(BaseCommand):
    help = ("Erase every trace of one person (by email address, any mailbox variant): names and addresses become "
            "markers, email bodies go; their organisation's sign-ons stay on the lists.")

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's email address.")
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be erased.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--user", help="Username recorded as having erased the data.")

    def handle(self, *args, email, dry_run, yes, user, **options):
        if "@" not in email:
            raise CommandError(_("“%(email)s” is not an email address.") % {"email": email})
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(_("No such user: %(name)s") % {"name": user})
        counts = personal_data.find(email).counts()
        if not any(counts.values()):
            self.stdout.write(_("Nothing found for %(email)s.") % {"email": email})
            return
        self.stdout.write(_("Found for %(email)s:") % {"email": email})
        self._write_counts(counts)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
            return
        if not yes and input(_("Erase all of this? Type “yes” to go on: ")).strip().lower() != "yes":
            raise CommandError(_("Nothing was changed."))
        counts = personal_data.erase(email, by=by)
        self.stdout.write(_("Erased:"))
        self._write_counts(counts)
        self.stdout.write(self.style.SUCCESS(_("Done. The sign-ons stay on their letters, without the person's "
                                               "name or address.")))

    def _write_counts(self, counts):
        for kind, label in personal_data.KINDS.items():
            if counts[kind]:
                self.stdout.write(f"  {label}: {counts[kind]}")
