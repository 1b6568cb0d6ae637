"""Helpers for the public sign-on tests: what a partner types, and reading links out of emails."""

from letters.emails import ensure_rendered
from letters.models import OutgoingEmail


def form_data(**overrides):
    """What a partner types into the sign-on form."""
    data = {
        "organisation_name": "Centre for Civic Voices",
        "acronym": "CCV",
        "country": "KE",
        "website": "ccv.example.org",
        "signer_name": "Amina Odhiambo",
        "signer_email": "amina@ccv.example.org",
        "consent_public": "on",
        "message": "",
        "reference": "",
        "started": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def sign(client, letter, language="en", **overrides):
    return client.post(f"/{language}/letters/{letter.slug}/", form_data(**overrides))


def last_email_to(address):
    """The latest outbox email to `address`, rendered as the worker would send it (confirmations are queued
    unrendered: see letters.emails.core.queue_unrendered)."""
    email = OutgoingEmail.objects.filter(to=address).order_by("-pk").first()
    return ensure_rendered(email) if email is not None else None


def link_from(body, kind):
    """The confirm or manage link in an email body."""
    marker = {"confirm": "/confirm/", "manage": "/my-sign-on/"}[kind]
    for word in body.split():
        if marker in word:
            return word.split("testserver", 1)[-1]
    raise AssertionError(f"no {kind} link in {body!r}")
