"""The export page, downloads, finalise/reopen/addendum: coordinators only, state changes by POST only."""

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from letters.exports import SignatoryList
from letters.layouts import render_text
from letters.models import Letter, ListSnapshot, Signature
from letters.services.finalise import finalise_letter

pytestmark = pytest.mark.django_db


def url(name, letter):
    return reverse(f"exports:{name}", kwargs={"slug": letter.slug})


@pytest.fixture
def listed(letter, sign):
    sign("Amnesty International", country="XI", fr="Amnistie internationale")
    sign("Human Rights Watch", country="US")
    return letter


def test_only_the_letters_coordinators_and_staff_get_in(listed, other_client, admin_user):
    from django.test import Client

    anonymous = Client()
    assert anonymous.get(url("letter", listed)).status_code == 302  # to the login page
    assert anonymous.get(url("download", listed), {"language": "en", "format": "csv"}).status_code == 302
    for name in ("letter", "download"):
        assert other_client.get(url(name, listed), {"language": "en", "format": "csv"}).status_code == 404
    for name in ("finalise", "reopen", "addendum"):
        assert other_client.post(url(name, listed), {"confirm": "on", "reason": "x"}).status_code == 404
    listed.refresh_from_db()
    assert listed.status == Letter.Status.OPEN
    other_client.force_login(admin_user)
    assert other_client.get(url("letter", listed)).status_code == 200


def test_the_page_previews_the_chosen_language_and_layout(listed, coordinator_client):
    response = coordinator_client.get(url("letter", listed), {"language": "fr", "format": "numbered",
                                                               "order": "alphabetical", "preview": "1"})

    assert response.status_code == 200
    assert "1. Amnistie internationale\n2. Human Rights Watch" in response.content.decode()


def test_the_csv_download_streams(listed, coordinator_client):
    response = coordinator_client.get(url("download", listed), {"language": "en", "format": "csv"})

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{listed.slug}-en.csv"'
    lines = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[0].startswith("No.,Name,") and lines[1].startswith("1,Amnesty International,")


@pytest.mark.parametrize("layout,content_type", [("pdf", "application/pdf"), ("docx", "application/vnd.openxml"),
                                                 ("xlsx", "application/vnd.openxml"), ("json", "application/json"),
                                                 ("html", "text/html")])
def test_every_format_downloads(listed, coordinator_client, layout, content_type):
    response = coordinator_client.get(url("download", listed), {"language": "fr", "format": layout})

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "attachment" in response["Content-Disposition"]


def test_bad_parameters_never_give_an_error_page(listed, coordinator_client):
    for params in ({}, {"language": "xx", "format": "csv"}, {"language": "en", "format": "exe"},
                   {"language": "en", "format": "csv", "order": "random"}, {"language": ["en", "fr"]}):
        assert coordinator_client.get(url("download", listed), params).status_code == 302
        assert coordinator_client.get(url("letter", listed), params).status_code == 200


def test_finalising_is_a_post_with_a_confirmation(listed, coordinator_client, coordinator):
    assert coordinator_client.get(url("finalise", listed)).status_code == 405
    coordinator_client.post(url("finalise", listed), {"order": "alphabetical"})
    listed.refresh_from_db()
    assert listed.status == Letter.Status.OPEN  # not confirmed

    response = coordinator_client.post(url("finalise", listed), {"confirm": "on", "order": "signed",
                                                                  "reason": "sent"}, follow=True)

    listed.refresh_from_db()
    assert listed.status == Letter.Status.FINALISED and listed.finalised_by == coordinator
    assert ListSnapshot.objects.filter(letter=listed, kind="final").count() == 3
    assert "frozen" in response.content.decode()


def test_reopening_needs_a_reason_and_is_recorded(listed, coordinator_client, coordinator):
    finalise_letter(listed, by=coordinator)
    coordinator_client.post(url("reopen", listed), {"reason": "  "})
    listed.refresh_from_db()
    assert listed.status == Letter.Status.FINALISED

    coordinator_client.post(url("reopen", listed), {"reason": "one more partner"})

    listed.refresh_from_db()
    assert listed.status == Letter.Status.OPEN
    assert listed.events.last().reason == "one more partner" and listed.events.last().by == coordinator


