"""The one export path for signatory lists: the rows of a letter's list for one language, in order.

Every layout (text: layouts.py; CSV/XLSX/JSON: resources.py; DOCX/PDF: documents.py) and every caller (dashboard,
admin, CLI, public page) renders from `SignatoryList.rows()`; `signatory_rows()` is the short form. A row shows:
- the name in the export language: the letter's override → the organisation's name in that language → its
  canonical name (`Signature.display_name`), and the country's name in that language;
- only listed sign-ons (approved, consent to be named); the others are only counted ("and N organisations…").

How 100,000 rows stay fast and small (rows stream; nothing holds the whole list):
- alphabetical order uses the collation keys of collation.py. SQLite sorts by them itself: the query calls our
  key function once per row. PostgreSQL cannot call Python, so a first query reads only what the order needs
  and keeps one compact key per row, and a second reads the full rows joined with the sorted ids;
- date signed and manual order are plain columns: the database sorts, in one query.

After finalisation, exports read the finalised snapshot (services/finalise.py), so later edits do not change
what was published; the addendum lists the sign-ons approved after it.
"""

import io
import json
from array import array
from dataclasses import asdict, dataclass
from functools import cached_property
from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import BinaryField, Case, CharField, F, Func, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import translation
from django.utils.translation import gettext, ngettext

from letters import collation
from letters.countries import country_name
from letters.models import ListSnapshot, Organisation, OrganisationName, Signature
from letters.models.letters import interface_language, version_language
from letters.text import LEADING_ARTICLES, clean_cell, clean_row

ORDERS = ("alphabetical", "signed", "manual")
SOURCES = ("auto", "live", "final", "addendum")
TEXT_LAYOUTS = ("lines", "numbered", "name-country", "name-dash", "name-paren", "table", "inline", "markdown", "html")
# Layouts that print where each signatory is (country or region) after the name, and how.
PLACE_SEPARATORS = {"name-country": (", ", ""), "name-dash": (" - ", ""), "name-paren": (" (", ")")}
DATA_LAYOUTS = ("csv", "xlsx", "json")
DOCUMENT_LAYOUTS = ("docx", "pdf")
LAYOUTS = TEXT_LAYOUTS + DATA_LAYOUTS + DOCUMENT_LAYOUTS
ORGANISATION, INDIVIDUAL = Organisation.Kind.ORGANISATION.value, Organisation.Kind.INDIVIDUAL.value
CHUNK = 2000
# Sorting 100,000 names costs about 0.3 s of CPU; a list that long keeps its order in the shared cache, per revision.
ORDER_CACHE_MIN_ROWS = 5000
ORDER_CACHE_SECONDS = 24 * 3600
# Rows per round trip to the database (a server-side cursor on PostgreSQL): under 0.5 MB at a time. Fewer rows alive
# at once also means fewer garbage-collector passes over them: 2,000 cost more CPU in those than in the round trips.
FETCH = 500
NUMBERINGS = ("continuous", "section")
AFFILIATION_STYLES = ("paren", "comma", "slash", "tab")
AFFILIATION_SEPARATORS = {"comma": ", ", "slash": " / ", "tab": "\t"}


class ExportError(ValueError):
    """An export that cannot be made as asked (unknown layout, order or language)."""


