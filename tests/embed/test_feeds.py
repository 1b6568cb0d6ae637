"""The Atom feed of open letters per language, each letter's deadline as an iCalendar event, and /sitemap.xml:
public letters only, never a draft or a confidential letter."""

import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.utils import timezone

from letters.models import Letter
from tests.factories import LetterFactory, LetterVersionFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _entries(client, language):
    response = client.get(f"/{language}/feeds/letters.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return feed, {entry.findtext(f"{ATOM}title"): entry for entry in feed.iter(f"{ATOM}entry")}


# --- Atom ---------------------------------------------------------------------------------------------------------


def test_feed_lists_open_letters_with_title_and_summary_in_its_language(client, open_letter):
    open_letter.versions.filter(language="fr").update(addressee="Aux États membres", body="Nous **demandons** ceci.")
    feed, entries = _entries(client, "fr")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    entry = entries["Libérez les défenseurs"]
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/fr/letters/open-letter/"
    summary = entry.findtext(f"{ATOM}summary")
    assert "Aux États membres" in summary and "Nous demandons ceci." in summary and "<strong>" not in summary
    assert "À signer avant le" in summary


def test_feed_falls_back_to_the_default_version_where_the_language_has_none(client, open_letter):
    _feed, entries = _entries(client, "ru")
    assert "Release the defenders" in entries


def test_feed_leaves_out_drafts_confidential_closed_and_past_deadline_letters(
        client, open_letter, draft_letter, confidential_letter):
    LetterFactory(slug="closed", title="Closed one", status=Letter.Status.CLOSED)
    LetterFactory(slug="late", title="Late one", deadline=timezone.now() - timezone.timedelta(hours=1))
    content = client.get("/en/feeds/letters.atom").content.decode()
    _feed, entries = _entries(client, "en")
    assert list(entries) == ["Release the defenders"]
    for text in ("Draft in progress", "Embargoed", "secret-letter", "draft-letter", "Closed one", "Late one"):
        assert text not in content


def test_letter_and_home_pages_announce_the_feed(client, open_letter):
    link = '<link rel="alternate" type="application/atom+xml" href="/fr/feeds/letters.atom"'
    assert link in client.get("/fr/").content.decode()
    assert link in client.get("/fr/letters/open-letter/").content.decode()


# --- iCalendar ----------------------------------------------------------------------------------------------------


def _event(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return calendar, events[0]


def test_deadline_ics_is_one_event_at_the_deadline_in_the_pages_language(client, open_letter):
    calendar, event = _event(client.get("/fr/letters/open-letter/deadline.ics"))
    assert calendar["PRODID"] and calendar["VERSION"] == "2.0"
    assert event.decoded("DTSTART") == open_letter.deadline.replace(microsecond=0)
    assert str(event["SUMMARY"]).endswith("Libérez les défenseurs")
    assert str(event["URL"]) == "http://testserver/fr/letters/open-letter/"
    assert list(event.walk("VALARM"))  # a reminder the day before


def test_deadline_ics_uid_is_the_same_in_every_language_and_download(client, open_letter):
    _cal, french = _event(client.get("/fr/letters/open-letter/deadline.ics"))
    _cal, english = _event(client.get("/en/letters/open-letter/deadline.ics"))
    _cal, again = _event(client.get("/en/letters/open-letter/deadline.ics"))
    assert str(french["UID"]) == str(english["UID"]) == str(again["UID"]) == f"letter-{open_letter.pk}-deadline@testserver"
    assert "Release the defenders" in str(english["SUMMARY"])


def test_deadline_ics_is_404_without_a_deadline(client, open_letter):
    open_letter.deadline = None
    open_letter.save()
    assert client.get("/en/letters/open-letter/deadline.ics").status_code == 404


def test_deadline_ics_is_404_for_drafts_and_confidential_letters(client, draft_letter, confidential_letter):
    for letter in (draft_letter, confidential_letter):
        response = client.get(f"/en/letters/{letter.slug}/deadline.ics")
        assert response.status_code == 404
        assert b"Embargoed" not in response.content


def test_letter_page_links_to_the_ics_beside_the_deadline(client, open_letter):
    html = client.get("/en/letters/open-letter/").content.decode()
    assert 'href="/en/letters/open-letter/deadline.ics"' in html


# --- sitemap ------------------------------------------------------------------------------------------------------


def _sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return response.content.decode(), [url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")]


def test_sitemap_lists_public_letters_in_each_language_they_have(client, open_letter):
    LetterFactory(slug="finalised", status=Letter.Status.FINALISED, languages=["es"])
    _content, locations = _sitemap(client)
    letters = sorted(loc for loc in locations if "/letters/" in loc)
    assert letters == [
        "http://testserver/ar/letters/open-letter/", "http://testserver/en/letters/open-letter/",
        "http://testserver/es/letters/finalised/", "http://testserver/fr/letters/open-letter/",
    ]
    assert "http://testserver/zh-hans/" in locations  # the home page in every language


def test_sitemap_gives_hreflang_alternates(client, open_letter):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    url = next(url for url in root.iter(f"{SITEMAP}url")
               if url.findtext(f"{SITEMAP}loc") == "http://testserver/fr/letters/open-letter/")
    alternates = {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")}
    assert alternates["en"] == "http://testserver/en/letters/open-letter/"
    assert alternates["ar"] == "http://testserver/ar/letters/open-letter/"
    assert alternates["x-default"] == "http://testserver/letters/open-letter/"
    # x-default is the unprefixed address: it sends each reader on to their own language.
    assert client.get("/letters/open-letter/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/fr/letters/open-letter/"


def test_sitemap_never_lists_drafts_or_confidential_letters(client, open_letter, draft_letter, confidential_letter):
    content, _locations = _sitemap(client)
    assert "draft-letter" not in content and "secret-letter" not in content


def test_a_version_in_another_language_only_is_listed_under_the_default_language(client):
    letter = LetterFactory(slug="portuguese", languages=[])
    LetterVersionFactory(letter=letter, language="pt", title="Carta conjunta")
    _content, locations = _sitemap(client)
    assert [loc for loc in locations if "portuguese" in loc] == ["http://testserver/en/letters/portuguese/"]
