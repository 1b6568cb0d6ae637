"""Adding sign-ons received by email: a pasted list (or a file) is previewed, reviewed, then imported at once.

The paste screen and `manage.py import_signatories` both go through `build_preview` and `import_rows`, so they
read and match a list the same way. Decisions:

- The list is read line by line (parsing.py): headings become the letter's list sections, column headers and
  noise are shown but not imported, individuals keep their affiliation, regions are kept as written.
- Imported sign-ons are **approved** (source "import"): the coordinator received them from partners by email
  and vouches for them; the history records who imported them.
- The pasted order becomes the manual order (appended after sign-ons already positioned).
- Names: once a pasted name is matched to a directory organisation by a known misspelling (alias) or an
  accepted similar name, the letter shows the organisation's canonical name in that language — the preview says
  "will appear as … (pasted: …)" and "keep as pasted" is a per-row choice (`--keep-pasted-names` in the CLI).
  Other differences (an exact match typed differently, "Name (Kenya)") are kept as this letter's name.
- A country or region given on the line is stored on a new organisation, or on an existing one that has none; a
  country already in the directory is never overwritten by a list.
- Nothing is half-imported: every choice is checked first, then everything is written in one transaction
  (services/import_write.py), with a number of queries that does not grow with the list.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from letters.matching import cached_matcher
from letters.models import Organisation
from letters.parsing import Entry, parse_list, split_country
from letters.parsing_model import Section as ParsedSection
from letters.text import clean_text, normalise_name

NEW, SKIP, SPLIT, PARTS, ORG = "new", "skip", "split", "parts", "org:"
# How a match was found → whether the letter then shows the directory's canonical name instead of the pasted one.
CANONICAL_WHEN = ("alias", "fuzzy", "chosen")


class ImportRefused(Exception):
    """The import was not done (nothing was written); `messages` say why, line by line."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("; ".join(str(m) for m in self.messages))


@dataclass
class Row:
    """One parsed entry of the list, how it matched the directory, and what importing it would do by default."""

    index: int
    entry: object  # parsing.Entry
    match: object  # matching.Match
    country: str = ""  # code from the line (or from a trailing ", Country" that had to be stripped to match)
    how: str = "new"  # exact | alias | acronym | country | fuzzy | new | two | several
    default: str = NEW
    existing: object = None  # this letter's signature of the default organisation, if any
    duplicate_of: int | None = None  # line of an earlier row with the same organisation
    split_existing: list = field(default_factory=list)

    @property
    def score(self):
        return self.match.best_suggestion[1] if self.how == "fuzzy" else None

    @property
    def flagged(self):
        """Worth a second look: a similar but not identical name, maybe several organisations, or listed twice."""
        near = self.how == "new" and bool(self.match.suggestions)
        return self.how in ("fuzzy", "two", "several") or near or self.duplicate_of is not None

    @property
    def kind(self):
        return getattr(self.entry, "kind", Organisation.Kind.ORGANISATION)

    @property
    def parts(self):
        """The proposed names of a run-on line (several organisations whose separators were lost)."""
        return list(getattr(self.entry, "split", []) or [])

    @property
    def canonical(self):
        """The directory's name this line would be listed under instead of the pasted one, or "" (no change)."""
        org = self.match.organisation or (self.match.suggestions[0][0] if self.how == "fuzzy" else None)
        if org is None or self.how not in CANONICAL_WHEN:
            return ""
        return org.name if org.name != self.entry.name else ""

    def options(self):
        """[(value, label)] the coordinator may choose for this line."""
        options, seen = [], set()
        if self.how == "several":
            options.append((PARTS, _("Several organisations: %(names)s") % {"names": "; ".join(self.parts)}))
        if self.match.organisation:
            options.append((f"{ORG}{self.match.organisation.pk}", self.match.organisation.name))
            seen.add(self.match.organisation.pk)
        for org, score in self.match.suggestions:
            if org.pk not in seen:
                seen.add(org.pk)
                label = _("%(name)s (similar, %(score)s%%)") % {"name": org.name, "score": score}
                options.append((f"{ORG}{org.pk}", label))
        if self.match.possibly_two:
            first, second = self.match.possibly_two
            options.append((SPLIT, _("Two organisations: %(a)s + %(b)s") % {"a": first.name, "b": second.name}))
        if self.existing is not None and self.existing.status == "withdrawn":
            options.insert(0, ("reinstate", _("Approve again (this organisation had withdrawn)")))
        options.append((NEW, _("New organisation") if self.how != "several" else _("One organisation, as pasted")))
        options.append((SKIP, _("Do not import this line")))
        return options


