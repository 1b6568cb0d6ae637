"""Issue 10, item 9: hostile requests get a 400, never a 500 — a form body declared as UTF-16 (Django's own 400
handler re-ran CSRF on it and failed again), NUL bytes in query strings (PostgreSQL refuses them: DataError in
every admin filter and search) and in POST field names — and our own error pages render without the request's
session, user or database."""

from unittest import mock

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from coalition import errors
from tests.conftest import requires_postgres
from tests.factories import LetterFactory, SignatureFactory, UserFactory

UTF16_FORM = "application/x-www-form-urlencoded; charset=utf-16"


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


@pytest.fixture
def world(coordinator):
    letter = LetterFactory(slug="our-letter", coordinators=[coordinator], languages=["en", "fr"])
    SignatureFactory(letter=letter, signer_email="signer@ngo.example")
    return letter


def csrf_token(client, url):
    client.get(url)
    return client.cookies["csrftoken"].value


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/letters/our-letter/", "/accounts/login/", "/fr/letters/our-letter/"])
def test_a_form_declared_as_utf16_is_a_bad_request_not_a_server_error(browser, world, url):
    token = csrf_token(browser, url)
    response = browser.post(url, f"csrfmiddlewaretoken={token}&signer_name=x", content_type=UTF16_FORM)
    assert response.status_code == 400
    assert gettext_in(url, "Bad request") in response.content.decode()


@pytest.mark.django_db
def test_a_utf16_form_to_the_admin_is_a_bad_request(browser, world, admin_user):
    browser.force_login(admin_user)
    url = reverse("admin:letters_letter_change", args=[world.pk])
    token = csrf_token(browser, url)
    response = browser.post(url, f"csrfmiddlewaretoken={token}&title=x", content_type=UTF16_FORM)
    assert response.status_code == 400


def gettext_in(url, text):
    with translation.override(url.split("/")[1] if url.startswith(("/fr/", "/es/")) else "en"):
        return gettext(text)


def nul_urls(letter):
    return [
        reverse("admin:letters_signature_changelist") + "?q=%00",
        reverse("admin:letters_signature_changelist") + "?status=%00",
        reverse("admin:letters_signature_changelist") + "?status__exact=%00",
        reverse("admin:letters_signature_changelist") + f"?letter__id__exact={letter.pk}%00",
        reverse("admin:letters_organisation_changelist") + "?q=Amnesty%00",
        reverse("admin:letters_letter_changelist") + "?status=open%00&q=x",
        reverse("manage:letter", args=[letter.slug]) + "?q=%00",
        reverse("manage:letter", args=[letter.slug]) + "?status=%00&sort=name",
        reverse("manage:letters") + "?status=%00",
        reverse("manage:directory") + "?q=%00",
        reverse("manage:directory") + "?country=%00",
        f"/en/letters/{letter.slug}/?version=%00",
        "/en/?q=%00",
    ]


def assert_nul_refused(client, letter):
    for url in nul_urls(letter):
        response = client.get(url)
        assert response.status_code == 400, (url, response.status_code)


@pytest.mark.django_db
def test_nul_bytes_in_query_strings_are_refused_with_a_bad_request(world, admin_user, coordinator):
    for user in (admin_user, coordinator):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        assert_nul_refused(client, world)


@pytest.mark.django_db
@requires_postgres
@pytest.mark.postgres
def test_nul_bytes_in_query_strings_are_refused_on_postgresql(world, admin_user, coordinator):
    """PostgreSQL raises DataError for a NUL in any string parameter: these were 500s there."""
    test_nul_bytes_in_query_strings_are_refused_with_a_bad_request(world, admin_user, coordinator)


@pytest.mark.django_db
@requires_postgres
@pytest.mark.postgres
def test_a_utf16_form_is_a_bad_request_on_postgresql(browser, world):
    test_a_form_declared_as_utf16_is_a_bad_request_not_a_server_error(browser, world, "/en/letters/our-letter/")


@pytest.mark.django_db
def test_an_ordinary_percent_sign_is_not_refused(world, coordinator):
    client = Client()
    client.force_login(coordinator)
    assert client.get(reverse("manage:directory") + "?q=100%25").status_code == 200
    assert client.get(reverse("manage:directory") + "?q=%2500").status_code == 200  # the text "%00"


@pytest.mark.django_db
def test_a_nul_byte_in_a_post_field_name_is_refused(world, coordinator):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    response = client.post(reverse("manage:letter_settings", args=[world.slug]), {"title\x00": "x"})
    assert response.status_code == 400
    # A NUL inside a value is the forms' business (they clean or refuse it), not a bad request.
    response = client.post(f"/en/letters/{world.slug}/", {"organisation_name": "Org\x00Name"})
    assert response.status_code == 200


# --- our error pages -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_missing_page_is_our_404_in_the_pages_language(client, world):
    response = client.get("/fr/letters/no-such-letter/")
    assert response.status_code == 404
    html = response.content.decode()
    with translation.override("fr"):
        assert gettext("Page not found") in html
    assert "css/coalition.css" in html and 'lang="fr"' in html  # base.html, in French


@pytest.mark.django_db
def test_a_server_error_is_our_500_page(world):
    client = Client(raise_request_exception=False)
    with mock.patch("letters.views.public.render", side_effect=RuntimeError("boom")):
        response = client.get("/en/")
    assert response.status_code == 500
    assert "Server error" in response.content.decode() and "boom" not in response.content.decode()


@pytest.mark.django_db
def test_a_permission_denied_is_our_403_page(world):
    client = Client()
    client.force_login(UserFactory(username="nobody"))
    response = client.get(reverse("manage:directory"))
    assert response.status_code == 403
    assert "You do not have permission to open this page." in response.content.decode()


@pytest.mark.django_db
def test_a_csrf_failure_is_our_403_page_without_inline_styles(browser, world):
    response = browser.post(f"/en/letters/{world.slug}/", {"signer_name": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "or your browser blocks cookies" in html and "<style" not in html


@pytest.mark.parametrize("view, status", [
    (errors.bad_request, 400), (errors.permission_denied, 403), (errors.page_not_found, 404),
])
def test_error_pages_render_without_session_user_or_database(view, status):
    """No django_db mark: any query would fail. A request straight from the factory has no session or user."""
    response = view(RequestFactory().get("/broken"), Exception("x"))
    assert response.status_code == status
    assert "css/coalition.css" in response.content.decode()  # the real template, not the fixed fallback


def test_the_500_page_renders_without_session_user_or_database():
    response = errors.server_error(RequestFactory().get("/broken"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Server error" in html and "css/coalition.css" in html


def test_an_error_page_whose_template_fails_still_answers():
    with mock.patch("coalition.errors.loader.get_template", side_effect=RuntimeError("no templates")):
        response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and b"500" in response.content
