"""One person's data, found by email address: export it (a JSON document) or erase it; and the retention rule that
erases signers' contact details some days after a letter was finalised.

A person is an email address, compared the way the sign-on throttle compares mailboxes (signon.mailbox_key: case,
"+tags" and Gmail dots do not matter), so an erasure also covers the variants someone typed on other occasions.
Their names are the signer names and contact names recorded under those addresses; free text (history reasons,
notes, outbox bodies, background task tracebacks) is scrubbed of both.

What is kept: the organisation's sign-on (status, organisation, letter, dates) so the list and its counts stay as
published, and the history of *what* happened (actions, statuses, dates), with names and addresses replaced by
markers. An erasure is itself recorded on each affected sign-on ("personal data erased", by whom and when, not whom).
"""

import html
import io
import json
import logging
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from urllib.parse import unquote

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models, transaction
from django.db.models import Case, CharField, Q, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from letters.models import (
    Contact,
    EmailSuppression,
    ExportJob,
    Invitation,
    Letter,
    LetterEvent,
    ListSnapshot,
    MergeRecord,
    Organisation,
    OrganisationChange,
    OutgoingEmail,
    Signature,
    SignatureEvent,
    Throttle,
)
from letters.services.signon import DOTLESS_DOMAINS, email_bucket, mailbox_key

logger = logging.getLogger(__name__)

ERASED = "[erased]"
ERASED_DOMAIN = "erased.invalid"  # .invalid never resolves (RFC 2606): nothing can ever be sent to a marker
ERASED_ACTION = "personal data erased"
RETENTION_ACTION = "signer data erased (retention)"

