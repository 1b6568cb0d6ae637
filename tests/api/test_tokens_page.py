"""The workspace's API tokens page: list, create (the value shown once), revoke."""

import pytest

from letters.models import ApiToken
from letters.models.api import hash_token
from tests.api.conftest import bearer
from tests.factories import LetterFactory

pytestmark = pytest.mark.django_db

PAGE = "/manage/api-tokens/"


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_who_coordinates_nothing_may_not_make_tokens(client, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get(PAGE).status_code == 403


def test_creating_a_token_shows_its_value_once_and_stores_only_its_hash(coordinator_client, letter):
    response = coordinator_client.post(PAGE, {"name": "CRM sync", "scope": "write"})
    assert response.status_code == 200
    raw = response.context["raw"]
    assert raw.startswith("coal_") and raw in response.content.decode()
    assert "shown only this once" in response.content.decode()
    assert "no-store" in response["Cache-Control"]  # the page with the value is never kept by a cache
    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.key_hash) == ("CRM sync", "write", hash_token(raw))
    again = coordinator_client.get(PAGE).content.decode()
    assert raw not in again and token.prefix in again and "CRM sync" in again
    assert coordinator_client.get("/api/v1/manage/letters/", **bearer(raw)).status_code == 200


def test_a_token_needs_a_name(coordinator_client, letter):
    response = coordinator_client.post(PAGE, {"name": "", "scope": "read"})
    assert response.status_code == 200 and response.context["raw"] is None
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token_at_once(coordinator_client, letter, coordinator):
    token, raw = ApiToken.objects.issue(coordinator, "Old script", "read")
    response = coordinator_client.post(f"/manage/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked on" in coordinator_client.get(PAGE).content.decode()
    assert coordinator_client.get("/api/v1/manage/letters/", **bearer(raw)).status_code == 401


def test_nobody_revokes_another_users_token(client, letter, other_coordinator, coordinator):
    token, _raw = ApiToken.objects.issue(coordinator, "Mine", "read")
    LetterFactory(coordinators=[other_coordinator], languages=["en"])
    client.force_login(other_coordinator)
    assert client.post(f"/manage/api-tokens/{token.pk}/revoke/").status_code == 404
    assert client.get(f"/manage/api-tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_has_labelled_fields_and_the_nav_links_it(coordinator_client, letter):
    html = coordinator_client.get(PAGE).content.decode()
    assert 'for="id_name"' in html and 'for="id_scope_1"' in html and "<legend" in html and "<h1" in html
    assert f'href="{PAGE}"' in coordinator_client.get("/manage/").content.decode()
