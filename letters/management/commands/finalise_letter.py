"""`manage.py finalise_letter <slug>`: freeze a letter's signatory list in every language (recorded)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from letters.exports import ORDERS
from letters.models import InvalidTransition, Letter
from letters.services.finalise import finalise_letter


class Command(BaseCommand):
    help = "Finalise a letter: close it for good and snapshot its list in every language."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The letter's slug.")
        parser.add_argument("--order", default="alphabetical", choices=ORDERS, help="The published list's order.")
        parser.add_argument("--leads-first", action="store_true", help="Lead organisations first.")
        parser.add_argument("--reason", default="", help="A note for the record.")
        parser.add_argument("--user", help="Username recorded as having finalised the letter.")

    def handle(self, *args, slug, order, leads_first, reason, user, **options):
        letter = Letter.objects.filter(slug=slug).first()
        if letter is None:
            raise CommandError(_("No letter with the slug “%(slug)s”.") % {"slug": slug})
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(_("No such user: %(name)s") % {"name": user})
        try:
            letter = finalise_letter(letter, by=by, reason=reason, order=order, leads_first=leads_first)
        except InvalidTransition as error:
            raise CommandError(str(error)) from None
        for snapshot in letter.snapshots.filter(kind="final", created_at=letter.finalised_at).order_by("language"):
            named = sum(1 for row in snapshot.rows if not row.get("unnamed"))
            self.stdout.write(_("%(slug)s [%(language)s]: %(n)d names frozen.")
                              % {"slug": letter.slug, "language": snapshot.language, "n": named})
        self.stdout.write(self.style.SUCCESS(_("Finalised %(slug)s.") % {"slug": letter.slug}))
