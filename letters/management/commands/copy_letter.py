"""`manage.py copy_letter SOURCE_SLUG NEW_SLUG [--title "…"] [--with-invitees] [--by USERNAME]`: a new draft
letter from an earlier one (letters/services/copying.py: settings, versions, sections, coordinators; no sign-ons)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from letters.forms.copying import LetterCopyForm
from letters.models import Letter
from letters.services.copying import copy_letter


class Command(BaseCommand):
    help = "Start a new draft letter from an earlier one: its settings, versions, sections and coordinators."

    def add_arguments(self, parser):
        parser.add_argument("source_slug")
        parser.add_argument("new_slug")
        parser.add_argument("--title", help="Internal title of the new letter (default: “Copy of …”).")
        parser.add_argument("--with-invitees", action="store_true",
                            help="Tag the organisations invited to the earlier letter, to invite them to the new one.")
        parser.add_argument("--by", help="Username of the person copying: made a coordinator of the new letter.")

    def handle(self, *args, source_slug, new_slug, title, with_invitees, by, **options):
        source = Letter.objects.filter(slug=source_slug).first()
        if source is None:
            raise CommandError(_("No such letter: %(slug)s") % {"slug": source_slug})
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(_("No such user: %(names)s") % {"names": by})
        # The same form as the workspace, so the command accepts exactly what the screen accepts.
        form = LetterCopyForm(data={
            "slug": new_slug, "title": title or _("Copy of %(title)s") % {"title": source.title},
            "with_invitees": with_invitees,
        })
        if not form.is_valid():
            raise CommandError("; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()))
        copied = copy_letter(source, form.cleaned_data["slug"], form.cleaned_data["title"], by=user,
                             with_invitees=with_invitees)
        self.stdout.write(self.style.SUCCESS(
            _("Created draft letter %(slug)s from %(source)s with versions: %(languages)s")
            % {"slug": copied.letter.slug, "source": source.slug, "languages": ", ".join(copied.letter.languages())}
        ))
        if copied.invitees is not None:
            self.stdout.write(_("%(count)d invited organisations tagged “%(tag)s”.")
                              % {"count": copied.invited, "tag": copied.invitees.name})
