"""A live list's CSV lines built by PostgreSQL: issue 11's 100,000-name download.

Reading each row's twenty-odd fields and making its cells in Python (SignatoryList._live_cells) was about three
quarters of a CSV download's CPU. Here PostgreSQL makes each row's cells as _live_cells does (all but the position,
which the order decides), joins them by SEPARATOR, and the download reads one text a row. The Resource still checks
and neutralises every cell (SignatoryResource.csv_text_of_lines): a line whose cells are not all plain is split
back into its cells, which then go the way every other cell goes.

A cell holding SEPARATOR (only rows written around the app can: names are cleaned on save) has it replaced by
STAND_IN, another control character: the line then fails the check, and the cell is cleaned as clean_cell cleans
the original (both characters are removed alike, and their presence makes it clean the whole cell).

The alphabetical order is ordering.py's: stored keys, ties ordered by the full key in Python. What a row's name is
made of (for ties, and for rows without a key) is read only for the rows that need it, which the query itself
finds (_tied_only). tests/exports/test_live_cells.py checks that the CSV is, byte for byte, the CSV of rows().
"""

import json
from itertools import islice

from django.db import connections
from django.db.models import Case, F, Func, TextField, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf

from letters.countries import country_names
from letters.ordering import FETCH, FIRST, SECOND, SEPARATOR, read_batches

STAND_IN = "\x1e"

# What a row's name is made of, in the order _keyer's key takes it, then its id (ordering.ROW_NAMES' shape).
NAME_FIELDS = {
    "_org": F("organisation_id"), "_override": F("name_override"), "_org_name": F("organisation__name"),
    "_org_sort": F("organisation__sort_name"), "_kind": F("organisation__kind"), "_lead": F("is_lead"),
    "_section": F("section_id"), "_names": F("names"), "_pk": F("pk"),
}
_NAMES = ", ".join(f'"{name}"' for name in NAME_FIELDS)
_ORDER = '"sort_key" NULLS FIRST, "_pk"'


def _tied_only(sql):
    """The sorted query with, instead of NAME_FIELDS, one JSON array of them for the rows whose primary key ties
    with a neighbour's, or for every row when some have no key (the first key is NULL then): NULL for the rest,
    which costs psycopg next to nothing. The rows arrive sorted: the window adds no sort."""
    return (f'SELECT "sort_key", "_pk", "_line", CASE WHEN first_value("sort_key") OVER w IS NULL '
            f'OR "sort_key" = lag("sort_key") OVER w OR "sort_key" = lead("sort_key") OVER w '
            f"THEN jsonb_build_array({_NAMES}) END "
            f"FROM ({sql}) AS listed WINDOW w AS (ORDER BY {_ORDER}) ORDER BY {_ORDER}")


class Mapped(Func):
    """mapping[key] in SQL (NULL when missing): a dict sent once, as JSON, looked up per row."""

    template = "(%(expressions)s)"
    arg_joiner = "::jsonb ->> "
    output_field = TextField()

    def __init__(self, mapping, key):
        super().__init__(Value(json.dumps(mapping)), key)


class UtcMinute(Func):
    """A timestamp as the CSV prints it: UTC, "2026-11-24 05:40" (the seconds cut off, as _live_cells does)."""

    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"
    output_field = TextField()


def _text(expression):
    """A cell: never NULL (concat_ws would drop it and shift the rest), never holding SEPARATOR (STAND_IN instead)."""
    return Func(Coalesce(expression, Value(""), output_field=TextField()), Value(SEPARATOR), Value(STAND_IN),
                function="replace", output_field=TextField())


class LiveLines:
    """SignatoryList's CSV lines from the database (a mixin, beside ordering.AlphabeticalOrder)."""

    def csv_lines(self, kinds, yes):
        """Batches (lists) of lines: each row's cells but the position, joined by SEPARATOR, in order. None where
        this path does not apply (the caller uses cells()): SQLite, a finalised list, a preview, an addendum,
        numbering that starts again in each section."""
        if (connections[self._listed().db].vendor != "postgresql" or self.source != "live" or self.limit is not None
                or (self.numbering == "section" and self.uses_sections)):
            return None
        return self._line_batches(kinds, yes)

    def _line_batches(self, kinds, yes):
        display = self._display_relation()
        if self.order != "alphabetical":
            queryset = self._database_order().annotate(display=display, _line=self._line(kinds, yes))
            sql, params = queryset.values_list("_line").query.sql_with_params()
            for batch in read_batches(connections[queryset.db], sql, params):
                yield list(map(FIRST, batch))
            return
        base = self._listed().annotate(display=display, _line=self._line(kinds, yes), **NAME_FIELDS)
        # The query's rows are (pk, line, names or NULL) once _tied_only has wrapped it.
        rows = self._sorted_rows(("_line", *NAME_FIELDS), base=base, names_of=_names_of, outer=_tied_only)
        lines = map(SECOND, rows)
        while batch := list(islice(lines, FETCH)):  # as the query's batches come
            yield batch

    def _line(self, kinds, yes):
        """The cells _live_cells makes after the position, joined by SEPARATOR, as one database expression."""
        country, kind, text = F("organisation__country"), F("organisation__kind"), TextField()
        heading = Value("")
        if self.sections:
            headings = {str(pk): heading for pk, (_rank, heading, _kind) in self.sections.items()}
            heading = Mapped(headings, Cast("section_id", text))
        shown = Coalesce(NullIf(KeyTextTransform(self.language, "names"), Value("")),
                         NullIf(F("name_override"), Value("")), NullIf(F("display__name"), Value("")),
                         F("organisation__name"), output_field=text)
        country_name = Case(When(organisation__country="", then=Value("")), output_field=text, default=Coalesce(
            NullIf(Mapped(country_names(self.language), country), Value("")), country, output_field=text))
        cells = [
            _text(shown),
            _text(F("organisation__acronym")),
            _text(country_name),
            _text(country),
            _text(Coalesce(Mapped(kinds, kind), kind, output_field=text)),
            _text(Coalesce(NullIf(F("affiliation"), Value("")), F("organisation__affiliation"), output_field=text)),
            Case(When(is_lead=True, then=Value(yes)), default=Value(""), output_field=text),
            Coalesce(UtcMinute("signed_at"), Value(""), output_field=text),
            Coalesce(UtcMinute("confirmed_at"), Value(""), output_field=text),
            Case(When(added_after_finalisation=True, then=Value(yes)), default=Value(""), output_field=text),
            _text(heading),
            _text(F("region")),
            _text(F("note")),
        ]
        if self.include_contacts:
            cells += [_text(F("signer_name")), _text(F("signer_email"))]
        return Func(Value(SEPARATOR), *cells, function="concat_ws", output_field=text)


def _names_of(row):
    """What a (pk, line, names) row's name is made of (Django has psycopg read JSON as text)."""
    return json.loads(row[2])