@dataclass(slots=True)
class Row:
    """One name on a letter's list in one language. Contact fields are filled only for coordinators' exports."""

    position: int
    name: str
    acronym: str
    country: str
    country_name: str
    kind: str
    affiliation: str
    is_lead: bool
    signed_at: str | None  # ISO 8601 UTC, "2026-11-24T05:40:02Z"
    confirmed_at: str | None
    after_publication: bool
    signature_id: int
    sort_name: str
    manual_position: int | None
    signer_name: str = ""
    signer_email: str = ""
    section: str = ""  # the heading of the list section this name stands under, in the export's language
    section_rank: int = 0  # 0: no section; 1, 2…: the letter's sections in order
    region: str = ""  # a region as listed ("Global", "Latinoamérica"), printed where the country would be
    note: str = ""  # a description column from a received list (never part of the name)

    @property
    def place(self):
        """Where the signatory is, as printed after the name: the region as listed, else the country's name."""
        return self.region or self.country_name

    @property
    def label(self):
        """The name as printed: individuals carry their affiliation "for identification purposes only"."""
        return self.label_as("paren")

    def label_as(self, style):
        """The name with an individual's affiliation in a list's style: "Name (affiliation)" (paren),
        "Name, affiliation" (comma), "Name / affiliation" (slash) or "Name⇥affiliation" (tab)."""
        if self.kind != INDIVIDUAL or not self.affiliation:
            return self.name
        if style == "paren":
            return f"{self.name} ({self.affiliation})"
        return self.name + AFFILIATION_SEPARATORS.get(style, ", ") + self.affiliation

    def as_snapshot(self):
        data = asdict(self)
        for field in ("position", "signer_name", "signer_email"):
            data.pop(field)
        return data

    @classmethod
    def from_snapshot(cls, data):
        """A row from a ListSnapshot; fields a snapshot lacks (an older one) are left empty."""
        fields = {name: data.get(name) for name in cls.__dataclass_fields__ if name != "position"}
        for name in ("name", "acronym", "country", "country_name", "affiliation", "sort_name",
                     "signer_name", "signer_email"):
            fields[name] = fields[name] or ""
        fields["kind"] = fields["kind"] or ORGANISATION
        for name in ("section", "region", "note"):
            fields[name] = fields[name] or ""
        fields["section_rank"] = fields["section_rank"] or 0
        return cls(position=0, **fields)


def letter_name(names, language):
    """This letter's name for the sign-on in `language` from its `names` column as read raw ("" when none):
    SQLite gives JSON as text, psycopg may give it decoded."""
    if not names or names == "{}":
        return ""
    if isinstance(names, str):
        names = json.loads(names)
    return names.get(language, "")


def effective_sort_name(shown, org_name, org_sort_name):
    """The name a row sorts under.

    The directory's sort name was chosen for the canonical name. When this letter or language shows another
    spelling, that spelling needs its own: the organisation's choice to keep a leading article ("The African
    Centre…" under T) carries over; otherwise the article is dropped from the shown name as usual.
    """
    if shown == org_name:
        return org_sort_name or without_article(shown)
    if org_sort_name == org_name and without_article(org_name) != org_name:
        return shown
    return without_article(shown)


def without_article(name):
    """text.default_sort_name for a name that is already clean (names are cleaned on save): much faster."""
    lowered = name[:5].lower().replace("’", "'")
    for article in LEADING_ARTICLES:
        if lowered.startswith(article) and len(name) > len(article):
            return name[len(article):].lstrip()
    return name


