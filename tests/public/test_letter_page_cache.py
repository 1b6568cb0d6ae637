"""The letter page is rendered once per change and kept in the cache (issue 11): what each visitor gets is the same
page, with their own fresh tokens (CSRF, fill-time token), and the cached form still signs on."""

import re
import time
import types
from html.parser import HTMLParser

import pytest
from django.test import Client

from letters.forms import public as form_module
from letters.models import Letter, Signature
from letters.views import public as views
from tests.public.helpers import form_data

pytestmark = pytest.mark.django_db

TOKENS = ("csrfmiddlewaretoken", "started")


class _FormFields(HTMLParser):
    """(name, value) of every field of the sign-on form: inputs, the selected option of selects, textareas."""

    def __init__(self):
        super().__init__()
        self.fields, self._in_form, self._select, self._textarea = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "signon-form" in (attrs.get("class") or ""):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input":
            checked = "checked" in attrs if attrs.get("type") in ("radio", "checkbox") else None
            self.fields.append((attrs.get("name"), attrs.get("type"), attrs.get("value"), checked))
        elif tag == "select":
            self._select = attrs.get("name")
            self.fields.append((self._select, "select", None, None))
        elif tag == "option" and self._select:
            if "selected" in attrs:
                self.fields.append((self._select, "selected", attrs.get("value"), None))
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.fields.append((self._textarea, "textarea", "", None))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            name, kind, value, checked = self.fields[-1]
            self.fields[-1] = (name, kind, value + data, checked)


def form_fields(html):
    parser = _FormFields()
    parser.feed(html)
    return parser.fields


def token(html, name):
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def without_tokens(html):
    return re.sub(rf'name="({"|".join(TOKENS)})" value="[^"]*"', r'name="\1" value=""', html)


def test_two_visitors_get_the_same_form_with_their_own_tokens(open_letter):
    first = Client().get("/en/letters/open-letter/")
    second = Client().get("/en/letters/open-letter/")  # from the cache
    assert first.status_code == second.status_code == 200
    first_html, second_html = first.content.decode(), second.content.decode()
    fields = form_fields(first_html)
    names = {field[0] for field in fields}
    assert {"csrfmiddlewaretoken", "started", "organisation_name", "country", "signer_email", "reference"} <= names
    assert [f for f in fields if f[0] not in TOKENS] == [f for f in form_fields(second_html) if f[0] not in TOKENS]
    for name in TOKENS:
        assert token(first_html, name) != token(second_html, name)
    assert without_tokens(first_html) == without_tokens(second_html)
    # Each visitor's form token is bound to their own CSRF cookie.
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_the_cached_page_is_the_page_rendered_for_the_visitor(open_letter, monkeypatch):
    """The same HTML and headers as when the page is rendered for each request (the cache switched off)."""
    Client().get("/en/letters/open-letter/")  # fills the cache
    cached = Client().get("/en/letters/open-letter/")
    monkeypatch.setattr(views, "_page_key", lambda request, stamp: None)
    rendered = Client().get("/en/letters/open-letter/")
    assert without_tokens(cached.content.decode()) == without_tokens(rendered.content.decode())
    for header in ("Content-Type", "Vary", "Content-Security-Policy", "Content-Language", "X-Frame-Options",
                   "Cache-Control", "Permissions-Policy"):
        assert cached.headers.get(header) == rendered.headers.get(header), header
    assert set(cached.cookies) == set(rendered.cookies) == {"csrftoken"}  # no session is created


def test_a_form_from_the_cached_page_signs_on(open_letter, settings, monkeypatch):
    settings.SIGNON_MIN_FILL_SECONDS = 3
    Client().get("/en/letters/open-letter/")  # fills the cache
    browser = Client()
    html = browser.get("/en/letters/open-letter/").content.decode()  # from the cache
    offset = [10]  # the partner takes ten seconds to fill the form in
    monkeypatch.setattr(form_module, "time", types.SimpleNamespace(time=lambda: time.time() + offset[0]))
    fields = {"csrfmiddlewaretoken": token(html, "csrfmiddlewaretoken"), "started": token(html, "started")}
    response = browser.post("/en/letters/open-letter/", form_data(**fields))
    assert response.status_code == 302 and response.url.endswith("/thanks/")
    assert Signature.objects.filter(letter=open_letter, signer_email="amina@ccv.example.org").exists()
    # The token was this page view's own: sent again, it is refused.
    again = browser.post("/en/letters/open-letter/", form_data(signer_email="other@ccv.example.org", **fields))
    assert again.status_code == 200 and "already been sent" in again.content.decode()
    # And the next page view carries a new one, which is accepted.
    html = browser.get("/en/letters/open-letter/").content.decode()
    assert token(html, "started") != fields["started"]
    offset[0] += 10
    response = browser.post("/en/letters/open-letter/", form_data(
        organisation_name="Second Organisation", signer_email="second@ccv.example.org",
        csrfmiddlewaretoken=token(html, "csrfmiddlewaretoken"), started=token(html, "started")))
    assert response.status_code == 302


def test_a_token_from_another_browser_is_refused_on_the_cached_page(open_letter, settings, monkeypatch):
    settings.SIGNON_MIN_FILL_SECONDS = 3
    Client().get("/en/letters/open-letter/")
    other = Client().get("/en/letters/open-letter/").content.decode()
    browser = Client()
    html = browser.get("/en/letters/open-letter/").content.decode()
    monkeypatch.setattr(form_module, "time", types.SimpleNamespace(time=lambda: time.time() + 10))
    response = browser.post("/en/letters/open-letter/", form_data(
        csrfmiddlewaretoken=token(html, "csrfmiddlewaretoken"), started=token(other, "started")))
    assert response.status_code == 200
    assert not Signature.objects.filter(letter=open_letter).exists()


def test_the_cached_page_closes_when_the_deadline_passes(open_letter, monkeypatch):
    assert "signon-form" in Client().get("/en/letters/open-letter/").content.decode()
    deadline = open_letter.deadline.timestamp()
    monkeypatch.setattr(views, "time", types.SimpleNamespace(time=lambda: deadline + 1))
    monkeypatch.setattr(Letter, "deadline_passed", property(lambda self: True))  # the same moment for the model
    html = Client().get("/en/letters/open-letter/").content.decode()
    assert "signon-form" not in html and "Sign-on for this letter is closed." in html


def test_a_placeholder_in_the_letter_text_is_never_filled_in(open_letter):
    """The placeholders come from SECRET_KEY: a coordinator cannot write one; if one were there, the page would
    be rendered per request rather than carry a visitor's CSRF token anywhere but in its own field."""
    placeholder = views._page_placeholders()["csrf"]
    open_letter.versions.filter(language="en").update(body=f"[link](https://example.org/?t={placeholder})")
    Letter.objects.filter(pk=open_letter.pk).update(title="Changed")  # the stamp moves
    open_letter.save()
    html = Client().get("/en/letters/open-letter/").content.decode()
    assert placeholder in html  # shown as written, not replaced by the token
    html = Client().get("/en/letters/open-letter/").content.decode()
    assert placeholder in html
