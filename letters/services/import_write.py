"""Writing a reviewed list (services/imports.py): check every line's choice, then write it all in one transaction.

Organisations, sign-ons, their history entries, aliases and sections are written with bulk queries, so importing
5,000 lines costs about as many queries as importing 5 (a test counts them). Only sign-ons already on the letter
that are approved again go through the one-by-one status change, which keeps its history and checks.
"""

from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from letters.matching import Matcher, acronym_of
from letters.models import Letter, Organisation, OrganisationAlias, OrganisationName, Section, Signature
from letters.models.signatures import list_changed
from letters.models.signatures import SignatureEvent
from letters.parsing import MAX_NAME_LENGTH, split_country
from letters.services.signon import revision_signed
from letters.tasks import enqueue_key_names
from letters.text import clean_text, default_sort_name, normalise_name

from .imports import CANONICAL_WHEN, NEW, ORG, PARTS, SKIP, SPLIT, ImportRefused

REINSTATE = "reinstate"
# An import this big has the worker key its names at once (tasks.key_names): its first export then reads the keys.
KEY_NAMES_AFTER = 1000


@dataclass
class ImportResult:
    created_organisations: list = field(default_factory=list)
    signatures: list = field(default_factory=list)  # new sign-ons, in list order
    reinstated: list = field(default_factory=list)  # existing sign-ons approved by this import
    unchanged: list = field(default_factory=list)  # already on this letter, left as they were
    withdrawn_kept: list = field(default_factory=list)  # withdrew themselves: not re-approved without a choice
    sections_created: list = field(default_factory=list)
    skipped: int = 0

    @property
    def matched(self):
        return len(self.signatures) - len([s for s in self.signatures if s.flag_new_organisation])

    @property
    def flagged(self):
        return [s for s in self.signatures if s.flag_near_duplicate or s.flag_domain_mismatch]

    @property
    def individuals(self):
        return [s for s in self.signatures if s.organisation.kind == Organisation.Kind.INDIVIDUAL]


@dataclass
class _Target:
    organisation: object  # an Organisation, or None to create one named `name`
    name: str
    country: str = ""  # a country read with this name (one of several organisations on one line)


@dataclass
class _Plan:
    row: object  # imports.Row
    targets: list
    how: str  # the match kind, "split", "parts", "new", "skip" or "chosen"
    keep: bool = False  # keep the pasted name instead of the canonical one
    edited: bool = False  # the coordinator typed another name
    reinstate: bool = False  # explicitly approve again a sign-on that was withdrawn


def import_plans(preview, choices=None, names=None, others=None, by=None, source=None, reason="", fields=None,
                 refuse_existing=False, keep_pasted=None, parts=None):
    plans = _plan(preview, choices or {}, names or {}, others or {}, keep_pasted, parts or {})
    try:
        with transaction.atomic():
            return _write(preview, plans, by, source or Signature.Source.IMPORT,
                          reason or _("Imported from a list"), fields or {}, refuse_existing)
    except IntegrityError:
        # A sign-on for one of these organisations arrived meanwhile (the database refuses a second one).
        raise ImportRefused([_("The letter changed while you were reviewing the list. Preview it again.")]) from None


# --- checking the choices -----------------------------------------------------------------------------------


def _plan(preview, choices, names, others, keep_pasted, parts):
    """Check every line's choice and say what importing it means; ImportRefused lists every problem at once."""
    errors, plans, taken = [], [], {}
    wanted = _wanted(preview, choices, others, errors)
    ids = {_org_id(c) for c in wanted.values() if _org_id(c)}
    ids |= {_org_id(row.default) for row in preview.rows if wanted.get(row.index) == REINSTATE and _org_id(row.default)}
    found = Organisation.objects.in_bulk(ids)
    for row in preview.rows:
        plan = _plan_row(row, wanted.get(row.index), names.get(row.index), parts.get(row.index), found, errors,
                         preview.matcher)
        if plan is None:
            continue
        plan.keep = keep_pasted is True or (bool(keep_pasted) and row.index in keep_pasted)
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
        offered = {value for value, _label in row.options()} | {REINSTATE}
        if choice != SKIP and choice not in offered and not choice.startswith(ORG):
            errors.append(_("Line %(line)s: choose what to do with this line.") % {"line": row.entry.line_no})
            continue
        wanted[row.index] = choice
    return wanted


