"""Rendering, queueing and delivering emails through the outbox (letters.models.OutgoingEmail)."""

import logging
import os
import signal
import smtplib
import time
from collections import Counter
from datetime import timedelta
from email.utils import make_msgid, parseaddr

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import (
    DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, connections, transaction,
)
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


# --- Rendered by the worker ------------------------------------------------------------------------------
#
# Some emails are written to the outbox unrendered: the row holds what rendering needs (kind, language, the linked
# sign-on) and an empty body; the worker renders it when it claims the row (_claim), and the rendered subject and
# bodies are committed with the claim, so every retry sends the same text with the same Message-ID. This keeps
# template rendering (and the queries it needs) out of the sign-on request. The outbox guarantees are unchanged:
# the row is still written in the sign-on's transaction. RENDERED_BY_WORKER maps such a kind to a function that
# takes the row and returns (template, context, language), or a str: the reason the email must not go out any more.
RENDERED_BY_WORKER = {"signon-confirm": "letters.emails.signon.confirmation_for"}


def queue_unrendered(kind, to, language, **links):
    """Write an email of a RENDERED_BY_WORKER kind to the outbox, to be rendered when sent; send after commit.

    One INSERT and no savepoint: no template is rendered and nothing else is read here.
    """
    assert kind in RENDERED_BY_WORKER, kind
    email = OutgoingEmail.objects.create(kind=kind, to=to, subject="", body_text="", language=language, **links)
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def is_unrendered(email):
    return not email.body_text and email.kind in RENDERED_BY_WORKER


def render_queued(email):
    """Render an unrendered outbox email into its row (subject, bodies, language), unsaved; returns "" when done
    (or nothing to do), else the reason it must not be sent."""
    if not is_unrendered(email):
        return ""
    from django.utils.module_loading import import_string

    prepared = import_string(RENDERED_BY_WORKER[email.kind])(email)
    if isinstance(prepared, str):
        return prepared
    template, context, language = prepared
    subject, text, html = render_email(template, {**context, "language": language}, language)
    email.subject, email.body_text, email.body_html, email.language = subject[:300], text, html, language
    return ""


def ensure_rendered(email):
    """Render a still-unrendered queued email and store the result (what the worker would send); returns the email.

    For previews and tests: the worker does the same under its claim (see _claim).
    """
    if is_unrendered(email) and not render_queued(email):
        email.save(update_fields=["subject", "body_text", "body_html", "language"])
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


# --- Delivery across crashes ------------------------------------------------------------------------------
#
# A worker can die at any instant (kill -9, out of memory, a deploy, the machine). Sending goes in steps, each
# committed before the next, so whoever looks at the row afterwards knows how far it got:
#
#   1. claim: attempts + 1, claimed_at, lease_until (now + EMAIL_LEASE_SECONDS) and, the first time only, the
#      Message-ID — committed before the mail server is contacted; no row lock is held while SMTP is slow;
#   2. hand-over: handed_over_at is committed just before the message's final bytes (".") are written to the
#      mail server, after MAIL FROM, RCPT TO and DATA have been answered;
#   3. sent: state "sent" once the server has answered 250.
#
# The sweeper (sweep_expired_claims: run by send_due, i.e. `send_outbox` and run_scheduler, and by run_worker when
# it starts or recovers) only touches claims whose lease has expired. Claimed but not handed over: the server holds
# no complete message (RFC 5321 3.8: a connection lost mid-transaction cancels it), so it is queued again and sent with the
# same Message-ID. Handed over but not recorded as sent: the server may have accepted it, and nothing can ask it.
#
# The choice is AT MOST ONCE: such an email is recorded as sent, marked "Unconfirmed" (visible on the campaign
# page), and never sent again automatically. The only way to lose an email this way is a crash in the instant
# between committing the hand-over and the write() of its last bytes (no network round trip in between), or a
# hand-over commit whose acknowledgement was lost; the alternative, at least once, would send a duplicate after
# every crash that follows the server's "250" — the far wider window. Every retry that does happen (an email
# never handed over) goes with the same Message-ID, which lets receiving systems recognise a duplicate. A live worker
# that loses the connection after the hand-over (no answer to the final ".") decides the same way; an explicit
# refusal (4xx/5xx) after the data is an ordinary failure, retried with back-off. Result: every email delivered
# exactly once, none left claimed, for a worker killed at any step except that instant (tests/faults).


