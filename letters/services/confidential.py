"""Confidential letters: readable only through personal invitation links, the letter's shared link (which a
coordinator can replace, cutting off everyone who had the old one) and signers' own links, until published — on
the date set (publish_at) or by a coordinator. Every change of visibility is a LetterEvent in the letter's history.

Whether a letter is public at a given moment never depends on this module having run: Letter.objects.public()
and Letter.is_confidential_now compare publish_at with the clock. publish_due() only records the publication in
the history (and clears the flag), so the history says when a letter became public.
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from letters.models import Letter, LetterEvent

ACCESS_SESSION_KEY = "coalition_letter_access"  # {letter id: shared link key} granted to this browser
SIGNER_SESSION_KEY = "coalition_signer_letters"  # [letter id]: this browser opened a signer's own valid link


def new_access_key():
    return secrets.token_urlsafe(24)


def _record(letter, action, by=None, reason=""):
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    LetterEvent.objects.create(letter=letter, from_status=letter.status, to_status=letter.status, action=action,
                               by=user, reason=reason)


def ensure_access_key(letter):
    """A confidential letter always has a shared link key (created with the first need for it)."""
    if letter.confidential and not letter.access_key:
        letter.access_key = new_access_key()
        _save_key(letter)
    return letter.access_key


def _save_key(letter):
    # updated_at moves too: public pages keep the letter in the cache under it (views.public_cache.cached_letter), and
    # must check readers against the new key at once.
    Letter.objects.filter(pk=letter.pk).update(access_key=letter.access_key, updated_at=timezone.now())


def settings_saved(letter, was_confidential, by):
    """After the settings form saved `letter`: record a change of visibility and make sure the key exists."""
    ensure_access_key(letter)
    if letter.confidential and not was_confidential:
        _record(letter, LetterEvent.Action.CONFIDENTIAL, by)
    elif was_confidential and not letter.confidential:
        _record(letter, LetterEvent.Action.PUBLISHED, by, _("Made public in the letter's settings."))


@transaction.atomic
def rotate_link(letter, by):
    """A new shared link: the old one, and every browser that came in through it, no longer reach the letter."""
    letter.access_key = new_access_key()
    _save_key(letter)
    _record(letter, LetterEvent.Action.LINK_ROTATED, by)


@transaction.atomic
def publish(letter, by, reason=""):
    """Make a confidential letter public now. Returns False if it was public already."""
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if not locked.confidential:
        return False
    Letter.objects.filter(pk=letter.pk).update(confidential=False, updated_at=timezone.now())
    letter.confidential = False
    _record(letter, LetterEvent.Action.PUBLISHED, by, reason)
    return True


def publish_due():
    """Record the publication of confidential letters whose date has come (run_scheduler, every minute).
    Idempotent: a published letter is no longer confidential, so it is not found again."""
    due = Letter.objects.filter(confidential=True, publish_at__lte=timezone.now())
    published = 0
    for letter in due:
        reason = _("Publication date reached (%(date)s).") % {"date": timezone.localtime(letter.publish_at)
                                                             .strftime("%Y-%m-%d %H:%M %Z")}
        published += publish(letter, None, reason)
    return published


def shared_link_grants(request, letter):
    """Whether this browser came in through the letter's current shared link."""
    granted = request.session.get(ACCESS_SESSION_KEY, {}) if hasattr(request, "session") else {}
    key = granted.get(str(letter.pk))
    return bool(key and letter.access_key and secrets.compare_digest(key, letter.access_key))


def grant(request, letter, key):
    """Remember in the session that this browser opened the shared link `key` (if it is the current one)."""
    if not (key and letter.access_key and secrets.compare_digest(key, letter.access_key)):
        return False
    granted = dict(request.session.get(ACCESS_SESSION_KEY, {}))
    granted[str(letter.pk)] = key
    request.session[ACCESS_SESSION_KEY] = granted
    return True


def signer_grants(request, letter):
    return hasattr(request, "session") and letter.pk in request.session.get(SIGNER_SESSION_KEY, [])


def grant_signer(request, letter):
    """A signer who opened their own signed link may go on reading the letter (its text history, the list) in
    this browser, even after the shared link is replaced: they signed it."""
    if letter.is_confidential_now and not signer_grants(request, letter):
        request.session[SIGNER_SESSION_KEY] = [*request.session.get(SIGNER_SESSION_KEY, []), letter.pk]
