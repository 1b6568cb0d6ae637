"""Keeping one clean directory: duplicate suggestions, editing a record and merging two records of one organisation.

A directory record is shared by every letter: renaming it renames it on each letter that does not have its own name
for it. So an edit that changes how an organisation appears on letters (APPEARANCE_FIELDS), or a merge, is refused
while the organisation has a live sign-on (signed, on a letter not finalised) on a letter the editor does not
coordinate; finalised letters print their snapshot and never change. A split (separating one record into two:
some sign-ons, spellings and names per language move to a new record) follows the same rule for the letters it
changes. Every edit, merge and split is recorded (OrganisationChange) and shown on the organisation's page and on
the dashboards of the letters it is on; so are edits made in the Django admin and its directory import
(record_change, delete_organisation), which an admin may make whoever coordinates the letters.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext

from letters.matching import find_duplicates
from letters.models import (
    Invitation, Letter, MergeRecord, Organisation, OrganisationAlias, OrganisationChange, OrganisationName, Signature,
    Tag,
)
from letters.models.history import APPEARANCE_FIELDS
from letters.models.signatures import batched_list_changes, list_changed
from letters.text import clean_text, normalise_name

DUPLICATES_CACHE_SECONDS = 7 * 24 * 3600
DUPLICATES_KEY = "directory-duplicate-pairs"
DUPLICATES_MARGIN = timedelta(minutes=1)
# When more than this share of the directory changed, one full comparison is quicker than changed × all.
DUPLICATES_FULL_RUN_SHARE = 0.2


class MergeRefused(Exception):
    """The merge was not done and nothing changed; the message says why."""


class DirectoryChangeRefused(MergeRefused):
    """A directory edit (or merge) that would change letters the user does not coordinate; nothing changed."""


class SplitRefused(MergeRefused):
    """The split was not done and nothing changed; the message says why."""


# --- what a record looks like, and which letters show it --------------------------------------------------------


def record_state(organisation):
    """The record as it stands in the database, for the history: what letters show, and the rest of the record."""
    return {
        "name": organisation.name, "acronym": organisation.acronym,
        "country": getattr(organisation.country, "code", organisation.country) or "",
        "display_names": dict(OrganisationName.objects.filter(organisation=organisation.pk)
                              .order_by("language").values_list("language", "name")),
        "sort_name": organisation.sort_name, "kind": organisation.kind, "affiliation": organisation.affiliation,
        "website": organisation.website, "email_domains": organisation.email_domains,
        "needs_review": organisation.needs_review, "notes": organisation.notes,
        "tags": list(Tag.objects.filter(organisations=organisation.pk).order_by("name").values_list("name", flat=True)),
        "aliases": list(OrganisationAlias.objects.filter(organisation=organisation.pk).order_by("name")
                        .values_list("name", flat=True)),
    }


def appearance_changed(before, after):
    return any(before.get(field) != after.get(field) for field in APPEARANCE_FIELDS)


def live_letters(*organisations):
    """Letters not finalised on which one of `organisations` has signed (pending, confirmed or approved): the
    letters a change to the record changes. Finalised letters print their snapshot."""
    return (Letter.objects.exclude(status=Letter.Status.FINALISED)
            .filter(signatures__organisation__in=[org.pk for org in organisations],
                    signatures__status__in=Signature.SIGNED_STATUSES)
            .distinct().order_by("title", "pk"))


def letters_of_others(user, *organisations):
    """The live letters of `organisations` that `user` does not coordinate (none for the system: user None)."""
    if user is None:
        return []
    return list(live_letters(*organisations).exclude(pk__in=Letter.objects.coordinated_by(user).values("pk")))


def others_letters_message(organisation, letters):
    """“X” is on letters you do not coordinate: A; B. — naming them, except another coordinator's draft."""
    published = [f"“{letter.title}”" for letter in letters if letter.status != Letter.Status.DRAFT]
    drafts = len(letters) - len(published)
    hidden = [ngettext("%(n)d letter not yet published", "%(n)d letters not yet published", drafts) % {"n": drafts}]
    names = "; ".join(published + (hidden if drafts else []))
    return _("“%(organisation)s” has signed letters you do not coordinate: %(letters)s. A change to how it appears "
             "there (name, acronym, country, names per language, sort name, kind, affiliation) is for their "
             "coordinators or an admin; to change it on your letter only, rename the sign-on on your letter.") % {
        "organisation": organisation.name, "letters": names}


