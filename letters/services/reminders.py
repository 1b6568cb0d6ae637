"""Scheduled outreach: reminders before a letter's deadline and coordinators' daily digests.

Both jobs may run as often as anyone likes, and even twice at the same moment: every email carries a dedupe key
(one per invitation and reminder step, one per coordinator, letter and day) that the outbox stores under a
UNIQUE constraint, so the second run writes nothing.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from letters.emails import outreach as emails
from letters.models import Invitation, Letter, OutgoingEmail

from .invitations import reachable_contacts, suppressed_emails

# Someone invited (or who signed) less than this long before a reminder step does not get that step's reminder.
MIN_AGE = timedelta(hours=24)


def due_step(letter, now):
    """(days before the deadline, when that step started) for the latest reminder step that has begun, or None.

    Only the latest step is sent: if the job did not run at the 7-day step, a partner is not sent the 7-day
    and the 2-day reminders together two days before the deadline.
    """
    if not letter.deadline or letter.deadline <= now:
        return None
    begun = [(days, letter.deadline - timedelta(days=days)) for days in letter.reminder_day_list]
    begun = [(days, start) for days, start in begun if start <= now]
    return min(begun, key=lambda step: step[0]) if begun else None


def send_reminders(now=None):
    """Queue every reminder that is due now; returns how many emails were queued."""
    now = now or timezone.now()
    queued = 0
    for letter in Letter.objects.open().filter(deadline__gt=now).exclude(reminder_days="").prefetch_related("versions"):
        step = due_step(letter, now)
        if step:
            days_to_go = emails.days_left(letter.deadline, now)
            queued += remind_invited(letter, *step, days_to_go) + remind_unconfirmed(letter, *step, days_to_go)
    return queued


def remind_invited(letter, days_before, step_start, days_to_go):
    """Invited contacts whose organisation has neither signed nor declined (and who are still reachable).

    `days_before` is the reminder step (it keeps each step to one email); `days_to_go` what the email says.
    """
    sent_keys = set(
        OutgoingEmail.objects.filter(letter=letter, kind=emails.Kind.REMINDER, dedupe_key__endswith=f":{days_before}")
        .values_list("dedupe_key", flat=True)
    )
    signatures = dict(letter.signatures.awaiting_answer().values_list("organisation_id", "pk"))
    invitations = (
        Invitation.objects.filter(
            letter=letter, created_at__lte=step_start - MIN_AGE, contact__in=reachable_contacts(),
            organisation_id__in=letter.signatures.awaiting_answer().values("organisation_id"),
        )
        .select_related("contact", "organisation")
        .prefetch_related("organisation__display_names")
    )
    queued = 0
    for invitation in invitations:
        if f"reminder:{invitation.pk}:{days_before}" in sent_keys:
            continue
        invitation.letter = letter  # reuse the prefetched language versions
        signature_id = signatures.get(invitation.organisation_id)
        queued += emails.reminder(invitation, signature_id, days_before, days_to_go) is not None
    return queued


def remind_unconfirmed(letter, days_before, step_start, days_to_go):
    """Signers who submitted the form but never confirmed their email address."""
    sent_keys = set(
        OutgoingEmail.objects.filter(
            letter=letter, kind=emails.Kind.REMINDER_UNCONFIRMED, dedupe_key__endswith=f":{days_before}"
        ).values_list("dedupe_key", flat=True)
    )
    signatures = (
        letter.signatures.unconfirmed()
        .filter(signed_at__lte=step_start - MIN_AGE)
        .exclude(signer_email="")
        .exclude(signer_email__in=suppressed_emails())
        .select_related("organisation")
        .prefetch_related("organisation__display_names")
    )
    queued = 0
    for signature in signatures:
        if f"reminder-unconfirmed:{signature.pk}:{days_before}" in sent_keys:
            continue
        signature.letter = letter
        queued += emails.unconfirmed_reminder(signature, days_before, days_to_go) is not None
    return queued


# --- coordinators' digests --------------------------------------------------------------------------------


def digest_hour():
    return getattr(settings, "DIGEST_HOUR", 8)


def send_digests(now=None):
    """Once a day (from DIGEST_HOUR, local time), tell each coordinator of a "digest" letter what came in.

    A digest covers the sign-ons submitted since the previous digest's cut-off up to today's DIGEST_HOUR (the
    last 24 hours for the first one, at most a week), so nothing is listed twice or skipped when a day is
    missed; nothing is sent on a day without news.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < digest_hour():
        return 0
    queued = 0
    for letter in Letter.objects.filter(notify=Letter.Notify.DIGEST).exclude(status=Letter.Status.DRAFT):
        queued += _digest_letter(letter, local.date())
    return queued


def _cut_off(day):
    return timezone.make_aware(datetime.combine(day, time(digest_hour())))


def _digest_letter(letter, day):
    digests = letter.emails.filter(kind=emails.Kind.DIGEST)
    if digests.filter(dedupe_key__endswith=f":{day.isoformat()}").exists():
        return 0  # today's is out; the dedupe key would stop a second one anyway, this saves rendering it
    until = _cut_off(day)
    last_key = digests.order_by("-created_at", "-pk").values_list("dedupe_key", flat=True).first()
    since = _cut_off(date.fromisoformat(last_key.rsplit(":", 1)[1])) if last_key else until - timedelta(days=1)
    since = max(since, until - timedelta(days=7))
    new = list(
        letter.signatures.filter(signed_at__gte=since, signed_at__lt=until)
        .select_related("organisation").prefetch_related("organisation__display_names").order_by("signed_at")
    )
    if not new:
        return 0
    counts = letter.signatures.counts_by_status()
    return sum(emails.digest(letter, user, day, new, counts) is not None for user in _coordinators(letter))


def _coordinators(letter):
    """Coordinators with an email address (staff are not digested about every letter)."""
    return get_user_model().objects.filter(coordinated_letters=letter, is_active=True).exclude(email="")


def notify_coordinators(signature):
    """Email each coordinator about one new sign-on, when the letter asks for it."""
    letter = signature.letter
    if letter.notify != Letter.Notify.EACH:
        return 0
    return sum(emails.sign_on_notification(signature, user) is not None for user in _coordinators(letter))
