"""django-import-export Resources: the columns of a signatory list (CSV, XLSX, JSON, admin) and the directory import.

The signatory columns are declared once, here; the rows come from exports.SignatoryList (the one export path).
CSV and XLSX cells that a spreadsheet would run as a formula are neutralised on every path (dashboard, admin,
CLI): django-import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only covers the admin and only "=".
"""

import csv
import io
import json
import re
from itertools import count, islice
from operator import attrgetter

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy as _
from import_export import fields, resources, widgets
import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from letters.countries import lookup_country
from letters.ordering import SEPARATOR
from letters.models import Organisation
from letters.services.directory import record_change, record_state
from letters.xlsx_rows import InlineRows
# The guard lives in letters/text.py; FORMULA_STARTS and neutralise stay importable from here.
from letters.text import (  # noqa: F401
    FORMULA_STARTS, clean_text, export_cell, neutralise, normalise_name, plain_cells,
)


class SignatoryResource(resources.Resource):
    """One line per name of a letter's list in one language. Contact columns only with include_contacts."""

    position = fields.Field(attribute="position", column_name=_("No."))
    name = fields.Field(attribute="name", column_name=_("Name"))
    acronym = fields.Field(attribute="acronym", column_name=_("Acronym"))
    country = fields.Field(attribute="country_name", column_name=_("Country"))
    country_code = fields.Field(attribute="country", column_name=_("Country code"))
    kind = fields.Field(attribute="kind", column_name=_("Kind"))
    affiliation = fields.Field(attribute="affiliation", column_name=_("Affiliation"))
    lead = fields.Field(attribute="is_lead", column_name=_("Lead organisation"))
    signed = fields.Field(attribute="signed_at", column_name=_("Signed (UTC)"))
    confirmed = fields.Field(attribute="confirmed_at", column_name=_("Confirmed (UTC)"))
    after_publication = fields.Field(attribute="after_publication", column_name=_("After publication"))
    section = fields.Field(attribute="section", column_name=_("Section"))
    region = fields.Field(attribute="region", column_name=_("Region as listed"))
    note = fields.Field(attribute="note", column_name=_("Description"))
    signer_name = fields.Field(attribute="signer_name", column_name=_("Signer"))
    signer_email = fields.Field(attribute="signer_email", column_name=_("Signer's email"))

    CONTACT_FIELDS = ("signer_name", "signer_email")
    TEXT_FIELDS = ("name", "acronym", "country_name", "country", "affiliation", "section", "region", "note")

    def __init__(self, language="en", include_contacts=False, spreadsheet=True, **kwargs):
        """`spreadsheet`: translated headers, text cells, formulas neutralised; else (JSON) stable keys, raw values."""
        super().__init__(**kwargs)
        self.language, self.include_contacts, self.spreadsheet = language, include_contacts, spreadsheet
        with translation.override(language):
            self._kinds = {kind.value: str(kind.label) for kind in Organisation.Kind}
            self._yes = gettext("yes")
        # The text fields of a Row that values() prints, in the order it unpacks them (contacts last), and the
        # columns _cells puts them in.
        self._texts = attrgetter(*self.TEXT_FIELDS, *(self.CONTACT_FIELDS if include_contacts else ()))
        self._text_columns = (1, 2, 3, 4, 6, 11, 12, 13, *((14, 15) if include_contacts else ()))

    @classmethod
    def get_display_name(cls):
        return gettext("Signatory list")

    def get_export_fields(self, selected_fields=None):
        export_fields = super().get_export_fields(selected_fields)
        if self.include_contacts:
            return export_fields
        return [field for field in export_fields if self.get_field_name(field) not in self.CONTACT_FIELDS]

    def get_export_headers(self, selected_fields=None):
        if not self.spreadsheet:
            return [self.get_field_name(field) for field in self.get_export_fields(selected_fields)]
        with translation.override(self.language):
            return super().get_export_headers(selected_fields)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        # One hand-written list per row instead of a call per field: 100,000 rows must stay well under a second.
        return self.values(instance)

    def values(self, row):
        """The cells of one Row, in the declared column order (a test checks it against the headers).

        Written out by hand (no call per cell): this runs 100,000 times for a big CSV download.
        """
        if not self.spreadsheet:
            return self._raw_values(row)
        # Every text cell is cleaned, then neutralised (export_cell): in that order, a control character before
        # "=" can no longer hide the formula from the guard and then vanish in the XLSX writer. Nearly every row
        # is already plain text, which plain_cells() tells in one check for the whole row; the others go cell by
        # cell. The country code is checked too: it costs nothing, and it comes from the database as well.
        texts = self._texts(row)
        if not plain_cells(texts):
            texts = [export_cell(text) for text in texts]
        return self._cells(row, texts, row.position)

    def _cells(self, row, texts, position):
        """The cells of `row` with its text fields `texts` (as self._texts reads them, checked or not)."""
        name, acronym, country_name, country, affiliation, section, region, note, *contacts = texts
        yes, signed, confirmed = self._yes, row.signed_at, row.confirmed_at
        return [
            position,
            name,
            acronym,
            country_name,
            country,
            self._kinds.get(row.kind, row.kind),
            affiliation,
            yes if row.is_lead else "",
            # UTC, as coalitions span time zones; "2026-11-24 05:40" is what spreadsheets read as a date.
            f"{signed[:10]} {signed[11:16]}" if signed else "",
            f"{confirmed[:10]} {confirmed[11:16]}" if confirmed else "",
            yes if row.after_publication else "",
            section,
            region,
            note,
            *contacts,  # signer and email, with include_contacts only
        ]

    def csv_text(self, rows):
        """The CSV lines of `rows` (a list of Rows), exactly as csv.writer writes values(row) for each one.

        Why not csv.writer: with values()' check per row, it cost half of a 100,000-row download. A line of cells
        joined by commas is what csv.writer writes when no cell needs quoting, and one check of all the lines
        joined (_plain_csv) tells that every cell is plain (export_cell would leave it as it is) and needs no
        quotes. A batch that fails it is checked line by line; a line that fails goes through values() and
        csv.writer.
        """
        texts, cells = self._texts, self._cells
        try:
            lines = [",".join(cells(row, texts(row), str(row.position))) for row in rows]
        except TypeError:  # a cell that is not text (None in an older row): values() and csv.writer for each
            return "".join(_csv_line(self.values(row)) for row in rows)
        return self._csv_lines(lines, rows, self.values)

    def csv_text_of_cells(self, batch):
        """csv_text for cell lists from SignatoryList.cells() (uncleaned, as _cells makes them): the same text."""
        for cells in batch:
            cells[0] = str(cells[0])
        try:
            lines = [",".join(cells) for cells in batch]
        except TypeError:  # a cell that is not text (None in an older row)
            return "".join(_csv_line(self.checked(cells)) for cells in batch)
        return self._csv_lines(lines, batch, self.checked)

    def csv_text_of_lines(self, lines, start):
        """csv_text_of_cells for lines from SignatoryList.csv_lines (a row's cells but the position, joined by
        SEPARATOR), numbered from `start`: the same text. One _plain_csv check of the whole batch (its separators
        and line ends read as commas) tells that every cell is plain: the lines then go out numbered, their
        separators as commas. Otherwise each line is split back into its cells (no cell holds SEPARATOR) and goes
        the cells' way."""
        if _plain_csv(",".join(lines).replace(SEPARATOR, ","), len(lines) * (len(self.get_export_fields()) - 1) - 1):
            return "".join(map(_NUMBERED.__mod__, zip(count(start), lines))).replace(SEPARATOR, ",")
        return self.csv_text_of_cells([[position, *line.split(SEPARATOR)] for position, line in
                                       zip(count(start), lines)])

    def _csv_lines(self, lines, items, cells_of):
        """`lines` (cells joined by commas, one per item) as csv.writer writes them: as they are when every cell is
        plain, else through cells_of(item) (values() or checked()) and csv.writer for each line that is not."""
        width = len(self.get_export_fields())
        if lines and _plain_csv(",".join(lines), len(lines) * width - 1):
            return "\r\n".join(lines) + "\r\n"
        return "".join(line + "\r\n" if _plain_csv(line, width - 1) else _csv_line(cells_of(item))
                       for line, item in zip(lines, items))

    def checked(self, cells):
        """What values() returns for the row of these cells: its text cells cleaned, then neutralised, unless they
        are all plain already (the position, kind, lead, dates and after-publication cells are ours)."""
        columns = self._text_columns
        texts = [cells[column] for column in columns]
        if not plain_cells(texts):
            for column, text in zip(columns, texts):
                cells[column] = export_cell(text)
        return cells

    def _raw_values(self, row):
        values = [
            row.position, row.name, row.acronym, row.country_name, row.country, row.kind, row.affiliation,
            row.is_lead, row.signed_at, row.confirmed_at, row.after_publication, row.section, row.region, row.note,
        ]
        if self.include_contacts:
            values += [row.signer_name, row.signer_email]
        return values