def send_one(email_id):
    """Try to send one outbox email now and say how it went (an Outcome).

    Claim, commit, then talk to SMTP (see "Delivery across crashes" above): no database transaction or row lock
    is held while the mail server is slow, and a worker killed at any step leaves a state the sweeper can read.
    """
    # A database restarting under a running batch is waited for (a minute), not turned into a failed task.
    email = with_database_retry(
        lambda: _claim(email_id), timezone.now() + timedelta(seconds=60), what=f"claiming email {email_id}"
    )
    if not isinstance(email, OutgoingEmail):
        return email  # an Outcome: nothing to send
    fault_point("claimed")
    outcome = _send(email)
    if outcome in (Outcome.RETRY, Outcome.OUTAGE) and email.state == OutgoingEmail.State.QUEUED:
        if _backend_can_defer():
            _enqueue(email.pk, run_after=email.next_attempt_at)
    return outcome


def _claim(email_id):
    """Claim a queued email for this worker (the lease), committed before anything is sent; or an Outcome."""
    now = timezone.now()
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.state == OutgoingEmail.State.FAILED:
            return Outcome.SKIPPED
        if email.state == OutgoingEmail.State.SENT:
            return Outcome.SENT
        if email.lease_until is not None:
            return Outcome.SKIPPED  # another worker is sending it; if that worker died, the sweeper releases it
        reason = _reason_not_to_send(email)
        if reason:
            email.state, email.last_error = OutgoingEmail.State.FAILED, reason
            email.save(update_fields=["state", "last_error"])
            logger.info("email %s (%s) not sent: %s", email.pk, email.kind, reason)
            return Outcome.SKIPPED
        rendered = is_unrendered(email)
        if rendered:
            reason = render_queued(email)  # rendered once, under the claim: every retry sends the same text
            if reason:
                email.state, email.last_error = OutgoingEmail.State.FAILED, reason
                email.save(update_fields=["state", "last_error"])
                logger.info("email %s (%s) not sent: %s", email.pk, email.kind, reason)
                return Outcome.SKIPPED
        email.attempts += 1
        email.claimed_at, email.lease_until = now, now + timedelta(seconds=lease_seconds())
        email.handed_over_at = None
        if not email.message_id:
            email.message_id = make_message_id(email)
        fields = ["attempts", "claimed_at", "lease_until", "handed_over_at", "message_id"]
        if rendered:
            fields += ["subject", "body_text", "body_html", "language"]
        email.save(update_fields=fields)
    return email


# last_error of an email recorded as sent without the mail server's answer (see "Delivery across crashes").
UNCONFIRMED = "Unconfirmed: handed to the mail server, whose answer never came; not sent again (at most once)"


class LeaseLost(Exception):
    """This worker's claim on an email is gone (its lease ran out and the sweeper released it): stop, send nothing."""


class WorkerLost(Exception):
    """Recorded on a task that was still "running" long after its worker died (see fail_stale_tasks)."""


def _send(email):
    token = email.claimed_at  # fences every later write: only the claim that is still current may record anything
    headers = {**(email.headers or {}), "Message-ID": email.message_id}
    message = EmailMultiAlternatives(
        email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to], headers=headers
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    backend = get_connection()
    handed_over = False

    def hand_over():
        nonlocal handed_over
        _update_claim(email, token, current_lease=True, handed_over_at=timezone.now())
        handed_over = True
        fault_point("handing-over")

    try:
        backend.open()
        fault_point("connected")
        smtp = getattr(backend, "connection", None)
        if isinstance(smtp, smtplib.SMTP):
            _before_final_bytes(smtp, hand_over)  # as late as possible: after MAIL, RCPT and DATA's 354
        else:
            hand_over()  # console, locmem, file backends: no conversation to wait for
        backend.send_messages([message])
    except LeaseLost:
        _drop(backend)
        logger.warning("email %s: this worker's claim expired before it was handed over; not sent by it", email.pk)
        return Outcome.SKIPPED
    except (DatabaseError, InterfaceError):
        _drop(backend)  # the database went away before the hand-over: nothing was sent; the lease will expire
        raise
    except Exception as error:  # noqa: BLE001 - any SMTP/network failure means "try again later"
        _drop(backend)
        if handed_over and not isinstance(error, smtplib.SMTPResponseException):
            return _record_unconfirmed(email, token, error)
        return _record_failure(email, token, error)
    fault_point("accepted")
    try:
        backend.close()
    except Exception:  # noqa: BLE001 - the message is accepted; a failing QUIT changes nothing
        pass
    try:
        _update_claim(
            email, token, state=OutgoingEmail.State.SENT, sent_at=timezone.now(), last_error="", lease_until=None
        )
    except LeaseLost:
        logger.warning("email %s sent, but its claim had been released meanwhile", email.pk)
    fault_point("recorded")
    return Outcome.SENT


