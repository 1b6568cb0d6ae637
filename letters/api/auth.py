"""Personal API tokens (letters.models.api.ApiToken) as ninja's HttpBearer: `Authorization: Bearer coal_…`.

Unknown, revoked or inactive-user tokens get 401. A valid token acts as its user: request.user is set to it, so the
workspace's access helpers (letters.access.get_letter_for_coordinator: 404 for letters the user does not
coordinate) decide exactly as they do for the user's own pages.
"""

from datetime import timedelta
from functools import wraps

from django.utils import timezone
from django.utils.cache import patch_cache_control
from ninja.errors import HttpError
from ninja.security import HttpBearer

from letters.models import ApiToken

# Writing "last used" on every call would turn each read into a write; once a minute is precise enough to tell
# whether a token is still in use.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        api_token = ApiToken.objects.authenticate(token)
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        request.api_token = api_token
        return api_token


def require_write(request):
    """403 for a read-only token. Checked before the letter is looked up, so it says nothing about which letters
    exist: the same answer for every slug."""
    if not request.auth.can_write:
        raise HttpError(403, "This token is read-only: create a read-and-write token for this.")


def private_responses(run):
    """Router decorator ("view" mode, around the whole operation): coordinator answers hold signers' names and
    emails, so no browser or shared cache may keep them (the workspace pages get the same header from
    coalition.middleware)."""

    @wraps(run)
    def inner(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return inner
