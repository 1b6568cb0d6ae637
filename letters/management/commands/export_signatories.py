"""`manage.py export_signatories <slug> --language xx --format lines|… [--order …] [--output FILE]`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from letters.documents import DOCUMENT_LIST_LAYOUTS, export_output
from letters.exports import AFFILIATION_STYLES, LAYOUTS, NUMBERINGS, ORDERS, ExportError, SignatoryList
from letters.models import Letter


class Command(BaseCommand):
    help = "Export a letter's signatory list in one language and layout (text layouts go to standard output)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The letter's slug.")
        parser.add_argument("--language", required=True, help="The list's language, e.g. fr.")
        parser.add_argument("--format", required=True, choices=LAYOUTS, dest="layout")
        parser.add_argument("--order", default="alphabetical", choices=ORDERS)
        parser.add_argument("--output", help="Write to this file (needed for xlsx, docx and pdf).")
        parser.add_argument("--addendum", action="store_true", help="Only sign-ons approved after finalisation.")
        parser.add_argument("--live", action="store_true", help="Today's sign-ons even if the letter is finalised.")
        parser.add_argument("--leads-first", action="store_true", help="Lead organisations first.")
        parser.add_argument("--no-sections", action="store_true",
                            help="Do not put individuals after organisations under their own heading.")
        parser.add_argument("--numbering", choices=NUMBERINGS,
                            help="For lists with sections: continuous, or restart in each section "
                                 "(default: the letter's setting).")
        parser.add_argument("--numbers", action="store_true", help="Number every name in any text layout.")
        parser.add_argument("--individuals", default="paren", choices=AFFILIATION_STYLES, dest="affiliation_style",
                            help="How an individual's affiliation is written: Name (affiliation), "
                                 "Name, affiliation, Name / affiliation, or Name<tab>affiliation.")
        parser.add_argument("--contacts", action="store_true",
                            help="Add signers' names and emails (csv, xlsx, json only; never for publication).")
        parser.add_argument("--document-list", default="lines", choices=DOCUMENT_LIST_LAYOUTS,
                            help="How docx and pdf print the list.")

    def handle(self, *args, slug, language, layout, order, output, **options):
        letter = Letter.objects.filter(slug=slug).first()
        if letter is None:
            raise CommandError(_("No letter with the slug “%(slug)s”.") % {"slug": slug})
        if not output and layout in ("xlsx", "docx", "pdf"):
            raise CommandError(_("%(format)s is a binary format: give --output FILE.") % {"format": layout})
        source = "addendum" if options["addendum"] else "live" if options["live"] else "auto"
        try:
            signatory_list = SignatoryList(
                letter, language, order, source=source, leads_first=options["leads_first"],
                group_individuals=not options["no_sections"],
                include_contacts=options["contacts"] and layout in ("csv", "xlsx", "json"),
                numbering=options["numbering"], numbers=options["numbers"],
                affiliation_style=options["affiliation_style"],
            )
            result = export_output(signatory_list, layout, options["document_list"], bom=bool(output))
        except ExportError as error:
            raise CommandError(str(error)) from None
        if output:
            self._write_file(Path(output), result)
        else:
            for chunk in result.chunks:
                self.stdout.write(chunk, ending="")

    def _write_file(self, path, result):
        try:
            if result.binary:
                path.write_bytes(result.chunks[0])
            else:
                with path.open("w", encoding="utf-8", newline="") as stream:
                    stream.writelines(result.chunks)
        except OSError as error:
            raise CommandError(_("Cannot write %(file)s: %(error)s") % {"file": path, "error": error}) from None
        sys.stderr.write(_("Written: %(file)s") % {"file": path} + "\n")