class SignatoryList:
    """A letter's list in one language, ready to render: rows in order, plus headings and the unnamed count."""

    def __init__(self, letter, language, order="alphabetical", *, include_contacts=False, leads_first=False,
                 group_individuals=True, source="auto", limit=None, numbering=None, affiliation_style="paren",
                 numbers=False, reuse_order=False):
        if order not in ORDERS:
            raise ExportError(gettext("Unknown order “%(order)s”.") % {"order": order})
        if source not in SOURCES:
            raise ExportError(gettext("Unknown list “%(source)s”.") % {"source": source})
        if version_language(language) not in dict(settings.LETTER_LANGUAGES):
            raise ExportError(gettext("Unknown language “%(language)s”.") % {"language": language})
        # An interface code (zh-hans) names the letter language (zh) the versions and display names use.
        self.letter, self.language, self.order = letter, version_language(language), order
        self.include_contacts, self.leads_first = include_contacts, leads_first
        self.group_individuals = group_individuals
        self.snapshot = final_snapshot(letter, self.language) if source in ("auto", "final", "addendum") else None
        if source == "final" and self.snapshot is None:
            raise ExportError(gettext("This letter has no finalised list in this language."))
        self.source = source if source != "auto" else ("final" if self.snapshot else "live")
        self.limit = limit  # at most this many rows (a preview); None: all
        self._ids = None  # the alphabetical order, once computed
        # Exports (downloads, background jobs, the CLI) of a long list may take its order from the shared cache;
        # pages and services that write and then read the list in one transaction always sort afresh.
        self.reuse_order = reuse_order
        if numbering not in (None, *NUMBERINGS):
            raise ExportError(gettext("Unknown numbering “%(numbering)s”.") % {"numbering": numbering})
        self.numbering = numbering or letter.numbering
        if affiliation_style not in AFFILIATION_STYLES:
            raise ExportError(gettext("Unknown style “%(style)s”.") % {"style": affiliation_style})
        self.affiliation_style = affiliation_style
        self.numbers = numbers  # print "N. " before each name in any text layout (the "numbered" layout always does)

    # --- sections -------------------------------------------------------------------------------------------

    @cached_property
    def sections(self):
        """The letter's list sections in order: {section id: (rank, heading in this language, kind)}."""
        sections = {}
        for rank, section in enumerate(self.letter.sections.order_by("position", "pk"), start=1):
            heading = clean_cell(section.heading(self.language, self.letter.default_language))
            sections[section.pk] = (rank, heading or self.heading(section.kind or ORGANISATION), section.kind)
        return sections

    def _rank(self, section_id):
        return self.sections[section_id][0] if section_id in self.sections else 0

    @cached_property
    def uses_sections(self):
        """Whether the list prints sections: the letter's today, or those the finalised snapshot recorded."""
        if self.source == "final":
            return any(data.get("section_rank") for data in self.snapshot.rows if not data.get("unnamed"))
        return bool(self.sections)

    # --- what the layouts need besides the rows --------------------------------------------------------------

    @cached_property
    def unnamed(self):
        """How many approved sign-ons may not be named: printed as "and N organisations…"."""
        if self.source == "final":
            return sum(1 for data in self.snapshot.rows if data.get("unnamed"))
        if self.source == "addendum":
            return len(self.unnamed_entries())
        return self._signatures().unnamed().count()

    def unnamed_entries(self):
        """(signature id, kind) of the sign-ons counted but not named, for a live or addendum list."""
        queryset = self._signatures().unnamed()
        if self.source == "addendum":
            queryset = self._late(queryset)
            if not queryset.exists():
                return []
        entries = queryset.order_by("pk").values_list("pk", "organisation__kind")
        return [(pk, kind) for pk, kind in entries if pk not in self.published_ids]

    def as_snapshot(self):
        """The rows exactly as exported now, plus the unnamed sign-ons: what a ListSnapshot stores."""
        rows = [row.as_snapshot() for row in self.rows()]
        if self.source == "final":
            return rows + [data for data in self.snapshot.rows if data.get("unnamed")]
        return rows + [{"signature_id": pk, "unnamed": True, "kind": kind} for pk, kind in self.unnamed_entries()]

    @cached_property
    def kinds(self):
        if self.source == "final":
            return {data["kind"] for data in self.snapshot.rows if not data.get("unnamed")}
        return set(self._listed().values_list("organisation__kind", flat=True).distinct().order_by())

    @cached_property
    def has_headings(self):
        if self.uses_sections:
            return True
        return self.group_individuals and INDIVIDUAL in self.kinds

    @cached_property
    def version(self):
        version = self.letter.version(self.language) if self.language in self.letter.languages() else None
        return version and version.clean_texts()  # its list words are printed: one clean line each

    def heading(self, kind):
        """The automatic heading of organisations or individuals: the version's own words, else the interface's
        translation of the export language, else English (gettext's fallback for languages without a catalogue)."""
        own = self.version and (self.version.individuals_label if kind == INDIVIDUAL else
                                self.version.organisations_label)
        if own:
            return own
        with translation.override(interface_language(self.language)):
            if kind == INDIVIDUAL:
                return gettext("Individuals (affiliation for identification purposes only)")
            return gettext("Organisations")

    def unnamed_text(self):
        own = self.version and self.version.unnamed_label
        if own:
            return own.replace("{count}", str(self.unnamed))
        with translation.override(interface_language(self.language)):
            return ngettext(
                "and %(count)d organisation that cannot be named for security reasons",
                "and %(count)d organisations that cannot be named for security reasons",
                self.unnamed,
            ) % {"count": self.unnamed}

    def events(self):
        """("heading", text), ("row", Row) and ("unnamed", text) in print order: what every layout walks.

        The unnamed count closes the organisations' section (it counts organisations), or the list.
        """
        if self.uses_sections:
            yield from self._section_events()
            return
        current, unnamed_done = object(), not self.unnamed or self.limit is not None
        for row in self.rows():
            section = row.kind if self.group_individuals else None
            if section != current:
                if current == ORGANISATION and not unnamed_done:
                    unnamed_done = True
                    yield "unnamed", self.unnamed_text()
                if self.has_headings:
                    yield "heading", self.heading(section)
                current = section
            yield "row", row
        if not unnamed_done:
            yield "unnamed", self.unnamed_text()

    def _section_events(self):
        """A letter with sections: each section's heading (in this language) before its names; names with no
        section come first, without a heading. The unnamed count closes the last section before the first one
        for individuals (it counts organisations), or the list."""
        current, unnamed_done = 0, not self.unnamed or self.limit is not None
        for row in self.rows():
            if row.section_rank != current:
                if not unnamed_done and self._is_individuals_section(row):
                    unnamed_done = True
                    yield "unnamed", self.unnamed_text()
                yield "heading", row.section
                current = row.section_rank
            yield "row", row
        if not unnamed_done:
            yield "unnamed", self.unnamed_text()

    def _is_individuals_section(self, row):
        """Whether the section `row` opens is for individuals (the first row tells, for a snapshot's old section)."""
        for rank, _heading, kind in self.sections.values():
            if rank == row.section_rank and kind:
                return kind == INDIVIDUAL
        return row.kind == INDIVIDUAL

    # --- rows -------------------------------------------------------------------------------------------------

    def rows(self, cleaned=True):
        """The rows in order, numbered from 1. A generator: call again for a second pass.

        `cleaned=False` is for the spreadsheet paths only (resources.iter_csv, write_xlsx): SignatoryResource.values
        cleans and neutralises every cell it exports, so checking each row here too would do the work twice.
        """
        if self.source == "final":
            rows = self._snapshot_rows()
        elif self.order == "alphabetical" and connections[Signature.objects.db].vendor != "sqlite":
            ids = self._alphabetical_ids()
            rows = self._live_rows(ids if self.limit is None else ids[: self.limit])
        else:
            rows = self._live_rows(None)
        position, section = 0, 0
        restart = self.numbering == "section" and self.uses_sections
        for row in islice(rows, self.limit):
            if restart and row.section_rank != section:
                position, section = 0, row.section_rank
            position += 1
            row.position = position
            yield clean_row(row) if cleaned else row  # one clean line per field, whatever the database holds

    def count(self):
        """How many names the list prints."""
        if self.source == "final":
            return sum(1 for data in self.snapshot.rows if not data.get("unnamed"))
        if self.source == "addendum":
            late = self._listed().values_list("pk", flat=True)
            return sum(1 for pk in late if pk not in self.published_ids) if late.exists() else 0
        return self._listed().count()

    def is_empty(self):
        return not self.count() and not self.unnamed

    def _signatures(self):
        return Signature.objects.filter(letter=self.letter)

    def _listed(self):
        return self._late(self._signatures().listed()) if self.source == "addendum" else self._signatures().listed()

    def _late(self, queryset):
        """Approved while the letter was finalised, after the current finalisation (so a cheap query tells
        whether there is an addendum at all; published_ids then only guards against re-approved names)."""
        queryset = queryset.filter(added_after_finalisation=True)
        return queryset.filter(approved_at__gt=self.snapshot.created_at) if self.snapshot else queryset

    @cached_property
    def published_ids(self):
        """Sign-ons already on the finalised list (named or counted): an addendum never repeats them."""
        return {data["signature_id"] for data in self.snapshot.rows} if self.snapshot else set()

    @cached_property
    def _display_names(self):
        return dict(
            OrganisationName.objects.filter(language=self.language, organisation__signatures__letter=self.letter)
            .values_list("organisation_id", "name")
        )

    def _section(self, kind, is_lead, section_id=None):
        """The group a row sorts in first: the letter's list sections in order (names without one first) or,
        without sections, organisations before individuals (if grouped); leads before the rest (if asked)."""
        if self.sections:
            group = 2 * self._rank(section_id)
        else:
            group = 2 if self.group_individuals and kind == INDIVIDUAL else 0
        return group + (0 if is_lead or not self.leads_first else 1)

    def _prefixes(self):
        """{(kind, is_lead, section id): the sort key's first bytes} for every group a row can be in."""
        section_ids = [None, *self.sections]
        return {(kind, lead, sid): self._section(kind, lead, sid).to_bytes(2, "big")
                for kind in (ORGANISATION, INDIVIDUAL) for lead in (False, True, 0, 1) for sid in section_ids}

    def _database_order(self):
        """Date signed and manual order are plain columns: the database sorts, and the rows stream as they come."""
        section = Value(0)
        if self.sections:
            section = Case(*[When(section_id=sid, then=Value(2 * rank)) for sid, (rank, _h, _k) in
                             self.sections.items()], default=Value(0))
        elif self.group_individuals:
            section = Case(When(organisation__kind=INDIVIDUAL, then=Value(2)), default=Value(0))
        if self.leads_first:
            section = section + Case(When(is_lead=True, then=Value(0)), default=Value(1))
        fields = [Coalesce("signed_at", "approved_at", "created_at").asc(), "pk"]
        if self.order == "manual":
            fields = [F("position").asc(nulls_last=True)] + fields
        return self._listed().annotate(_section=section).order_by("_section", *fields)

    def _alphabetical_ids(self):
        """Ids in collation order: from the shared cache when this revision of the list was sorted before."""
        if self._ids is not None:
            return self._ids
        # The letter's counts (kept on write) say whether the list is long enough to be worth a cache round trip.
        long = self.letter.count_organisations + self.letter.count_individuals >= ORDER_CACHE_MIN_ROWS
        if not (self.reuse_order and long and self.limit is None):
            self._ids = self._sorted_ids()
            return self._ids
        key = self._order_cache_key()
        cached = cache.get(key)
        if cached is not None:
            self._ids = array("q")
            self._ids.frombytes(cached)
        else:
            self._ids = self._sorted_ids()
            cache.set(key, self._ids.tobytes(), ORDER_CACHE_SECONDS)
        return self._ids

    def _order_cache_key(self):
        """The order depends on the list's revision (moved on in the transaction of every change to what the list
        shows: sign-ons, names, sections), the language and the grouping options. The revision is read afresh:
        `self.letter` may have been loaded before the last change. A change committed between this read and the
        rows' read is stored under the older revision, which later readers no longer ask for."""
        from letters.models import Letter

        revision = Letter.objects.filter(pk=self.letter.pk).values_list("list_revision", flat=True).first()
        options = f"{self.source}:{int(self.leads_first)}:{int(self.group_individuals)}"
        return f"list-order:{self.letter.pk}:{revision}:{self.language}:{options}:{collation.VERSION}"

    def _sorted_ids(self):
        """Ids in collation order. Only one compact key per row is kept in memory, not the rows."""
        published = self.published_ids if self.source == "addendum" else set()
        ids, keys, key = array("q"), [], self._keyer()
        for pk, override, org_id, org_name, org_sort, kind, is_lead, section_id, names in fast_values(
                self._listed(), SORT_FIELDS):
            if published and pk in published:
                continue
            # Keyed row by row: keeping the names for one pass over them afterwards would double the memory.
            keys.append(key(org_id, override, org_name, org_sort, kind, is_lead, section_id, names))
            ids.append(pk)
        order = sorted(range(len(keys)), key=keys.__getitem__)
        runs = collation.tie_runs(keys, order)
        del keys
        if runs:
            self._break_ties(order, runs, ids)
        return array("q", map(ids.__getitem__, order))

    def _keyer(self):
        """key(org_id, override, org_name, org_sort, kind, is_lead, section_id, names) → a row's primary sort key:
        its group's bytes, then the ICU primary key of the name it sorts under. The one key of both databases:
        SQLite's query calls it, PostgreSQL's rows are keyed with it in Python."""
        display, spelled, primary_key = self._display_names, self._spelled, collation.primary_keyer(self.language)
        # The group as the key's first bytes; SQLite gives booleans as 0/1, which are the same dict keys.
        prefix, sections = self._prefixes(), self.sections

        def key(org_id, override, org_name, org_sort, kind, is_lead, section_id, names):
            # `names` reads "{}" (text) when the letter gives no name of its own: nearly always.
            if override or org_id in display or (names and names != "{}"):
                sort_name = spelled(names, override, org_id, org_name, org_sort)[1]
            else:  # the directory's own name, as on most rows: effective_sort_name's first case, inlined
                sort_name = org_sort or without_article(org_name)
            return prefix[kind, is_lead, section_id if section_id in sections else None] + primary_key(sort_name)

        return key

    def _spelled(self, names, override, org_id, org_name, org_sort):
        """(shown, sort name) of a row: this letter's name in the language → its override → the organisation's
        name in the language → its canonical name. Callers skip the call for a row with none of the first three."""
        shown = (names and letter_name(names, self.language)) or override or self._display_names.get(org_id) \
            or org_name
        return shown, effective_sort_name(shown, org_name, org_sort)

    def _sorted_by_sqlite(self, fields):
        """SQLite only: one query that SQLite sorts by our collation key, computed by a Python function that the
        query calls once per row. Rows stream in order without a second query (PostgreSQL cannot call Python:
        it gets _alphabetical_ids and a join). Names whose keys tie arrive together and are ordered here."""
        connection = connections[Signature.objects.db]
        connection.ensure_connection()
        connection.connection.create_function("coalition_collation_key", 8, self._keyer(), deterministic=True)
        queryset = self._listed().annotate(collation_key=Func(
            "organisation_id", "name_override", "organisation__name", "organisation__sort_name",
            "organisation__kind", "is_lead", "section_id", "names", function="coalition_collation_key",
            output_field=BinaryField(),
        )).order_by("collation_key", "pk")
        tied, tied_key = [], None
        for values in fast_values(queryset, ("collation_key", *fields)):
            if values[0] != tied_key and tied:
                yield from self._untie(tied)
                tied = []
            tied_key = values[0]
            tied.append(values[1:])
        yield from self._untie(tied)

    def _untie(self, rows):
        """Rows (ROW_FIELDS tuples) whose primary keys are equal, by the full key: accents, then case."""
        if len(rows) < 2:
            return rows

        def full_key(values):
            _pk, override, org_id, org_name, org_sort = values[:5]
            shown, sort_name = self._spelled(values[ROW_FIELDS.index("names")], override, org_id, org_name, org_sort)
            return collation.sort_key(sort_name, self.language) + (shown,)

        return sorted(rows, key=full_key)

    def _break_ties(self, order, runs, ids):
        """Names equal but for accents, case or punctuation: order them by the full key (rare, so re-read)."""
        tied = [ids[i] for start, end in runs for i in order[start:end]]
        full = {}
        for start in range(0, len(tied), CHUNK):
            queryset = self._listed().filter(pk__in=tied[start:start + CHUNK])
            for pk, override, org_id, org_name, org_sort, *_group, names in fast_values(queryset, SORT_FIELDS):
                shown, sort_name = self._spelled(names, override, org_id, org_name, org_sort)
                full[pk] = collation.sort_key(sort_name, self.language) + (shown,)
        for start, end in runs:
            order[start:end] = sorted(order[start:end], key=lambda i: full.get(ids[i], ()) + (ids[i],))

    def _live_rows(self, ids):
        """Full rows from the database: in the order of `ids`, or in the database's order when ids is None."""
        fields = ROW_FIELDS + CONTACT_FIELDS if self.include_contacts else ROW_FIELDS
        if ids is not None:
            values = fast_values(self._listed(), fields, in_order_of=ids)
        elif self.order == "alphabetical":
            values = self._sorted_by_sqlite(fields)
        else:
            values = fast_values(self._database_order(), fields)
        display, countries, spelled = self._display_names, {}, self._spelled
        published = self.published_ids if self.source == "addendum" else set()
        sections, no_section = self.sections, (0, "", "")
        for (pk, override, org_id, org_name, org_sort, acronym, country, kind, affiliation, is_lead, signed_at,
             confirmed_at, after_publication, position, section_id, region, note, own_affiliation, names,
             *contacts) in values:
            if published and pk in published:
                continue
            # This runs 100,000 times for a long list: the common cases of _spelled and utc_text are inlined.
            if override or org_id in display or (names and names != "{}"):
                shown, sort_name = spelled(names, override, org_id, org_name, org_sort)
            else:
                shown, sort_name = org_name, org_sort or without_article(org_name)
            if country not in countries:
                countries[country] = country_name(country, self.language)
            rank, heading, _kind = sections.get(section_id, no_section)
            signer_name, signer_email = contacts or ("", "")
            yield Row(
                0, shown, acronym, country, countries[country], kind, own_affiliation or affiliation, bool(is_lead),
                f"{signed_at[:10]}T{signed_at[11:19]}Z" if signed_at else None,
                f"{confirmed_at[:10]}T{confirmed_at[11:19]}Z" if confirmed_at else None,
                bool(after_publication), pk, sort_name, position, signer_name, signer_email, heading, rank, region,
                note,
            )

    def _snapshot_rows(self):
        """The finalised rows, re-ordered as asked (a snapshot keeps every field an order needs)."""
        rows = [Row.from_snapshot(data) for data in self.snapshot.rows if not data.get("unnamed")]
        rows.sort(key=self._snapshot_key)
        if self.include_contacts:
            self._attach_contacts(rows)
        return rows

    def _snapshot_key(self, row):
        # A snapshot keeps each row's section rank and heading as they were when it was taken.
        if self.uses_sections:
            section = 2 * row.section_rank + (0 if row.is_lead or not self.leads_first else 1)
        else:
            section = self._section(row.kind, row.is_lead)
        if self.order == "alphabetical":
            return section, collation.sort_key(row.sort_name, self.language), row.name, row.signature_id
        signed = row.signed_at or "~"  # ISO text sorts by time; "~" puts "unknown" last
        if self.order == "manual":
            position = row.manual_position if row.manual_position is not None else float("inf")
            return section, position, signed, row.signature_id
        return section, signed, row.signature_id

    def _attach_contacts(self, rows):
        """Coordinators' full export of a finalised list: the published rows, with today's contact details."""
        ids = [row.signature_id for row in rows]
        contacts = {}
        for start in range(0, len(ids), CHUNK):
            queryset = self._signatures().filter(pk__in=ids[start:start + CHUNK])
            values = queryset.values_list("pk", "signer_name", "signer_email")
            contacts.update((pk, (name, email)) for pk, name, email in values)
        for row in rows:
            row.signer_name, row.signer_email = contacts.get(row.signature_id, ("", ""))


