"""Emails to signers, one function per email, each rendered in the signer's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .core import queue_unrendered
from .outreach import email_language


def send_confirmation(signature):
    """The double opt-in email: a link to confirm (a page with a button, see views.public.confirm) and a link to
    withdraw or correct the listing while the letter is open.

    Only the outbox row is written here (in the sign-on's transaction); the worker renders it when it sends it
    (confirmation_for), which keeps templates and their queries out of the sign-on request.
    """
    return queue_unrendered(
        "signon-confirm", signature.signer_email, signature.language, letter=signature.letter, signature=signature
    )


def confirmation_for(email):
    """(template, context, language) of a queued confirmation email, from its sign-on as it is now; or the reason
    not to send it. Called by the worker under its claim on the row (emails.core._claim)."""
    from letters.models import Signature
    from letters.services.signon import CONFIRM, MANAGE, make_token  # the service module imports this one

    signature = (
        Signature.objects.select_related("letter", "organisation").filter(pk=email.signature_id).first()
        if email.signature_id else None
    )
    if signature is None:
        return "The sign-on was deleted before its confirmation email went out."
    if signature.signer_email != email.to.lower():
        # The links are bound to the sign-on's address: they would not work at the old one, and must not go there.
        return "The sign-on's email address changed before this email went out; the new address gets its own."
    letter = signature.letter
    language = email_language(email.language, letter)
    version = letter.version(language)
    context = {
        "signature": signature,
        "signer_name": signature.signer_name,
        "organisation": signature.display_name(language),
        "is_individual": signature.organisation.is_individual,
        "letter_title": version.title if version else letter.title,
        "deadline": letter.deadline,
        "confirm_url": _absolute("public:confirm", language, letter.slug, make_token(signature, CONFIRM)),
        "manage_url": _absolute("public:manage", language, letter.slug, make_token(signature, MANAGE)),
        "link_days": settings.CONFIRM_LINK_MAX_AGE_DAYS,
    }
    return "signon-confirm", context, language


def _absolute(name, language, slug, token):
    with translation.override(language):
        path = reverse(name, kwargs={"slug": slug, "token": token})
    return f"{settings.SITE_URL}{path}"
