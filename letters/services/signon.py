"""Signing on from the public form: match the organisation, write the sign-on in one transaction, queue the email.

Also the signer's own actions through the signed links in their email: confirm, correct the listing, withdraw.
"""

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Q, When
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from letters import signals, throttle
from letters.emails import signon as signon_emails
from letters.matching import Matcher
from letters.models import (
    Invitation, LetterVersionRevision, Organisation, OrganisationAlias, OutgoingEmail, Signature, Throttle,
)
from letters.models.letters import version_language
from letters.text import clean_text, normalise_name

logger = logging.getLogger(__name__)

# --- abuse limits -----------------------------------------------------------------------------------------------


def allow(ip, email):
    """One token from this IP address's and this mailbox's hourly buckets (SIGNON_RATE_PER_IP and
    SIGNON_RATE_PER_EMAIL; 0 turns a limit off). True only when both had one."""
    buckets = [(key, capacity) for key, capacity in (
        (f"signon:ip:{ip}"[:200], settings.SIGNON_RATE_PER_IP),
        (f"signon:email:{email_bucket(email)}", settings.SIGNON_RATE_PER_EMAIL),
    ) if capacity > 0]
    if not buckets:
        return True
    if throttle.available():
        try:
            return throttle.take(buckets)
        except Exception:  # noqa: BLE001 - Redis unreachable: the database's buckets still hold the line
            logger.warning("sign-on limits: Redis unavailable, using the database", exc_info=True)
    if connection.vendor not in _REFILLED:
        return all([Throttle.allow(key, capacity) for key, capacity in buckets])  # both buckets are charged
    return _take_tokens(buckets, per_seconds=3600)


def email_bucket(email):
    """The throttle key of a mailbox, hashed so that the throttle table never holds anyone's address."""
    return hashlib.sha256(mailbox_key(email).encode()).hexdigest()[:40]


DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_key(email):
    """The mailbox an address delivers to, as far as we can tell: victim+1@… and victim+2@… are one inbox, and so
    are v.i.c.t.i.m@gmail.com and victim@googlemail.com. Only for limits: mail still goes to the address given."""
    local, _at, domain = email.strip().lower().rpartition("@")
    if not local:
        return email.strip().lower()
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


# Throttle.allow's token bucket for several buckets in one statement (it takes two per bucket, plus a savepoint
# for a new one): insert each new bucket with one token taken, or refill and take one from an existing bucket only
# if at least one token is there. A bucket's capacity travels as its would-be new row (tokens = capacity - 1), so
# buckets of different sizes share the statement. A key comes back for each bucket that gave a token; an empty
# bucket is not touched. The upsert locks the rows (always the IP's first, then the mailbox's: no lock cycles), so
# concurrent sign-ons from one address still count correctly across processes and replicas.
_REFILLED = {
    "postgresql": "LEAST(excluded.tokens + 1, t.tokens + EXTRACT(EPOCH FROM (excluded.updated_at - t.updated_at))"
                  " * (excluded.tokens + 1) / %s)",
    "sqlite": "MIN(excluded.tokens + 1, t.tokens + (julianday(excluded.updated_at) - julianday(t.updated_at))"
              " * 86400.0 * (excluded.tokens + 1) / %s)",
}
_TAKE_TOKENS_SQL = """
    INSERT INTO {table} AS t (key, tokens, updated_at) VALUES {rows}
    ON CONFLICT (key) DO UPDATE SET tokens = {refilled} - 1, updated_at = excluded.updated_at
    WHERE {refilled} >= 1
    RETURNING key"""


def _take_tokens(buckets, per_seconds):
    now = timezone.now()
    if connection.vendor != "postgresql":
        now = connection.ops.adapt_datetimefield_value(now)
    rows = ", ".join(["(%s, %s, %s)"] * len(buckets))
    params = [value for key, capacity in buckets for value in (key, float(capacity) - 1, now)]
    sql = _TAKE_TOKENS_SQL.format(table=Throttle._meta.db_table, rows=rows, refilled=_REFILLED[connection.vendor])
    with connection.cursor() as cursor:
        cursor.execute(sql, params + [per_seconds, per_seconds])
        return len(cursor.fetchall()) == len(buckets)


