"""Dates and times read one way per language, with the time zone (issue 12 item 9): never 12/01/2026 for
1 December, never "Dec. 1, 2026, 3:10 a.m."."""

from datetime import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from tests.factories import LetterFactory, SignatureFactory

MOMENT = datetime(2026, 12, 1, 15, 10)  # Europe/Zurich (settings.TIME_ZONE): CET in winter


def render(language, template):
    with translation.override(language), timezone.override("Europe/Zurich"):
        moment = timezone.make_aware(MOMENT)
        return Template(template).render(Context({"moment": moment}))


@pytest.mark.parametrize(("language", "date", "date_time"), [
    ("en", "1 Dec 2026", "1 Dec 2026, 15:10 CET"),
    ("fr", "1 déc. 2026", "1 déc. 2026, 15:10 CET"),
    ("es", "1 dic. 2026", "1 dic. 2026, 15:10 CET"),
    ("ru", "1 декабря 2026", "1 декабря 2026, 15:10 CET"),
    ("ar", "1 ديسمبر 2026", "1 ديسمبر 2026، 15:10 CET"),
    ("zh-hans", "2026年12月1日", "2026年12月1日 15:10 CET"),
])
def test_each_language_has_one_unambiguous_date_and_time_format_with_the_zone(language, date, date_time):
    assert render(language, '{{ moment|date:"DATE_FORMAT" }}') == date
    assert render(language, '{{ moment|date:"SHORT_DATE_FORMAT" }}') == date
    assert render(language, '{{ moment|date:"DATETIME_FORMAT" }}') == date_time
    assert render(language, '{{ moment|date:"SHORT_DATETIME_FORMAT" }}') == date_time
    assert render(language, "{{ moment|date }}") == date


@pytest.mark.django_db
def test_the_dashboard_shows_dates_with_the_month_by_name(client, coordinator):
    letter = LetterFactory(coordinators=[coordinator])
    SignatureFactory(letter=letter, signed_at=timezone.make_aware(datetime(2026, 1, 12, 9, 0)))
    client.force_login(coordinator)

    page = client.get(f"/manage/letters/{letter.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "12 Jan 2026" in page
    assert "01/12/2026" not in page and "12/01/2026" not in page


@pytest.mark.django_db
def test_the_public_letter_page_gives_the_deadline_once_with_its_zone(client):
    letter = LetterFactory(deadline=timezone.make_aware(datetime(2026, 12, 1, 15, 10)))

    page = client.get(f"/fr/letters/{letter.slug}/").content.decode()

    assert "1 déc. 2026, 15:10 CET" in page
    assert "CET CET" not in page
