"""The campaign as coordinators see it: invited / opened / signed / declined / no answer, overall and per region,
the organisations still to chase, and the letter's outbox."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from letters.emails import outreach as emails
from letters.models import Invitation, OutgoingEmail, Signature

from .regions import REGIONS, region_label, region_of

INVITED = Signature.Status.INVITED

OUTCOMES = ("signed", "declined", "no_answer", "withdrawn")
STAGES = ("invited", "opened", "signed")
LABELS = {
    "invited": _("Invited"), "opened": _("Opened"), "signed": _("Signed"), "declined": _("Declined"),
    "no_answer": _("No answer"), "withdrawn": _("Withdrawn or rejected"),
}
# Bootstrap's palette, written out: SVG presentation attributes cannot use CSS variables.
COLOURS = {
    "invited": "#0d6efd", "opened": "#6ea8fe", "signed": "#198754", "declined": "#dc3545",
    "no_answer": "#adb5bd", "withdrawn": "#6c757d",
}


def _outcome(status):
    if status in Signature.SIGNED_STATUSES:
        return "signed"
    if status == Signature.Status.DECLINED:
        return "declined"
    if status in (Signature.Status.WITHDRAWN, Signature.Status.REJECTED):
        return "withdrawn"
    return "no_answer"


@dataclass
class Bar:
    """One bar of a picture. `width` and `x` are percentages pre-formatted with a dot (SVG, whatever the locale)."""

    key: str
    label: str
    count: int
    percent: int
    width: str
    x: str
    colour: str


def bars(counts, keys, centred=False):
    """Bars as a share of the invited organisations: side by side (stacked) or centred (a funnel)."""
    total, offset, result = counts["invited"], 0.0, []
    for key in keys:
        share = 100 * counts[key] / total if total else 0.0
        x = (100 - share) / 2 if centred else offset
        result.append(Bar(key, LABELS[key], counts[key], round(share), f"{share:.2f}", f"{x:.2f}", COLOURS[key]))
        offset += share
    return result


@dataclass
class RegionRow:
    code: str
    label: str
    counts: Counter

    def bars(self):
        return bars(self.counts, OUTCOMES)


@dataclass
class Campaign:
    totals: Counter
    regions: list  # [RegionRow]
    signed_uninvited: int

    def funnel(self):
        return bars(self.totals, STAGES, centred=True)

    def split(self):
        return bars(self.totals, OUTCOMES)


def campaign(letter):
    """Invited / opened / signed / declined / no answer, overall and per region, in two queries.

    "Opened" counts organisations that followed a personal link or answered in any way: a partner who signs
    straight from the public page has evidently read the invitation.
    """
    rows = letter.signatures.values_list("organisation_id", "status", "opened_at")
    signatures = {pk: (status, opened) for pk, status, opened in rows}
    invited = (
        Invitation.objects.filter(letter=letter).values("organisation_id", "organisation__country")
        .annotate(opened=Max("opened_at")).order_by()
    )
    totals, per_region = Counter(), defaultdict(Counter)
    for row in invited:
        status, sig_opened = signatures.get(row["organisation_id"], (INVITED, None))
        outcome = _outcome(status)
        counts = Counter(invited=1, **{outcome: 1})
        counts["opened"] = int(bool(row["opened"] or sig_opened or outcome != "no_answer"))
        totals.update(counts)
        per_region[region_of(row["organisation__country"])].update(counts)
    invited_ids = {row["organisation_id"] for row in invited}
    signed_uninvited = sum(
        1 for pk, (status, _o) in signatures.items() if pk not in invited_ids and status in Signature.SIGNED_STATUSES
    )
    order = [code for code, _label in REGIONS] + [""]
    regions = [RegionRow(code, region_label(code), per_region[code]) for code in order if code in per_region]
    return Campaign(totals=totals, regions=regions, signed_uninvited=signed_uninvited)


def still_to_chase(letter):
    """Invited organisations that have neither signed nor declined, with their invitations and reminders sent."""
    invitations = Invitation.objects.filter(letter=letter).select_related("contact").order_by("pk")
    reminded = Q(emails__kind=emails.Kind.REMINDER) & ~Q(emails__state=OutgoingEmail.State.FAILED)
    return (
        letter.signatures.awaiting_answer()
        .select_related("organisation")
        .prefetch_related(Prefetch("organisation__invitations", queryset=invitations, to_attr="letter_invitations"))
        .annotate(reminders_sent=Count("emails", filter=reminded), last_emailed=Max("emails__created_at"))
        .order_by("organisation__sort_name", "organisation__name")
    )


def unconfirmed(letter):
    return letter.signatures.unconfirmed().with_names().order_by("signed_at")


def outbox(letter):
    """How many of this letter's emails (every kind) are queued, sent, failed, or were not sent on purpose.

    An invitation to someone who unsubscribed meanwhile is "not sent", not "failed": nothing needs fixing.
    """
    not_sent = Q(state=OutgoingEmail.State.FAILED, last_error__in=emails.Skipped.REASONS)
    return letter.emails.aggregate(
        queued=Count("pk", filter=Q(state=OutgoingEmail.State.QUEUED)),
        sent=Count("pk", filter=Q(state=OutgoingEmail.State.SENT)),
        failed=Count("pk", filter=Q(state=OutgoingEmail.State.FAILED) & ~not_sent),
        not_sent=Count("pk", filter=not_sent),
    )


def retry_failed(letter):
    """Give failed emails of this letter a fresh set of attempts, now: not those left unsent on purpose
    (unsubscribed, answered), which would only be skipped again."""
    failed = letter.emails.filter(state=OutgoingEmail.State.FAILED).exclude(last_error__in=emails.Skipped.REASONS)
    ids = list(failed.values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=ids).update(
        state=OutgoingEmail.State.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: emails.enqueue_batches(ids))
    return len(ids)