SORT_FIELDS = ("pk", "name_override", "organisation_id", "organisation__name", "organisation__sort_name",
               "organisation__kind", "is_lead", "section_id", "names")
# Timestamps are read as text (see fast_values): Row keeps them as ISO 8601 UTC text.
ROW_FIELDS = ("pk", "name_override", "organisation_id", "organisation__name", "organisation__sort_name",
              "organisation__acronym", "organisation__country", "organisation__kind", "organisation__affiliation",
              "is_lead", Cast("signed_at", CharField()), Cast("confirmed_at", CharField()), "added_after_finalisation",
              "position", "section_id", "region", "note", "affiliation", "names")
CONTACT_FIELDS = ("signer_name", "signer_email")


def fast_values(queryset, fields, in_order_of=None):
    """queryset.values_list(*fields), streamed (server-side cursor), without the ORM's per-value converters.

    Why: for 100,000 rows the converters cost more than the query itself, datetimes above all (Django's
    PostgreSQL time-zone loader is pure Python): that is why timestamps are selected as text. Booleans may come
    back as 0/1. `in_order_of`: primary keys; the rows come back in that order (ids no longer listed are left
    out), in one query joined with the array of ids: json_each() on SQLite, unnest() on PostgreSQL.
    """
    sql, params = queryset.order_by(*queryset.query.order_by).values_list(*fields).query.sql_with_params()
    connection = connections[queryset.db]
    if in_order_of is not None:
        if connection.vendor == "postgresql":
            sql = (f'SELECT q.* FROM unnest(%s::bigint[]) WITH ORDINALITY AS o(id, n) JOIN ({sql}) AS q '
                   f'ON q."pk" = o.id ORDER BY o.n')
            params = (_ids_text(in_order_of, "{}"), *params)
        elif connection.vendor == "sqlite":
            sql = f'SELECT q.* FROM json_each(%s) AS o JOIN ({sql}) AS q ON q."pk" = o.value ORDER BY o.key'
            params = (_ids_text(in_order_of, "[]"), *params)
        else:  # pragma: no cover - Coalition runs on SQLite and PostgreSQL
            raise NotImplementedError(connection.vendor)
    yield from _stream(connection, sql, params)


