"""Finalising a letter: freeze its signatory list per language; reopen; publish an addendum of late sign-ons.

A snapshot holds exactly the rows an export printed at that moment (names as shown in that language, countries,
order fields) plus one entry per sign-on counted as "cannot be named", with who finalised and when. Exports of a
finalised letter read the snapshot, so editing a sign-on afterwards does not change the published list.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from letters.exports import SignatoryList
from letters.models import InvalidTransition, Letter, ListSnapshot, Signature
from letters.models.signatures import list_changed


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


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
                created_by=_user_or_none(by),
            )
            counts[language] = sum(1 for row in rows if not row.get("unnamed"))
        list_changed(letter.pk)
    return counts