def _refuse_if_others(user, organisation, letters):
    if letters:
        raise DirectoryChangeRefused(
            others_letters_message(organisation, letters) + " " + _("Nothing was changed."))


def _by(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def save_organisation(organisation, by=None, note=""):
    """Save an edited directory record and record the change (who, when, before, after).

    Refused (DirectoryChangeRefused, nothing saved) when the edit changes how the organisation appears on letters
    and it has a live sign-on on a letter `by` does not coordinate. Returns the OrganisationChange, or None when
    nothing changed.
    """
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = record_state(current)
        organisation.save()
        after = record_state(organisation)
        if appearance_changed(before, after):
            _refuse_if_others(by, current, letters_of_others(by, current))
        if before == after:
            return None
        return OrganisationChange.objects.create(organisation=organisation, by=_by(by), before=before, after=after,
                                                 action=OrganisationChange.Action.EDIT, note=note)


def record_change(organisation, before, by=None, note=""):
    """Record a change already saved elsewhere (the Django admin and its inlines, the directory import): `before`
    is record_state() taken before it. Never refused: the admin is where any record may be corrected, whoever
    coordinates its letters. Returns the OrganisationChange, or None when nothing changed."""
    after = record_state(organisation)
    if before == after:
        return None
    note = " ".join(filter(None, [note, _aliases_note(before, after)]))
    return OrganisationChange.objects.create(organisation=organisation, by=_by(by), before=before, after=after,
                                             action=OrganisationChange.Action.EDIT, note=note)


def delete_organisation(organisation, by=None, note=""):
    """Delete a record (the admin) and keep what it was in the history. Sign-ons protect a record, so a deleted one
    is on no letter: its entry stays in the directory's history (Django admin → directory changes)."""
    with transaction.atomic():
        before = record_state(organisation)
        name, pk = organisation.name, organisation.pk
        organisation.delete()
        return OrganisationChange.objects.create(
            organisation=None, by=_by(by), before={"id": pk, **before}, after={},
            action=OrganisationChange.Action.EDIT,
            note=" ".join(filter(None, [_("“%(name)s” (#%(id)d) was deleted.") % {"name": name, "id": pk}, note])))


def _aliases_note(before, after):
    """Other spellings are not a field of the record: the history says in words which were added or removed."""
    old, new = before.get("aliases") or [], after.get("aliases") or []
    parts = []
    if added := [name for name in new if name not in old]:
        parts.append(_("Other spellings added: %(names)s.") % {"names": "; ".join(added)})
    if removed := [name for name in old if name not in new]:
        parts.append(_("Other spellings removed: %(names)s.") % {"names": "; ".join(removed)})
    return " ".join(parts)


def duplicate_pairs(limit=200):
    """[(org_a, org_b, score)] probably the same organisation, best first.

    Comparing every name with every other takes seconds for 20,000 organisations, so all pairs are cached with
    the time they were computed; later calls only compare the organisations created or edited since then with
    the whole directory (milliseconds), and pairs of deleted (merged) organisations drop out when shown.
    """
    state = cache.get(DUPLICATES_KEY)
    started = timezone.now()
    changed = ids = None
    if state is not None:
        # A margin, because a row saved just before the last run may have been committed just after it.
        changed = Organisation.objects.filter(updated_at__gte=state["at"] - DUPLICATES_MARGIN)
        ids = set(changed.values_list("pk", flat=True))
    if state is None or len(ids) > DUPLICATES_FULL_RUN_SHARE * Organisation.objects.count():
        pairs = [(a.pk, b.pk, score) for a, b, score in find_duplicates(limit=None)]
    else:
        pairs = [pair for pair in state["pairs"] if pair[0] not in ids and pair[1] not in ids]
        if ids:
            pairs += [(a.pk, b.pk, score) for a, b, score in
                      find_duplicates(changed, limit=None, against=Organisation.objects.all())]
            pairs.sort(key=lambda pair: -pair[2])
    shown = _existing(pairs, limit)
    cache.set(DUPLICATES_KEY, {"at": started, "pairs": pairs}, DUPLICATES_CACHE_SECONDS)
    return shown


def _existing(pairs, limit):
    """The first `limit` pairs whose organisations both still exist; pairs of deleted ones are dropped from `pairs`."""
    annotated = Organisation.objects.annotate(
        signed=Count("signatures", filter=Q(signatures__status__in=Signature.SIGNED_STATUSES)))
    while True:
        ids = {pk for a, b, _score in pairs[:limit] for pk in (a, b)}
        orgs = annotated.in_bulk(ids)
        if len(orgs) == len(ids):
            return [(orgs[a], orgs[b], score) for a, b, score in pairs[:limit]]
        missing = ids - set(orgs)
        pairs[:] = [pair for pair in pairs if pair[0] not in missing and pair[1] not in missing]


def conflicts(keep, remove):
    """Letters both organisations are on: [(letter, keep's sign-on, remove's sign-on)]."""
    theirs = {sig.letter_id: sig for sig in remove.signatures.select_related("letter", "organisation")}
    return [(sig.letter, sig, theirs[sig.letter_id])
            for sig in keep.signatures.select_related("letter", "organisation") if sig.letter_id in theirs]


def merge_organisations(keep, remove, by=None, resolutions=None, keep_names=True, may_resolve=None):
    """Fold `remove` into `keep`: sign-ons, contacts, invitations, names and tags move; `remove`'s names stay
    as aliases of `keep`; a MergeRecord says who did it and what moved.

    When both signed the same letter, `resolutions[letter_id]` must say which sign-on stays ("keep" or
    "remove"); the other is deleted and described in the record. Without it the merge is refused and nothing
    changes. `may_resolve(letter)` says whether this user may decide for that letter.
    """
    resolutions = resolutions or {}
    try:
        with transaction.atomic(), batched_list_changes():
            # Lock both rows (in id order, so two merges of the same pair cannot deadlock).
            locked = Organisation.objects.select_for_update().order_by("pk").in_bulk([keep.pk, remove.pk])
            if len(locked) != 2:
                raise MergeRefused(_("One of these organisations is no longer in the directory."))
            keep, remove = locked[keep.pk], locked[remove.pk]
            # The merged record's letters all change (their sign-ons move to another record); the kept record's
            # only if the merge changes how it appears (blanks filled, names per language added).
            kept_before, removed_state = record_state(keep), record_state(remove)
            elsewhere = letters_of_others(by, remove)
            kept_elsewhere = letters_of_others(by, keep)
            _refuse_if_others(by, remove, elsewhere)
            details = {"removed": _snapshot(remove), "conflicts": _resolve(keep, remove, resolutions, may_resolve, by)}
            moved = _move_signatures(keep, remove, keep_names, by)
            details["aliases"] = _move_names(keep, remove)
            details["contacts"] = _move_contacts(keep, remove)
            _fill_blanks(keep, remove)
            list_changed(*keep.signatures.values_list("letter_id", flat=True))  # names may show differently
            record = MergeRecord.objects.create(
                kept=keep, removed_name=remove.name, removed_id=remove.pk, moved_signatures=moved,
                details=details, by=by if by is not None and by.is_authenticated else None,
            )
            OrganisationChange.objects.filter(organisation=remove).update(organisation=keep)
            remove.delete()
            keep.save()
            kept_after = record_state(keep)
            if appearance_changed(kept_before, kept_after):
                _refuse_if_others(by, keep, kept_elsewhere)
            OrganisationChange.objects.create(
                organisation=keep, by=_by(by), action=OrganisationChange.Action.MERGE,
                before={**kept_before, "merged": {"id": record.removed_id, **removed_state}}, after=kept_after,
                note=_("“%(old)s” merged into “%(new)s”: %(n)d sign-ons moved.") % {
                    "old": record.removed_name, "new": keep.name, "n": moved},
            )
    except ProtectedError:
        raise MergeRefused(
            _("Something else still refers to the organisation being merged; nothing was changed.")) from None
    return record


def _resolve(keep, remove, resolutions, may_resolve, by):
    pending = conflicts(keep, remove)
    unresolved = [letter.title for letter, _a, _b in pending if resolutions.get(letter.pk) not in ("keep", "remove")]
    if unresolved:
        raise MergeRefused(
            _("Both organisations signed: %(letters)s. Choose which sign-on stays for each letter; nothing was "
              "changed.") % {"letters": "; ".join(unresolved)}
        )
    forbidden = [letter.title for letter, _a, _b in pending if may_resolve and not may_resolve(letter)]
    if forbidden:
        raise MergeRefused(
            _("Both organisations signed letters you do not coordinate (%(letters)s): ask their coordinators or "
              "an admin. Nothing was changed.") % {"letters": "; ".join(forbidden)}
        )
    dropped = []
    for letter, ours, theirs in pending:
        stays, goes = (ours, theirs) if resolutions[letter.pk] == "keep" else (theirs, ours)
        dropped.append({
            "letter": letter.slug, "kept_signature": stays.pk, "dropped_signature": goes.pk,
            "dropped_status": goes.status, "dropped_name": goes.display_name(), "dropped_source": goes.source,
            "dropped_signed_at": goes.signed_at.isoformat() if goes.signed_at else None,
        })
        stays.record("merge", by=by, reason=_("Kept when “%(a)s” and “%(b)s” were merged; the other sign-on "
                                              "(%(status)s) was removed.") % {
            "a": keep.name, "b": remove.name, "status": goes.get_status_display()})
        goes.delete()
    return dropped


def _move_signatures(keep, remove, keep_names, by):
    moved = 0
    for signature in remove.signatures.select_related("organisation").prefetch_related("organisation__display_names"):
        if keep_names and not signature.name_override:
            shown = signature.display_name()
            # The letter keeps showing what it showed (published lists must not change by themselves).
            signature.name_override = shown if shown != keep.name else ""
        signature.organisation = keep
        signature.save(update_fields=["organisation", "name_override", "updated_at"])
        signature.record("moved", by=by, reason=_("Directory record “%(old)s” merged into “%(new)s”") % {
            "old": remove.name, "new": keep.name})
        moved += 1
    return moved


def _move_names(keep, remove):
    aliases = [remove.name, *remove.aliases.values_list("name", flat=True)]
    kept_languages = set(keep.display_names.values_list("language", flat=True))
    for display in remove.display_names.all():
        if display.language in kept_languages:
            aliases.append(display.name)
        else:
            OrganisationName.objects.filter(pk=display.pk).update(organisation=keep)
    added = []
    for name in aliases:
        if keep.add_alias(name, source=_("merged")):
            added.append(name)
    return added


def _move_contacts(keep, remove):
    """Contacts move; one already known at `keep` with the same email keeps its own invitations."""
    kept = {contact.email: contact for contact in keep.contacts.all()}
    dropped = []
    for contact in remove.contacts.all():
        twin = kept.get(contact.email)
        if twin is None:
            contact.organisation = keep
            contact.save(update_fields=["organisation"])
            continue
        for invitation in contact.invitations.all():
            if Invitation.objects.filter(letter=invitation.letter_id, contact=twin).exists():
                dropped.append(invitation.pk)
                invitation.delete()
            else:
                Invitation.objects.filter(pk=invitation.pk).update(contact=twin)
        contact.delete()
    Invitation.objects.filter(organisation=remove).update(organisation=keep)
    return {"dropped_invitations": dropped}


def _fill_blanks(keep, remove):
    for name in ("acronym", "country", "website", "affiliation"):
        if not getattr(keep, name) and getattr(remove, name):
            setattr(keep, name, getattr(remove, name))
    keep.email_domains = ", ".join(dict.fromkeys(keep.domains + remove.domains))
    if remove.notes:
        keep.notes = "\n\n".join(filter(None, [keep.notes, remove.notes]))
    keep.tags.add(*remove.tags.all())


def _snapshot(org):
    return {field: str(getattr(org, field)) for field in
            ("name", "acronym", "country", "website", "email_domains", "sort_name", "kind")}


# --- split: one record that is really two organisations --------------------------------------------------------


def split_letters_of_others(user, organisation, signatures, moves_names=False):
    """The live letters of others that a split would change: those of the moving sign-ons that are signed (they
    will show another record), and, when names per language move, every live letter of `organisation` (it
    will show differently there)."""
    if user is None:
        return []
    changed = Q(signatures__pk__in=[signature.pk for signature in signatures])
    if moves_names:
        changed |= Q(signatures__organisation=organisation.pk)
    letters = Letter.objects.exclude(status=Letter.Status.FINALISED).filter(
        changed, signatures__status__in=Signature.SIGNED_STATUSES)
    return list(letters.exclude(pk__in=Letter.objects.coordinated_by(user).values("pk"))
                .distinct().order_by("title", "pk"))


def split_organisation(organisation, name, signatures, country="", kind=None, aliases=(), display_names=(),
                       by=None):
    """Separate `organisation` into two records: a new one named `name` takes `signatures` (sign-ons of
    `organisation`, each recorded in its history) and, if given, some of its other spellings (`aliases`) and
    names per language (`display_names`). Returns the new Organisation.

    One transaction: refused (SplitRefused or DirectoryChangeRefused, nothing changed) when a sign-on is no
    longer on the record, the new name is the record's own, or the split would change a live letter `by` does not
    coordinate. A spelling of the record that is the new name is removed from it, or sign-ons under that name
    would keep being matched to the old record. Both records' histories say what happened, and every letter
    whose list shows either is recounted.
    """
    name = clean_text(name)
    signature_ids = {signature.pk for signature in signatures}
    with transaction.atomic(), batched_list_changes():
        original = Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if original is None:
            raise SplitRefused(_("This organisation is no longer in the directory."))
        if not name or normalise_name(name) == original.normalised_name:
            raise SplitRefused(_("Choose a name different from this record's; nothing was changed."))
        moving = list(Signature.objects.select_for_update().filter(organisation=original, pk__in=signature_ids)
                      .order_by("pk"))
        if not moving or len(moving) != len(signature_ids):
            raise SplitRefused(_("Some of the chosen sign-ons are no longer on this record; nothing was changed."))
        names = list(OrganisationName.objects.filter(organisation=original, pk__in=[n.pk for n in display_names]))
        spellings = list(OrganisationAlias.objects.filter(organisation=original, pk__in=[a.pk for a in aliases]))
        _refuse_if_others(by, original, split_letters_of_others(by, original, moving, moves_names=bool(names)))
        before = record_state(original)
        new = Organisation.objects.create(name=name, country=country or "", kind=kind or original.kind)
        OrganisationName.objects.filter(pk__in=[n.pk for n in names]).update(organisation=new)
        OrganisationAlias.objects.filter(pk__in=[a.pk for a in spellings]).update(organisation=new)
        # The new record's own name is no "other spelling" of either record any more.
        OrganisationAlias.objects.filter(organisation__in=[original, new], normalised=new.normalised_name).delete()
        reason = _("Moved from directory record “%(old)s” to “%(new)s”, split off from it.") % {
            "old": original.name, "new": new.name}
        for signature in moving:
            # A name this letter kept for the sign-on (after a merge) that is now the record's own is no override.
            if signature.name_override and normalise_name(signature.name_override) == new.normalised_name:
                signature.name_override = ""
            signature.organisation = new
            signature.save(update_fields=["organisation", "name_override", "updated_at"])
            # "moved", as for a merge: the sign-on's history labels that action (the reason says it was a split).
            signature.record("moved", by=by, reason=reason)
        # Names per language moved with update(), which sends no signal: recount every list either record is on.
        list_changed(*{signature.letter_id for signature in moving},
                     *original.signatures.values_list("letter_id", flat=True))
        new_state = record_state(new)
        moved = {"signatures": sorted(signature_ids), "letters": sorted({s.letter_id for s in moving})}
        OrganisationChange.objects.create(
            organisation=original, by=_by(by), action=OrganisationChange.Action.SPLIT, before=before,
            after={**record_state(original), "split_off": {"id": new.pk, **new_state, **moved}},
            note=_("“%(new)s” was split off from this record: %(n)d sign-ons moved to it.") % {
                "new": new.name, "n": len(moving)})
        OrganisationChange.objects.create(
            organisation=new, by=_by(by), action=OrganisationChange.Action.SPLIT,
            before={"split_from": {"id": original.pk, **before}}, after={**new_state, **moved},
            note=_("Split off from “%(old)s” (#%(id)d): %(n)d sign-ons moved here.") % {
                "old": original.name, "id": original.pk, "n": len(moving)})
    return new
