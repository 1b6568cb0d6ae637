"""Outreach emails: invitations, reminders, coordinator notifications and digests — one short function each.

Every email goes through the outbox (letters.emails.core). Recipients read it in their own language: the contact's
preferred language when the interface speaks it, otherwise the letter's default language.
"""

import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import default_task_backend, task

from letters.emails.core import backoff, deliver, queue_email, render_email
from letters.models import OutgoingEmail

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "letters.outreach.unsubscribe"
# A worker task sends this many outbox emails, so a bulk invitation enqueues a handful of tasks, not thousands.
BATCH_SIZE = 100


class Kind:
    INVITATION = "invitation"
    REMINDER = "reminder"
    REMINDER_UNCONFIRMED = "reminder-unconfirmed"
    NOTIFY = "notify-signon"
    DIGEST = "digest"


# --- helpers ----------------------------------------------------------------------------------------------


def email_language(preferred, letter):
    """The recipient's language if the interface has it, else the letter's default, else the site's."""
    interface = dict(settings.LANGUAGES)
    for language in (preferred, letter.default_language):
        if language in interface:
            return language
    return settings.LANGUAGE_CODE


def absolute_url(viewname, language=None, **kwargs):
    """A full link for an email; public pages carry the recipient's language in their path."""
    with translation.override(language):
        return settings.SITE_URL + reverse(viewname, kwargs=kwargs)


def unsubscribe_token(email, organisation_id):
    """A signed, non-expiring token: an unsubscribe link must keep working in an old email."""
    return signing.dumps([email, organisation_id], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """(email, organisation id) from a token, or None if it was tampered with."""
    try:
        email, organisation_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return str(email), organisation_id


def _letter_context(letter, organisation, language):
    version = letter.version(language)
    return {
        "letter": letter,
        "title": version.title if version else letter.title,
        "deadline": letter.deadline,
        "organisation_name": organisation.name_in(language),
        "letter_url": absolute_url("public:letter", language, slug=letter.slug),
    }


def _invitation_context(invitation, language):
    return {
        **_letter_context(invitation.letter, invitation.organisation, language),
        "contact_name": invitation.contact.name,
        "personal_url": absolute_url("outreach:open", language, token=invitation.token),
        "decline_url": absolute_url("outreach:decline", language, token=invitation.token),
        "unsubscribe_url": absolute_url(
            "outreach:unsubscribe", language,
            token=unsubscribe_token(invitation.contact.email, invitation.organisation_id),
        ),
    }


def _confirm_url(signature, language):
    """A fresh confirmation link (the public sign-on's own signed token), so an old expired one does not matter."""
    from letters.services.signon import CONFIRM, make_token  # the sign-on service imports the email modules

    return absolute_url("public:confirm", language, slug=signature.letter.slug, token=make_token(signature, CONFIRM))


def coordinator_url(letter):
    return settings.SITE_URL + reverse("manage:letter", kwargs={"slug": letter.slug})


# --- the emails -------------------------------------------------------------------------------------------


def invitation(invite, signature):
    """An unsaved outbox row inviting one contact (bulk invitations insert them together, see queue_bulk)."""
    language = email_language(invite.contact.language, invite.letter)
    subject, text, html = render_email(
        "invitation", {**_invitation_context(invite, language), "language": language}, language
    )
    return OutgoingEmail(
        kind=Kind.INVITATION, to=invite.contact.email, subject=subject[:300], body_text=text, body_html=html,
        language=language, dedupe_key=f"invitation:{invite.pk}", letter=invite.letter, contact=invite.contact,
        signature=signature,
    )


def reminder(invite, signature_id, days_before):
    """Remind an invited contact whose organisation has not answered; sent once per reminder step."""
    language = email_language(invite.contact.language, invite.letter)
    context = {**_invitation_context(invite, language), "days_before": days_before}
    return queue_email(
        Kind.REMINDER, invite.contact.email, "reminder", context, language,
        dedupe_key=f"reminder:{invite.pk}:{days_before}", letter=invite.letter, contact=invite.contact,
        signature_id=signature_id,
    )


def unconfirmed_reminder(signature, days_before):
    """Remind a signer who never confirmed their email address; sent once per reminder step."""
    letter = signature.letter
    language = email_language(signature.language, letter)
    context = {
        **_letter_context(letter, signature.organisation, language),
        "signer_name": signature.signer_name,
        "signed_at": signature.signed_at,
        "days_before": days_before,
        "confirm_url": _confirm_url(signature, language),
        "unsubscribe_url": absolute_url(
            "outreach:unsubscribe", language,
            token=unsubscribe_token(signature.signer_email, signature.organisation_id),
        ),
    }
    return queue_email(
        Kind.REMINDER_UNCONFIRMED, signature.signer_email, "reminder-unconfirmed", context, language,
        dedupe_key=f"reminder-unconfirmed:{signature.pk}:{days_before}", letter=letter, signature=signature,
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


# --- bulk sending -----------------------------------------------------------------------------------------


def queue_bulk(emails):
    """Insert outbox rows in a few statements and, after commit, hand them to the worker in batches."""
    created = OutgoingEmail.objects.bulk_create(emails)
    ids = [email.pk for email in created]
    transaction.on_commit(lambda: enqueue_batches(ids))
    return created


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

    After the first failure (SMTP down) the rest of the batch is not tried now, which would only repeat the
    same timeout for every email: it is handed back to the queue for the back-off time, still as one task.
    """
    sent = 0
    for position, email_id in enumerate(email_ids):
        if deliver(email_id):
            sent += 1
            continue
        if not OutgoingEmail.objects.filter(pk=email_id, state=OutgoingEmail.State.QUEUED).exists():
            continue  # already failed for good or deleted: not an outage
        rest = email_ids[position + 1 :]
        if rest and getattr(default_task_backend, "supports_defer", False):
            enqueue_batches(rest, run_after=timezone.now() + backoff(1))
        break
    return sent
