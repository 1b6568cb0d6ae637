"""A person with a trace in every place Coalition keeps one (personas: `ana` is erased, `bob` signs beside her)."""

from dataclasses import dataclass

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from letters.models import (
    EmailSuppression,
    ExportJob,
    Invitation,
    LetterEvent,
    ListSnapshot,
    OrganisationChange,
    OutgoingEmail,
    Throttle,
)
from letters.models.signatures import Signature
from letters.services.signon import email_bucket
from tests.factories import ContactFactory, LetterFactory, OrganisationFactory, SignatureFactory

# Stored as she typed it on the form; looked up as ANA_LOOKUP (another case, no +tag): one mailbox.
ANA_EMAIL = "ana.perez+letters@example.org"
ANA_LOOKUP = "Ana.Perez@EXAMPLE.org"
ANA_NAME = "Ana Quintero-Pérez"
BOB_EMAIL = "bob.keller@other.example"
BOB_NAME = "Bob Keller"


@dataclass
class Traces:
    letter: object
    signature: object
    bob_signature: object
    contact: object
    invitation: object
    email_to_ana: object
    digest: object
    export_job: object
    snapshot: object


def make_traces(coordinator):
    """Ana's traces everywhere, and Bob's sign-on on the same letter (which must survive her erasure)."""
    letter = LetterFactory(slug="privacy-letter", coordinators=[coordinator], languages=["en"])
    organisation = OrganisationFactory(name="Women's Rights Forum", notes=f"Ask {ANA_NAME} first.")
    signature = SignatureFactory(
        letter=letter, organisation=organisation, signer_name=ANA_NAME, signer_email=ANA_EMAIL,
        message="Write to me at ana.perez@example.org rather than the office.",
    )
    signature.record("submitted again", reason=f"{ANA_EMAIL} as “Women's Rights Forum” (public form)")
    signature.record("listing corrected", reason=f"by the signer ({ANA_EMAIL}): “WRF” → “Women's Rights Forum”")
    bob_signature = SignatureFactory(
        letter=letter, organisation=OrganisationFactory(name="Keller Foundation"), signer_name=BOB_NAME,
        signer_email=BOB_EMAIL, message="Ana (ANA.PEREZ@example.org) told us about the letter.",
    )
    bob_signature.record("submitted again", reason=f"{BOB_EMAIL} as “Keller Foundation” (public form)")
    contact = ContactFactory(organisation=organisation, name=ANA_NAME, email="ANA.PEREZ@example.org")
    invitation = Invitation.objects.create(letter=letter, organisation=organisation, contact=contact)
    email_to_ana = OutgoingEmail.objects.create(
        kind="signon-confirm", to=ANA_EMAIL, subject=f"Confirm your sign-on, {ANA_NAME}",
        body_text=f"Dear {ANA_NAME},\nplease confirm.", body_html=f"<p>Dear {ANA_NAME},</p>",
        headers={"List-Unsubscribe": "<mailto:unsubscribe@example.net?subject=ana.perez%40example.org>"},
        letter=letter, signature=signature, state=OutgoingEmail.State.SENT, sent_at=timezone.now(),
    )
    digest = OutgoingEmail.objects.create(
        kind="digest", to=coordinator.email, subject="New sign-ons",
        body_text=f"- Women's Rights Forum ({ANA_NAME}, {ANA_EMAIL})\n- Keller Foundation ({BOB_NAME}, {BOB_EMAIL})",
        letter=letter, state=OutgoingEmail.State.SENT,
    )
    Throttle.objects.create(key=f"signon:email:{email_bucket(ANA_EMAIL)}", tokens=3, updated_at=timezone.now())
    Throttle.objects.create(key=f"signon:email:{email_bucket(BOB_EMAIL)}", tokens=3, updated_at=timezone.now())
    # An older snapshot that still carried the contact columns.
    snapshot = ListSnapshot.objects.create(letter=letter, language="en", kind=ListSnapshot.Kind.ADDENDUM, rows=[
        {"name": "Keller Foundation", "kind": "organisation", "signature_id": bob_signature.pk,
         "signer_name": BOB_NAME, "signer_email": BOB_EMAIL},
        {"name": "Women's Rights Forum", "kind": "organisation", "signature_id": signature.pk,
         "signer_name": ANA_NAME, "signer_email": ANA_EMAIL},
    ])
    export_job = ExportJob.objects.create(
        letter=letter, language="en", layout="csv", status=ExportJob.Status.DONE, filename="list.csv",
        content=f"Name,Signer,Email\nWomen's Rights Forum,{ANA_NAME},{ANA_EMAIL}\n".encode(),
    )
    ExportJob.objects.create(letter=letter, language="en", layout="csv", status=ExportJob.Status.DONE,
                             filename="names.csv", content=b"Name\nKeller Foundation\nWomen's Rights Forum\n")
    EmailSuppression.objects.create(email=ANA_EMAIL)
    OrganisationChange.objects.create(organisation=organisation, note=f"contact changed to {ANA_EMAIL}",
                                      before={"notes": ""}, after={"notes": f"Ask {ANA_NAME} first."})
    LetterEvent.objects.create(letter=letter, from_status="open", to_status="open",
                               reason=f"deadline moved at the request of {ANA_NAME}")
    LogEntry.objects.create(
        user=coordinator, content_type=ContentType.objects.get_for_model(contact), object_id=str(contact.pk),
        object_repr=str(contact), action_flag=ADDITION, change_message="",
    )
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        args_kwargs={"args": [email_to_ana.pk], "kwargs": {}}, task_path="letters.tasks.send_email",
        backend_name="default", run_after=timezone.now(), exception_class_path="smtplib.SMTPRecipientsRefused",
        traceback=f"SMTPRecipientsRefused: {{'{ANA_EMAIL}': (550, b'no such user')}}", status="FAILED",
    )
    letter.refresh_from_db()
    return Traces(letter, signature, bob_signature, contact, invitation, email_to_ana, digest, export_job, snapshot)


@pytest.fixture
def traces(coordinator):
    return make_traces(coordinator)


def approved_count(letter):
    return Signature.objects.filter(letter=letter).listed().count()
