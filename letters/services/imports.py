"""Adding sign-ons received by email: a pasted list (or a file) is previewed, reviewed, then imported at once.

The paste screen and `manage.py import_signatories` both go through `build_preview` and `import_rows`, so they
parse and match a list the same way. Decisions:

- Imported sign-ons are **approved** (source "import"): the coordinator received them from partners by email
  and vouches for them; the history records who imported them.
- The pasted order becomes the manual order (appended after sign-ons already positioned).
- The name is kept exactly as pasted: when it differs from the directory's name in the list's language, it is
  stored as this letter's name override, so an export reproduces the pasted list line for line.
- A country given on the line is stored on a new organisation, or on an existing one that has none; a country
  already in the directory is never overwritten by a list.
- Nothing is half-imported: every choice is checked first, then everything is written in one transaction.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from letters.matching import Matcher, acronym_of, cached_matcher
from letters.models import Letter, Organisation, OrganisationName, Signature
from letters.parsing import MAX_NAME_LENGTH, Entry, parse_list, split_country
from letters.text import clean_text, normalise_name

NEW, SKIP, SPLIT, ORG = "new", "skip", "split", "org:"


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
    how: str = "new"  # exact | alias | acronym | country | fuzzy | new | two
    default: str = NEW
    existing: object = None  # this letter's signature of the default organisation, if any
    duplicate_of: int | None = None  # line of an earlier row with the same organisation
    split_existing: list = field(default_factory=list)

    @property
    def score(self):
        return self.match.best_suggestion[1] if self.how == "fuzzy" else None

    @property
    def flagged(self):
        """Worth a second look: a similar but not identical name, maybe two organisations, or listed twice."""
        near = self.how == "new" and bool(self.match.suggestions)
        return self.how in ("fuzzy", "two") or near or self.duplicate_of is not None

    def options(self):
        """[(value, label)] the coordinator may choose for this line."""
        options, seen = [], set()
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
        options.append((NEW, _("New organisation")))
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

    @property
    def counts(self):
        counts = dict.fromkeys(("exact", "fuzzy", "new", "two", "existing", "duplicate"), 0)
        for row in self.rows:
            key = {"alias": "exact", "acronym": "exact", "country": "exact"}.get(row.how, row.how)
            counts[key] = counts.get(key, 0) + 1
            counts["existing"] += bool(row.existing)
            counts["duplicate"] += bool(row.duplicate_of)
        return counts


@dataclass
class ImportResult:
    created_organisations: list = field(default_factory=list)
    signatures: list = field(default_factory=list)  # new sign-ons, in list order
    reinstated: list = field(default_factory=list)  # existing sign-ons approved by this import
    unchanged: list = field(default_factory=list)  # already approved on this letter
    skipped: int = 0

    @property
    def matched(self):
        return len(self.signatures) - len([s for s in self.signatures if s.flag_new_organisation])

    @property
    def flagged(self):
        return [s for s in self.signatures if s.flag_near_duplicate or s.flag_domain_mismatch]


def build_preview(letter, text, language, layout="auto", matcher=None, accept_fuzzy=True):
    """Parse `text` and match every entry; nothing is written. One fuzzy pass for the whole list."""
    parsed = parse_list(text, layout)
    matcher = matcher or cached_matcher()
    entries = parsed.valid
    matches = matcher.match_many((entry.name, entry.country, "") for entry in entries)
    rows = [Row(index=i, entry=entry, match=match, country=entry.country) for i, (entry, match) in
            enumerate(zip(entries, matches))]
    _match_without_country_suffix(rows, matcher)
    signatures = letter.signatures.only("id", "organisation_id", "status", "letter_id")
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
                   matcher=matcher)


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

    Lines and numbered lists keep such names whole (they are published that way), but the organisation in the
    directory is usually the one without the country.
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
    if match.organisation:
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
    return []


# --- importing --------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    row: Row
    organisations: list  # Organisation objects, or None for "create"
    name: str
    country: str
    how: str


def import_rows(preview, choices=None, names=None, others=None, by=None, source=Signature.Source.IMPORT,
                reason="", fields=None, refuse_existing=False):
    """Import the previewed list. `choices`, `names` and `others` map a row index to the coordinator's choice,
    an edited name, and a directory organisation typed by hand ("#123" or its exact name). Missing → defaults.
    `fields` are set on every new sign-on (signer, lead…). Organisations already on the letter are approved
    again if they had withdrawn or been rejected — or refused with `refuse_existing`.

    Raises ImportRefused (nothing written) when a choice is invalid or two lines end up as one organisation.
    """
    plans = _plan(preview, choices or {}, names or {}, others or {})
    try:
        with transaction.atomic():
            return _write(preview, plans, by, source, reason or _("Imported from a list"), fields or {},
                          refuse_existing)
    except IntegrityError:
        # A sign-on for one of these organisations arrived meanwhile (the database refuses a second one).
        raise ImportRefused([_("The letter changed while you were reviewing the list. Preview it again.")]) from None


def _plan(preview, choices, names, others):
    """Check every line's choice and say what importing it means; ImportRefused lists every problem at once."""
    errors, plans, taken = [], [], {}
    wanted = _wanted(preview, choices, others, errors)
    found = Organisation.objects.in_bulk({_org_id(c) for c in wanted.values() if _org_id(c)})
    for row in preview.rows:
        plan = _plan_row(row, wanted.get(row.index), names.get(row.index), found, errors)
        if plan is None:
            continue
        for target in _plan_targets(plan):
            if target in taken:
                errors.append(_("Lines %(a)s and %(b)s are the same organisation: skip one of them.")
                              % {"a": taken[target], "b": row.entry.line_no})
            taken[target] = row.entry.line_no
        plans.append(plan)
    if errors:
        raise ImportRefused(errors)
    return plans