def _record_failure(email, token, error):
    fields = {"last_error": f"{type(error).__name__}: {error}"[:2000], "lease_until": None, "handed_over_at": None}
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        fields["state"] = OutgoingEmail.State.FAILED
    else:
        fields["next_attempt_at"] = timezone.now() + backoff(email.attempts)
    try:
        _update_claim(email, token, **fields)
    except LeaseLost:
        return Outcome.SKIPPED
    logger.warning("email %s to %s failed (attempt %s): %s", email.pk, email.to, email.attempts, error)
    return Outcome.OUTAGE if is_connection_error(error) else Outcome.RETRY


def _record_unconfirmed(email, token, error):
    """The message's last bytes went out, then the connection failed before the server's answer: at most once."""
    note = f"{UNCONFIRMED} ({type(error).__name__}: {error})"[:2000]
    try:
        _update_claim(
            email, token, state=OutgoingEmail.State.SENT, sent_at=email.handed_over_at, last_error=note,
            lease_until=None,
        )
    except LeaseLost:
        pass
    logger.warning("email %s to %s: no answer after the message was handed over; not re-sent: %s", email.pk,
                   email.to, error)
    return Outcome.OUTAGE if is_connection_error(error) else Outcome.SENT


def _update_claim(email, token, current_lease=False, **fields):
    """Write `fields` to the email if this worker's claim (`token`) is still the current one, else LeaseLost.

    A database that restarts meanwhile is waited for (until the lease ends): after the mail server has accepted a
    message, recording it as sent is what keeps it from being swept and counted as unconfirmed.
    """

    def write():
        rows = OutgoingEmail.objects.filter(pk=email.pk, claimed_at=token)
        if current_lease:
            rows = rows.filter(state=OutgoingEmail.State.QUEUED, lease_until__gt=timezone.now())
        return rows.update(**fields)

    deadline = max(email.lease_until or timezone.now(), timezone.now() + timedelta(seconds=10))
    if not with_database_retry(write, deadline, what=f"recording email {email.pk}"):
        raise LeaseLost(email.pk)
    for name, value in fields.items():
        setattr(email, name, value)


def with_database_retry(operation, deadline, what="database work"):
    """Run `operation`; while the database is unreachable (restart, network blip), reconnect and retry until
    `deadline`. Inside a transaction a broken connection cannot be replaced, so the error goes up at once."""
    delay = 0.5
    while True:
        try:
            return operation()
        except (OperationalError, InterfaceError) as error:
            if connection.in_atomic_block or timezone.now() + timedelta(seconds=delay) > deadline:
                raise
            logger.warning("%s: database unavailable (%s); retrying in %s s", what, error, delay)
            reset_connections()
            time.sleep(delay)
            delay = min(delay * 2, 5)


