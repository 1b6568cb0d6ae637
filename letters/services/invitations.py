"""Inviting organisations to sign a letter, and the links in an invitation: personal link, decline, unsubscribe.

An organisation is invited through its contacts: each active contact gets a personal link, and the
organisation's sign-on on the letter becomes "invited". Organisations that already answered (signed, declined,
withdrew or were rejected) are never invited again, and an unsubscribed address never gets another email.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import CharField, Exists, Max, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from letters.emails import outreach as emails
from letters.models import Contact, Invitation, Letter, Organisation, OutgoingEmail, Signature, SignatureEvent
from letters.models.letters import _user_or_none
from letters.models.outreach import EmailSuppression

from .regions import countries_in

logger = logging.getLogger(__name__)

INVITED = Signature.Status.INVITED


class LetterNotOpen(Exception):
    """The letter stopped accepting sign-ons (closed, finalised, deadline passed) before the invitations went out."""


# --- who may be emailed -----------------------------------------------------------------------------------


def suppressed_emails():
    """Addresses that asked for no more invitations or reminders, whichever organisation they were listed under."""
    return EmailSuppression.objects.values("email")


def reachable_contacts():
    return Contact.objects.active().exclude(email__in=suppressed_emails())


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
class InviteRow:
    """An organisation to invite and its contacts; their addresses are shown only if `show_contacts` (see
    letters.access.organisations_with_visible_contacts), else only how many and in which languages."""

    organisation: Organisation
    contacts: list
    show_contacts: bool


@dataclass
class InvitePlan:
    """What an invitation would do, shown to the coordinator before anything is sent."""

    selected: int = 0
    to_invite: list = field(default_factory=list)  # [InviteRow]
    answered: list = field(default_factory=list)  # [(organisation, status label)]
    without_contact: list = field(default_factory=list)
    already_invited: list = field(default_factory=list)

    @property
    def contact_count(self):
        return sum(len(row.contacts) for row in self.to_invite)


def plan_invitations(letter, organisations, visible=None):
    """Sort the selected organisations into: to invite, already answered, no reachable contact, already invited.

    `visible`: the organisations whose contacts' addresses the coordinator may see (a queryset; None: none).
    """
    answered = dict(
        letter.signatures.answered().filter(organisation__in=organisations).values_list("organisation_id", "status")
    )
    shown = set()
    if visible is not None:
        shown = set(visible.filter(pk__in=organisations.values("pk")).values_list("pk", flat=True))
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
        if organisation.pk in answered:
            plan.answered.append((organisation, Signature.Status(answered[organisation.pk]).label))
        elif contacts.get(organisation.pk):
            plan.to_invite.append(InviteRow(organisation, contacts[organisation.pk], organisation.pk in shown))
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

    Raises LetterNotOpen if the letter no longer accepts sign-ons. Bulk inserts, so inviting 1,000 organisations
    takes a few dozen queries; the emails are sent afterwards by the worker. The letter row is locked so that two
    coordinators inviting at once cannot invite the same contact twice, and is re-read under the lock because
    the letter may have been closed or finalised since the coordinator's form was checked.
    """
    now = timezone.now()
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if not letter.is_open:
            raise LetterNotOpen
        contacts = list(_new_contacts(letter, organisations))
        signatures = _invited_signatures(letter, {c.organisation_id for c in contacts}, by, now)
        contacts = [c for c in contacts if c.organisation_id in signatures]
        by = _user_or_none(by)
        Invitation.objects.bulk_create(
            [Invitation(letter=letter, organisation=c.organisation, contact=c, invited_by=by) for c in contacts]
        )
    # Rendered after the commit, outside the letter's lock: rendering 1,000 emails takes a few seconds, during
    # which finalising, moderating or inviting for this letter would otherwise wait.
    queue_invitation_emails(letter)
    return InviteResult(organisations=len({c.organisation_id for c in contacts}), emails=len(contacts))


def queue_invitation_emails(letter):
    """Queue the invitation email of each of the letter's invitations that has none yet.

    Those are the invitations just created, and any left without an email by a request that died between its
    two transactions. The email's dedupe key (one per invitation) keeps two requests from queueing one twice.
    """
    has_email = OutgoingEmail.objects.filter(
        dedupe_key=Concat(Value("invitation:"), Cast(OuterRef("pk"), CharField()), output_field=CharField())
    )
    invitations = list(
        Invitation.objects.filter(letter=letter).filter(~Exists(has_email))
        .select_related("contact", "organisation").prefetch_related("organisation__display_names").order_by("pk")
    )
    if not invitations:
        return []
    letter = Letter.objects.prefetch_related("versions").get(pk=letter.pk)
    signatures = dict(
        letter.signatures.filter(organisation_id__in={i.organisation_id for i in invitations})
        .values_list("organisation_id", "pk")
    )
    rows = []
    for invitation in invitations:
        invitation.letter = letter  # every email reads the same prefetched language versions
        rows.append(emails.invitation(invitation, signatures.get(invitation.organisation_id)))
    with transaction.atomic():
        return emails.queue_bulk(rows)


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
        for s in letter.signatures.awaiting_answer().filter(organisation_id__in=organisation_ids)
    }
    by = _user_or_none(by)
    SignatureEvent.objects.bulk_create(
        [
            SignatureEvent(signature=s, action="invited", from_status=INVITED, to_status=INVITED, by=by, at=now)
            for s in signatures.values()
        ]
    )
    return signatures


