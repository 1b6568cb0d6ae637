"""Rendering, queueing and delivering emails through the outbox (letters.models.OutgoingEmail)."""

import logging
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


def deliver(email_id):
    """Try to send one outbox email now. Returns True when sent (or already sent).

    The row is locked while sending so two workers never send the same email twice.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.state != OutgoingEmail.State.QUEUED:
            return email is not None and email.state == OutgoingEmail.State.SENT
        message = EmailMultiAlternatives(email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to])
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
        else:
            email.state = OutgoingEmail.State.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save()
            return True
    if email.state == OutgoingEmail.State.QUEUED and _backend_can_defer():
        _enqueue(email.pk, run_after=email.next_attempt_at)
    return False


def _backend_can_defer():
    from django_tasks import default_task_backend

    return getattr(default_task_backend, "supports_defer", False)


def send_due(limit=500):
    """Send every queued email whose time has come (the sweep behind `manage.py send_outbox`)."""
    sent = 0
    for email_id in OutgoingEmail.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:limit]:
        sent += deliver(email_id)
    return sent
