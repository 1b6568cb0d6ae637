"""Contract: every endpoint in the schema is called with valid data, and its answer matches the schema.

The cases are keyed by (method, path) as the schema names them: a new endpoint without a case here fails
test_every_endpoint_in_the_schema_has_a_case, so the schema and this test cannot drift apart.
"""

import json

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

MANAGE = "/api/v1/manage/letters/{slug}"


def _preview_token(client, token):
    response = client.post("/api/v1/manage/letters/our-letter/imports/preview",
                           {"text": "Alpha Rights Network\nBeta Justice Project", "language": "en"},
                           content_type="application/json", **bearer(token))
    return response.json()["preview_token"]


# (method, path in the schema) → (status expected, url, JSON body or None): the valid call of each endpoint.
CASES = {
    ("get", "/api/v1/letters/"): lambda w, c, t: (200, "/api/v1/letters/?status=open", None),
    ("get", "/api/v1/letters/{slug}/"): lambda w, c, t: (200, "/api/v1/letters/our-letter/", None),
    ("get", "/api/v1/letters/{slug}/count"): lambda w, c, t: (200, "/api/v1/letters/our-letter/count", None),
    ("get", "/api/v1/letters/{slug}/signatories"): lambda w, c, t: (
        200, "/api/v1/letters/our-letter/signatories?language=fr", None),
    ("get", "/api/v1/manage/letters/"): lambda w, c, t: (200, "/api/v1/manage/letters/", None),
    ("get", MANAGE + "/signatures"): lambda w, c, t: (
        200, "/api/v1/manage/letters/our-letter/signatures?status=approved&q=square", None),
    ("post", MANAGE + "/signatures"): lambda w, c, t: (
        201, "/api/v1/manage/letters/our-letter/signatures",
        {"name": "Brand New Collective", "country": "KE", "signer_name": "Wanjiru", "signer_email": "w@bnc.example.org",
         "note": "email of 3 May"}),
    ("post", MANAGE + "/signatures/{signature_id}/status"): lambda w, c, t: (
        200, f"/api/v1/manage/letters/our-letter/signatures/{w['pending'].pk}/status",
        {"action": "approve", "reason": "Confirmed by phone"}),
    ("post", MANAGE + "/imports/preview"): lambda w, c, t: (
        200, "/api/v1/manage/letters/our-letter/imports/preview",
        {"text": "Alpha Rights Network\nBeta Justice Project", "language": "en", "layout": "lines"}),
    ("post", MANAGE + "/imports/commit"): lambda w, c, t: (
        201, "/api/v1/manage/letters/our-letter/imports/commit", {"preview_token": _preview_token(c, t)}),
    ("get", MANAGE + "/invitations"): lambda w, c, t: (200, "/api/v1/manage/letters/our-letter/invitations", None),
    ("get", MANAGE + "/campaign"): lambda w, c, t: (200, "/api/v1/manage/letters/our-letter/campaign", None),
    ("post", MANAGE + "/exports"): lambda w, c, t: (
        200, "/api/v1/manage/letters/our-letter/exports", {"layout": "csv", "language": "fr"}),
    ("get", MANAGE + "/exports/{job_id}"): lambda w, c, t: (
        200, f"/api/v1/manage/letters/our-letter/exports/{w['job'].pk}", None),
    ("get", MANAGE + "/exports/{job_id}/download"): lambda w, c, t: (
        200, f"/api/v1/manage/letters/our-letter/exports/{w['job'].pk}/download", None),
}


@pytest.fixture
def spec(client):
    return client.get("/api/schema/").json()


def operations(spec):
    return [(method, path) for path, item in spec["paths"].items() for method in item]


def test_every_endpoint_in_the_schema_has_a_case(spec):
    assert sorted(operations(spec)) == sorted(CASES)


def call(client, method, url, body, token):
    if method == "get":
        return client.get(url, **bearer(token))
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(token))


def test_every_endpoint_answers_as_the_schema_says(client, spec, world, write_token, signon_settings):
    openapi = OpenAPI.from_dict(spec)
    for method, path in operations(spec):
        status, url, body = CASES[method, path](world, client, write_token)
        response = call(client, method, url, body, write_token)
        assert response.status_code == status, (method, path, response.content[:500])
        # Raises with the mismatch when the answer (status, content type, body) is not what the schema says.
        openapi.validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))


def test_error_answers_match_the_schema_too(client, spec, world, write_token, read_token):
    openapi = OpenAPI.from_dict(spec)
    calls = [
        ("get", "/api/v1/letters/no-such-letter/count", None, write_token),  # 404
        ("get", "/api/v1/manage/letters/", None, "coal_not-a-token"),  # 401
        ("post", f"/api/v1/manage/letters/our-letter/signatures/{world['pending'].pk}/status",
         {"action": "approve"}, read_token),  # 403
        ("post", f"/api/v1/manage/letters/our-letter/signatures/{world['pending'].pk}/status",
         {"action": "fly"}, write_token),  # 422
        ("post", f"/api/v1/manage/letters/our-letter/signatures/{world['pending'].pk}/status",
         {"action": "reject"}, write_token),  # 422: a rejection needs a reason
    ]
    for method, url, body, token in calls:
        response = call(client, method, url, body, token)
        assert response.status_code in (401, 403, 404, 422), (url, response.status_code)
        assert response.json()["detail"]
        openapi.validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))


def test_a_refusal_beyond_the_rate_limit_matches_the_schema(client, spec, letter, settings, write_token):
    settings.API_RATE_PER_IP = settings.API_RATE_PER_TOKEN = 1
    openapi = OpenAPI.from_dict(spec)
    for url, token in (("/api/v1/letters/our-letter/", None), ("/api/v1/manage/letters/", write_token)):
        headers = bearer(token) if token else {}
        client.get(url, **headers)
        response = client.get(url, **headers)
        assert response.status_code == 429
        openapi.validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))