def signatory_resource(signatory_list, spreadsheet=True):
    return SignatoryResource(
        language=signatory_list.language, include_contacts=signatory_list.include_contacts, spreadsheet=spreadsheet
    )


def export_dataset(signatory_list, spreadsheet=True):
    """The list as a tablib Dataset through the Resource (the admin's exports)."""
    return signatory_resource(signatory_list, spreadsheet).export(queryset=signatory_list.rows())


def iter_csv(signatory_list, bom=False):
    """CSV text in chunks of 500 rows: a 100,000-name download streams instead of being built in memory.

    `bom`: start with a byte-order mark so that Excel reads the accents right (downloads and files).
    """
    resource = signatory_resource(signatory_list)
    head = ("\ufeff" if bom else "") + _csv_line(resource.get_export_headers())
    # A live list comes as cells straight from the database (SignatoryList.cells: no Row objects); a finalised one
    # or a preview as rows. Either way csv_text* cleans and neutralises each cell as values() does.
    # PostgreSQL: lines made by the database (live_lines.py), numbered here.
    lines = signatory_list.csv_lines(resource._kinds, resource._yes)
    if lines is not None:
        position = 1
        for batch in lines:
            yield head + resource.csv_text_of_lines(batch, position)
            head, position = "", position + len(batch)
        if head:
            yield head
        return
    batches = signatory_list.cells(resource._kinds, resource._yes)
    if batches is not None:
        for batch in batches:
            yield head + resource.csv_text_of_cells(batch)
            head = ""
    else:
        rows = signatory_list.rows(cleaned=False)
        while batch := list(islice(rows, 500)):
            yield head + resource.csv_text(batch)
            head = ""
    if head:
        yield head


