"""Inviting organisations to sign a letter, following the links in an invitation, and the campaign's figures.

An organisation is invited through its contacts: each active contact gets a personal link, and the
organisation's sign-on on the letter becomes "invited". Organisations that already answered (signed, declined,
withdrew or were rejected) are never invited again, and an unsubscribed address never gets another email.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from letters.emails import outreach as emails
from letters.models import Contact, Invitation, Letter, Organisation, OutgoingEmail, Signature, SignatureEvent

from .regions import REGIONS, countries_in, region_label, region_of

INVITED = Signature.Status.INVITED


# --- who may be emailed -----------------------------------------------------------------------------------


def unsubscribed_emails():
    """Addresses that asked for no more invitations or reminders, whichever organisation they were listed under."""
    return Contact.objects.filter(unsubscribed_at__isnull=False).values("email")


def reachable_contacts():
    return Contact.objects.active().exclude(email__in=unsubscribed_emails())


# --- choosing organisations -------------------------------------------------------------------------------


def select_organisations(organisations=(), countries=(), regions=(), tags=(), signed_letters=()):
    """Organisations matching ANY of the choices: picked by hand, in a country or region, tagged, or signed X.

    Subqueries rather than joins, so that an organisation with two tags is not counted twice.
    """
    query = Q(pk__in=[getattr(o, "pk", o) for o in organisations])
    codes = set(countries) | set(countries_in(regions))
    if codes:
        query |= Q(country__in=sorted(codes))
    if tags:
        query |= Q(pk__in=Organisation.tags.through.objects.filter(tag__in=tags).values("organisation_id"))
    if signed_letters:
        signers = Signature.objects.signed().filter(letter__in=signed_letters).values("organisation_id")
        query |= Q(pk__in=signers)
    return Organisation.objects.filter(query)


def _new_contacts(letter, organisations):
    """Reachable contacts of `organisations` who have not been invited to this letter yet."""
    return (
        reachable_contacts()
        .filter(organisation__in=organisations)
        .exclude(pk__in=Invitation.objects.filter(letter=letter).values("contact_id"))
        .select_related("organisation")
        .prefetch_related("organisation__display_names")
        .order_by("organisation__sort_name", "organisation_id", "pk")
    )


@dataclass
class InvitePlan:
    """What an invitation would do, shown to the coordinator before anything is sent."""

    selected: int = 0
    to_invite: list = field(default_factory=list)  # [(organisation, [contacts])]
    answered: list = field(default_factory=list)  # [(organisation, status label)]
    without_contact: list = field(default_factory=list)
    already_invited: list = field(default_factory=list)

    @property
    def contact_count(self):
        return sum(len(contacts) for _org, contacts in self.to_invite)


def plan_invitations(letter, organisations):
    """Sort the selected organisations into: to invite, already answered, no reachable contact, already invited."""
    statuses = dict(
        Signature.objects.filter(letter=letter, organisation__in=organisations).values_list("organisation_id", "status")
    )
    invited_before = set(
        Invitation.objects.filter(letter=letter, organisation__in=organisations)
        .values_list("organisation_id", flat=True)
    )
    contacts = defaultdict(list)
    for contact in _new_contacts(letter, organisations):
        contacts[contact.organisation_id].append(contact)
    plan = InvitePlan()
    for organisation in organisations.order_by("sort_name", "name").only("name", "sort_name", "country"):
        plan.selected += 1
        status = statuses.get(organisation.pk)
        if status not in (None, INVITED):
            plan.answered.append((organisation, Signature.Status(status).label))
        elif contacts.get(organisation.pk):
            plan.to_invite.append((organisation, contacts[organisation.pk]))
        elif organisation.pk in invited_before:
            plan.already_invited.append(organisation)
        else:
            plan.without_contact.append(organisation)
    return plan


# --- sending ----------------------------------------------------------------------------------------------


@dataclass
class InviteResult:
    organisations: int
    emails: int


def send_invitations(letter, organisations, by=None):
    """Invite every reachable, not yet invited contact of `organisations` and queue their emails.

    One transaction with bulk inserts, so inviting 1,000 organisations takes a few dozen queries; the emails
    are sent afterwards by the worker. The letter row is locked so that two coordinators inviting at once
    cannot invite the same contact twice.
    """
    now = timezone.now()
    with transaction.atomic():
        letter = Letter.objects.select_for_update().prefetch_related("versions").get(pk=letter.pk)
        contacts = list(_new_contacts(letter, organisations))
        signatures = _invited_signatures(letter, {c.organisation_id for c in contacts}, by, now)
        contacts = [c for c in contacts if c.organisation_id in signatures]
        invitations = Invitation.objects.bulk_create(
            [Invitation(letter=letter, organisation=c.organisation, contact=c, invited_by=_user(by)) for c in contacts]
        )
        emails.queue_bulk([emails.invitation(i, signatures[i.organisation_id]) for i in invitations])
    return InviteResult(organisations=len({c.organisation_id for c in contacts}), emails=len(invitations))


def _invited_signatures(letter, organisation_ids, by, now):
    """{organisation id: signature} for the organisations that may be invited, creating "invited" sign-ons.

    Organisations that already answered are left out (never downgraded). `ignore_conflicts` and the re-read
    cover a partner signing on through the public form at this very moment.
    """
    existing = set(
        Signature.objects.filter(letter=letter, organisation_id__in=organisation_ids)
        .values_list("organisation_id", flat=True)
    )
    Signature.objects.bulk_create(
        [
            Signature(
                letter=letter, organisation_id=pk, status=INVITED, source=Signature.Source.INVITATION,
                language=letter.default_language, invited_at=now,
            )
            for pk in sorted(organisation_ids - existing)
        ],
        ignore_conflicts=True,
    )
    signatures = {
        s.organisation_id: s
        for s in Signature.objects.filter(letter=letter, organisation_id__in=organisation_ids, status=INVITED)
    }
    SignatureEvent.objects.bulk_create(
        [
            SignatureEvent(signature=s, action="invited", from_status=INVITED, to_status=INVITED, by=_user(by), at=now)
            for s in signatures.values()
        ]
    )
    return signatures


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


# --- the contact's side: personal link, decline, unsubscribe ----------------------------------------------


def open_invitation(token):
    """The invitation for a personal link, marked as opened (first time only); None for an unknown token."""
    invitation = Invitation.objects.select_related("letter", "organisation", "contact").filter(token=token).first()
    if invitation is None:
        return None
    now = timezone.now()
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
        invitation.opened_at = now
    Signature.objects.filter(
        letter=invitation.letter, organisation=invitation.organisation, opened_at__isnull=True
    ).update(opened_at=now)
    return invitation


def get_invitation(token):
    return Invitation.objects.select_related("letter", "organisation", "contact").filter(token=token).first()


class DeclineOutcome:
    DECLINED = "declined"
    ALREADY = "already-declined"
    SIGNED = "signed"
    CLOSED = "answered"


def decline_invitation(invitation):
    """Record that the invited organisation declines. Only an unanswered invitation can be declined this way.

    A colleague's sign-on is never undone by a decline link: signed organisations withdraw through the link in
    their confirmation email instead.
    """
    with transaction.atomic():
        signature = (
            Signature.objects.select_for_update()
            .filter(letter=invitation.letter, organisation=invitation.organisation)
            .first()
        )
        if signature is None:
            signature = Signature.objects.create(
                letter=invitation.letter, organisation=invitation.organisation, status=INVITED,
                source=Signature.Source.INVITATION, invited_at=invitation.created_at,
            )
        if signature.status == Signature.Status.DECLINED:
            return DeclineOutcome.ALREADY
        if signature.status in Signature.SIGNED_STATUSES:
            return DeclineOutcome.SIGNED
        if signature.status != INVITED:
            return DeclineOutcome.CLOSED
        signature.decline(reason=f"declined through the invitation sent to {invitation.contact.email}")
    return DeclineOutcome.DECLINED


def unsubscribe(email, organisation_id):
    """Stop invitations and reminders to `email`, under every organisation it is a contact of.

    A signer who is not yet a contact is recorded as an unsubscribed contact of their organisation, so that a
    later invitation respects it too.
    """
    now = timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        Contact.objects.filter(email=email, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
        known = Contact.objects.filter(email=email).exists()
        if not known and Organisation.objects.filter(pk=organisation_id).exists():
            Contact.objects.create(organisation_id=organisation_id, email=email, unsubscribed_at=now)


# --- the campaign, as the coordinator sees it -------------------------------------------------------------

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
    return (
        letter.signatures.filter(status=INVITED)
        .select_related("organisation")
        .prefetch_related(Prefetch("organisation__invitations", queryset=invitations, to_attr="letter_invitations"))
        .annotate(
            reminders_sent=Count("emails", filter=Q(emails__kind=emails.Kind.REMINDER)),
            last_emailed=Max("emails__created_at"),
        )
        .order_by("organisation__sort_name", "organisation__name")
    )


def unconfirmed(letter):
    return letter.signatures.unconfirmed().select_related("organisation").order_by("signed_at")


def outbox(letter):
    """Counts per state and the latest emails of this letter (every kind, not only invitations)."""
    counts = dict.fromkeys(OutgoingEmail.State.values, 0)
    for row in letter.emails.values("state").annotate(n=Count("pk")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def retry_failed(letter):
    """Give failed emails of this letter a fresh set of attempts, now."""
    ids = list(letter.emails.filter(state=OutgoingEmail.State.FAILED).values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=ids).update(
        state=OutgoingEmail.State.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: emails.enqueue_batches(ids))
    return len(ids)
