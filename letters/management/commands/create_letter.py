"""`manage.py create_letter <slug> --title "…" --language en [--language fr …]`: an empty draft letter."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from letters.forms.manage import LetterCreateForm


class Command(BaseCommand):
    help = "Create an empty draft letter with the given language versions (the first is the default language)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--title", required=True)
        parser.add_argument("--language", action="append", required=True, dest="languages",
                            help="A language version, e.g. en. Repeat for more; the first is the default.")
        parser.add_argument("--coordinator", action="append", default=[], dest="coordinators",
                            help="Username of a coordinator of this letter. Repeatable.")

    def handle(self, *args, slug, title, languages, coordinators, **options):
        users = list(get_user_model().objects.filter(username__in=coordinators))
        missing = set(coordinators) - {user.username for user in users}
        if missing:
            raise CommandError(_("No such user: %(names)s") % {"names": ", ".join(sorted(missing))})
        # The same form as the workspace, so the command accepts exactly what the screen accepts.
        form = LetterCreateForm(data={
            "slug": slug, "title": title, "languages": list(dict.fromkeys(languages)),
            "default_language": languages[0], "requires_approval": "on", "list_public_while_open": "on",
        })
        if not form.is_valid():
            problems = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
            raise CommandError("; ".join(problems))
        letter = form.save()
        letter.coordinators.add(*users)
        self.stdout.write(self.style.SUCCESS(
            _("Created draft letter %(slug)s with versions: %(languages)s")
            % {"slug": letter.slug, "languages": ", ".join(letter.languages())}
        ))
