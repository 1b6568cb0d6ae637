"""The one export path for signatory lists: the rows of a letter's list for one language, in order.

Every layout (text: layouts.py; CSV/XLSX/JSON: resources.py; DOCX/PDF: documents.py) and every caller (dashboard,
admin, CLI, public page) renders from `SignatoryList.rows()`; `signatory_rows()` is the short form. A row shows:
- the name in the export language: the letter's override → the organisation's name in that language → its
  canonical name (`Signature.display_name`), and the country's name in that language;
- only listed sign-ons (approved, consent to be named); the others are only counted ("and N organisations…").

How 100,000 rows stay fast and small (rows stream; nothing holds the whole list):
- alphabetical order is ordering.py's (ICU collation keys): the database sorts the rows' own query by them
  (PostgreSQL by the keys stored per name and language, SQLite by calling our key function);
- date signed and manual order are plain columns: the database sorts, in one query.

After finalisation, exports read the finalised snapshot (services/finalise.py), so later edits do not change
what was published; the addendum lists the sign-ons approved after it.
"""

from dataclasses import asdict, dataclass
from functools import cached_property
from itertools import islice

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext, ngettext

from letters import collation
from letters.countries import country_name
from letters.models import ListSnapshot, Organisation, OrganisationName, Signature
from letters.live_lines import LiveLines
from letters.models.letters import interface_language, version_language
from letters.ordering import ROW_FIELDS, AlphabeticalOrder, fast_values, without_article
from letters.text import clean_cell, clean_row

ORDERS = ("alphabetical", "signed", "manual")
SOURCES = ("auto", "live", "final", "addendum")
TEXT_LAYOUTS = ("lines", "numbered", "name-country", "name-dash", "name-paren", "table", "inline", "markdown", "html")
# Layouts that print where each signatory is (country or region) after the name, and how.
PLACE_SEPARATORS = {"name-country": (", ", ""), "name-dash": (" - ", ""), "name-paren": (" (", ")")}
DATA_LAYOUTS = ("csv", "xlsx", "json")
DOCUMENT_LAYOUTS = ("docx", "pdf")
LAYOUTS = TEXT_LAYOUTS + DATA_LAYOUTS + DOCUMENT_LAYOUTS
ORGANISATION, INDIVIDUAL = Organisation.Kind.ORGANISATION.value, Organisation.Kind.INDIVIDUAL.value
# Ids per `pk__in` query, and lines per text chunk of a layout.
CHUNK = 2000
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


class SignatoryList(AlphabeticalOrder, LiveLines):
    """A letter's list in one language, ready to render: rows in order, plus headings and the unnamed count."""

    def __init__(self, letter, language, order="alphabetical", *, include_contacts=False, leads_first=False,
                 group_individuals=True, source="auto", limit=None, numbering=None, affiliation_style="paren",
                 numbers=False):
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
        rows = self._snapshot_rows() if self.source == "final" else self._live_rows(self._live_values())
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

    def _database_order(self):
        """Date signed and manual order are plain columns: the database sorts, and the rows stream as they come."""
        fields = [Coalesce("signed_at", "approved_at", "created_at").asc(), "pk"]
        if self.order == "manual":
            fields = [F("position").asc(nulls_last=True)] + fields
        return self._listed().annotate(_section=self._group_expression()).order_by("_section", *fields)

    def _live_values(self):
        """The listed sign-ons' ROW_FIELDS (and CONTACT_FIELDS) tuples, in order, in one query: sorted by the names'
        collation keys (ordering.py) or by date or position."""
        fields = ROW_FIELDS + CONTACT_FIELDS if self.include_contacts else ROW_FIELDS
        if self.order != "alphabetical":
            return fast_values(self._database_order(), fields)
        return self._sorted_rows(fields)

    def _live_rows(self, values):
        """Rows from _live_values()."""
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

    def cells(self, kinds, yes):
        """Each row's CSV cells, in lists of up to 500 rows (fewer Python steps per row than a generator of rows),
        uncleaned, exactly as SignatoryResource._cells makes them from rows(cleaned=False):
        position (an int), name, acronym, country name, country code, kind (`kinds` labels it), affiliation, lead
        and after publication (`yes` or ""), signed and confirmed (UTC, "2026-11-24 05:40"), section heading,
        region, note[, signer, email]. None when the rows are not read live in one query (a finalised snapshot,
        a preview with a limit): the caller uses rows().

        Why a loop of its own beside _live_rows: building 100,000 Row objects and reading them back was 40 % of a
        CSV download. tests/exports/test_live_cells.py checks that both give the same CSV for every option.
        """
        if self.source == "final" or self.limit is not None:
            return None
        return self._live_cells(self._live_values(), kinds, yes)

    def _live_cells(self, values, kinds, yes):
        display, countries, shown_name = self._display_names, {}, self._shown
        published = self.published_ids if self.source == "addendum" else set()
        sections, no_section = self.sections, (0, "", "")
        restart, position, section = self.numbering == "section" and self.uses_sections, 0, 0
        labels, heading = _Labels(kinds), ""
        values = iter(values)
        # 500 rows at a time (islice, in C): no count to keep per row.
        while chunk := list(islice(values, 500)):
            batch = []
            for (pk, override, org_id, org_name, _sort, acronym, country, kind, affiliation, is_lead, signed_at,
                 confirmed_at, after_publication, _position, section_id, region, note, own_affiliation, names,
                 *contacts) in chunk:
                if published and pk in published:
                    continue
                if override or org_id in display or (names and names != "{}"):
                    shown = shown_name(names, override, org_id, org_name)
                else:
                    shown = org_name
                if country not in countries:
                    countries[country] = country_name(country, self.language)
                if sections:
                    rank, heading, _kind = sections.get(section_id, no_section)
                    if restart and rank != section:
                        position, section = 0, rank
                position += 1
                batch.append([
                    position, shown, acronym, countries[country], country, labels[kind],
                    own_affiliation or affiliation, yes if is_lead else "",
                    f"{signed_at[:10]} {signed_at[11:16]}" if signed_at else "",
                    f"{confirmed_at[:10]} {confirmed_at[11:16]}" if confirmed_at else "",
                    yes if after_publication else "", heading, region, note, *contacts,
                ])
            if batch:
                yield batch

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


CONTACT_FIELDS = ("signer_name", "signer_email")


class _Labels(dict):
    """Labels of kinds; a kind without one is shown as it is (subscripting costs less than .get per row)."""

    def __missing__(self, kind):
        return kind


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