@dataclass
class Preview:
    letter: object
    language: str
    layout: str
    rows: list
    errors: list  # parsing.Entry objects that could not be read
    matcher: object = None
    sections: list = field(default_factory=list)  # parsing.Section objects: the headings found, in order
    lines: list = field(default_factory=list)  # parsing.Line objects: what every pasted line was read as

    @property
    def counts(self):
        counts = dict.fromkeys(("exact", "fuzzy", "new", "two", "several", "existing", "duplicate",
                                "individuals", "canonical"), 0)
        for row in self.rows:
            key = {"alias": "exact", "acronym": "exact", "country": "exact"}.get(row.how, row.how)
            counts[key] = counts.get(key, 0) + 1
            counts["existing"] += bool(row.existing)
            counts["duplicate"] += bool(row.duplicate_of)
            counts["individuals"] += row.kind == Organisation.Kind.INDIVIDUAL
            counts["canonical"] += bool(row.canonical)
        return counts

    @property
    def flagged(self):
        return [row for row in self.rows if row.flagged]

    @property
    def needs_review(self):
        """Lines no default can safely import: run-on blocks (several organisations in one line)."""
        return [row for row in self.rows if row.how == "several"]


def build_preview(letter, text, language, layout="auto", matcher=None, accept_fuzzy=True):
    """Parse `text` and match every entry; nothing is written. One fuzzy pass for the whole list."""
    matcher = matcher or cached_matcher()
    parsed = parse_list(text, layout, language=language, known_names=matcher.by_key)
    _whole_list_heading_naming_a_section(letter, parsed)
    entries = parsed.valid
    matches = matcher.match_many((entry.name, entry.country, "") for entry in entries)
    rows = [Row(index=i, entry=entry, match=match, country=entry.country) for i, (entry, match) in
            enumerate(zip(entries, matches))]
    _match_without_country_suffix(rows, matcher)
    signatures = letter.signatures.only("id", "organisation_id", "status", "letter_id", "withdrawn_at")
    existing = {sig.organisation_id: sig for sig in signatures}
    seen = {}
    for row in rows:
        _classify(row, accept_fuzzy)
        targets = _targets(row, row.default)
        row.existing = existing.get(targets[0]) if len(targets) == 1 and isinstance(targets[0], int) else None
        row.split_existing = [existing[t] for t in _targets(row, SPLIT) if t in existing] if row.how == "two" else []
        earlier = next((seen[t] for t in targets if t in seen), None)
        if earlier is not None:
            row.duplicate_of, row.default = earlier, SKIP
        else:
            seen.update(dict.fromkeys(targets, row.entry.line_no))
    return Preview(letter=letter, language=language, layout=parsed.layout, rows=rows, errors=parsed.errors,
                   matcher=matcher, sections=list(getattr(parsed, "sections", [])),
                   lines=list(getattr(parsed, "lines", [])))


