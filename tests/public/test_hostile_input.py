"""Hostile input: every value is either refused with a form error or stored safely — never a 500, never markup
rendered unescaped on the public page."""

import unicodedata

import pytest
from django.utils.html import escape

from letters.emails import ensure_rendered
from letters.models import Organisation, OutgoingEmail, Signature
from tests.public.helpers import sign

pytestmark = pytest.mark.django_db

RLO = "\u202e"
SCRIPT = "<script>alert(1)</script>"

# (field, value, expected): "error" = refused with a form error; otherwise the value stored for that field.
HOSTILE = [
    ("organisation_name", "A" * 10_000, "error"),
    ("organisation_name", "", "error"),
    ("organisation_name", "   \t  ", "error"),
    ("organisation_name", "\u200b\u200d\ufeff", "error"),
    ("organisation_name", "Org\x00Name", "error"),
    ("organisation_name", "Org\x07with\x1bcontrol\x7f chars", "Orgwithcontrol chars"),
    ("organisation_name", f"{RLO}gpj.exe Rights Org", "gpj.exe Rights Org"),
    ("organisation_name", "Line one\nLine two\r\n", "Line one Line two"),
    ("organisation_name", "🌍 Climate Justice Now 🌱", "🌍 Climate Justice Now 🌱"),
    ("organisation_name", "منظمة العفو الدولية", "منظمة العفو الدولية"),
    ("organisation_name", SCRIPT, SCRIPT),
    ("organisation_name", '"><img src=x onerror=alert(1)>', '"><img src=x onerror=alert(1)>'),
    ("organisation_name", '=HYPERLINK("http://evil.example","click")', "error"),
    ("organisation_name", "+cmd|' /C calc'!A0", "error"),
    ("organisation_name", "@SUM(1+1)", "error"),
    ("organisation_name", "Robert'); DROP TABLE letters_signature;--", "Robert'); DROP TABLE letters_signature;--"),
    ("organisation_name", "!!! ???", "error"),
    ("acronym", "A" * 10_000, "error"),
    ("acronym", SCRIPT, SCRIPT),
    ("acronym", f"HR{RLO}W", "HRW"),
    ("signer_name", "S" * 10_000, "error"),
    ("signer_name", SCRIPT, SCRIPT),
    ("signer_name", "\x00", "error"),
    ("signer_email", "not-an-email", "error"),
    ("signer_email", "a@b.c\r\nBcc: victim@example.org", "error"),
    ("signer_email", f"{'x' * 300}@example.org", "error"),
    ("signer_email", "", "error"),
    ("website", "javascript:alert(1)", "error"),
    ("website", "w" * 10_000, "error"),
    ("country", "ZZ", "error"),
    ("country", SCRIPT, "error"),
    ("message", "M" * 10_000, "error"),
    ("message", f"Hello{RLO}\n{SCRIPT}\n\x07bye", f"Hello\n{SCRIPT}\nbye"),
    ("consent_public", "", "error"),
]

STORED_AS = {
    "organisation_name": lambda s: s.submitted_name,
    "acronym": lambda s: s.organisation.acronym,
    "signer_name": lambda s: s.signer_name,
    "message": lambda s: s.message,
}


def _is_invisible(ch, allow_newline):
    return unicodedata.category(ch) in {"Cc", "Cf"} and not (allow_newline and ch == "\n")


@pytest.mark.parametrize(("field", "value", "expected"), HOSTILE, ids=[f"{f}-{i}" for i, (f, _v, _e) in enumerate(HOSTILE)])
def test_hostile_input_is_refused_or_stored_safely(client, open_letter, coordinator, field, value, expected):
    response = sign(client, open_letter, **{field: value})  # a 500 would raise here
    if expected == "error":
        assert response.status_code == 200
        html = response.content.decode()
        assert "invalid-feedback" in html or "alert-block" in html or "alert-danger" in html
        assert not Signature.objects.exists() and not Organisation.objects.exists()
    else:
        assert response.status_code == 302
        signature = Signature.objects.select_related("organisation").get()
        stored = STORED_AS[field](signature)
        assert stored == expected
        assert not any(_is_invisible(ch, field == "message") for ch in stored)
        signature.confirm()
        signature.approve(by=coordinator)
    page = client.get("/en/letters/open-letter/").content.decode()
    assert SCRIPT not in page
    assert "<img src=x" not in page
    if expected != "error" and field == "organisation_name":
        assert f"<li><bdi>{escape(expected)}</bdi></li>" in page


def test_markup_in_a_signers_name_is_escaped_in_the_html_email_and_plain_in_the_text(client, open_letter):
    sign(client, open_letter, signer_name=SCRIPT, organisation_name="Fish & Chips Rights")
    email = ensure_rendered(OutgoingEmail.objects.get())  # rendered as the worker sends it
    assert SCRIPT not in email.body_html and "&lt;script&gt;" in email.body_html
    assert "Fish &amp; Chips Rights" in email.body_html
    assert f"Hello {SCRIPT}," in email.body_text  # text/plain is not HTML: no entities
    assert "Fish & Chips Rights" in email.body_text and "&amp;" not in email.body_text


def test_garbage_posts_never_give_a_server_error(client, open_letter):
    for data in ({}, {"kind": "martian"}, {"consent_public": ["on", "off"]}, {"started": "x" * 5000}, {"country": ["KE", "FR"]}):
        assert client.post("/en/letters/open-letter/", data).status_code == 200
    assert client.post("/en/letters/open-letter/", b"\xff\xfe", content_type="application/octet-stream").status_code == 200
    assert not Signature.objects.exists()