# --- the directory index -----------------------------------------------------------------------------------------


class DirectoryIndex:
    """A Matcher kept between requests, brought up to date at most once a second.

    Building a Matcher reads the whole directory: doing it for every sign-on would cost tens of milliseconds once
    the directory has thousands of organisations. New organisations (the usual change: each new signatory adds
    one) are added incrementally; any other change (rename, merge, alias) rebuilds it. Between refreshes the index
    may miss an organisation created a moment ago in another process, which only matters for fuzzy suggestions
    and acronym/domain recognition: exact names are always checked in the database (see _organisation_for).
    """

    REFRESH_SECONDS = 1.0
    MAX_AGE_SECONDS = 300

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def refreshed(self):
        """The Matcher. Call with `self.lock` held (a Matcher is not safe to share while it changes)."""
        now = time.monotonic()
        if self.matcher is None or now - self.built_at > self.MAX_AGE_SECONDS:
            self._rebuild(_directory_stamp())
        elif now - self.checked_at >= self.REFRESH_SECONDS:
            stamp = _directory_stamp()
            if stamp != self.stamp and not self._extend(stamp):
                self._rebuild(stamp)
        self.checked_at = now
        return self.matcher

    def _rebuild(self, stamp):
        self.matcher, self.stamp, self.built_at = Matcher(), stamp, time.monotonic()

    def _extend(self, stamp):
        old = self.stamp
        if stamp["aliases"] != old["aliases"] or old["top"] is None:
            return False
        changed = list(
            Organisation.objects.filter(Q(pk__gt=old["top"]) | Q(updated_at__gt=old["changed"]))
            .prefetch_related("aliases")
            .only("id", "name", "acronym", "country", "normalised_name", "email_domains", "kind")
        )
        if any(org.pk <= old["top"] for org in changed) or len(changed) != stamp["count"] - old["count"]:
            return False  # an existing organisation changed or one was deleted
        for org in changed:
            self.matcher.add(org)
        self.stamp = stamp
        return True

    def reset(self):
        with self.lock:
            self.matcher, self.stamp, self.built_at, self.checked_at = None, None, 0.0, 0.0


def _directory_stamp():
    """What tells a changed directory apart, in one statement (it runs once a second in every process)."""
    orgs, aliases = Organisation._meta.db_table, OrganisationAlias._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(id), MAX(id), MAX(updated_at), (SELECT COUNT(id) FROM {aliases}), "
                       f"(SELECT MAX(id) FROM {aliases}) FROM {orgs}")
        count, top, changed, alias_count, alias_top = cursor.fetchone()
    if changed is not None and not isinstance(changed, datetime):  # SQLite returns the aggregate as text
        changed = Organisation._meta.get_field("updated_at").to_python(changed)
    return {"count": count, "top": top, "changed": changed, "aliases": (alias_count, alias_top)}


directory_index = DirectoryIndex()


# --- signing on --------------------------------------------------------------------------------------------------


class SignOnClosed(Exception):
    """The letter stopped accepting sign-ons (closed, or its deadline passed) while the form was open."""


@dataclass
class SignOnResult:
    signature: Signature
    outcome: str  # created | reopened | resubmitted | unchanged

    @property
    def is_new_submission(self):
        return self.outcome in ("created", "reopened")


def sign_on(letter, data, language, invitation=None):
    """Record a sign-on from the public form (`data` is SignOnForm.cleaned_data) and queue the confirmation email.

    Submitting again for an organisation that already signed never creates a second row: the submission is
    recorded in the sign-on's history, and the reply is the same as for a first sign-on (no enumeration).
    """
    if not letter.is_open:  # the caller loaded `letter` for this request
        raise SignOnClosed
    try:
        return _sign_on(letter, data, language, invitation, optimistic=True)
    except IntegrityError:
        # This organisation had signed already (a second submission), or someone attached to it under another
        # spelling a moment ago: everything was rolled back; again, this time reading the sign-on first.
        return _sign_on(letter, data, language, invitation, optimistic=False)


