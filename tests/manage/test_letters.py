"""The letters overview: status, deadline and counts per letter; creating letters and versions; open/close/reopen."""

import pytest
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter
from tests.factories import LetterFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def test_overview_shows_status_deadline_time_left_and_counts_per_status(coordinator_client, letter, pending,
                                                                        approved):
    letter.deadline = timezone.now() + timezone.timedelta(days=3, hours=2)
    letter.save()
    html = coordinator_client.get(reverse("manage:letters")).content.decode()
    assert letter.title in html and "Open for sign-on" in html
    assert "3\xa0days" in html and "left" in html
    assert "Pending confirmation: <strong>1</strong>" in html and "Approved: <strong>1</strong>" in html


def test_overview_counts_do_not_cost_a_query_per_letter(coordinator_client, coordinator, django_assert_max_num_queries):
    for i in range(12):
        SignatureFactory(letter=LetterFactory(coordinators=[coordinator], languages=["en", "fr"]))
    with django_assert_max_num_queries(8):
        coordinator_client.get(reverse("manage:letters"))


def test_creating_a_letter_makes_a_draft_coordinated_by_its_creator(coordinator_client, coordinator, letter):
    response = coordinator_client.post(reverse("manage:letter_create"), {
        "title": "HRC61 joint letter", "slug": "hrc61", "languages": ["en", "es"], "default_language": "es",
        "requires_approval": "on"})
    new = Letter.objects.get(slug="hrc61")
    assert response.status_code == 302 and response["Location"] == reverse("manage:letter", args=["hrc61"])
    assert (new.status, new.default_language, sorted(new.languages())) == ("draft", "es", ["en", "es"])
    assert list(new.coordinators.all()) == [coordinator]


def test_the_default_language_must_be_one_of_the_versions(coordinator_client, letter):
    response = coordinator_client.post(reverse("manage:letter_create"), {
        "title": "T", "slug": "t", "languages": ["en"], "default_language": "fr"})
    assert response.status_code == 200 and not Letter.objects.filter(slug="t").exists()


def test_adding_and_editing_a_language_version(coordinator_client, letter):
    coordinator_client.post(reverse("manage:version_create", args=[letter.slug]), {
        "language": "ar", "title": "رسالة مشتركة", "body": "نص"})
    assert letter.versions.get(language="ar").title == "رسالة مشتركة"
    response = coordinator_client.post(reverse("manage:version_create", args=[letter.slug]), {
        "language": "ar", "title": "again"})
    assert "already has a version" in response.content.decode()
    coordinator_client.post(reverse("manage:version_edit", args=[letter.slug, "fr"]), {
        "title": "Lettre conjointe", "body": "Excellences,"})
    assert letter.versions.get(language="fr").title == "Lettre conjointe"


@pytest.mark.parametrize("start, action, end", [
    ("draft", "open", "open"), ("open", "close", "closed"), ("closed", "reopen", "open"),
    ("finalised", "reopen", "open"),
])
def test_open_close_reopen_are_recorded(coordinator_client, coordinator, letter, start, action, end):
    Letter.objects.filter(pk=letter.pk).update(status=start)
    coordinator_client.post(reverse("manage:letter_status", args=[letter.slug]), {"action": action})
    letter.refresh_from_db()
    assert letter.status == end
    event = letter.events.get()
    assert (event.from_status, event.to_status, event.by) == (start, end, coordinator)


def test_a_change_the_life_cycle_does_not_allow_is_refused(coordinator_client, letter):
    Letter.objects.filter(pk=letter.pk).update(status="draft")
    response = coordinator_client.post(reverse("manage:letter_status", args=[letter.slug]), {"action": "close"},
                                       follow=True)
    assert "cannot go from" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == "draft" and not letter.events.exists()


def test_a_letter_with_an_empty_version_cannot_be_opened_and_says_what_is_missing(coordinator_client, letter):
    Letter.objects.filter(pk=letter.pk).update(status="draft")
    letter.versions.filter(language="fr").update(body="  ")
    response = coordinator_client.post(reverse("manage:letter_status", args=[letter.slug]), {"action": "open"},
                                       follow=True)
    html = response.content.decode()
    assert "cannot be opened yet" in html and "French: body (Markdown)" in html
    letter.refresh_from_db()
    assert letter.status == "draft" and not letter.events.exists()

    letter.versions.filter(language="fr").update(body="Excellences,")
    coordinator_client.post(reverse("manage:letter_status", args=[letter.slug]), {"action": "open"})
    letter.refresh_from_db()
    assert letter.status == "open"


def test_a_letter_without_any_version_cannot_be_opened(coordinator_client, letter):
    Letter.objects.filter(pk=letter.pk).update(status="draft")
    letter.versions.all().delete()
    response = coordinator_client.post(reverse("manage:letter_status", args=[letter.slug]), {"action": "open"},
                                       follow=True)
    assert "a language version" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == "draft"


def test_settings_change_the_title_language_deadline_and_paper_size(coordinator_client, letter):
    coordinator_client.post(reverse("manage:letter_settings", args=[letter.slug]), {
        "title": "Renamed", "default_language": "fr", "deadline": "2031-05-03T17:00", "reminder_days": "3",
        "notify": "none", "paper_size": "letter"})
    letter.refresh_from_db()
    assert (letter.title, letter.default_language, letter.deadline.year, letter.paper_size) == ("Renamed", "fr", 2031, "letter")
