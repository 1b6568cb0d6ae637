"""Public pages behind the links of invitations and reminders: personal link, decline, unsubscribe.

Declining and unsubscribing act only on POST: mail scanners open every link in an email, and must not be able
to decline a letter or unsubscribe someone on their behalf. Opening the personal link only records that it was
opened and pre-fills the sign-on form, so a GET is enough.
"""

from django.shortcuts import redirect, render
from django.utils.translation import get_language

from letters.emails.outreach import read_unsubscribe_token
from letters.services import invitations as service
from letters.services.signon import INVITATION_SESSION_KEY

# The public sign-on form reads this to pre-fill the organisation and move the invited sign-on to pending.
SESSION_KEY = INVITATION_SESSION_KEY


def open_invitation(request, token):
    invitation = service.open_invitation(token)
    if invitation is None:
        return render(request, "letters/outreach/invalid.html", status=404)
    request.session[SESSION_KEY] = str(invitation.token)
    return redirect("public:letter", slug=invitation.letter.slug)


def decline(request, token):
    invitation = service.get_invitation(token)
    if invitation is None:
        return render(request, "letters/outreach/invalid.html", status=404)
    context = {"invitation": invitation, "letter": invitation.letter, "title": _title(invitation.letter)}
    if request.method == "POST":
        context["outcome"] = service.decline_invitation(invitation)
        return render(request, "letters/outreach/decline_done.html", context)
    return render(request, "letters/outreach/decline.html", context)


def unsubscribe(request, token):
    payload = read_unsubscribe_token(token)
    if payload is None:
        return render(request, "letters/outreach/invalid.html", status=400)
    email, organisation_id = payload
    if request.method == "POST":
        service.unsubscribe(email, organisation_id)
        return render(request, "letters/outreach/unsubscribe_done.html", {"email": email})
    return render(request, "letters/outreach/unsubscribe.html", {"email": email})


def _title(letter):
    version = letter.version(get_language())
    return version.title if version else letter.title