def _ids_text(ids, brackets):
    """"{1,2,3}" (a PostgreSQL array) or "[1,2,3]" (JSON), one parameter however many ids, built in pieces:
    a list of 100,000 ints, or their adaptation one by one, would cost more memory than the export itself."""
    text = io.StringIO()
    text.write(brackets[0])
    for start in range(0, len(ids), CHUNK):
        text.write(("," if start else "") + ",".join(map(str, ids[start:start + CHUNK])))
    text.write(brackets[1])
    return text.getvalue()


def _stream(connection, sql, params):
    if connection.vendor != "postgresql":
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(FETCH):
                yield from chunk
        return
    # PostgreSQL plans a cursor for its first 10% of rows. With stale statistics (right after a big import)
    # that picks a nested loop comparing every id with every row: quadratic. We read every row, so plan for
    # all of them, and let the sort by position stay in memory (100,000 rows spill to disk with the default
    # 4 MB). SET LOCAL needs the transaction (read-only here; on SQLite it would take the write lock).
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0; SET LOCAL work_mem = '64MB'")
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(FETCH):
                yield from chunk


def utc_text(value):
    """ "2026-11-24T05:40:02Z" from a timestamp read as text: SQLite stores "2026-11-24 05:40:02.436990" (UTC),
    PostgreSQL prints "2026-11-24 05:40:02.43699+00" (Django sets the session time zone to UTC)."""
    return f"{value[:10]}T{value[11:19]}Z" if value else None


def final_snapshot(letter, language):
    """The finalised list in `language` of a letter that is finalised now (None once reopened)."""
    from letters.models import Letter

    if letter.status != Letter.Status.FINALISED:
        return None
    # Rows are loaded on first use: a dashboard that only asks "is there a snapshot?" never parses them.
    return (
        ListSnapshot.objects.filter(letter=letter, language=language, kind=ListSnapshot.Kind.FINAL)
        .defer("rows").order_by("-created_at", "-pk").first()
    )


def signatory_rows(letter, language, order="alphabetical", include_contacts=False, **options):
    """The rows of `letter`'s list in `language`, in `order` ("alphabetical", "signed" or "manual").

    The public page's entry point: never pass include_contacts=True there (signers' names and emails).
    Options: leads_first, group_individuals (organisations, then individuals), source ("auto": the finalised
    list once finalised, else the live one; "live"; "final"; "addendum").
    """
    return SignatoryList(letter, language, order, include_contacts=include_contacts, **options).rows()
