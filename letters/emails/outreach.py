"""Outreach emails: invitations, reminders, coordinator notifications and digests — one short function each.

Every email goes through the outbox (letters.emails.core). Recipients read it in their own language when the letter
has a version in it and the interface speaks it, otherwise in the letter's default language (email_language).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import default_task_backend, task

from letters.emails.core import Outcome, backoff, queue_email, render_email, send_one
from letters.models import OutgoingEmail, Signature
from letters.models.outreach import EmailSuppression

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "letters.outreach.unsubscribe"
# A worker task sends this many outbox emails, so a bulk invitation enqueues a handful of tasks, not thousands.
BATCH_SIZE = 100


class Kind(models.TextChoices):
    """The outbox kinds this module writes, with the names coordinators see on the outbox panel."""

    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")
    REMINDER_UNCONFIRMED = "reminder-unconfirmed", _("Reminder to confirm")
    NOTIFY = "notify-signon", _("New sign-on notice")
    DIGEST = "digest", _("Daily digest")


# Kinds written by other areas but shown on the same outbox panel.
OTHER_KINDS = {"signon-confirm": _("Sign-on confirmation")}


def kind_label(kind):
    return Kind(kind).label if kind in Kind.values else OTHER_KINDS.get(kind, kind)


# Emails nobody asked for: an unsubscribe stops them, and each is only worth sending while the sign-on it is
# about still awaits that answer (checked again at send time, see reason_not_to_send).
AWAITED_STATUS = {
    Kind.INVITATION: Signature.Status.INVITED,
    Kind.REMINDER: Signature.Status.INVITED,
    Kind.REMINDER_UNCONFIRMED: Signature.Status.PENDING,
}
UNSOLICITED_KINDS = tuple(AWAITED_STATUS)


class Skipped:
    """Why a queued outreach email was not sent: stored as the outbox row's last_error (state "failed")."""

    UNSUBSCRIBED = "unsubscribed"
    ANSWERED = "already answered"
    CLOSED = "letter closed"
    INACTIVE = "contact deactivated"

    LABELS = {
        UNSUBSCRIBED: _("Not sent: the person unsubscribed."),
        ANSWERED: _("Not sent: the organisation answered in the meantime."),
        CLOSED: _("Not sent: the letter is no longer open for sign-on."),
        INACTIVE: _("Not sent: the contact was deactivated."),
    }
    REASONS = tuple(LABELS)


# --- helpers ----------------------------------------------------------------------------------------------


def email_language(preferred, letter):
    """The language to write to someone who prefers `preferred` about `letter`.

    Their own language only if the letter has a version in it (the email quotes the title and links to that
    version) and the interface speaks it (the email's own sentences); else the letter's default language. Shared
    with the signer's confirmation email (letters.emails.signon).
    """
    interface = dict(settings.LANGUAGES)
    if preferred in interface and preferred in letter.languages():
        return preferred
    return letter.default_language if letter.default_language in interface else settings.LANGUAGE_CODE


def absolute_url(viewname, language=None, **kwargs):
    """A full link for an email; public pages carry the recipient's language in their path."""
    with translation.override(language):
        return settings.SITE_URL + reverse(viewname, kwargs=kwargs)