# --- the contact's side: personal link, decline, unsubscribe ----------------------------------------------


# Mail scanners (Microsoft Defender, Mimecast…) follow every link of an email within seconds of its delivery, before
# anyone has read it. An "open" that soon after an email carrying the link went out is not counted, so the campaign
# shows people rather than scanners; someone who really clicks that fast counts as opened once they answer.
SCANNER_WINDOW = timedelta(seconds=60)


def get_invitation(token):
    return Invitation.objects.select_related("letter", "organisation", "contact").filter(token=token).first()


def open_invitation(token, count_open=True):
    """The invitation for a personal link, marked as opened (first time only); None for an unknown token.

    `count_open=False` (a HEAD request) and opens within SCANNER_WINDOW of the email's delivery mark nothing.
    """
    invitation = get_invitation(token)
    if invitation is None or not count_open or _just_delivered(invitation):
        return invitation
    now = timezone.now()
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
        invitation.opened_at = now
    Signature.objects.filter(
        letter=invitation.letter, organisation=invitation.organisation, opened_at__isnull=True
    ).update(opened_at=now)
    return invitation


def _just_delivered(invitation):
    """Whether an email with this personal link (the invitation or a reminder) went out less than a minute ago."""
    last_sent = OutgoingEmail.objects.filter(
        letter_id=invitation.letter_id, contact_id=invitation.contact_id,
        kind__in=(emails.Kind.INVITATION, emails.Kind.REMINDER), sent_at__isnull=False,
    ).aggregate(last=Max("sent_at"))["last"]
    return last_sent is not None and timezone.now() - last_sent < SCANNER_WINDOW


class DeclineOutcome:
    DECLINED = "declined"
    ALREADY = "already-declined"
    SIGNED = "signed"
    CLOSED = "answered"
    LETTER_CLOSED = "letter-closed"


def decline_invitation(invitation):
    """Record that the invited organisation declines. Only an unanswered invitation of an open letter can be
    declined this way.

    A colleague's sign-on is never undone by a decline link: signed organisations withdraw through the link in
    their confirmation email instead. The letter is re-read under its lock, so a decline racing with the
    letter's closing or finalisation cannot change a list that is being frozen.
    """
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=invitation.letter_id)
        if not letter.is_open:
            return DeclineOutcome.LETTER_CLOSED
        signature = (
            Signature.objects.select_for_update()
            .filter(letter=letter, organisation=invitation.organisation)
            .first()
        )
        if signature is None:
            signature = Signature.objects.create(
                letter=letter, organisation=invitation.organisation, status=INVITED,
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


def unsubscriber(token):
    """The address an unsubscribe link's token names, or None (tampered with, or its contact or sign-on is gone)."""
    parsed = emails.read_unsubscribe_token(token)
    if parsed is None:
        return None
    kind, pk = parsed
    if kind == "c":
        email = Contact.objects.filter(pk=pk).values_list("email", flat=True).first()
    else:
        email = Signature.objects.filter(pk=pk).values_list("signer_email", flat=True).first()
    return email or None


def unsubscribe(email, source=EmailSuppression.Source.LINK):
    """Stop invitations and reminders to `email` for good, under every organisation it is a contact of.

    The suppression outlives contacts (deleted, merged away) and applies to addresses not yet in the directory;
    invitations and reminders already queued for the address are cancelled (and checked again at send time).
    """
    now = timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        EmailSuppression.objects.get_or_create(email=email, defaults={"at": now, "source": source})
        Contact.objects.filter(email=email, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
        OutgoingEmail.objects.filter(
            to=email, state=OutgoingEmail.State.QUEUED, kind__in=emails.UNSOLICITED_KINDS
        ).update(state=OutgoingEmail.State.FAILED, last_error=emails.Skipped.UNSUBSCRIBED)


def resubscribe(email, by):
    """Staff, at the person's request: invitations and reminders may reach `email` again. True if it was suppressed."""
    email = email.strip().lower()
    with transaction.atomic():
        deleted, _counts = EmailSuppression.objects.of(email).delete()
        Contact.objects.filter(email=email).update(unsubscribed_at=None)
    logger.info("user %s lifted the unsubscribe of an address (%s)", getattr(by, "pk", None), bool(deleted))
    return bool(deleted)
