"""Rendering, queueing and delivering emails through the outbox (letters.models.OutgoingEmail)."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from letters.models import OutgoingEmail

logger = logging.getLogger(__name__)


def render_email(template, context, language):
    """(subject, text, html) from templates/emails/<template>-subject.txt, -body.txt and -body.html (optional)."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}-subject.txt", context).split())
        text = render_to_string(f"emails/{template}-body.txt", context)
        try:
            html = render_to_string(f"emails/{template}-body.html", context)
        except Exception:  # noqa: BLE001 - an HTML part is optional
            html = ""
    return subject, text, html


def queue_email(kind, to, template, context, language, dedupe_key=None, **links):
    """Write an email to the outbox and send it after the surrounding transaction commits.

    `links` are the outbox row's optional foreign keys (letter=, signature=, contact=). With a `dedupe_key`,
    a second call for the same key (a reminder job running twice) writes nothing and returns None.
    """
    subject, text, html = render_email(template, {**context, "language": language}, language)
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                kind=kind, to=to, subject=subject[:300], body_text=text, body_html=html, language=language,
                dedupe_key=dedupe_key, **links,
            )
    except IntegrityError:
        if dedupe_key and OutgoingEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    # The row is committed with the sign-on, so a failure to enqueue (or to send) only delays the email.
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _enqueue(email_id, run_after=None):
    from letters.tasks import send_email

    try:
        task = send_email.using(run_after=run_after) if run_after else send_email
        task.enqueue(email_id)
    except Exception:  # noqa: BLE001 - the outbox sweep (send_outbox) picks it up later
        logger.exception("could not enqueue email %s; it stays queued in the outbox", email_id)


def backoff(attempts):
    """Minutes to wait before attempt number `attempts + 1`: 1, 2, 4 … capped at 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


class Outcome:
    """What one attempt to send an outbox email came to (send_one)."""

    SENT = "sent"
    SKIPPED = "skipped"  # not sent on purpose, or already sent, failed for good or deleted
    RETRY = "retry"  # this email failed (e.g. a refused recipient); the next one may well go through
    OUTAGE = "outage"  # the mail server cannot be reached: the next email would wait for the same timeout


def deliver(email_id):
    """Try to send one outbox email now. Returns True when sent (or already sent)."""
    return send_one(email_id) == Outcome.SENT


def send_one(email_id):
    """Try to send one outbox email now and say how it went (an Outcome).

    The row is locked while sending so two workers never send the same email twice.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.state != OutgoingEmail.State.QUEUED:
            return Outcome.SENT if email is not None and email.state == OutgoingEmail.State.SENT else Outcome.SKIPPED
        reason = _reason_not_to_send(email)
        if reason:
            email.state, email.last_error = OutgoingEmail.State.FAILED, reason
            email.save(update_fields=["state", "last_error"])
            logger.info("email %s (%s) not sent: %s", email.pk, email.kind, reason)
            return Outcome.SKIPPED
        outcome = _send(email)
    if email.state == OutgoingEmail.State.QUEUED and _backend_can_defer():
        _enqueue(email.pk, run_after=email.next_attempt_at)
    return outcome


def _send(email):
    message = EmailMultiAlternatives(
        email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to], headers=email.headers or None
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    email.attempts += 1
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any SMTP/network failure means "try again later"
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            email.state = OutgoingEmail.State.FAILED
        else:
            email.next_attempt_at = timezone.now() + backoff(email.attempts)
        email.save()
        logger.warning("email %s to %s failed (attempt %s): %s", email.pk, email.to, email.attempts, error)
        return Outcome.OUTAGE if is_connection_error(error) else Outcome.RETRY
    email.state = OutgoingEmail.State.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.save()
    return Outcome.SENT


def _reason_not_to_send(email):
    """Invitations and reminders may have become unwanted while they waited in the queue (see that module)."""
    from letters.emails.outreach import reason_not_to_send  # that module imports this one

    return reason_not_to_send(email)


def is_connection_error(error):
    """True when the mail server could not be reached or dropped us (down, blackholed, TLS or login failing).

    False when it refused this one message (an unknown recipient, say), which says nothing about the next email.
    smtplib's errors are OSErrors too, hence the order of the checks.
    """
    connection_level = (
        smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPHeloError,
        smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError,
    )
    if isinstance(error, connection_level):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _backend_can_defer():
    from django_tasks import default_task_backend

    return getattr(default_task_backend, "supports_defer", False)


def send_due(limit=500):
    """Send every queued email whose time has come (the sweep behind `manage.py send_outbox` and run_scheduler).

    Stops at the first connection-level failure, like send_batch: with the mail server down or blackholed, each
    further email would wait for the same EMAIL_TIMEOUT and stall the scheduler loop (500 × 10 s is over an hour).
    The emails not tried keep their place and go out on a later sweep.
    """
    sent = 0
    for email_id in OutgoingEmail.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:limit]:
        outcome = send_one(email_id)
        if outcome == Outcome.OUTAGE:
            break
        sent += outcome == Outcome.SENT
    return sent