def _plan_row(row, choice, edited_name, edited_parts, found, errors, matcher):
    if choice is None:
        return None
    if choice == SKIP:
        return _Plan(row, [], "skip")
    name = clean_text(edited_name or row.entry.name) or row.entry.name
    if len(name) > MAX_NAME_LENGTH:
        errors.append(_("Line %(line)s: the name is too long.") % {"line": row.entry.line_no})
        return None
    edited = name != row.entry.name
    if choice == SPLIT:
        return _Plan(row, [_Target(org, "") for org in row.match.possibly_two], "split")
    if choice == PARTS:
        return _parts_plan(row, edited_parts, matcher, errors)
    if choice == NEW:
        return _Plan(row, [_Target(None, name)], "new", edited=edited)
    reinstate = choice == REINSTATE
    if reinstate:
        choice = row.default
    org = found.get(_org_id(choice))
    if org is None:
        errors.append(_("Line %(line)s: that organisation is no longer in the directory (merged?). "
                        "Preview the list again.") % {"line": row.entry.line_no})
        return None
    return _Plan(row, [_Target(org, name)], _how_chosen(row, org), edited=edited, reinstate=reinstate)


def _parts_plan(row, edited_parts, matcher, errors):
    """A run-on line imported as the names the coordinator confirmed (one per line), each matched exactly."""
    names = [clean_text(part) for part in (edited_parts.splitlines() if edited_parts else row.parts)]
    names = [name for name in names if name]
    if not names or any(len(name) > MAX_NAME_LENGTH for name in names):
        errors.append(_("Line %(line)s: give the organisations' names, one per line.") % {"line": row.entry.line_no})
        return None
    # "Fundación Pachamama - Ecuador": the country written after a proposed name is its country, not its name.
    proposed = dict(zip(row.parts, getattr(row.entry, "split_countries", []) or []))
    places = []
    for i, name in enumerate(names):
        bare, code, _text = split_country(name)
        if code:
            names[i] = bare
        places.append(code or proposed.get(name, ""))
    targets = []
    for name, code, match in zip(names, places, (matcher or Matcher(Organisation.objects.none())).match_many(
            (name, code, "") for name in names)):
        targets.append(_Target(match.organisation, name, code))
    return _Plan(row, targets, "parts")


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
    return [t.organisation.pk if t.organisation else ("new", normalise_name(t.name)) for t in plan.targets]


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


# --- writing ------------------------------------------------------------------------------------------------


def _write(preview, plans, by, source, reason, fields, refuse_existing):
    # The letter's row lock keeps two imports into one letter from handing out the same positions.
    letter = Letter.objects.select_for_update().get(pk=preview.letter.pk)
    existing = {sig.organisation_id: sig for sig in letter.signatures.select_related("letter", "organisation")}
    position = (letter.signatures.aggregate(last=Max("position"))["last"] or 0) + 1
    result = ImportResult(skipped=sum(plan.how == "skip" for plan in plans))
    sections = _sections(letter, preview, plans, result)
    _create_organisations(plans, result)
    _complete_organisations(plans, letter)
    shown = _shown_names(plans, preview.language)
    now, new, renamed = timezone.now(), [], []
    for plan in plans:
        for target in plan.targets:
            org = target.organisation
            signature = existing.get(org.pk)
            if signature is not None:
                _already_on_letter(signature, plan, target, preview.language, refuse_existing, result, by, reason,
                                   renamed)
                continue
            signature = _new_signature(letter, plan, target, shown, preview.language, sections, now,
                                       {"source": source, "position": position, **fields})
            existing[org.pk] = signature
            new.append(signature)
            position += 1
    _save_signatures(new, by, reason, now)
    if renamed:
        Signature.objects.bulk_update(renamed, ["names", "updated_at"])
    if new or renamed:
        list_changed(letter.pk)  # bulk writes skip Signature.save(): the letter's counts and revision, here
    if len(new) >= KEY_NAMES_AFTER:
        transaction.on_commit(partial(enqueue_key_names, letter.pk))
    result.signatures = new
    return result


