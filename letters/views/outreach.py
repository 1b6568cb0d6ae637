"""Public pages behind the links of invitations and reminders: personal link, decline, unsubscribe.

Declining and unsubscribing act only on POST: mail scanners open every link in an email, and must not be able
to decline a letter or unsubscribe someone on their behalf. Opening the personal link pre-fills the sign-on form
and records the opening (unless it looks like a scanner, see services.invitations.SCANNER_WINDOW), so a GET is
enough. The one exception is the mail program's own "Unsubscribe" button (List-Unsubscribe-Post, RFC 8058).
"""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from letters.models.outreach import EmailSuppression
from letters.services import invitations as service
from letters.services.signon import INVITATION_SESSION_KEY

# The public sign-on form reads this to pre-fill the organisation and move the invited sign-on to pending.
SESSION_KEY = INVITATION_SESSION_KEY


def open_invitation(request, token):
    invitation = service.open_invitation(token, count_open=request.method == "GET")
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
    if not invitation.letter.is_open:
        context["outcome"] = service.DeclineOutcome.LETTER_CLOSED
        return render(request, "letters/outreach/decline_done.html", context)
    return render(request, "letters/outreach/decline.html", context)


def unsubscribe(request, token):
    email = service.unsubscriber(token)
    if email is None:
        return render(request, "letters/outreach/invalid.html", status=400)
    if request.method == "POST":
        service.unsubscribe(email)
        return render(request, "letters/outreach/unsubscribe_done.html", {"email": email})
    return render(request, "letters/outreach/unsubscribe.html", {"email": email, "token": token})


# The mail program posts "List-Unsubscribe=One-Click" from outside any page of ours, so there is no CSRF token
# to check: the signed token in the address is what authorises it, as RFC 8058 intends.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_one_click(request, token):
    if request.method == "GET":  # someone opened the header's link in a browser: ask, as the footer link does
        return redirect("outreach:unsubscribe", token=token)
    email = service.unsubscriber(token)
    if email is None:
        return HttpResponse(status=400)
    service.unsubscribe(email, source=EmailSuppression.Source.ONE_CLICK)
    return HttpResponse(status=200)


def _title(letter):
    version = letter.version(get_language())
    return version.title if version else letter.title
