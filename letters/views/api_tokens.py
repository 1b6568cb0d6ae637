"""The workspace's "API tokens" page: a coordinator's personal tokens for the coordinator API (letters.api).

A new token's value is shown once, on the page that answers the POST creating it: only its hash is stored
(letters.models.api), so it can never be shown again, only revoked and replaced.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from letters.access import require_coordinator
from letters.models import ApiToken


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "scope"]
        widgets = {"scope": forms.RadioSelect}


@login_required
def api_tokens(request):
    """GET: my tokens and the form for a new one. POST: create it and show its value, this once."""
    require_coordinator(request.user)
    form = ApiTokenForm(request.POST or None)
    new_token = raw = None
    if request.method == "POST" and form.is_valid():
        new_token, raw = ApiToken.objects.issue(request.user, form.cleaned_data["name"], form.cleaned_data["scope"])
        form = ApiTokenForm()
    return render(request, "letters/manage/api_tokens.html", {
        "form": form, "tokens": ApiToken.objects.filter(user=request.user), "new_token": new_token, "raw": raw,
    })


@login_required
@require_POST
def api_token_revoke(request, pk):
    """Revoke one of my tokens (another user's is not found): scripts using it get 401 from now on."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("manage:api_tokens")