def test_the_page_shows_late_sign_ons_and_records_the_addendum(listed, coordinator_client, coordinator, sign):
    finalise_letter(listed, by=coordinator)
    late = sign("Late Org", status=Signature.Status.CONFIRMED)
    late.approve(by=coordinator)

    page = coordinator_client.get(url("letter", listed)).content.decode()
    assert "1 late sign-on" in page

    response = coordinator_client.get(url("download", listed), {"language": "en", "format": "lines",
                                                                 "source": "addendum"})
    assert b"".join(response.streaming_content).decode() == "Late Org\n"
    coordinator_client.post(url("addendum", listed))
    assert ListSnapshot.objects.filter(letter=listed, kind="addendum").count() == 3


def test_the_dashboard_panel_links_to_downloads_and_finalising(listed, coordinator_client):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    html = render_to_string("letters/manage/_export_panel.html", {"letter": listed}, request=request)

    assert url("finalise", listed) in html and 'name="confirm"' in html
    assert url("download", listed) + "?language=fr&amp;format=pdf" in html


def test_a_big_list_exports_in_a_constant_number_of_queries(letter, sign, coordinator_client,
                                                            django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def download():
        with CaptureQueriesContext(connection) as queries:
            response = coordinator_client.get(url("download", letter), {"language": "fr", "format": "csv"})
            content = b"".join(response.streaming_content)
        return len(queries), content

    for i in range(20):
        sign(f"Organisation {i:02d}", fr=f"Organisation française {i:02d}")
    few, _content = download()
    for i in range(20, 80):
        sign(f"Organisation {i:02d}", fr=f"Organisation française {i:02d}")
    # 16, and 4 more (SAVEPOINT, DELETE, COPY, RELEASE) on PostgreSQL to store the collation keys of the new names.
    with django_assert_max_num_queries(20):
        many, content = download()
    assert many == few
    assert content.count("Organisation française".encode()) == 80
    # Nothing new to store: the next download of the same list reads the keys stored.
    with django_assert_max_num_queries(16):
        again, _content = download()
    assert again == (many - 4 if connection.vendor == "postgresql" else many)


def test_letters_in_any_un_language_render(coordinator, coordinator_client, sign):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from tests.factories import LetterFactory

    letter = LetterFactory(slug="six-languages", coordinators=[coordinator], languages=["en", "zh", "ar", "ru"])
    sign("Amnesty International", target=letter, zh="国际特赦组织", ar="منظمة العفو الدولية")
    finalise_letter(letter, by=coordinator)

    assert coordinator_client.get(url("letter", letter), {"language": "zh", "format": "lines"}).status_code == 200
    html = render_to_string("letters/manage/_export_panel.html", {"letter": letter}, request=RequestFactory().get("/"))
    assert "Chinese" in html and "Arabic" in html
    response = coordinator_client.get(url("download", letter), {"language": "ar", "format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    response = coordinator_client.get(url("download", letter), {"language": "zh", "format": "lines"})
    assert b"".join(response.streaming_content).decode() == "国际特赦组织\n"


def test_finalise_panel_names_the_sign_ons_that_are_not_on_the_list_yet_and_asks_about_the_confirmed(
        listed, coordinator_client, sign):
    confirmed = sign("Confirmed Waiting", status=Signature.Status.CONFIRMED)
    sign("Pending Waiting", status=Signature.Status.PENDING)
    html = coordinator_client.get(url("letter", listed)).content.decode()
    assert "1 sign-on is confirmed but not approved" in html
    assert "1 sign-on is still waiting for its email confirmation" in html

    # Without a choice about the confirmed sign-on, nothing is finalised.
    response = coordinator_client.post(url("finalise", listed), {"confirm": "on"}, follow=True)
    listed.refresh_from_db()
    assert listed.status == Letter.Status.OPEN
    assert "Say what to do with the confirmed sign-ons" in response.content.decode()

    coordinator_client.post(url("finalise", listed), {"confirm": "on", "confirmed": "approve"})
    listed.refresh_from_db()
    confirmed.refresh_from_db()
    assert listed.status == Letter.Status.FINALISED and confirmed.status == Signature.Status.APPROVED
    names = render_text(SignatoryList(listed, "en"), "lines")
    assert "Confirmed Waiting" in names and "Pending Waiting" not in names


def test_finalising_can_leave_the_confirmed_sign_ons_for_an_addendum(listed, coordinator_client, sign):
    confirmed = sign("Confirmed Waiting", status=Signature.Status.CONFIRMED)
    coordinator_client.post(url("finalise", listed), {"confirm": "on", "confirmed": "leave"})
    listed.refresh_from_db()
    confirmed.refresh_from_db()
    assert listed.status == Letter.Status.FINALISED and confirmed.status == Signature.Status.CONFIRMED
    assert "Confirmed Waiting" not in render_text(SignatoryList(listed, "en"), "lines")