def _sign_on(letter, data, language, invitation, optimistic):
    """One try of sign_on(). `optimistic`: insert the sign-on of a known organisation without looking first or
    a savepoint (the usual case: it has not signed this letter yet); a duplicate raises IntegrityError, which
    rolls back this transaction, and sign_on() tries again the careful way (_attach)."""
    with transaction.atomic():
        sections = _serialise(_lock_key(data, invitation), letter, data, language)
        # Matching notes are read by coordinators: written in the site's language, not the signer's.
        with translation.override(settings.LANGUAGE_CODE):
            organisation, flags, is_new = _organisation_for(data, invitation)
        if is_new or optimistic:  # is_new: created in this transaction, nobody can have signed for it yet
            result = _create(letter, organisation, flags, data, language, invitation, sections)
        else:
            result = _attach(letter, organisation, flags, data, language, invitation, sections)
        if result.outcome == "created" or (  # a sign-on created just now has no emails yet: nothing to look up
            (result.is_new_submission or _same_signer_again(result.signature, data))
            and not _confirmation_sent_lately(result.signature)
        ):
            signon_emails.send_confirmation(result.signature)
        signature = result.signature
        transaction.on_commit(lambda: signals.signature_submitted.send(sender=Signature, signature=signature))
    return result


def _lock_key(data, invitation):
    if invitation is not None:
        return f"signon:org-id:{invitation.organisation_id}"
    if data.get("kind") == Organisation.Kind.INDIVIDUAL:
        return f"signon:individual:{data['signer_email']}"
    return f"signon:org:{normalise_name(data['organisation_name'])}"