def _sections(letter, preview, plans, result):
    """{heading as pasted: Section}: the letter's section with that heading in any language, else a new one."""
    titles = []
    for plan in plans:
        title = getattr(plan.row.entry, "section", "")
        if plan.targets and title and title not in titles:
            titles.append(title)
    if not titles:
        return {}
    known = {}
    sections = list(letter.sections.all())
    for section in sections:
        for heading in section.headings.values():
            known.setdefault(normalise_name(heading), section)
    kinds = {s.title: s.kind for s in preview.sections}
    last = max((s.position for s in sections), default=0)
    found, created = {}, []
    for title in titles:
        section = known.get(normalise_name(title))
        if section is None:
            last += 1
            section = Section(letter=letter, position=last, kind=kinds.get(title, "") or "",
                              headings={preview.language: clean_text(title)[:300]})
            created.append(section)
            known[normalise_name(title)] = section
        found[title] = section
    Section.objects.bulk_create(created)
    result.sections_created = created
    return found


def _create_organisations(plans, result):
    """Create the organisations the list brings, in one query; reuse any created meanwhile under the same name."""
    wanted = {}
    for plan in plans:
        for target in plan.targets:
            if target.organisation is None:
                wanted.setdefault(normalise_name(target.name), []).append((plan, target))
    if not wanted:
        return
    for org in Organisation.objects.filter(normalised_name__in=list(wanted)).order_by("-pk"):
        for _plan_, target in wanted.pop(org.normalised_name, []):
            target.organisation = org
    fresh = []
    for pairs in wanted.values():
        plan, target = pairs[0]
        org = _new_organisation(plan, target)
        fresh.append(org)
        for _plan_, other in pairs:
            other.organisation = org
            other.created = True
    Organisation.objects.bulk_create(fresh)
    result.created_organisations = fresh


def _new_organisation(plan, target):
    """An Organisation built as save() would (bulk_create skips save()): clean name, keys, sort name."""
    entry, name = plan.row.entry, clean_text(target.name)
    single = len(plan.targets) == 1
    kind = getattr(entry, "kind", Organisation.Kind.ORGANISATION) if single else Organisation.Kind.ORGANISATION
    return Organisation(
        name=name, normalised_name=normalise_name(name), sort_name=default_sort_name(name),
        acronym=acronym_of(name), kind=kind, country=_place_code(plan) if single else target.country,
        affiliation=clean_text(getattr(entry, "affiliation", "")) if single else "",
    )


def _place_code(plan):
    entry = plan.row.entry
    return plan.row.country or entry.country or getattr(entry, "region_code", "") or ""


def _complete_organisations(plans, letter):
    """Fill what the directory lacks from the list, and remember a spelling the coordinator confirmed."""
    completed, aliases = {}, []
    for plan in plans:
        code = _place_code(plan)
        for target in plan.targets:
            org = target.organisation
            if len(plan.targets) == 1 and code and not org.country and not getattr(target, "created", False):
                org.country, org.updated_at = code, timezone.now()
                completed[org.pk] = org
            if plan.how in ("fuzzy", "chosen") and plan.row.entry.name:
                # The coordinator said this spelling is this organisation: recognise it next time.
                alias = clean_text(plan.row.entry.name)
                if normalise_name(alias) != org.normalised_name:
                    aliases.append(OrganisationAlias(
                        organisation=org, name=alias, normalised=normalise_name(alias),
                        source=_("list for %(slug)s") % {"slug": letter.slug}))
    if completed:
        Organisation.objects.bulk_update(list(completed.values()), ["country", "updated_at"])
    OrganisationAlias.objects.bulk_create(aliases, ignore_conflicts=True)


def _shown_names(plans, language):
    """{organisation id: its name in the list's language}, in one query."""
    ids = {t.organisation.pk for plan in plans for t in plan.targets}
    shown = dict(OrganisationName.objects.filter(organisation__in=ids, language=language)
                 .values_list("organisation_id", "name"))
    return {org_id: shown.get(org_id) for org_id in ids}


def _listed_name(plan, target, directory_name):
    """The name this letter prints instead of the directory's ("" for none), and whether only in this language.

    Canonical names win once a match is accepted (alias, similar name, an organisation the coordinator picked):
    unless the row keeps the pasted name or the coordinator typed another one.
    """
    if plan.how in ("split", "parts") or getattr(target, "created", False):
        return "", False
    if plan.how in CANONICAL_WHEN and not plan.keep and not plan.edited:
        return "", False
    name = target.name
    if name == directory_name:
        return "", False
    # A known misspelling kept on purpose belongs to this language's list only.
    return name, plan.how in CANONICAL_WHEN and not plan.edited


