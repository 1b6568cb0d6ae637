"""The email telling a signer that the text they signed has changed substantively."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from .core import queue_email
from .signon import _absolute, signer_language


def send_text_changed(signature, revision):
    """Queue (outbox, sent after commit) the "the text changed" email to one signer of an earlier revision, in the
    language they signed in, with a link to the changes since their revision and their own page (withdraw).
    Once per sign-on and revision: a second call writes nothing and returns None."""
    from letters.services.signon import MANAGE, make_token  # the service module imports the emails

    if not signature.signer_email:
        return None
    letter, version = signature.letter, revision.version
    language = signer_language(signature.language, letter)
    with translation.override(language):
        diff_path = reverse("public:revision", kwargs={"slug": letter.slug, "number": revision.number})
        changed_on = date_format(localtime(revision.created_at), "DATE_FORMAT")
    context = {
        "signer_name": signature.signer_name,
        "organisation": signature.display_name(language),
        "letter_title": version.title,
        "signed_number": signature.revision.number if signature.revision_id else None,
        "number": revision.number,
        "changed_on": changed_on,
        "note": revision.note,
        "diff_url": f"{settings.SITE_URL}{diff_path}?version={version.language}"
                    + (f"&from={signature.revision.number}" if signature.revision_id else "")
                    # A confidential letter's changes are read as the signer: the page is not public yet.
                    + (f"&signer={make_token(signature, MANAGE)}" if letter.is_confidential_now else ""),
        "manage_url": _absolute("public:manage", language, letter.slug, make_token(signature, MANAGE)),
        "is_open": letter.is_open,
        "bidi": translation.get_language_info(language)["bidi"],
    }
    return queue_email(
        "text-changed", signature.signer_email, "text-changed", context, language,
        dedupe_key=f"text-changed:{signature.pk}:{revision.pk}", letter=letter, signature=signature,
    )
