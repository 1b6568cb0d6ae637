"""Every public and coordinator page, in each of the other five UN languages, shows no English string of the
catalogue (issue 13): each page is read as a person sees it (tags, scripts and styles removed) and searched for the
English msgids whose translation differs from them."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from letters.models import Signature
from letters.services import signon
from tests.factories import LetterVersionFactory, OrganisationFactory, SignatureFactory
from tests.factories import LetterFactory
from tests.test_translations import parse_po

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = {"fr": "fr", "es": "es", "ar": "ar", "ru": "ru", "zh-hans": "zh_Hans"}
PLACEHOLDER = re.compile(r"%\(|%[sd]|\{|<|&")


def english_leftovers_to_look_for(language):
    """The catalogue's English sentences (two words or more, no placeholder) translated differently here."""
    po = ROOT / "locale" / LANGUAGES[language] / "LC_MESSAGES" / "django.po"
    wanted = []
    for msgid, msgstrs, _flags in parse_po(po):
        msgid = msgid.replace('\\"', '"').replace("\\n", " ")
        if PLACEHOLDER.search(msgid) or len(msgid) < 8 or " " not in msgid.strip():
            continue
        if any(msgid in msgstr.replace('\\"', '"') for msgstr in msgstrs):
            continue  # the translation keeps the English (a proper name, a product term)
        wanted.append(msgid)
    return wanted


def visible_text(page):
    page = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


@pytest.fixture
def world(coordinator):
    letter = LetterFactory(slug="six", coordinators=[coordinator], languages=[])
    for language in ("en", "fr", "es", "ar", "zh", "ru"):
        LetterVersionFactory(letter=letter, language=language, title=f"Lettre conjointe — {language} — 2026",
                             addressee="—", body=f"Texte {language}.", closing="—", date_line="2026")
    for number in range(3):
        SignatureFactory(letter=letter, organisation=OrganisationFactory(name=f"Réseau {number}", country="KE"))
    pending = SignatureFactory(letter=letter, status=Signature.Status.PENDING,
                               organisation=OrganisationFactory(name="Réseau en attente", country="SN"))
    return letter, pending


def pages(letter, pending, language):
    """(label, url, method, data) of the pages walked: public ones under /<language>/, coordinator ones with the
    language chosen in the language cookie (the workspace has no prefix)."""
    slug, org = letter.slug, pending.organisation_id
    public = [
        ("home", f"/{language}/", "get", None),
        ("letter", f"/{language}/letters/{slug}/", "get", None),
        ("sign form with errors", f"/{language}/letters/{slug}/", "post", {"organisation_name": ""}),
        ("signatories", f"/{language}/letters/{slug}/signatories/", "get", None),
        ("thanks", f"/{language}/letters/{slug}/thanks/", "get", None),
        ("confirm", f"/{language}/letters/{slug}/confirm/{signon.make_token(pending, signon.CONFIRM)}/", "get", None),
        ("my sign-on", f"/{language}/letters/{slug}/my-sign-on/{signon.make_token(pending, signon.MANAGE)}/", "get",
         None),
        ("text history", f"/{language}/letters/{slug}/revisions/", "get", None),
        ("first text", f"/{language}/letters/{slug}/revisions/1/", "get", None),
        ("embedded widget", f"/{language}/letters/{slug}/embed/", "get", None),
        ("signatories search", f"/{language}/letters/{slug}/signatories/?q=R%C3%A9seau", "get", None),
    ]
    manage = [
        ("letters", reverse("manage:letters"), "get", None),
        ("dashboard", reverse("manage:letter", args=[slug]), "get", None),
        ("dashboard filtered", reverse("manage:letter", args=[slug]) + "?status=pending", "get", None),
        ("settings", reverse("manage:letter_settings", args=[slug]), "get", None),
        ("version", reverse("manage:version_edit", args=[slug, "fr"]), "get", None),
        ("sections", reverse("manage:sections", args=[slug]), "get", None),
        ("add a sign-on", reverse("manage:signature_add", args=[slug]), "get", None),
        ("paste", reverse("manage:paste", args=[slug]), "get", None),
        ("paste preview", reverse("manage:paste", args=[slug]), "post",
         {"text": "Réseau 1, Kenya\nNouvelle Association, Sénégal", "format": "auto"}),
        ("directory", reverse("manage:directory"), "get", None),
        ("duplicates", reverse("manage:duplicates"), "get", None),
        ("organisation", reverse("manage:organisation", args=[org]), "get", None),
        ("exports", reverse("exports:letter", args=[slug]), "get", None),
        ("invite", reverse("invitations:invite", args=[slug]), "get", None),
        ("campaign", reverse("invitations:campaign", args=[slug]), "get", None),
        ("copy the letter", reverse("manage:letter_copy", args=[slug]), "get", None),
        ("split an organisation", reverse("manage:organisation_split", args=[org]), "get", None),
        ("new letter", reverse("manage:letter_create"), "get", None),
        ("sign-on detail", reverse("manage:signature", args=[slug, pending.pk]), "get", None),
        ("API tokens", reverse("manage:api_tokens"), "get", None),
        ("new API token", reverse("manage:api_tokens"), "post", {"name": "CRM", "scope": "read"}),
        ("confidential letter settings", reverse("manage:letter_settings", args=[slug]), "post",
         {"title": "Six", "default_language": "en", "reminder_days": "7", "notify": "none", "paper_size": "a4",
          "confidential": "on", "embed_origins": "not a site"}),
    ]
    return public, manage


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_no_page_shows_an_english_string_of_the_catalogue(client, coordinator, world, language):
    letter, pending = world
    wanted = english_leftovers_to_look_for(language)
    assert len(wanted) > 300
    public, manage = pages(letter, pending, language)
    found = []
    for group in (public, manage):
        if group is manage:
            client.force_login(coordinator)
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for label, url, method, data in group:
            response = client.post(url, data) if method == "post" else client.get(url)
            assert response.status_code == 200, (label, url, response.status_code)
            text = visible_text(response.content.decode())
            found += [f"{label}: {msgid!r}" for msgid in wanted if msgid in text]
    assert found == [], f"English left on {language} pages:\n" + "\n".join(found)