def _new_signature(letter, plan, target, shown, language, sections, now, fields):
    """An approved sign-on (not saved yet) with the name, section, region and affiliation as listed."""
    org, entry, match = target.organisation, plan.row.entry, plan.row.match
    created = getattr(target, "created", False)
    name, this_language_only = _listed_name(plan, target, shown.get(org.pk) or org.name)
    single = len(plan.targets) == 1
    return Signature(
        letter=letter, organisation=org, status=Signature.Status.APPROVED, signed_at=now, approved_at=now,
        name_override="" if this_language_only else name, names={language: name} if this_language_only else {},
        submitted_name=clean_text(entry.name)[:300], language=language,
        section=sections.get(getattr(entry, "section", "")), region=_region_as_listed(entry),
        affiliation=clean_text(getattr(entry, "affiliation", "")) if single and not created else "",
        note=clean_text(getattr(entry, "note", ""))[:500],
        flag_new_organisation=created,
        flag_near_duplicate=created and bool(match.suggestions or match.possibly_two or plan.how == "parts"),
        flag_domain_mismatch=match.domain_mismatch, match_note=_note(plan, org)[:500],
        added_after_finalisation=letter.status == Letter.Status.FINALISED, **fields,
    )


def _region_as_listed(entry):
    """What the letter prints where the country would be, when a list wrote a region: the region as written, or
    the whole place as written when it named a country too ("UK / Europe")."""
    region = getattr(entry, "region", "")
    if region and entry.country and entry.country != "XI":
        region = entry.country_text or region
    return clean_text(region)[:100]


def _current_revision_id(letter, language):
    return revision_signed(letter, language).values_list("pk", flat=True).first()


def _save_signatures(signatures, by, reason, now):
    """The new sign-ons and their history ("approved by whoever imported the list"), in two queries."""
    revisions = {}
    for signature in signatures:
        signature.clean_texts()
        # The text current when the coordinator added it: what a substantive change later tells this signer about.
        if signature.language not in revisions:
            revisions[signature.language] = _current_revision_id(signature.letter, signature.language)
        signature.revision_id = revisions[signature.language]
    Signature.objects.bulk_create(signatures)
    by = by if by is not None and getattr(by, "is_authenticated", False) else None
    SignatureEvent.objects.bulk_create([
        SignatureEvent(signature=signature, action=Signature.Status.APPROVED, from_status=Signature.Status.PENDING,
                       to_status=Signature.Status.APPROVED, by=by, reason=reason, at=now)
        for signature in signatures
    ])


def _already_on_letter(signature, plan, target, language, refuse_existing, result, by, reason, renamed):
    if refuse_existing:
        raise ImportRefused([_("“%(name)s” is already on this letter (%(status)s).") % {
            "name": signature.display_name(), "status": signature.get_status_display()}])
    if plan.keep and target.name and target.name != signature.display_name(language):
        # The list as received in this language: its spelling, on this letter, in this language only.
        signature.names = {**(signature.names or {}), language: target.name}
        signature.updated_at = timezone.now()
        renamed.append(signature)
    if signature.status == Signature.Status.APPROVED:
        result.unchanged.append(signature)
    elif signature.status == Signature.Status.WITHDRAWN and not plan.reinstate:
        # They took their name off themselves (or a coordinator did): a list pasted later must not put it back
        # unless the coordinator chose "approve again" on that row.
        result.withdrawn_kept.append(signature)
    elif signature.can_become(Signature.Status.APPROVED):
        signature.approve(by=by, reason=reason)
        result.reinstated.append(signature)
    else:
        result.unchanged.append(signature)


def _note(plan, org):
    match = plan.row.match
    if plan.how == "split":
        return _("Split from “%(name)s” (a comma was missing in the list)") % {"name": plan.row.entry.name}
    if plan.how == "parts":
        return _("Split from a line that held several organisations: “%(name)s”") % {"name": plan.row.entry.name}
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


__all__ = ["REINSTATE", "ImportResult", "import_plans"]
