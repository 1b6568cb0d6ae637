"""Issue 10, item 8: the sign-on form's token (fill timer) is bound to the browser it was shown to, accepted once and
expires after SIGNON_FORM_MAX_AGE_HOURS. A missing, expired, foreign or replayed token is a form error in the
page's language — never a 500 — and the form comes back with what the person typed and a fresh token."""

import re
import time
from unittest import mock

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from letters.models import Signature
from tests.factories import LetterFactory
from tests.public.helpers import form_data

pytestmark = pytest.mark.django_db

STALE = "This form was open for a long time or has already been sent. Please check your details and send it again."
TOO_FAST = "That was quick! Please check your details and send the form again."


@pytest.fixture(autouse=True)
def _settings(signon_settings):
    signon_settings.SIGNON_RATE_PER_IP = signon_settings.SIGNON_RATE_PER_EMAIL = 0
    signon_settings.SIGNON_MIN_FILL_SECONDS = 3
    signon_settings.SIGNON_FORM_MAX_AGE_HOURS = 6


@pytest.fixture
def open_letter(coordinator):
    return LetterFactory(slug="open-letter", coordinators=[coordinator], languages=["en", "fr"])


def token_in(html):
    return re.search(r'name="started" value="([^"]*)"', html).group(1)


def shown(client, letter, seconds_ago=30, language="en"):
    """The token of the form as `client` was shown it `seconds_ago` seconds ago."""
    with mock.patch("letters.forms.public.time.time", return_value=time.time() - seconds_ago):
        return token_in(client.get(f"/{language}/letters/{letter.slug}/").content.decode())


def post(client, letter, token, language="en", **overrides):
    return client.post(f"/{language}/letters/{letter.slug}/", form_data(started=token, **overrides))


def test_a_token_shown_to_this_browser_a_moment_ago_signs(client, open_letter):
    assert post(client, open_letter, shown(client, open_letter)).status_code == 302
    assert Signature.objects.count() == 1


def test_a_token_is_accepted_only_once(client, open_letter):
    token = shown(client, open_letter)
    assert post(client, open_letter, token).status_code == 302

    replay = post(client, open_letter, token, organisation_name="Replayed Org", signer_email="bot@replay.example")

    assert replay.status_code == 200
    html = replay.content.decode()
    assert STALE in html
    assert 'value="Replayed Org"' in html and 'value="bot@replay.example"' in html  # what was typed is kept
    assert Signature.objects.count() == 1
    fresh = token_in(html)
    assert fresh != token
    with mock.patch("letters.forms.public.time.time", return_value=time.time() + 30):
        assert post(client, open_letter, fresh, organisation_name="Replayed Org",
                    signer_email="bot@replay.example").status_code == 302
    assert Signature.objects.count() == 2


def test_a_token_shown_to_another_browser_is_refused(client, open_letter):
    token = shown(client, open_letter)
    other_browser = Client()
    response = post(other_browser, open_letter, token)
    assert response.status_code == 200 and STALE in response.content.decode()
    assert not Signature.objects.exists()
    assert post(client, open_letter, token).status_code == 302  # still good in the browser it was shown to


def test_an_expired_token_is_refused_in_the_pages_language(client, open_letter, settings):
    token = shown(client, open_letter, seconds_ago=(settings.SIGNON_FORM_MAX_AGE_HOURS * 3600) + 60, language="fr")
    response = post(client, open_letter, token, language="fr")
    assert response.status_code == 200
    with translation.override("fr"):
        french = gettext(STALE)
    assert french != STALE and french in response.content.decode()
    assert not Signature.objects.exists()


def test_a_missing_token_is_a_form_error_with_the_values_kept(client, open_letter):
    response = post(client, open_letter, "", organisation_name="Kept Org Name")
    assert response.status_code == 200
    html = response.content.decode()
    assert TOO_FAST in html and 'value="Kept Org Name"' in html
    assert token_in(html)  # a fresh token to send the form again with
    assert not Signature.objects.exists()


@pytest.mark.parametrize("token", ["x" * 5000, "💥", "W10:1abc:def", "null", "[1,2,3]", "0" * 40])
def test_garbage_tokens_never_give_a_server_error(client, open_letter, token):
    client.raise_request_exception = False
    response = post(client, open_letter, token)
    assert response.status_code == 200 and TOO_FAST in response.content.decode()


def test_a_form_with_another_error_does_not_use_up_its_token(client, open_letter):
    token = shown(client, open_letter)
    response = post(client, open_letter, token, consent_public=None)
    assert response.status_code == 200 and token_in(response.content.decode()) == token
    assert post(client, open_letter, token).status_code == 302


def test_a_sign_on_refused_by_the_fill_timer_uses_up_nothing(client, open_letter):
    token = shown(client, open_letter, seconds_ago=0)  # sent at once: a bot
    response = post(client, open_letter, token)
    assert TOO_FAST in response.content.decode()
    assert token_in(response.content.decode()) == token  # the same timer: waiting is what it takes
    with mock.patch("letters.forms.public.time.time", return_value=time.time() + 30):
        assert post(client, open_letter, token).status_code == 302