def _csv_line(cells):
    """One line as csv.writer writes it (quoted where needed, "\r\n" at the end)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


# What may start a formula at the beginning of a cell once the text is printable (see text.plain_cells): the
# printable formula starts, and a space that may hide one. "\t" and "\r" are not printable.
_RISKY_FIRST = frozenset(" " + "".join(start for start in FORMULA_STARTS if start.isprintable()))
_RISKY_AFTER_COMMA = re.compile(",[" + re.escape("".join(sorted(_RISKY_FIRST))) + "]")
_NUMBERED = "%d,%s\r\n"


def _plain_csv(text, commas):
    """Whether `text`, cells joined by exactly `commas` commas, is what csv.writer would write for them after
    export_cell: no comma inside a cell (the count), no quote, nothing unprintable (no line break, nothing
    clean_cell would change) and no cell starting like a formula."""
    return (text.count(",") == commas and '"' not in text and text.isprintable() and text[:1] not in _RISKY_FIRST
            and not _RISKY_AFTER_COMMA.search(text))


def write_xlsx(signatory_list, stream, progress=None):
    """Write the list as XLSX to a binary stream, cells from the Resource (values(): cleaned, then neutralised).

    XlsxWriter's constant-memory mode writes each row to a temporary file as it comes (flat memory) and is about
    four times as fast as openpyxl's write-only mode: 100,000 rows in a few seconds. Every cell is written as a
    string or a number (write_string/write_number), never parsed as a formula or a URL. `progress(rows_done)` is
    called every 5,000 rows (background exports show it).
    """
    resource = signatory_resource(signatory_list)
    workbook = xlsxwriter.Workbook(stream, {
        "constant_memory": True, "in_memory": False, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    sheet = workbook.add_worksheet(_sheet_title(signatory_list.letter.slug))
    for column, header in enumerate(resource.get_export_headers()):
        sheet.write_string(0, column, _xlsx_cell(str(header)))
    values = resource.values
    # Plain rows (nearly all) are written as XlsxWriter would write them, without its per-cell calls (xlsx_rows.py:
    # 6 s → 2 s for 100,000 rows); the others, and every row if XlsxWriter's internals changed, go through it.
    inline = InlineRows.for_sheet(sheet, len(resource.get_export_fields()))
    for number, row in enumerate(signatory_list.rows(cleaned=False), start=1):  # values() cleans each cell
        cells = values(row)
        if inline is None or not inline.add(number, cells):
            inline and inline.flush()
            _write_row(sheet, number, cells)
            inline and inline.written_by_xlsxwriter(number)
        if progress is not None and number % 5000 == 0:
            progress(number)
    inline and inline.close()
    workbook.close()


def _write_row(sheet, number, cells):
    """One row through XlsxWriter. The first cell is the position (a number); the others are text that values()
    has cleaned and neutralised. One check for the whole row keeps this writer safe on its own without re-cleaning
    each cell: a row that fails it (or holds anything but text) is re-checked cell by cell."""
    if cells[0].__class__ is not int or not plain_cells(cells[1:]):
        _write_cells_checked(sheet, number, cells)
        return
    sheet.write_number(number, 0, cells[0])
    for column, value in enumerate(cells[1:], start=1):
        if value:  # an empty cell is left out of the file, as XlsxWriter does for write_blank
            sheet.write_string(number, column, _not_markup(value))


def _not_markup(value):
    """XlsxWriter writes a string reading "<r>…</r>" into the sheet as raw XML (a rich string): such a cell could
    close itself and open a formula. Marked like a neutralised formula, it is written as text."""
    return "'" + value if value.startswith("<r>") and value.endswith("</r>") else value


def _write_cells_checked(sheet, number, cells):
    """The slow path of write_xlsx for a row with text that is not plain: each cell made XLSX-legal and safe.

    Strings go through write_string and numbers through write_number, never write()/write_row(), which would
    read "{=…}" as a formula."""
    for column, value in enumerate(cells):
        if isinstance(value, str):
            if value:
                sheet.write_string(number, column, _xlsx_cell(value))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(number, column, value)
        elif value is not None:
            sheet.write_string(number, column, _xlsx_cell(str(value)))


def _sheet_title(slug):
    return "".join(ch for ch in slug if ch not in "[]:*?/\\")[:31] or "list"


def _xlsx_cell(value):
    # Cells arrive cleaned and neutralised (values()). Removing what XLSX cannot store and neutralising again
    # keeps this writer safe on its own: removing a character must never be the last step before the file.
    return _not_markup(neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))) if isinstance(value, str) else value


def _text_revision(signatory_list):
    """{"number", "saved"} of the text of the version in the list's language (what its signatories signed), or None.
    A finalised list names the revision it was published under (its snapshot's), even if the text changed since."""
    version = signatory_list.letter.version(signatory_list.language)
    revisions = version.revisions.order_by("-number") if version else None
    snapshot = signatory_list.snapshot if signatory_list.source == "final" else None
    if revisions is not None and snapshot is not None and snapshot.revision_number:
        revisions = revisions.filter(number=snapshot.revision_number)
    latest = revisions.first() if revisions is not None else None
    return {"number": latest.number, "saved": latest.created_at.isoformat()} if latest else None


def iter_json(signatory_list):
    """JSON through the Resource, row by row: {"letter", "language", "revision" (of the text), "rows": [{position,
    name, …}], "unnamed"}."""
    resource = signatory_resource(signatory_list, spreadsheet=False)
    keys = resource.get_export_headers()
    head = json.dumps({"letter": signatory_list.letter.slug, "language": signatory_list.language,
                       "revision": _text_revision(signatory_list)}, ensure_ascii=False)
    yield head[:-1] + ', "rows": ['
    separator, batch = "\n", []
    for row in signatory_list.rows():
        batch.append(separator + json.dumps(dict(zip(keys, resource.values(row))), ensure_ascii=False))
        separator = ",\n"
        if len(batch) >= 1000:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + f'\n], "unnamed": {signatory_list.unnamed}}}\n'


def render_json(signatory_list):
    return "".join(iter_json(signatory_list))


# --- the organisation directory (admin import/export) --------------------------------------------------------


class CountryWidget(widgets.Widget):
    """A country as lists write it ("Switzerland", "Suisse", "CH", "International"), stored as its code."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return ""
        if len(text) == 2 and text.upper().isalpha():
            from django_countries import countries

            if text.upper() in countries:
                return text.upper()
        code = lookup_country(text)
        if not code:
            raise ValueError(gettext("Unknown country “%(country)s”.") % {"country": text})
        return code

    def render(self, value, obj=None, **kwargs):
        return str(value or "")


class KindWidget(widgets.Widget):
    """"organisation" or "individual" (or their translated labels); empty means organisation."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip().lower()
        if not text:
            return Organisation.Kind.ORGANISATION
        for kind in Organisation.Kind:
            if text in (kind.value, str(kind.label).lower()):
                return kind.value
        raise ValueError(gettext("Kind must be “organisation” or “individual”, not “%(kind)s”.") % {"kind": value})

    def render(self, value, obj=None, **kwargs):
        return str(value or "")


class OrganisationResource(resources.ModelResource):
    """The directory as a spreadsheet. Rows match existing organisations by id, else by name (any spelling)."""

    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    kind = fields.Field(attribute="kind", column_name="kind", widget=KindWidget())

    class Meta:
        model = Organisation
        fields = ("id", "name", "acronym", "kind", "country", "sort_name", "website", "email_domains", "affiliation")
        export_order = fields
        import_id_fields = ("name",)  # the column every file has; get_instance also looks at "id"
        clean_model_instances = True  # model validation (lengths, URLs) gives per-row errors, not a crash
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        """By id when the file has one; otherwise the organisation whose name normalises the same."""
        if row.get("id") not in (None, ""):
            try:
                instance = Organisation.objects.filter(pk=int(row["id"])).first()
            except (TypeError, ValueError):
                instance = None
            if instance is None:
                raise ValueError(gettext("No organisation has the id “%(id)s”.") % {"id": row["id"]})
            return instance
        key = normalise_name(str(row.get("name") or ""))
        return Organisation.objects.filter(normalised_name=key).order_by("pk").first() if key else None

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # Model validation runs before save(), which is where the matching key is normally set.
        instance.name = clean_text(instance.name)
        instance.normalised_name = normalise_name(instance.name)

    # An update is recorded in the directory's history like a workspace edit, by whoever imports (the admin passes
    # `user`). A dry run writes inside a transaction that is rolled back, so its entries vanish with it.
    def before_save_instance(self, instance, row, **kwargs):
        instance._history_before = None
        if not instance._state.adding and instance.pk:
            instance._history_before = record_state(Organisation.objects.get(pk=instance.pk))

    def after_save_instance(self, instance, row, **kwargs):
        before = getattr(instance, "_history_before", None)
        if before is None or (kwargs.get("dry_run") and not kwargs.get("using_transactions")):
            return  # a new record, or nothing was saved
        record_change(instance, before, by=kwargs.get("user"), note=gettext("Updated by a directory import."))

    def before_import_row(self, row, **kwargs):
        # Neutralised cells from our own exports come back with their leading quote: take it off.
        for key, value in list(row.items()):
            if isinstance(value, str) and value[:2] in {"'" + ch for ch in FORMULA_STARTS}:
                row[key] = value[1:]

    def export_resource(self, instance, selected_fields=None, **kwargs):
        # Cleaned, then neutralised: a control character left in an older row neither hides a formula nor makes
        # the XLSX writer fail ("export failed").
        values = super().export_resource(instance, selected_fields, **kwargs)
        return [export_cell(value) for value in values]