def reset_connections():
    """Close every database connection of this thread without raising: the next query opens a fresh one."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - closing a connection the server already dropped may fail; it is gone
            conn.connection = None


def _before_final_bytes(smtp, callback):
    """Call `callback` just before smtplib writes the end of the message (the body ending in CRLF.CRLF).

    smtplib's data() sends the whole quoted message with one send() call after the server's 354; commands go
    through send() as str, the message as bytes. Until that write the server holds no complete message: a crash
    before it cannot have delivered anything.
    """
    send = smtp.send

    def send_watching(data):
        if isinstance(data, bytes) and data.endswith(b"\r\n.\r\n"):
            callback()
        return send(data)

    smtp.send = send_watching


def _drop(backend):
    """Abandon a mail server connection in an unknown state without a QUIT (which could wait for a timeout)."""
    smtp = getattr(backend, "connection", None)
    if isinstance(smtp, smtplib.SMTP):
        backend.connection = None
        try:
            smtp.close()
        except Exception:  # noqa: BLE001
            pass
    else:
        try:
            backend.close()
        except Exception:  # noqa: BLE001
            pass


def make_message_id(email):
    """A Message-ID for this outbox email, chosen once and reused on every retry (RFC 5322 3.6.4)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or DNS_NAME.get_fqdn()
    return make_msgid(idstring=f"outbox{email.pk}", domain=domain)


def lease_seconds():
    """How long a claim lasts: longer than any send can take (each SMTP step times out after EMAIL_TIMEOUT)."""
    return getattr(settings, "EMAIL_LEASE_SECONDS", 300)


def sweep_expired_claims(now=None):
    """Release the emails whose worker died while sending them (kill -9, out of memory, a lost machine).

    Claimed but never handed over: re-queued at once (the mail server cannot hold a complete message). Handed
    over: recorded as sent, unconfirmed, and never sent again (at most once, see above). Returns the re-queued ids.
    """
    now = now or timezone.now()
    requeued = []
    with transaction.atomic():
        expired = OutgoingEmail.objects.claimed().filter(lease_until__lt=now).select_for_update(skip_locked=True)
        for email in expired:
            rows = OutgoingEmail.objects.filter(pk=email.pk)
            if email.handed_over_at:
                rows.update(
                    state=OutgoingEmail.State.SENT, sent_at=email.handed_over_at, lease_until=None,
                    last_error=f"{UNCONFIRMED} (the worker stopped before the mail server's answer)",
                )
            elif email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
                rows.update(
                    state=OutgoingEmail.State.FAILED, lease_until=None, claimed_at=None,
                    last_error="The worker stopped while sending it, on every attempt.",
                )
            else:
                rows.update(
                    lease_until=None, claimed_at=None, next_attempt_at=now,
                    last_error="The worker stopped before handing it to the mail server; queued again.",
                )
                requeued.append(email.pk)
    if requeued:
        logger.warning("re-queued %s email(s) whose worker stopped while sending: %s", len(requeued), requeued)
    return requeued


def fail_stale_tasks(now=None):
    """Mark failed the task rows still "running" long after their worker must have died (TASKS_RUNNING_TIMEOUT).

    django-tasks-db marks a task running when a worker takes it and never looks at it again, so a killed worker
    leaves it running forever. Nothing depends on these rows — the outbox is the record of what was sent, and its
    own sweep re-sends — so they are closed as failed (WorkerLost), not re-run.
    """
    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=getattr(settings, "TASKS_RUNNING_TIMEOUT", 3600))
    count = DBTaskResult.objects.running().filter(started_at__lt=cutoff).update(
        status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback="WorkerLost: the worker running this task stopped (killed, crashed or cut off from the database)"
        " before recording its end; the outbox sweep re-sends what it had not handed over.",
    )
    if count:
        logger.warning("marked %s task(s) left running by a stopped worker as failed", count)
    return count


def sweep():
    """Both sweeps, for the worker's start and the scheduler: returns the ids of the emails queued again."""
    requeued = sweep_expired_claims()
    fail_stale_tasks()
    return requeued


def fault_point(name):
    """Crash-test hook (tests/faults): with COALITION_FAULT_KILL_AT=<name>[:<n>] in the environment, this process
    kills itself with SIGKILL the n-th time (default: the first) it gets here. Never set in production."""
    spec = os.environ.get("COALITION_FAULT_KILL_AT")
    if not spec:
        return
    point, _, nth = spec.partition(":")
    if point == name:
        _fault_hits[name] += 1
        if _fault_hits[name] == int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)


_fault_hits = Counter()


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
    sweep()  # first release what dead workers left claimed, so it goes out in this same sweep
    sent = 0
    for email_id in OutgoingEmail.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:limit]:
        outcome = send_one(email_id)
        if outcome == Outcome.OUTAGE:
            break
        sent += outcome == Outcome.SENT
    return sent