def _wanted(preview, choices, others, errors):
    """{row index: choice}: the coordinator's choice, an organisation typed by hand, or the default."""
    wanted = {}
    for row in preview.rows:
        choice = (choices.get(row.index) or row.default).strip()
        other = clean_text(others.get(row.index, ""))
        if other:
            choice = _resolve_other(preview.matcher, other)
            if not choice:
                errors.append(_("Line %(line)s: there is no organisation “%(name)s” in the directory.")
                              % {"line": row.entry.line_no, "name": other})
                continue
        offered = {value for value, _label in row.options()}
        if choice != SKIP and choice not in offered and not choice.startswith(ORG):
            errors.append(_("Line %(line)s: choose what to do with this line.") % {"line": row.entry.line_no})
            continue
        wanted[row.index] = choice
    return wanted


def _plan_row(row, choice, edited_name, found, errors):
    if choice is None:
        return None
    if choice == SKIP:
        return _Plan(row, [], "", "", "skip")
    name = clean_text(edited_name or row.entry.name) or row.entry.name
    if len(name) > MAX_NAME_LENGTH:
        errors.append(_("Line %(line)s: the name is too long.") % {"line": row.entry.line_no})
        return None
    if choice == SPLIT:
        return _Plan(row, list(row.match.possibly_two), "", "", "split")
    if choice == NEW:
        return _Plan(row, [None], name, row.country, "new")
    org = found.get(_org_id(choice))
    if org is None:
        errors.append(_("Line %(line)s: that organisation is no longer in the directory (merged?). "
                        "Preview the list again.") % {"line": row.entry.line_no})
        return None
    return _Plan(row, [org], name, row.country, _how_chosen(row, org))


def _org_id(choice):
    """The organisation id in an "org:<id>" choice, or None (also for ids no database column can hold)."""
    key = choice[len(ORG):] if choice.startswith(ORG) else ""
    return int(key) if key.isascii() and key.isdigit() and int(key) < 2**63 else None


def _how_chosen(row, org):
    if row.match.organisation is not None and org.pk == row.match.organisation.pk:
        return row.how
    if any(org.pk == suggested.pk for suggested, _score in row.match.suggestions):
        return "fuzzy"
    return "chosen"


def _plan_targets(plan):
    return [org.pk if org else ("new", normalise_name(plan.name)) for org in plan.organisations]


def _resolve_other(matcher, text):
    """"#123", "123" or an exact directory name or alias → "org:<id>"; "" when there is no such organisation."""
    key = text.lstrip("#").strip()
    if key.isdigit():
        pk = _org_id(f"{ORG}{key}")
        return f"{ORG}{pk}" if pk and Organisation.objects.filter(pk=pk).exists() else ""
    found = (matcher or Matcher(Organisation.objects.none())).by_key.get(normalise_name(text))
    if not found:
        org = Organisation.objects.filter(normalised_name=normalise_name(text)).first()
        return f"{ORG}{org.pk}" if org else ""
    return f"{ORG}{found[0].pk}"


