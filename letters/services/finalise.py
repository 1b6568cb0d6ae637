"""Finalising a letter: freeze its signatory list per language; reopen; publish an addendum of late sign-ons.

A snapshot holds exactly the rows an export printed at that moment (names as shown in that language, countries,
order fields) plus one entry per sign-on counted as "cannot be named", with who finalised and when. Exports of a
finalised letter read the snapshot, so editing a sign-on afterwards does not change the published list.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from letters.exports import Row, SignatoryList, final_snapshot
from letters.models import InvalidTransition, Letter, LetterVersionRevision, ListSnapshot, Signature
from letters.models.letters import version_language
from letters.models.signatures import list_changed


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def current_revision_number(letter, language):
    """The number of the latest text revision of the letter's version in `language` (None: no revision yet): what
    the list published in that language stands under."""
    return (LetterVersionRevision.objects.filter(version__letter=letter, version__language=language)
            .order_by("-number").values_list("number", flat=True).first())


def _languages(letter):
    return letter.languages() or [letter.default_language]


def finalise_letter(letter, by=None, reason="", order="alphabetical", leads_first=False, group_individuals=True,
                    approve_confirmed=False):
    """Close the letter for good and snapshot its list in every language. Later changes need a recorded reopen.

    `order`, `leads_first` and `group_individuals` are the coordinator's choice for the published list; exports
    can still re-order the frozen rows. Raises InvalidTransition if the letter cannot be finalised (a draft, or
    already finalised).
    """
    with transaction.atomic():
        # The row lock keeps two coordinators from finalising at once (PostgreSQL; SQLite serialises writes).
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if approve_confirmed:
            # The coordinator chose, on the finalise form, to take in the confirmed sign-ons still waiting.
            for signature in locked.signatures.filter(status=Signature.Status.CONFIRMED).order_by("pk"):
                signature.approve(by=by, reason=_("approved when the letter was finalised"))
        locked.change_status(Letter.Status.FINALISED, by=by, reason=reason)
        for language in _languages(locked):
            signatory_list = SignatoryList(
                locked, language, order, leads_first=leads_first, group_individuals=group_individuals, source="live"
            )
            ListSnapshot.objects.create(
                letter=locked, language=language, kind=ListSnapshot.Kind.FINAL, rows=signatory_list.as_snapshot(),
                created_at=locked.finalised_at, created_by=_user_or_none(by),
                revision_number=current_revision_number(locked, language),
            )
        list_changed(locked.pk)  # the public page now prints the finalised snapshot
    letter.refresh_from_db()  # the caller's instance says "finalised" too
    return letter


def reopen_letter(letter, by=None, reason=""):
    """Take a finalised (or closed) letter back to open, recorded with who and why. The snapshots stay."""
    with transaction.atomic():
        Letter.objects.select_for_update().get(pk=letter.pk).reopen(by=by, reason=reason)
        list_changed(letter.pk)  # back to the live list
    letter.refresh_from_db()
    return letter


def addendum_list(letter, language, order="alphabetical", **options):
    """The sign-ons approved after finalisation that are not on the finalised list, in `language`."""
    return SignatoryList(letter, language, order, source="addendum", **options)


def publish_addendum(letter, by=None, order="alphabetical"):
    """Record the addendum as sent (a snapshot per language). Returns how many names it lists per language."""
    if letter.status != Letter.Status.FINALISED:
        raise InvalidTransition(_("This letter"), letter.get_status_display(), _("Addendum"))
    counts = {}
    with transaction.atomic():
        for language in _languages(letter):
            rows = addendum_list(letter, language, order).as_snapshot()
            ListSnapshot.objects.create(
                letter=letter, language=language, kind=ListSnapshot.Kind.ADDENDUM, rows=rows,
                created_by=_user_or_none(by), revision_number=current_revision_number(letter, language),
            )
            counts[language] = sum(1 for row in rows if not row.get("unnamed"))
        list_changed(letter.pk)
    return counts


@dataclass
class PublishedAddendum:
    """One recorded addendum as the public sees it: when it was recorded, the names it added, how many it counts
    without naming them."""

    published_at: datetime
    rows: list = field(default_factory=list)  # [exports.Row], in the order recorded (alphabetical, by section)
    unnamed: int = 0


def published_addenda(letter, language):
    """The addenda recorded (publish_addendum) since the letter's current finalisation, in `language`, oldest first.

    Only recorded addenda, not every late approval: the public page shows what the coalition has sent, as it shows
    the frozen list rather than the live one, and "Record the addendum as sent" is the step that says so. Each
    addendum lists every late sign-on since the finalisation (SignatoryList(source="addendum") leaves out only the
    finalised list's), so here each one keeps only those that no earlier addendum published. An addendum stays as
    it was recorded, like the finalised list: a name withdrawn afterwards stays in it. Addenda recorded before a
    reopen belong to the earlier finalisation, whose new snapshot already holds their names.
    """
    language = version_language(language)
    final = final_snapshot(letter, language)
    if final is None:
        return []
    snapshots = ListSnapshot.objects.filter(
        letter=letter, language=language, kind=ListSnapshot.Kind.ADDENDUM, created_at__gte=final.created_at,
    ).order_by("created_at", "pk")
    published, addenda = set(), []
    for snapshot in snapshots:
        addendum = PublishedAddendum(snapshot.created_at)
        for data in snapshot.rows:
            if data.get("signature_id") in published:
                continue
            published.add(data.get("signature_id"))
            if data.get("unnamed"):
                addendum.unnamed += 1
            else:
                addendum.rows.append(Row.from_snapshot(data))
        if addendum.rows or addendum.unnamed:
            addenda.append(addendum)
    return addenda
