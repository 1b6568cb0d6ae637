"""`manage.py import_signatories <letter-slug> <file or -> --language xx [--format …]`.

The same reading and matching as the workspace's "paste a list" screen (letters.services.imports): every line is
printed with what it was read as. Without a person to review the preview:
- similar names are not taken as matches unless --accept-fuzzy (a new organisation is created and the sign-on
  flagged as a near-duplicate for a coordinator to merge);
- lines that could not be read stop the import unless --skip-invalid (then they are listed and left out);
- a line that probably holds several organisations (lost separators) needs review: it stops the import unless
  --split-run-ons (import the proposed split) or --skip-invalid (leave it out);
- --strict keeps the all-or-nothing behaviour: any unreadable or flagged line refuses the whole list.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from letters.models import Letter
from letters.parsing import LAYOUTS
from letters.services.imports import SKIP, ImportRefused, build_preview, import_rows


class Command(BaseCommand):
    help = "Add a list of signatories received by email to a letter (approved, in the list's order)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The letter's slug.")
        parser.add_argument("file", help="A UTF-8 text file, or - to read standard input.")
        parser.add_argument("--language", required=True, help="The language the list is written in, e.g. en.")
        parser.add_argument("--format", default="auto", choices=LAYOUTS, dest="layout")
        parser.add_argument("--accept-fuzzy", action="store_true",
                            help="Take a similar directory name as a match (normally only suggested).")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="Import even if some lines cannot be read (they are listed and left out).")
        parser.add_argument("--strict", action="store_true",
                            help="Refuse the whole list if any line is unreadable, flagged or needs review.")
        parser.add_argument("--split-run-ons", action="store_true",
                            help="Import a line that holds several organisations as the proposed split.")
        parser.add_argument("--keep-pasted-names", action="store_true",
                            help="List names as pasted even where the directory knows the organisation under "
                                 "its canonical name (a known misspelling or a similar name).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be done; change nothing.")
        parser.add_argument("--user", help="Username recorded in the history as having imported the list.")

    def handle(self, *args, slug, file, language, layout, accept_fuzzy, skip_invalid, dry_run, user, **options):
        self._username = user
        preview, by = self._preview(slug, file, language, layout, accept_fuzzy)
        self._report_lines(preview)
        choices = self._choices(preview, skip_invalid, options)
        self._describe(preview)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
            return
        try:
            result = import_rows(preview, choices=choices, by=by, keep_pasted=options["keep_pasted_names"],
                                 reason=_("Imported from %(file)s") % {"file": "stdin" if file == "-" else file})
        except ImportRefused as refused:
            raise CommandError("\n".join(str(m) for m in refused.messages)) from None
        self._summary(preview, result)

    def _preview(self, slug, file, language, layout, accept_fuzzy):
        letter = Letter.objects.filter(slug=slug).first()
        if letter is None:
            raise CommandError(_("No letter with the slug “%(slug)s”.") % {"slug": slug})
        if language not in dict(settings.LETTER_LANGUAGES):
            raise CommandError(_("Unknown language “%(language)s”.") % {"language": language})
        if letter.languages() and language not in letter.languages():
            raise CommandError(_("The letter has no version in “%(language)s” (it has: %(languages)s).")
                               % {"language": language, "languages": ", ".join(letter.languages())})
        by = self._user(self._username)
        return build_preview(letter, self._read(file), language, layout, accept_fuzzy=accept_fuzzy), by

    def _choices(self, preview, skip_invalid, options):
        """What to do without a reviewer; CommandError (nothing written) where a person must decide."""
        review = preview.needs_review
        if options["strict"] and (preview.errors or preview.flagged):
            raise CommandError(_("--strict: %(errors)d unreadable and %(flagged)d flagged lines; nothing was "
                                 "imported.") % {"errors": len(preview.errors), "flagged": len(preview.flagged)})
        if preview.errors and not skip_invalid:
            raise CommandError(_("%(n)d lines could not be read; nothing was imported (see --skip-invalid).")
                               % {"n": len(preview.errors)})
        if review and not (skip_invalid or options["split_run_ons"]):
            raise CommandError(_("%(n)d lines probably hold several organisations; nothing was imported "
                                 "(check them, or use --split-run-ons or --skip-invalid).") % {"n": len(review)})
        if not preview.rows:
            raise CommandError(_("No names found in the list."))
        choices = {row.index: SKIP for row in preview.rows if row.duplicate_of}
        # Without a reviewer, a lost comma is reported, not acted on: the name is kept as published.
        choices.update({row.index: "new" for row in preview.rows if row.how == "two"})
        if not options["split_run_ons"]:
            choices.update({row.index: SKIP for row in review})
        return choices

    def _report_lines(self, preview):
        """Every pasted line with what it was read as (and why, for the lines that were not imported)."""
        for line in preview.lines:
            if line.role == "entry":
                continue
            self.stdout.write(_("line %(line)s: %(role)s%(why)s  %(text)s") % {
                "line": line.line_no, "role": line.role, "why": f" ({line.why})" if line.why else "",
                "text": line.raw.strip()[:120]})
        for entry in preview.errors:
            self.stderr.write(_("line %(line)s: %(error)s  %(text)s") % {
                "line": entry.line_no, "error": entry.error, "text": entry.raw.strip()})

    def _user(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No such user: %(name)s") % {"name": username})
        return user

    def _read(self, file):
        if file == "-":
            return sys.stdin.read()
        try:
            return Path(file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}) from None

    def _describe(self, preview):
        """The flagged lines, so whoever runs the command knows what a coordinator should check."""
        for row in preview.rows:
            line = row.entry.line_no
            if row.duplicate_of:
                self.stdout.write(_("line %(line)s: same organisation as line %(other)s, skipped: %(name)s")
                                  % {"line": line, "other": row.duplicate_of, "name": row.entry.name})
            elif row.how == "several":
                self.stdout.write(_("line %(line)s: NEEDS REVIEW, probably several organisations: %(parts)s")
                                  % {"line": line, "parts": " | ".join(row.parts)})
            elif row.canonical:
                self.stdout.write(_("line %(line)s: will appear as: %(name)s (pasted: %(pasted)s)")
                                  % {"line": line, "name": row.canonical, "pasted": row.entry.name})
            elif row.how == "two":
                first, second = row.match.possibly_two
                self.stdout.write(_("line %(line)s: FLAGGED, may be two organisations (%(a)s + %(b)s): %(name)s")
                                  % {"line": line, "a": first.name, "b": second.name, "name": row.entry.name})
            elif row.match.suggestions and row.how in ("new", "fuzzy"):
                org, score = row.match.suggestions[0]
                self.stdout.write(_("line %(line)s: FLAGGED, similar to “%(org)s” (%(score)s%%): %(name)s")
                                  % {"line": line, "org": org.name, "score": score, "name": row.entry.name})

    def _summary(self, preview, result):
        letter, language = preview.letter, preview.language
        self.stdout.write(_("Read: %(entries)d entries, %(sections)d sections, %(individuals)d individuals, "
                            "%(errors)d unreadable lines.") % {
            "entries": len(preview.rows), "sections": len(preview.sections),
            "individuals": preview.counts["individuals"], "errors": len(preview.errors)})
        self.stdout.write(self.style.SUCCESS(
            _("%(slug)s [%(language)s]: %(added)d sign-ons added (%(matched)d matched to the directory, "
              "%(created)d new organisations), %(flagged)d flagged, %(already)d already on the letter, "
              "%(reinstated)d approved again, %(skipped)d skipped.") % {
                "slug": letter.slug, "language": language, "added": len(result.signatures),
                "matched": result.matched, "created": len(result.created_organisations),
                "flagged": len(result.flagged), "already": len(result.unchanged),
                "reinstated": len(result.reinstated), "skipped": result.skipped,
            }
        ))