def _whole_list_heading_naming_a_section(letter, parsed):
    """A list pasted under one heading reads as the title of the whole list ("Signataires :") — unless the letter
    already has a section with that heading ("National organisations:"): then its entries go to that section."""
    titles = [line.raw for line in parsed.lines if line.role == "list-heading"]
    if parsed.sections or not titles:
        return
    title = clean_text(titles[0]).rstrip(" :：")
    headings = {normalise_name(h) for section in letter.sections.all() for h in section.headings.values()}
    if normalise_name(title) not in headings:
        return
    parsed.sections.append(ParsedSection(title=title, kind="", line_no=0))
    for entry in parsed.valid:
        entry.section = entry.section or title


def preview_one(letter, name, country, email, language, matcher=None):
    """A one-line preview for a single sign-on typed in by a coordinator (the email helps matching)."""
    matcher = matcher or cached_matcher()
    entry = Entry(line_no=1, raw=name, name=clean_text(name), country=country)
    row = Row(index=0, entry=entry, match=matcher.match(entry.name, country, email), country=country)
    _match_without_country_suffix([row], matcher)
    _classify(row, accept_fuzzy=False)
    return Preview(letter=letter, language=language, layout="lines", rows=[row], errors=[], matcher=matcher)


def _match_without_country_suffix(rows, matcher):
    """"Endorois Welfare Council (Kenya)", "Human Rights Now, Japan": try the name without its country.

    Lists that print a country inside a few names keep it in the name (they are published that way), but the
    organisation in the directory is usually the one without the country.
    """
    retry = []
    for row in rows:
        if row.match.organisation is None and not row.entry.country:
            name, code, _text = split_country(row.entry.name)
            if code:
                retry.append((row, name, code))
    for (row, _name, code), match in zip(retry, matcher.match_many((name, code, "") for _row, name, code in retry)):
        if match.organisation is not None:
            row.match.organisation, row.match.how, row.country = match.organisation, "country", code


def _classify(row, accept_fuzzy):
    match = row.match
    if getattr(row.entry, "several", False) and row.parts:
        # Separators were lost: never one long name by default; the proposed split, shown for review.
        row.how, row.default = "several", PARTS
    elif match.organisation:
        row.how, row.default = match.how if match.how != "domain" else "exact", f"{ORG}{match.organisation.pk}"
    elif match.possibly_two:
        # Both halves are directory organisations: most likely a comma lost in the list. Split unless told not to.
        row.how, row.default = "two", SPLIT
    elif match.suggestions and accept_fuzzy:
        row.how, row.default = "fuzzy", f"{ORG}{match.suggestions[0][0].pk}"
    else:
        row.how, row.default = "new", NEW


def _targets(row, choice):
    """What a choice points at, to spot the same organisation twice: org ids, or the new name's key."""
    if choice.startswith(ORG):
        return [int(choice[len(ORG):])]
    if choice == SPLIT:
        return [org.pk for org in row.match.possibly_two]
    if choice == NEW:
        return [("new", normalise_name(row.entry.name))]
    if choice == PARTS:
        return [("new", normalise_name(part)) for part in row.parts]
    return []


def import_rows(preview, choices=None, names=None, others=None, by=None, source=None, reason="", fields=None,
                refuse_existing=False, keep_pasted=None, parts=None):
    """Import the previewed list. `choices`, `names`, `others` and `parts` map a row index to the coordinator's
    choice, an edited name, a directory organisation typed by hand ("#123" or its exact name), and the edited
    names of a run-on line (one per line). `keep_pasted`: True (every row) or a set of row indexes whose pasted
    name is kept instead of the canonical one. Missing → defaults. `fields` are set on every new sign-on.
    Organisations already on the letter are approved again if they had withdrawn or been rejected — or refused
    with `refuse_existing`.

    Raises ImportRefused (nothing written) when a choice is invalid or two lines end up as one organisation.
    """
    from letters.services.import_write import import_plans

    return import_plans(preview, choices=choices, names=names, others=others, by=by, source=source,
                        reason=reason, fields=fields, refuse_existing=refuse_existing, keep_pasted=keep_pasted,
                        parts=parts)
