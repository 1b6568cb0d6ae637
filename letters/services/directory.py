"""Keeping one clean directory: duplicate suggestions and merging two records of one organisation."""

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from letters.matching import find_duplicates
from letters.models import Invitation, MergeRecord, Organisation, OrganisationName, Signature

DUPLICATES_CACHE_SECONDS = 7 * 24 * 3600
DUPLICATES_KEY = "directory-duplicate-pairs"
DUPLICATES_MARGIN = timedelta(minutes=1)
# When more than this share of the directory changed, one full comparison is quicker than changed × all.
DUPLICATES_FULL_RUN_SHARE = 0.2


class MergeRefused(Exception):
    """The merge was not done and nothing changed; the message says why."""


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
        with transaction.atomic():
            # Lock both rows (in id order, so two merges of the same pair cannot deadlock).
            locked = Organisation.objects.select_for_update().order_by("pk").in_bulk([keep.pk, remove.pk])
            if len(locked) != 2:
                raise MergeRefused(_("One of these organisations is no longer in the directory."))
            keep, remove = locked[keep.pk], locked[remove.pk]
            details = {"removed": _snapshot(remove), "conflicts": _resolve(keep, remove, resolutions, may_resolve, by)}
            moved = _move_signatures(keep, remove, keep_names, by)
            details["aliases"] = _move_names(keep, remove)
            details["contacts"] = _move_contacts(keep, remove)
            _fill_blanks(keep, remove)
            record = MergeRecord.objects.create(
                kept=keep, removed_name=remove.name, removed_id=remove.pk, moved_signatures=moved,
                details=details, by=by if by is not None and by.is_authenticated else None,
            )
            remove.delete()
            keep.save()
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