def unsubscribe_token(contact=None, signature=None):
    """A signed, non-expiring token for an unsubscribe link: an unsubscribe link must keep working in an old email.

    It names a contact (invitations, reminders) or a sign-on (reminders to confirm) by id, never the address
    itself: a signed value is readable by anyone, and links end up in logs and forwarded emails.
    """
    value = ["c", contact.pk] if contact is not None else ["s", signature.pk]
    return signing.dumps(value, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """("c", contact id) or ("s", signature id) from a token, or None if it was tampered with."""
    try:
        kind, pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if kind not in ("c", "s") or not isinstance(pk, int):
        return None
    return kind, pk


def _unsubscribe_links(token, language):
    """The link in the footer, and the headers mail programs use for their own "Unsubscribe" button.

    List-Unsubscribe-Post (RFC 8058) makes the mail program POST to the header's link, without a page to
    confirm on; a GET of the same link (a scanner, a curious click) only shows the confirmation page.
    """
    one_click = absolute_url("outreach:unsubscribe_one_click", language, token=token)
    headers = {"List-Unsubscribe": f"<{one_click}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return absolute_url("outreach:unsubscribe", language, token=token), headers


def _letter_context(letter, organisation, language):
    version = letter.version(language)
    return {
        "letter": letter,
        "title": version.title if version else letter.title,
        "deadline": letter.deadline,
        "organisation_name": organisation.name_in(language),
        "letter_url": absolute_url("public:letter", language, slug=letter.slug),
    }


def _invitation_context(invitation, language, unsubscribe_url):
    return {
        **_letter_context(invitation.letter, invitation.organisation, language),
        "contact_name": invitation.contact.name,
        "personal_url": absolute_url("outreach:open", language, token=invitation.token),
        "decline_url": absolute_url("outreach:decline", language, token=invitation.token),
        "unsubscribe_url": unsubscribe_url,
    }


def _confirm_url(signature, language):
    """A fresh confirmation link (the public sign-on's own signed token), so an old expired one does not matter."""
    from letters.services.signon import CONFIRM, make_token  # the sign-on service imports the email modules

    return absolute_url("public:confirm", language, slug=signature.letter.slug, token=make_token(signature, CONFIRM))


def coordinator_url(letter):
    return settings.SITE_URL + reverse("manage:letter", kwargs={"slug": letter.slug})


def days_left(deadline, now):
    """Whole days until the deadline, to the nearest day (6 days 23 hours is "7 days"); 0 on the last day."""
    return max((deadline - now + timedelta(hours=12)) // timedelta(days=1), 0)


# --- the emails -------------------------------------------------------------------------------------------


def invitation(invite, signature_id):
    """An unsaved outbox row inviting one contact (bulk invitations insert them together, see queue_bulk)."""
    language = email_language(invite.contact.language, invite.letter)
    unsubscribe_url, headers = _unsubscribe_links(unsubscribe_token(contact=invite.contact), language)
    context = {**_invitation_context(invite, language, unsubscribe_url), "language": language}
    subject, text, html = render_email("invitation", context, language)
    return OutgoingEmail(
        kind=Kind.INVITATION, to=invite.contact.email, subject=subject[:300], body_text=text, body_html=html,
        language=language, dedupe_key=f"invitation:{invite.pk}", letter=invite.letter, contact=invite.contact,
        signature_id=signature_id, headers=headers,
    )


def reminder(invite, signature_id, days_before, days_to_go):
    """Remind an invited contact whose organisation has not answered; sent once per reminder step.

    The step (`days_before`) only names the reminder in its dedupe key; the email says how many days are
    really left (`days_to_go`), which differs when the job runs late or the deadline moved.
    """
    language = email_language(invite.contact.language, invite.letter)
    unsubscribe_url, headers = _unsubscribe_links(unsubscribe_token(contact=invite.contact), language)
    context = {**_invitation_context(invite, language, unsubscribe_url), "days_left": days_to_go}
    return queue_email(
        Kind.REMINDER, invite.contact.email, "reminder", context, language,
        dedupe_key=f"reminder:{invite.pk}:{days_before}", letter=invite.letter, contact=invite.contact,
        signature_id=signature_id, headers=headers,
    )


def unconfirmed_reminder(signature, days_before, days_to_go):
    """Remind a signer who never confirmed their email address; sent once per reminder step."""
    letter = signature.letter
    language = email_language(signature.language, letter)
    unsubscribe_url, headers = _unsubscribe_links(unsubscribe_token(signature=signature), language)
    context = {
        **_letter_context(letter, signature.organisation, language),
        "signer_name": signature.signer_name,
        "signed_at": signature.signed_at,
        "days_left": days_to_go,
        "confirm_url": _confirm_url(signature, language),
        "unsubscribe_url": unsubscribe_url,
    }
    return queue_email(
        Kind.REMINDER_UNCONFIRMED, signature.signer_email, "reminder-unconfirmed", context, language,
        dedupe_key=f"reminder-unconfirmed:{signature.pk}:{days_before}", letter=letter, signature=signature,
        headers=headers,
    )


def sign_on_notification(signature, coordinator):
    """Tell one coordinator about a new sign-on (letters that notify per sign-on)."""
    letter = signature.letter
    language = email_language(None, letter)
    context = {
        "letter": letter, "signature": signature, "coordinator": coordinator,
        "organisation_name": signature.display_name(language), "dashboard_url": coordinator_url(letter),
    }
    stamp = signature.signed_at.timestamp() if signature.signed_at else signature.pk
    return queue_email(
        Kind.NOTIFY, coordinator.email, "notify-signon", context, language,
        dedupe_key=f"notify:{signature.pk}:{coordinator.pk}:{stamp}", letter=letter, signature=signature,
    )


def digest(letter, coordinator, day, signatures, counts):
    """One coordinator's daily digest of a letter's new sign-ons; at most one per letter, coordinator and day."""
    language = email_language(None, letter)
    context = {
        "letter": letter, "coordinator": coordinator, "day": day, "counts": counts,
        "rows": [(s, s.display_name(language)) for s in signatures], "dashboard_url": coordinator_url(letter),
    }
    return queue_email(
        Kind.DIGEST, coordinator.email, "digest", context, language,
        dedupe_key=f"digest:{letter.pk}:{coordinator.pk}:{day.isoformat()}", letter=letter,
    )


# --- at send time -----------------------------------------------------------------------------------------


def reason_not_to_send(email):
    """Why a queued invitation or reminder must not go out any more (a Skipped reason), or "".

    Checked by the outbox (emails.core.send_one) just before sending, because an email may wait in the queue for
    hours during an SMTP outage, and meanwhile the person may unsubscribe or their organisation answer.
    """
    awaited = AWAITED_STATUS.get(email.kind)
    if awaited is None:
        return ""
    if EmailSuppression.is_suppressed(email.to):
        return Skipped.UNSUBSCRIBED
    if email.contact_id and not email.contact.is_active:
        return Skipped.INACTIVE
    if email.signature_id and email.signature.status != awaited:
        return Skipped.ANSWERED
    if email.letter_id and not email.letter.is_open:
        return Skipped.CLOSED
    return ""


# --- bulk sending -----------------------------------------------------------------------------------------


def queue_bulk(emails):
    """Insert outbox rows in a few statements (a row whose dedupe key exists is left out) and, after commit,
    hand them to the worker in batches. Returns the ids of the queued rows."""
    OutgoingEmail.objects.bulk_create(emails, ignore_conflicts=True)
    # Read back by key: with ignore_conflicts the database does not return the new ids.
    keys = [email.dedupe_key for email in emails]
    ids = list(
        OutgoingEmail.objects.filter(dedupe_key__in=keys, state=OutgoingEmail.State.QUEUED)
        .order_by("pk").values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: enqueue_batches(ids))
    return ids


def enqueue_batches(ids, run_after=None):
    for start in range(0, len(ids), BATCH_SIZE):
        try:
            task = send_batch.using(run_after=run_after) if run_after else send_batch
            task.enqueue(ids[start : start + BATCH_SIZE])
        except Exception:  # noqa: BLE001 - the rows stay queued in the outbox; the sweep sends them
            logger.exception("could not enqueue %s outbox emails; the outbox sweep will send them", len(ids))


@task()
def send_batch(email_ids):
    """Send a batch of outbox emails.

    When the mail server cannot be reached, the rest of the batch is not tried now, which would only repeat the
    same timeout for every email: it is handed back to the queue for the back-off time, still as one task. A
    refused recipient only concerns its own email, and the batch goes on.
    """
    sent = 0
    for position, email_id in enumerate(email_ids):
        outcome = send_one(email_id)
        sent += outcome == Outcome.SENT
        if outcome != Outcome.OUTAGE:
            continue
        rest = email_ids[position + 1 :]
        if rest and getattr(default_task_backend, "supports_defer", False):
            enqueue_batches(rest, run_after=timezone.now() + backoff(1))
        break
    return sent
