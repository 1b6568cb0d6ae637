"""Permission matrix of the coordinator API: anonymous, revoked token, another coordinator's token, read-only
token, read-and-write token — on every coordinator endpoint of the schema, exactly 401 / 401 / 404 / 403 or 2xx,
and never another letter's data or a signer's email."""

import json

import pytest

from letters.models import ApiToken
from tests.api.conftest import bearer
from tests.api.test_contract import CASES, MANAGE

pytestmark = pytest.mark.django_db

WRITES = {("post", MANAGE + "/signatures"), ("post", MANAGE + "/signatures/{signature_id}/status"),
          ("post", MANAGE + "/imports/preview"), ("post", MANAGE + "/imports/commit")}
LETTER_LIST = ("get", "/api/v1/manage/letters/")


def coordinator_endpoints(client):
    spec = client.get("/api/schema/").json()
    return [(method, path) for path, item in spec["paths"].items() for method in item
            if path.startswith("/api/v1/manage/")]


def expected(persona, endpoint, valid_status):
    if persona in ("anonymous", "revoked"):
        return 401
    if persona == "other":
        return 200 if endpoint == LETTER_LIST else 404
    if persona == "read" and endpoint in WRITES:
        return 403
    return valid_status


def secrets_of(world):
    """What no one but the letter's coordinators may read: its signers' and contacts' emails, its slug."""
    letter = world["letter"]
    emails = [email for email in letter.signatures.values_list("signer_email", flat=True) if email]
    return [*emails, "amina@invited.example.org", "Ruth Ndlovu"]


@pytest.mark.parametrize("persona", ["anonymous", "revoked", "other", "read", "write"])
def test_each_persona_gets_exactly_its_answer_on_every_coordinator_endpoint(
        client, world, persona, write_token, read_token, revoked_token, other_token, signon_settings):
    token = {"anonymous": None, "revoked": revoked_token, "other": other_token, "read": read_token,
             "write": write_token}[persona]
    secrets = secrets_of(world)
    for endpoint in coordinator_endpoints(client):
        valid_status, url, body = CASES[endpoint](world, client, write_token)
        headers = bearer(token) if token else {}
        response = (client.get(url, **headers) if endpoint[0] == "get" else
                    client.post(url, json.dumps(body), content_type="application/json", **headers))
        assert response.status_code == expected(persona, endpoint, valid_status), (persona, endpoint)
        if response.status_code >= 400 or persona == "other":
            text = response.content.decode(errors="replace")
            assert not [secret for secret in secrets if secret in text], (persona, endpoint)
            assert response["Content-Type"] == "application/json; charset=utf-8" or response.status_code < 400


def test_another_coordinators_token_lists_only_their_letters(client, letter, other_token):
    slugs = [row["slug"] for row in client.get("/api/v1/manage/letters/", **bearer(other_token)).json()]
    assert slugs == ["their-letter"]


def test_a_revoked_token_is_refused_with_401_and_a_bearer_challenge(client, letter, revoked_token):
    response = client.get("/api/v1/manage/letters/", **bearer(revoked_token))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_token_of_an_inactive_user_is_refused(client, letter, coordinator, write_token):
    coordinator.is_active = False
    coordinator.save()
    assert client.get("/api/v1/manage/letters/", **bearer(write_token)).status_code == 401


def test_a_session_login_is_not_a_token(coordinator_client, letter):
    assert coordinator_client.get("/api/v1/manage/letters/").status_code == 401


def test_a_read_only_token_gets_403_whatever_the_letter(client, letter, read_token):
    for slug in ("our-letter", "no-such-letter"):
        response = client.post(f"/api/v1/manage/letters/{slug}/signatures/1/status", {"action": "approve"},
                               content_type="application/json", **bearer(read_token))
        assert response.status_code == 403  # the same answer for every slug: nothing to learn about letters


def test_using_a_token_notes_when_it_was_last_used(client, letter, write_token):
    client.get("/api/v1/manage/letters/", **bearer(write_token))
    assert ApiToken.objects.get(prefix=write_token[:12]).last_used_at is not None


def test_coordinator_answers_are_never_cached(client, signed_letter, read_token):
    for token in (read_token, None):
        response = client.get("/api/v1/manage/letters/our-letter/signatures", **(bearer(token) if token else {}))
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
