"""`manage.py export_personal_data EMAIL [--output FILE]`: everything stored about one person, as JSON."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from letters.services import personal_data


class Command(BaseCommand):
    help = "Export every trace of one person (by email address, any mailbox variant) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's email address.")
        parser.add_argument("--output", help="Write the JSON to this file (default: standard output).")

    def handle(self, *args, email, output, **options):
        if "@" not in email:
            raise CommandError(_("“%(email)s” is not an email address.") % {"email": email})
        document = personal_data.export_json(email)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(document + "\n")
            counts = personal_data.find(email).counts()
            for kind, label in personal_data.KINDS.items():
                if counts[kind]:
                    self.stderr.write(f"{label}: {counts[kind]}")
            self.stderr.write(_("Written to %(file)s.") % {"file": output})
        else:
            self.stdout.write(document)