# Addresses in free text, also percent-encoded in links (victim%40example.org).
# Not starting with a quote: "{'ana@example.org': …}" in a traceback is the address, not "'ana@…".
EMAIL_IN_TEXT = re.compile(r"[\w.+-][\w.+'-]*(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Names shorter than this are not searched for in free text: "Al" would scrub half the history.
MIN_NAME_LENGTH = 3


def erased_email():
    """A valid, unique, undeliverable address. Random rather than a hash of the address: a hash would let anyone who
    knows the address confirm that this row was theirs."""
    return f"erased-{secrets.token_hex(5)}@{ERASED_DOMAIN}"


def is_erased_email(value):
    return (value or "").lower().endswith("@" + ERASED_DOMAIN)


class Person:
    """The mailbox being looked for, and the names found for it (filled in while searching)."""

    def __init__(self, email):
        self.email = (email or "").strip()
        self.key = mailbox_key(self.email)
        domain = self.key.rpartition("@")[2]
        # Every domain that delivers to this mailbox: gmail.com and googlemail.com are one.
        self.domains = sorted({d for d, same in DOTLESS_DOMAINS.items() if same == domain} | {domain}) if domain else []
        self.names = set()

    def owns(self, address):
        return bool(address) and "@" in address and mailbox_key(unquote(address)) == self.key

    def add_name(self, name):
        name = (name or "").strip()
        if len(name) >= MIN_NAME_LENGTH and name != ERASED:
            self.names.add(name)

    # --- free text ------------------------------------------------------------------------------------------

    def mentioned_in(self, text):
        return bool(text) and self.scrub(text) != text

    def scrub(self, text):
        """`text` with this person's addresses (any variant) and names replaced by "[erased]"."""
        if not text:
            return text
        text = EMAIL_IN_TEXT.sub(lambda m: ERASED if self.owns(m.group(0)) else m.group(0), text)
        for name in sorted(self.names, key=len, reverse=True):  # "Ana María Pérez" before "Ana María"
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", ERASED, text, flags=re.IGNORECASE)
        return text

    def scrub_json(self, value):
        """The same for every string in a JSON value (dict keys included)."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_json(item) for item in value]
        if isinstance(value, dict):
            return {self.scrub(str(k)): self.scrub_json(v) for k, v in value.items()}
        return value

    def text_filter(self, *fields):
        """A database pre-filter for free text that may mention this person (refined with mentioned_in)."""
        words = [*self.domains, *self.names]
        query = Q()
        for name in fields:
            for word in words:
                query |= Q(**{f"{name}__icontains": word})
        return query

    def address_filter(self, field_name):
        """A database pre-filter for an address column (refined with owns)."""
        query = Q()
        for domain in self.domains:
            query |= Q(**{f"{field_name}__iendswith": "@" + domain})
        return query


@dataclass
class Findings:
    """Everything found for one person: model instances per kind (see KINDS for the labels)."""

    person: Person
    signatures: list = field(default_factory=list)  # sign-ons under the person's address
    mentions: list = field(default_factory=list)  # other sign-ons whose message mentions them
    contacts: list = field(default_factory=list)
    invitations: list = field(default_factory=list)
    emails: list = field(default_factory=list)  # outbox rows to them or mentioning them
    signature_events: list = field(default_factory=list)
    letter_events: list = field(default_factory=list)
    organisation_changes: list = field(default_factory=list)
    organisation_notes: list = field(default_factory=list)
    merges: list = field(default_factory=list)
    suppressions: list = field(default_factory=list)
    throttles: list = field(default_factory=list)
    snapshots: list = field(default_factory=list)
    export_jobs: list = field(default_factory=list)
    admin_log: list = field(default_factory=list)
    task_results: list = field(default_factory=list)

    def counts(self):
        return {kind: len(getattr(self, kind)) for kind in KINDS}

    @property
    def total(self):
        return sum(self.counts().values())


# Every kind of trace, in the order the CLI and the admin page list them.
KINDS = {
    "signatures": _("sign-ons"), "mentions": _("sign-on messages mentioning the address"),
    "contacts": _("contacts"), "invitations": _("invitations"), "emails": _("outbox emails"),
    "signature_events": _("sign-on history entries"), "letter_events": _("letter history entries"),
    "organisation_changes": _("directory history entries"), "organisation_notes": _("organisation notes"),
    "merges": _("directory merge records"), "suppressions": _("unsubscribed addresses"),
    "throttles": _("sign-on limit buckets"), "snapshots": _("list snapshots"),
    "export_jobs": _("background export files"), "admin_log": _("admin log entries"),
    "task_results": _("background task records"),
}


def find(email, lock=False):
    """Every trace of the person with this address. Reads only; `lock` (inside a transaction) locks their sign-ons and
    contacts so that a signer editing their sign-on meanwhile cannot write back what is being erased."""
    person = Person(email)
    found = Findings(person)
    if not person.domains:
        return found
    signatures = Signature.objects.filter(person.address_filter("signer_email"))
    contacts = Contact.objects.filter(person.address_filter("email"))
    if lock:
        signatures, contacts = signatures.select_for_update(of=("self",)), contacts.select_for_update(of=("self",))
    found.signatures = [s for s in signatures.select_related("letter", "organisation").order_by("pk")
                        if person.owns(s.signer_email)]
    found.contacts = [c for c in contacts.select_related("organisation").order_by("pk") if person.owns(c.email)]
    for item in found.signatures:
        person.add_name(item.signer_name)
        if item.organisation.kind == Organisation.Kind.INDIVIDUAL:
            person.add_name(item.submitted_name)
    for item in found.contacts:
        person.add_name(item.name)
    mine = {s.pk for s in found.signatures}
    found.mentions = [s for s in Signature.objects.filter(person.text_filter("message")).exclude(pk__in=mine)
                      .select_related("letter", "organisation").order_by("pk") if person.mentioned_in(s.message)]
    found.invitations = list(Invitation.objects.filter(contact__in=found.contacts)
                             .select_related("letter", "organisation", "contact").order_by("pk"))
    found.emails = [e for e in OutgoingEmail.objects.filter(
        person.address_filter("to") | person.text_filter("subject", "body_text", "body_html", "last_error")
        | Q(signature__in=mine) | Q(contact__in=found.contacts)
        | _json_filter(person, "headers")).select_related("letter", "signature").order_by("pk")
        if person.owns(e.to) or e.signature_id in mine or _email_mentions(person, e)]
    found.signature_events = [e for e in SignatureEvent.objects.filter(person.text_filter("reason"))
                              .select_related("signature__letter").order_by("pk") if person.mentioned_in(e.reason)]
    found.letter_events = [e for e in LetterEvent.objects.filter(person.text_filter("reason")).order_by("pk")
                           if person.mentioned_in(e.reason)]
    found.organisation_changes = [
        c for c in OrganisationChange.objects.filter(
            person.text_filter("note") | _json_filter(person, "before") | _json_filter(person, "after")).order_by("pk")
        if person.mentioned_in(c.note) or person.scrub_json([c.before, c.after]) != [c.before, c.after]]
    found.organisation_notes = [o for o in Organisation.objects.filter(person.text_filter("notes")).order_by("pk")
                                if person.mentioned_in(o.notes)]
    found.merges = [m for m in MergeRecord.objects.filter(_json_filter(person, "details")).order_by("pk")
                    if person.scrub_json(m.details) != m.details]
    found.suppressions = [s for s in EmailSuppression.objects.filter(person.address_filter("email"))
                          if person.owns(s.email)]
    found.throttles = list(Throttle.objects.filter(key=f"signon:email:{email_bucket(person.email)}"))
    found.snapshots = [s for s in ListSnapshot.objects.filter(_json_filter(person, "rows")).order_by("pk")
                       if _snapshot_rows(person, s.rows)]
    found.export_jobs = _export_jobs(person, {s.letter_id for s in found.signatures})
    found.admin_log = [e for e in LogEntry.objects.filter(person.text_filter("object_repr", "change_message"))
                       .order_by("pk") if person.mentioned_in(e.object_repr) or person.mentioned_in(e.change_message)]
    found.task_results = _task_results(person)
    return found


def _json_filter(person, name):
    """A pre-filter for a JSON column, compared as text. SQLite stores JSON with non-ASCII characters escaped
    ("P\\u00e9rez"), PostgreSQL's jsonb as written: both spellings are looked for."""
    words = {*person.domains, *person.names, *(json.dumps(known)[1:-1] for known in person.names)}
    query = Q()
    for word in words:
        query |= Q(**{f"{name}__icontains": word})
    return query


def _email_mentions(person, email):
    return any(person.mentioned_in(text) for text in (email.subject, email.body_text, email.body_html,
                                                       email.last_error,
                                                       json.dumps(email.headers, ensure_ascii=False)))


def _snapshot_rows(person, rows):
    """Indexes of the snapshot rows that carry this person's signer name or address (older snapshots kept them)."""
    hits = []
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        if isinstance(row, dict) and (person.owns(row.get("signer_email") or "")
                                      or (row.get("signer_name") or "") in person.names):
            hits.append(index)
    return hits


def _export_jobs(person, letter_ids):
    """Background export files of the person's letters that hold their address or name (CSV/JSON as text, XLSX and
    DOCX by their XML parts; PDF never carries signers' contacts)."""
    jobs = ExportJob.objects.filter(letter_id__in=letter_ids, content__isnull=False).only("pk", "content", "letter",
                                                                                         "filename", "layout")
    return [job for job in jobs.order_by("pk") if _file_mentions(person, bytes(job.content or b""))]


def _file_mentions(person, content):
    texts = []
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                texts = [html.unescape(archive.read(name).decode("utf-8", "replace"))
                         for name in archive.namelist() if name.endswith(".xml")]
        except zipfile.BadZipFile:
            texts = []
    texts.append(content.decode("utf-8", "replace"))
    return any(person.mentioned_in(text) for text in texts)


def _task_results(person):
    """django-tasks-db rows: their arguments are ids, but a traceback may quote an SMTP error naming the address."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another tasks backend
        return []
    rows = DBTaskResult.objects.annotate(_args=Cast("args_kwargs", TextField()),
                                         _value=Cast("return_value", TextField()))
    rows = rows.filter(person.text_filter("traceback", "_args", "_value"))
    return [r for r in rows.order_by("enqueued_at")
            if any(person.mentioned_in(t) for t in (r.traceback, json.dumps(r.args_kwargs, ensure_ascii=False),
                                                json.dumps(r.return_value, ensure_ascii=False)))]


# --- export -----------------------------------------------------------------------------------------------------

def _at(value):
    return value.isoformat() if value else None


def export(email):
    """The person's data as a JSON-serialisable dict (structure documented in README, "Personal data")."""
    found = find(email)
    person = found.person
    return {
        "email": person.email,
        "generated_at": timezone.now().isoformat(),
        "signatures": [_signature_data(s, own=True) for s in found.signatures]
        + [_signature_data(s, own=False) for s in found.mentions],
        "contacts": [{
            "id": c.pk, "organisation": c.organisation.name, "name": c.name, "email": c.email,
            "language": c.language, "active": c.is_active, "unsubscribed_at": _at(c.unsubscribed_at),
            "created_at": _at(c.created_at),
        } for c in found.contacts],
        "invitations": [{
            "id": i.pk, "letter": i.letter.slug, "organisation": i.organisation.name, "contact_email": i.contact.email,
            "created_at": _at(i.created_at), "opened_at": _at(i.opened_at),
        } for i in found.invitations],
        "emails": [_email_data(person, e) for e in found.emails],
        "history": [
            *({"kind": "sign-on", "id": e.pk, "letter": e.signature.letter.slug, "action": e.action,
               "at": _at(e.at), "text": e.reason} for e in found.signature_events),
            *({"kind": "letter", "id": e.pk, "action": e.to_status, "at": _at(e.at), "text": e.reason}
              for e in found.letter_events),
            *({"kind": "directory", "id": c.pk, "action": c.action, "at": _at(c.at), "text": c.note,
               "before": c.before, "after": c.after} for c in found.organisation_changes),
            *({"kind": "merge", "id": m.pk, "action": "merge", "at": _at(m.at), "text": "", "details": m.details}
              for m in found.merges),
            *({"kind": "admin", "id": e.pk, "action": e.get_action_flag_display(), "at": _at(e.action_time),
               "text": f"{e.object_repr}: {e.get_change_message()}"} for e in found.admin_log),
        ],
        "other": [
            *({"kind": "organisation notes", "id": o.pk, "organisation": o.name, "text": o.notes}
              for o in found.organisation_notes),
            *({"kind": "unsubscribed", "id": s.pk, "email": s.email, "at": _at(s.at)} for s in found.suppressions),
            *({"kind": "sign-on limit", "id": t.pk, "key": t.key, "updated_at": _at(t.updated_at)}
              for t in found.throttles),
            *({"kind": "list snapshot", "id": s.pk, "letter": s.letter.slug, "language": s.language,
               "rows": [s.rows[i] for i in _snapshot_rows(person, s.rows)]} for s in found.snapshots),
            *({"kind": "background export", "id": j.pk, "letter": j.letter.slug, "filename": j.filename}
              for j in found.export_jobs),
            *({"kind": "task", "id": str(r.pk), "task": r.task_path, "at": _at(r.enqueued_at)}
              for r in found.task_results),
        ],
    }


def _email_data(person, email):
    """An email written to the person, whole; one written to someone else (a coordinator's digest), only the lines
    that mention the person: the rest is other people's data."""
    data = {"id": email.pk, "kind": email.kind, "state": email.state, "letter": email.letter.slug if email.letter else None,
            "created_at": _at(email.created_at), "sent_at": _at(email.sent_at)}
    if person.owns(email.to) or (email.signature_id and person.owns(email.signature.signer_email)):
        return {**data, "to_this_person": True, "to": email.to, "subject": email.subject, "body_text": email.body_text,
                "body_html": email.body_html, "headers": email.headers}
    lines = [line.strip() for text in (email.subject, email.body_text) for line in text.splitlines()
             if person.mentioned_in(line)]
    return {**data, "to_this_person": False, "to": "", "subject": "", "body_text": "\n".join(lines),
            "body_html": "", "headers": {}}


def _signature_data(signature, own):
    return {
        "id": signature.pk, "letter": signature.letter.slug, "letter_title": signature.letter.title,
        "organisation": signature.organisation.name, "organisation_kind": signature.organisation.kind,
        "own": own, "status": signature.status, "signer_name": signature.signer_name if own else "",
        "signer_email": signature.signer_email if own else "", "message": signature.message,
        "submitted_name": signature.submitted_name if own else "", "language": signature.language,
        "source": signature.source, "consent_public": signature.consent_public,
        "signed_at": _at(signature.signed_at), "confirmed_at": _at(signature.confirmed_at),
        "approved_at": _at(signature.approved_at), "withdrawn_at": _at(signature.withdrawn_at),
        "created_at": _at(signature.created_at),
    }


def export_json(email):
    return json.dumps(export(email), ensure_ascii=False, indent=2, sort_keys=False)


# --- erasure ----------------------------------------------------------------------------------------------------

def erase(email, by=None, dry_run=False):
    """Erase every trace of the person with this address, in one transaction. Returns {kind: count} of what was
    (or, with dry_run, would be) changed. The sign-ons themselves stay, so lists, counts and exports are unchanged."""
    with transaction.atomic():
        found = find(email, lock=not dry_run)
        counts = found.counts()
        if dry_run or not found.total:
            return counts
        _erase(found, by)
    logger.info("personal data erased by %s: %s", getattr(by, "username", None) or "command line",
                {k: v for k, v in counts.items() if v})
    return counts


def _erase(found, by):
    person = found.person
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    for signature in found.signatures:
        signature.signer_name = ERASED if signature.signer_name else ""
        signature.signer_email = erased_email()
        signature.message = ERASED if signature.message else ""
        if signature.organisation.kind == Organisation.Kind.INDIVIDUAL and signature.submitted_name in person.names:
            signature.submitted_name = ERASED
        # Only fields the public list never shows: no recount, no new list revision.
        signature.save(update_fields=["signer_name", "signer_email", "message", "submitted_name", "updated_at"])
    for signature in found.mentions:
        signature.message = person.scrub(signature.message)
        signature.save(update_fields=["message", "updated_at"])
    for contact in found.contacts:
        # Inactive: nobody invites a marker address (and no re-import brings the same row back to life).
        Contact.objects.filter(pk=contact.pk).update(name=ERASED if contact.name else "", email=erased_email(),
                                                     is_active=False)
    for email in found.emails:
        if person.owns(email.to) or email.signature_id in {s.pk for s in found.signatures}:
            # Written to them: the row stays (state, dates, attempts) as the record that an email was sent.
            OutgoingEmail.objects.filter(pk=email.pk).update(
                to=erased_email(), subject=ERASED, body_text="", body_html="", headers={},
                last_error=person.scrub(email.last_error))
        else:  # written to someone else (a coordinator's digest): only the mentions go
            OutgoingEmail.objects.filter(pk=email.pk).update(
                subject=person.scrub(email.subject)[:300], body_text=person.scrub(email.body_text),
                body_html=person.scrub(email.body_html), headers=person.scrub_json(email.headers),
                last_error=person.scrub(email.last_error))
    for event in found.signature_events:
        SignatureEvent.objects.filter(pk=event.pk).update(reason=person.scrub(event.reason))
    for event in found.letter_events:
        LetterEvent.objects.filter(pk=event.pk).update(reason=person.scrub(event.reason))
    for change in found.organisation_changes:
        OrganisationChange.objects.filter(pk=change.pk).update(
            note=person.scrub(change.note), before=person.scrub_json(change.before),
            after=person.scrub_json(change.after))
    for organisation in found.organisation_notes:
        Organisation.objects.filter(pk=organisation.pk).update(notes=person.scrub(organisation.notes))
    for merge in found.merges:
        MergeRecord.objects.filter(pk=merge.pk).update(details=person.scrub_json(merge.details))
    # An unsubscribe is kept by address only; after erasure the contacts that would be invited are inactive markers.
    EmailSuppression.objects.filter(pk__in=[s.pk for s in found.suppressions]).delete()
    Throttle.objects.filter(pk__in=[t.pk for t in found.throttles]).delete()
    for snapshot in found.snapshots:
        rows = list(snapshot.rows)
        for index in _snapshot_rows(person, rows):
            # Snapshots print names from their own columns; the contact columns are read live from the sign-ons.
            rows[index] = {k: v for k, v in rows[index].items() if k not in ("signer_name", "signer_email")}
        ListSnapshot.objects.filter(pk=snapshot.pk).update(rows=rows)
    # A background export is a copy: dropped, it can be written again from the (erased) list.
    ExportJob.objects.filter(pk__in=[j.pk for j in found.export_jobs]).delete()
    for entry in found.admin_log:
        LogEntry.objects.filter(pk=entry.pk).update(object_repr=person.scrub(entry.object_repr)[:200],
                                                    change_message=person.scrub(entry.change_message))
    for result in found.task_results:
        type(result).objects.filter(pk=result.pk).update(
            traceback=person.scrub(result.traceback), args_kwargs=person.scrub_json(result.args_kwargs),
            return_value=person.scrub_json(result.return_value))
    # The record that an erasure happened (who and when, not whom), on each sign-on that kept its row; a contact
    # has no history of its own, so the admin's log says it, when a user did it.
    now = timezone.now()
    SignatureEvent.objects.bulk_create([
        SignatureEvent(signature=s, action=ERASED_ACTION, from_status=s.status, to_status=s.status, by=user, at=now)
        for s in found.signatures
    ])
    if user is not None and found.contacts:
        LogEntry.objects.log_actions(user.pk, Contact.objects.filter(pk__in=[c.pk for c in found.contacts]), CHANGE,
                                     change_message=ERASED_ACTION, single_object=False)


# --- retention --------------------------------------------------------------------------------------------------

@dataclass
class RetentionResult:
    letters: int = 0
    signatures: int = 0
    emails: int = 0

    def __bool__(self):
        return bool(self.signatures or self.emails)

    def __str__(self):
        if not self:
            return gettext("nothing to erase")
        return gettext("erased the signer data of %(signatures)d sign-on(s) and %(emails)d email(s) on %(letters)d "
                       "letter(s)") % {"signatures": self.signatures, "emails": self.emails, "letters": self.letters}


def finalised_before(cutoff):
    """Letters finalised (and still finalised) on or before `cutoff`. Letter.finalised_at is set by every
    finalisation; for letters finalised before that field was filled, their final snapshot's date counts."""
    snapshot_date = models.Subquery(ListSnapshot.objects.filter(letter=models.OuterRef("pk"),
                                                                kind=ListSnapshot.Kind.FINAL)
                                    .order_by("-created_at").values("created_at")[:1])
    return (Letter.objects.filter(status=Letter.Status.FINALISED)
            .annotate(_finalised=Coalesce("finalised_at", snapshot_date))
            .filter(_finalised__lte=cutoff))


def apply_retention(now=None, days=None):
    """Erase signers' names, emails and messages, and the bodies of emails about their sign-ons, on letters finalised
    SIGNER_DATA_RETENTION_DAYS ago or more (0: off). Idempotent: what is erased is not found again."""
    days = settings.SIGNER_DATA_RETENTION_DAYS if days is None else days
    result = RetentionResult()
    if days <= 0:
        return result
    cutoff = (now or timezone.now()) - timezone.timedelta(days=days)
    for letter in finalised_before(cutoff).order_by("pk"):
        with transaction.atomic():
            signatures, emails = _retain_letter(letter)
        if signatures or emails:
            result.letters += 1
            result.signatures += signatures
            result.emails += emails
    if result:
        logger.info("retention: %s", result)
    return result


def _retain_letter(letter):
    pending = (Signature.objects.select_for_update().filter(letter=letter)
               .filter(~Q(signer_email="") & ~Q(signer_email__iendswith="@" + ERASED_DOMAIN)
                       | ~Q(signer_name__in=["", ERASED]) | ~Q(message__in=["", ERASED]))
               .select_related("organisation").order_by("pk"))
    now = timezone.now()
    signatures = list(pending)
    for signature in signatures:
        # Free-text reasons can name the signer: scrubbing needs that person's own name and address patterns.
        person = Person(signature.signer_email)
        person.add_name(signature.signer_name)
        for event in signature.events.filter(person.text_filter("reason")) if person.domains else ():
            SignatureEvent.objects.filter(pk=event.pk).update(reason=person.scrub(event.reason))
    # The list prints the organisation's (or individual's) directory name, never the signer's: both can go, for the
    # whole letter in one statement.
    Signature.objects.filter(pk__in=[signature.pk for signature in signatures]).update(
        signer_email="", signer_name="", updated_at=now,
        message=Case(When(message="", then=Value("")), default=Value(ERASED)))
    SignatureEvent.objects.bulk_create([
        SignatureEvent(signature=signature, action=RETENTION_ACTION, from_status=signature.status,
                       to_status=signature.status, at=now) for signature in signatures])
    emails = OutgoingEmail.objects.filter(signature__letter=letter).exclude(
        state=OutgoingEmail.State.QUEUED).filter(~Q(body_text="") | ~Q(body_html="") | ~Q(to__iendswith="@" + ERASED_DOMAIN))
    # Queued emails are still to be sent (a late confirmation): they are erased at the next run once sent or failed.
    # The marker address is made from the row's own id: it tells nothing about the person and stays unique.
    email_count = emails.update(
        to=Concat(Value("erased-"), Cast("pk", CharField()), Value("@" + ERASED_DOMAIN)), subject=ERASED,
        body_text="", body_html="", headers={})
    erased = len(signatures)
    return erased, email_count

