"""Emails to signers, one function per email, each rendered in the signer's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html

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
    language = signer_language(email.language, letter)
    version = letter.version(language)  # the title quoted: the best version there is, maybe in another language
    title = version.title if version else letter.title
    context = {
        "signature": signature,
        "signer_name": signature.signer_name,
        "organisation": signature.display_name(language),
        "is_individual": signature.organisation.is_individual,
        "name_withheld": not signature.consent_public,  # the signer's choice, stated back to them
        "letter_title": title,
        # In the HTML part the title keeps its own language and direction (an English title in an Arabic email).
        "letter_title_html": format_html('<span lang="{}" dir="auto">{}</span>', version.language, title)
        if version else title,
        "bidi": translation.get_language_info(language)["bidi"],
        "deadline": letter.deadline,
        "confirm_url": _absolute("public:confirm", language, letter.slug, make_token(signature, CONFIRM)),
        "manage_url": _absolute("public:manage", language, letter.slug, make_token(signature, MANAGE)),
        "link_days": settings.CONFIRM_LINK_MAX_AGE_DAYS,
    }
    return "signon-confirm", context, language


def signer_language(language, letter):
    """The language to write to a signer in: the interface language they signed in (the sentences are ours, and
    their links keep them in it), whatever versions the letter has. Only a sign-on without one (imported, or from
    before the interface spoke it) falls back to the rule for contacts (emails.outreach.email_language)."""
    if language in dict(settings.LANGUAGES):
        return language
    return email_language(language, letter)


def _absolute(name, language, slug, token):
    with translation.override(language):
        path = reverse(name, kwargs={"slug": slug, "token": token})
    return f"{settings.SITE_URL}{path}"