def _serialise(key, letter, data, language):
    """Make sign-ons for the same organisation name wait for each other until commit; return the sign-on's
    possible sections ({"chosen": id or None, <organisation kind>: id or None, …}, see _section_for) and the text
    revision signed ({"revision": id or None}, see revision_signed).

    One statement for both (on SQLite only the sections): a sign-on's queries are counted.

    Without this, 20 people submitting one new organisation at once would each see "not in the directory" and
    create 20 organisations. A PostgreSQL advisory lock on the *name* (not a row lock on the Letter) is used
    because it also covers the same new organisation signing two letters at once, and sign-ons for different
    organisations still run in parallel. The one-signature-per-letter rule itself is a database constraint
    (see _attach). SQLite needs nothing: its IMMEDIATE transactions already let one writer in at a time.
    """
    columns, params = [], []
    if connection.vendor == "postgresql":
        columns.append("(SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(%s, 0)))")
        params.append(key)
    sections = {kind: letter.sections.for_kind(kind) for kind in Organisation.Kind.values}
    chosen = getattr(data.get("section"), "pk", data.get("section"))
    sections["chosen"] = letter.sections.filter(pk=chosen, public_choice=True) if chosen else letter.sections.none()
    sections["revision"] = revision_signed(letter, language)
    names = []
    for name, queryset in sections.items():
        try:
            sql, sql_params = queryset.values("pk")[:1].query.sql_with_params()
        except EmptyResultSet:
            continue
        columns.append(f"({sql})")
        params.extend(sql_params)
        names.append(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = cursor.fetchone()
    found = dict.fromkeys([*Organisation.Kind.values, "chosen", "revision"])
    found.update(zip(names, row[-len(names):] if names else ()))
    return found


def revision_signed(letter, language):
    """The latest revision of the version the signer read: the one in their language, else the default language's,
    else any (as Letter.version() picks it). A subquery, read in _serialise's one statement."""
    own = version_language(language)
    return (LetterVersionRevision.objects.filter(version__letter=letter)
            .order_by(Case(When(version__language=own, then=0), When(version__language=letter.default_language,
                                                                     then=1), default=2),
                      "version__language", "-number"))


@dataclass
class _Flags:
    new_organisation: bool = False
    near_duplicate: bool = False
    domain_mismatch: bool = False
    note: str = ""


def _organisation_for(data, invitation):
    """(organisation, flags, is_new): the invitation's organisation, a matched one, or a new one flagged for review."""
    if data.get("kind") == Organisation.Kind.INDIVIDUAL:
        return _individual_for(data)
    email = data["signer_email"]
    with directory_index.lock:  # only around the in-memory index: no database lock is ever awaited under it
        matcher = directory_index.refreshed()
        match = None if invitation else matcher.match(data["organisation_name"], data.get("country", ""), email)
    if invitation is not None:
        return _invited_organisation(invitation, data, matcher)
    # The index may be a second old: the name itself is checked in the database, under the advisory lock.
    organisation = _in_database(match.organisation.pk if match.organisation else None, data["organisation_name"])
    if organisation is not None:
        how = match.how if match.organisation and match.organisation.pk == organisation.pk else "exact"
        flags = _Flags(domain_mismatch=matcher.email_looks_foreign(organisation, email))
        if how != "exact":
            flags.note = str(_("Recognised by its %(how)s.")) % {"how": _HOW[how]}
        return organisation, flags, False
    organisation = _new_organisation(data, Organisation.Kind.ORGANISATION)
    flags = _Flags(new_organisation=True, domain_mismatch=matcher.email_looks_foreign(organisation, email))
    if match.suggestions:
        flags.near_duplicate = True
        flags.note = str(_("Possibly the same as: %(names)s.")) % {
            "names": "; ".join(f"{org.name} (#{org.pk}, {score})" for org, score in match.suggestions)
        }
    return organisation, flags, True


def _in_database(matched_pk, name):
    """The matched organisation if it still exists, else one named exactly `name` (created since the index was
    refreshed, e.g. by a concurrent sign-on that held the lock before us; those never add aliases)."""
    if matched_pk is not None:
        found = Organisation.objects.filter(pk=matched_pk).first()
        if found is not None:
            return found
    return Organisation.objects.filter(normalised_name=normalise_name(name)).order_by("pk").first()


def _invited_organisation(invitation, data, matcher):
    organisation = Organisation.objects.get(pk=invitation.organisation_id)
    flags = _Flags(domain_mismatch=matcher.email_looks_foreign(organisation, data["signer_email"]))
    if normalise_name(data["organisation_name"]) != organisation.normalised_name:
        flags.note = str(_("Invited as “%(name)s”.")) % {"name": organisation.name}
    return organisation, flags, False


_HOW = {"alias": _("alias"), "acronym": _("acronym and country"), "domain": _("email domain")}


def _individual_for(data):
    """Individuals are recognised by name *and* email: two people may share a name, and must both be able to sign."""
    name = data["signer_name"]
    existing = (
        Organisation.objects.individuals()
        .filter(normalised_name=normalise_name(name), signatures__signer_email=data["signer_email"])
        .first()
    )
    if existing is not None:
        return existing, _Flags(), False
    return _new_organisation(data, Organisation.Kind.INDIVIDUAL), _Flags(new_organisation=True), True


def _new_organisation(data, kind):
    if kind == Organisation.Kind.INDIVIDUAL:
        fields = {"name": data["signer_name"], "affiliation": data.get("affiliation", "")}
    else:
        fields = {
            "name": data["organisation_name"], "acronym": data.get("acronym", ""),
            "country": data.get("country", ""), "website": data.get("website", ""),
        }
    return Organisation.objects.create(kind=kind, needs_review=True, **fields)


def _attach(letter, organisation, flags, data, language, invitation, sections):
    """Create the sign-on, or record a new submission on the existing one (the unique constraint decides)."""
    existing = Signature.objects.select_for_update().filter(letter=letter, organisation=organisation).first()
    if existing is None:
        try:
            with transaction.atomic():
                return _create(letter, organisation, flags, data, language, invitation, sections)
        except IntegrityError:
            # Someone attached to the same organisation under another spelling a moment ago.
            existing = Signature.objects.select_for_update().get(letter=letter, organisation=organisation)
    return _resubmit(existing, flags, data, language, invitation, revision_id=sections.get("revision"))


def _create(letter, organisation, flags, data, language, invitation, sections):
    signature = _new_signature(letter, organisation, flags, data, language, invitation, sections)
    signature.save()
    signature.record("signed", reason=_source_reason(invitation))
    return SignOnResult(signature, "created")


def _new_signature(letter, organisation, flags, data, language, invitation, sections):
    signature = Signature(letter=letter, organisation=organisation, status=Signature.Status.PENDING)
    signature.source = Signature.Source.INVITATION if invitation else Signature.Source.WEB
    signature.signed_at = timezone.now()
    signature.section_id = _section_for(organisation, sections)
    signature.revision_id = sections.get("revision")
    _apply_submission(signature, flags, data, language)
    return signature


def _section_for(organisation, sections):
    """The section the signer chose (one offered on this letter's form), else the first for their kind, if any
    (the ids read by _serialise)."""
    return sections["chosen"] or sections.get(organisation.kind)


def _apply_submission(signature, flags, data, language):
    signature.signer_name = data["signer_name"]
    signature.signer_email = data["signer_email"]
    signature.language = language
    signature.consent_public = data["consent_public"]
    signature.message = data.get("message", "")
    signature.submitted_name = _submitted_name(data)
    signature.flag_new_organisation = flags.new_organisation
    signature.flag_near_duplicate = flags.near_duplicate
    signature.flag_domain_mismatch = flags.domain_mismatch
    signature.match_note = flags.note[:500]


def _source_reason(invitation):
    return "public form (invitation)" if invitation else "public form"


def _resubmit(signature, flags, data, language, invitation, revision_id=None):
    """A second submission for an organisation that already has a sign-on on this letter."""
    if signature.status in (Signature.Status.INVITED, Signature.Status.DECLINED, Signature.Status.WITHDRAWN):
        # Invited partners answering, or signers changing their mind: the sign-on starts again from "pending".
        _apply_submission(signature, flags, data, language)
        signature.revision_id = revision_id  # signing again is consent to the text as it is now
        signature.transition(Signature.Status.PENDING, action="signed", reason=_source_reason(invitation))
        return SignOnResult(signature, "reopened")
    # Already signed (or rejected by a coordinator): nothing changes, but coordinators see the attempt.
    signature.record(
        "submitted again", reason=f"{data['signer_email']} as “{_submitted_name(data)}” ({_source_reason(invitation)})"
    )
    outcome = "resubmitted" if signature.status in Signature.SIGNED_STATUSES else "unchanged"
    return SignOnResult(signature, outcome)


def _submitted_name(data):
    return data["signer_name"] if data.get("kind") == Organisation.Kind.INDIVIDUAL else data["organisation_name"]


def _confirmation_sent_lately(signature):
    """The confirmation for this sign-on was already re-sent to its address less than CONFIRMATION_RESEND_MINUTES
    ago. A signer who lost the email gets it again at once, but submitting the same form again and again must not
    turn us into a tool for flooding someone's mailbox: one resend per N minutes."""
    minutes = settings.CONFIRMATION_RESEND_MINUTES
    if minutes <= 0 or signature.pk is None:
        return False
    sent = OutgoingEmail.objects.filter(kind="signon-confirm", signature=signature, to=signature.signer_email)
    first = sent.order_by("created_at", "pk").values_list("pk", flat=True).first()
    since = timezone.now() - timezone.timedelta(minutes=minutes)
    return first is not None and sent.exclude(pk=first).filter(created_at__gte=since).exists()


def _same_signer_again(signature, data):
    """The signer lost the first email: sending it again is safe, it only goes to the address that signed."""
    return signature.status in Signature.SIGNED_STATUSES and signature.signer_email == data["signer_email"].lower()


# --- invitations (issue 6 stores the token in the session; this side pre-fills and attaches) --------------------

INVITATION_SESSION_KEY = "coalition_invitation"


def invitation_for(request, letter):
    """The Invitation whose link this visitor followed, if it is for `letter`; else None."""
    token = request.session.get(INVITATION_SESSION_KEY) if hasattr(request, "session") else None
    if not token:
        return None
    try:
        return Invitation.objects.select_related("organisation", "contact").filter(letter=letter, token=token).first()
    except Exception:  # noqa: BLE001 - a malformed UUID in the session is just "no invitation"
        return None


def initial_from_invitation(invitation):
    if invitation is None:
        return {}
    org, contact = invitation.organisation, invitation.contact
    return {
        "organisation_name": org.name, "acronym": org.acronym, "country": str(org.country or ""),
        "website": org.website, "signer_name": contact.name, "signer_email": contact.email,
    }


# --- signed links in the confirmation email ---------------------------------------------------------------------

CONFIRM, MANAGE = "confirm", "manage"
MANAGE_LINK_MAX_AGE_DAYS = 365


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def make_token(signature, purpose):
    """A signed link token for one sign-on; it stops working if the sign-on's email address changes."""
    return signing.dumps([signature.pk, _fingerprint(signature)], salt=f"letters.signon.{purpose}")


def signature_from_token(token, purpose, letter):
    """The sign-on a link points to. Raises LinkExpired or LinkInvalid (tampered, or for another letter)."""
    days = settings.CONFIRM_LINK_MAX_AGE_DAYS if purpose == CONFIRM else MANAGE_LINK_MAX_AGE_DAYS
    try:
        pk, fingerprint = signing.loads(token, salt=f"letters.signon.{purpose}", max_age=days * 86400)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkInvalid from None
    signature = Signature.objects.select_related("organisation", "letter").filter(pk=pk, letter=letter).first()
    if signature is None or not isinstance(fingerprint, str) or fingerprint != _fingerprint(signature):
        raise LinkInvalid
    return signature


def _fingerprint(signature):
    return salted_hmac("letters.signon.email", signature.signer_email).hexdigest()[:16]


def confirm(signature):
    """The signer pressed Confirm (a POST: mail scanners only GET). True if this changed anything."""
    with transaction.atomic():
        signature = Signature.objects.select_for_update().select_related("letter").get(pk=signature.pk)
        if signature.status != Signature.Status.PENDING:
            return False
        signature.confirm()
        transaction.on_commit(lambda: signals.signature_confirmed.send(sender=Signature, signature=signature))
    return True


def withdraw(signature):
    """The signer withdrew through their link: off the public list at once, recorded with when and by whom."""
    with transaction.atomic():
        signature = Signature.objects.select_for_update().select_related("letter").get(pk=signature.pk)
        if not signature.can_become(Signature.Status.WITHDRAWN):
            return False
        signature.withdraw(reason=f"by the signer ({signature.signer_email}) through the link in their email")
    return True


def correct_listing(signature, name):
    """The signer corrected how their organisation is shown on this letter (only this letter, not the directory)."""
    name = clean_text(name)
    with transaction.atomic():
        signature = Signature.objects.select_for_update().select_related("organisation").get(pk=signature.pk)
        before = signature.display_name()
        if name == before:
            return False
        signature.name_override = "" if name == signature.organisation.name_in(signature.language) else name
        signature.save(update_fields=["name_override", "updated_at"])
        signature.record("listing corrected", reason=f"by the signer ({signature.signer_email}): “{before}” → “{name}”")
    return True


def choose_name_withheld(signature, withheld):
    """The signer chose, through their link, to be counted without their name (consent_public=False) or to be
    named again. Only while the letter is open and allows the choice, for a sign-on that stands. True if this
    changed anything; the public list and counts follow at once (Signature.save calls list_changed)."""
    with transaction.atomic():
        signature = Signature.objects.select_for_update().select_related("letter").get(pk=signature.pk)
        letter = signature.letter
        if not (letter.is_open and letter.signers_may_withhold_names) or (
                signature.status not in Signature.SIGNED_STATUSES) or signature.consent_public != withheld:
            return False
        signature.consent_public = not withheld
        signature.save(update_fields=["consent_public", "updated_at"])
        signature.record(
            "name withheld" if withheld else "name shown",
            reason=f"by the signer ({signature.signer_email}) through the link in their email",
        )
    return True
