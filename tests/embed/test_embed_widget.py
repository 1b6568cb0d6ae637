"""The sign-on widget: the frame page (`/<lang>/letters/<slug>/embed/`) and the script widget's data (`embed.json`).

It shows a public letter's title, counts and Sign button; only the letter's allow-list may frame it; it sets no
cookie; it never names anyone; drafts and confidential letters do not exist for it."""

import json

import pytest

from letters.models import Organisation, Signature
from tests.factories import OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def _csp(response):
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in response["Content-Security-Policy"].split(";") if part.strip()
    )


def test_it_shows_the_title_in_the_page_language_the_counts_and_a_sign_button(client, open_letter):
    SignatureFactory.create_batch(3, letter=open_letter)
    response = client.get("/fr/letters/open-letter/embed/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="ce-title" id="ce-title-open-letter" lang="fr" dir="ltr">Libérez les défenseurs</h1>' in html
    assert '<dd data-count="organisations">3</dd>' in html
    assert "Signer cette lettre" in html
    assert 'href="/fr/letters/open-letter/#signon" target="_blank" rel="noopener"' in html
    assert 'data-count-url="/api/v1/letters/open-letter/count"' in html
    assert 'data-refresh="30"' in html


def test_it_shows_a_chosen_version_and_links_to_that_version(client, open_letter):
    html = client.get("/en/letters/open-letter/embed/?version=ar").content.decode()
    assert 'lang="ar" dir="rtl">أطلقوا سراح المدافعين</h1>' in html
    assert 'href="/en/letters/open-letter/?version=ar#signon"' in html


def test_refresh_is_kept_within_bounds(client, open_letter):
    assert 'data-refresh="2"' in client.get("/en/letters/open-letter/embed/?refresh=0").content.decode()
    assert 'data-refresh="30"' in client.get("/en/letters/open-letter/embed/?refresh=soon").content.decode()


def test_frame_ancestors_is_the_letters_allow_list(client, open_letter):
    response = client.get("/en/letters/open-letter/embed/")
    assert _csp(response)["frame-ancestors"] == "https://partner.example.org https://network.example.net"
    assert "X-Frame-Options" not in response


def test_frame_ancestors_is_none_when_the_allow_list_is_empty(client, open_letter):
    open_letter.embed_origins = ""
    open_letter.save()
    response = client.get("/en/letters/open-letter/embed/")
    assert _csp(response)["frame-ancestors"] == "'none'"


def test_a_line_that_is_not_an_origin_never_reaches_the_header(client, open_letter):
    open_letter.embed_origins = "https://ok.example.org\nhttps://evil.example.org; script-src *\n*"
    open_letter.save()
    response = client.get("/en/letters/open-letter/embed/")
    assert _csp(response)["frame-ancestors"] == "https://ok.example.org"
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_every_other_page_still_refuses_to_be_framed(client, open_letter):
    response = client.get("/en/letters/open-letter/")
    assert response["X-Frame-Options"] == "DENY"
    assert _csp(response)["frame-ancestors"] == "'none'"


def test_showing_the_widget_sets_no_cookie(client, open_letter):
    for path in ("/en/letters/open-letter/embed/", "/fr/letters/open-letter/embed.json"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, path
        assert not response.cookies, path
        assert "Cookie" not in response.get("Vary", ""), path  # the session was not even read


def test_the_widget_page_has_no_form_and_no_csrf_token(client, open_letter):
    html = client.get("/en/letters/open-letter/embed/").content.decode()
    assert "<form" not in html and "csrfmiddlewaretoken" not in html


@pytest.mark.parametrize("path", ["embed/", "embed.json"])
def test_drafts_and_confidential_letters_are_404(client, draft_letter, confidential_letter, path):
    for letter in (draft_letter, confidential_letter):
        response = client.get(f"/en/letters/{letter.slug}/{path}")
        assert response.status_code == 404
        assert b"Embargoed" not in response.content and b"Draft in progress" not in response.content


def test_a_confidential_letter_published_since_is_shown(client, confidential_letter):
    from django.utils import timezone

    confidential_letter.publish_at = timezone.now() - timezone.timedelta(minutes=1)
    confidential_letter.save()
    assert client.get("/en/letters/secret-letter/embed/").status_code == 200


def test_the_widget_never_names_a_signatory_withheld_or_not(client, open_letter):
    SignatureFactory(letter=open_letter, organisation=OrganisationFactory(name="Listed Rights Network"))
    SignatureFactory(letter=open_letter, consent_public=False,
                     organisation=OrganisationFactory(name="Quiet Harbour Defenders"))
    SignatureFactory(letter=open_letter, signer_name="Amina Diallo",
                     organisation=OrganisationFactory(name="Dr Solo", kind=Organisation.Kind.INDIVIDUAL))
    for path in ("/en/letters/open-letter/embed/", "/en/letters/open-letter/embed.json"):
        content = client.get(path).content.decode()
        for name in ("Quiet Harbour", "Listed Rights", "Dr Solo", "Amina", "@"):
            assert name not in content, (path, name)
    html = client.get("/en/letters/open-letter/embed/").content.decode()
    assert '<dd data-count="organisations">2</dd>' in html  # the withheld one is counted
    assert '<dd data-count="individuals">1</dd>' in html


def test_only_approved_sign_ons_are_counted(client, open_letter):
    SignatureFactory(letter=open_letter)
    SignatureFactory(letter=open_letter, status=Signature.Status.CONFIRMED)
    data = client.get("/en/letters/open-letter/embed.json").json()
    assert data["organisations"] == 1


def test_a_closed_letter_offers_to_read_it_instead_of_signing(client, open_letter):
    open_letter.close()
    html = client.get("/en/letters/open-letter/embed/").content.decode()
    assert '<div class="ce-open" data-when-open hidden>' in html
    assert '<div class="ce-closed" data-when-closed>' in html
    assert "Sign-on for this letter is closed." in html


def test_embed_json_gives_the_script_widget_everything_in_the_chosen_language(client, open_letter):
    response = client.get("/fr/letters/open-letter/embed.json?version=ar")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert data["title"] == "أطلقوا سراح المدافعين" and data["lang"] == "ar" and data["dir"] == "rtl"
    assert data["interface_lang"] == "fr"
    assert data["labels"]["sign"] == "Signer cette lettre"
    assert data["letter_url"] == "/fr/letters/open-letter/?version=ar#signon"
    assert data["count_url"] == "/api/v1/letters/open-letter/count"
    assert data["is_open"] is True
    assert set(data) >= {"organisations", "individuals", "show_individuals", "deadline", "read_url"}


def test_the_script_and_its_styles_are_served_from_our_static_files(client):
    from django.contrib.staticfiles import finders

    script = open(finders.find("embed/coalition-embed.js"), encoding="utf-8").read()
    assert "credentials: \"omit\"" in script
    assert "innerHTML" not in script  # text from the server only ever goes in as text
    assert "http://" not in script and "https://" not in script.split("*/", 1)[1]  # no third-party host
    assert finders.find("embed/coalition-embed.css")
