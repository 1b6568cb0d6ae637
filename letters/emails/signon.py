"""Emails to signers, one function per email, each rendered in the signer's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .core import queue_email
from .outreach import email_language


def send_confirmation(signature):
    """The double opt-in email: a link to confirm (a page with a button, see views.public.confirm) and a link to
    withdraw or correct the listing while the letter is open."""
    from letters.services.signon import CONFIRM, MANAGE, make_token  # the service module imports this one

    language = email_language(signature.language, signature.letter)
    letter = signature.letter
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
    return queue_email(
        "signon-confirm", signature.signer_email, "signon-confirm", context, language,
        letter=letter, signature=signature,
    )


def _absolute(name, language, slug, token):
    with translation.override(language):
        path = reverse(name, kwargs={"slug": slug, "token": token})
    return f"{settings.SITE_URL}{path}"