def _write(preview, plans, by, source, reason, fields, refuse_existing):
    # The letter's row lock keeps two imports into one letter from handing out the same positions.
    letter = Letter.objects.select_for_update().get(pk=preview.letter.pk)
    existing = {sig.organisation_id: sig for sig in letter.signatures.select_related("letter")}
    position = (letter.signatures.aggregate(last=Max("position"))["last"] or 0) + 1
    target_ids = {org.pk for plan in plans for org in plan.organisations if org}
    shown = dict(OrganisationName.objects.filter(organisation__in=target_ids, language=preview.language)
                 .values_list("organisation_id", "name"))
    result = ImportResult()
    for plan in plans:
        result.skipped += plan.how == "skip"
        for org in plan.organisations:
            org, created = _organisation(org, plan, letter, result)
            signature = existing.get(org.pk)
            if signature is not None:
                _already_on_letter(signature, refuse_existing, result, by, reason)
                continue
            directory_name = org.name if created else shown.get(org.pk, org.name)
            signature = _new_signature(letter, org, plan, created, directory_name, preview.language,
                                       {"source": source, "position": position, **fields})
            signature.approve(by=by, reason=reason)
            existing[org.pk] = signature
            result.signatures.append(signature)
            position += 1
    return result


def _organisation(org, plan, letter, result):
    """(organisation, created): the chosen one, or a new one — unless another import created it meanwhile."""
    if org is None:
        org = Organisation.objects.filter(normalised_name=normalise_name(plan.name)).order_by("pk").first()
        if org is None:
            org = Organisation.objects.create(name=plan.name, country=plan.country, acronym=acronym_of(plan.name))
            result.created_organisations.append(org)
            return org, True
    _complete(org, plan, letter)
    return org, False


def _already_on_letter(signature, refuse_existing, result, by, reason):
    if refuse_existing:
        raise ImportRefused([_("“%(name)s” is already on this letter (%(status)s).") % {
            "name": signature.display_name(), "status": signature.get_status_display()}])
    _reapprove(signature, result, by, reason)


def _new_signature(letter, org, plan, created, directory_name, language, fields):
    """A pending sign-on (approved next, so the history shows who approved it) with the name as listed."""
    name = plan.name if plan.how != "split" else ""
    match = plan.row.match
    return Signature.objects.create(
        letter=letter, organisation=org, status=Signature.Status.PENDING, signed_at=timezone.now(),
        name_override=name if name and name != directory_name else "", submitted_name=plan.row.entry.name,
        language=language, flag_new_organisation=created,
        flag_near_duplicate=created and bool(match.suggestions or match.possibly_two),
        flag_domain_mismatch=match.domain_mismatch, match_note=_note(plan, org)[:500], **fields,
    )


def _complete(org, plan, letter):
    """Fill what the directory lacks from the list, and remember a spelling the coordinator confirmed."""
    if plan.country and not org.country:
        Organisation.objects.filter(pk=org.pk).update(country=plan.country, updated_at=timezone.now())
    if plan.how in ("fuzzy", "chosen") and plan.name:
        # The coordinator said this spelling is this organisation: recognise it next time.
        org.add_alias(plan.row.entry.name, source=_("list for %(slug)s") % {"slug": letter.slug})


def _reapprove(signature, result, by, reason):
    if signature.status == Signature.Status.APPROVED:
        result.unchanged.append(signature)
    elif signature.can_become(Signature.Status.APPROVED):
        signature.approve(by=by, reason=reason)
        result.reinstated.append(signature)
    else:
        result.unchanged.append(signature)


def _note(plan, org):
    match = plan.row.match
    if plan.how == "split":
        return _("Split from “%(name)s” (a comma was missing in the list)") % {"name": plan.row.entry.name}
    if plan.how == "new" and match.possibly_two:
        return _("Kept as one name; may be two organisations: %(a)s + %(b)s") % {
            "a": match.possibly_two[0].name, "b": match.possibly_two[1].name}
    if plan.how == "new" and match.suggestions:
        return _("Similar to: %(names)s") % {
            "names": "; ".join(f"{o.name} ({score}%)" for o, score in match.suggestions)}
    if plan.how == "fuzzy":
        score = next((score for o, score in match.suggestions if o.pk == org.pk), "")
        return _("Matched to “%(name)s” at %(score)s%% similarity") % {"name": org.name, "score": score}
    if plan.how == "chosen":
        return _("Chosen by the coordinator for “%(name)s”") % {"name": plan.row.entry.name}
    return ""
