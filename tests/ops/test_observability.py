"""/healthz, /readyz, JSON request logs and the token-protected Prometheus /metrics."""

import json
import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.utils import timezone

from letters.models import OutgoingEmail, Signature
from tests.factories import LetterFactory

TOKEN = "s3cret-metrics-token"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN
    return settings


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_readyz_is_ready_when_database_and_cache_answer(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readyz_is_503_when_the_cache_is_unreachable(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.ops.broken_cache.UnreachableCache"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable: ConnectionError"
    assert response.json()["database"] == "ok"


def test_readyz_is_503_when_the_database_is_unreachable(client, db):
    with mock.patch("letters.views.health.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"ready": False, "database": "unavailable: OperationalError", "cache": "ok"}


# --- request logs -------------------------------------------------------------------------------------------------


def _request_lines(caplog):
    return [json.loads(record.getMessage()) for record in caplog.records if record.name == "coalition.requests"]


def test_no_request_log_unless_enabled(client, db, settings, caplog):
    settings.LOG_REQUESTS_JSON = False
    with caplog.at_level(logging.INFO, logger="coalition.requests"):
        client.get("/healthz")
    assert _request_lines(caplog) == []


def test_one_json_line_per_request_with_status_duration_and_query_count(client, db, settings, caplog):
    settings.LOG_REQUESTS_JSON = True
    letter = LetterFactory(slug="logged-letter")
    with caplog.at_level(logging.INFO, logger="coalition.requests"):
        client.get("/healthz")
        client.get(f"/en/letters/{letter.slug}/")
        client.get("/en/letters/no-such-letter/")
    health, page, missing = _request_lines(caplog)
    assert set(health) >= {"time", "method", "path", "status", "duration_ms", "queries"}
    assert (health["method"], health["path"], health["status"], health["queries"]) == ("GET", "/healthz", 200, 1)
    assert health["time"].endswith("+00:00") and health["duration_ms"] >= 0
    assert (page["path"], page["status"], page["view"]) == (f"/en/letters/{letter.slug}/", 200, "public:letter")
    assert page["queries"] >= 1
    assert missing["status"] == 404


# --- /metrics -----------------------------------------------------------------------------------------------------


def test_metrics_is_404_while_no_token_is_configured(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


def test_metrics_needs_the_right_token(client, db, metrics_on):
    missing = client.get("/metrics")
    assert missing.status_code == 401 and missing["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    assert client.get(f"/metrics?token={TOKEN}").status_code == 401  # never in a URL (logs, referrers)


def _scrape(client):
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def _value(text, sample):
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{sample} not in metrics:\n{text}")


def test_metrics_expose_signons_outbox_and_latency(client, db, metrics_on):
    letter = LetterFactory(slug="metrics-letter")
    before = _scrape(client)
    accepted_before = _value(before, "coalition_signons_accepted_total")

    response = client.post(f"/en/letters/{letter.slug}/", {
        "organisation_name": "Metrics Watch", "acronym": "", "country": "CH", "website": "",
        "signer_name": "Ana", "signer_email": "ana@metrics.example.org", "consent_public": "on", "message": "",
        "reference": "",
    })
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    OutgoingEmail.objects.create(kind="test", to="late@example.org", subject="Late", body_text="x",
                                 state=OutgoingEmail.State.FAILED)
    old = OutgoingEmail.objects.create(kind="test", to="old@example.org", subject="Old", body_text="x")
    OutgoingEmail.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    text = _scrape(client)
    assert _value(text, "coalition_signons_accepted_total") == accepted_before + 1
    pending = Signature.objects.filter(status=Signature.Status.PENDING).count()
    assert _value(text, 'coalition_signons{status="pending"}') == pending >= 1
    assert _value(text, 'coalition_signons{status="approved"}') == 0
    queued = OutgoingEmail.objects.filter(state="queued").count()
    assert _value(text, 'coalition_outbox_emails{state="queued"}') == queued >= 2  # the confirmation and "old"
    assert _value(text, 'coalition_outbox_emails{state="failed"}') == 1
    assert _value(text, 'coalition_outbox_emails{state="sent"}') == 0
    assert 600 <= _value(text, "coalition_outbox_oldest_queued_age_seconds") < 3600
    assert "# TYPE coalition_http_request_duration_seconds histogram" in text
    assert _value(text, 'coalition_http_request_duration_seconds_count{method="POST",status="302"}') >= 1
    assert 'coalition_http_request_duration_seconds_bucket{le="0.1",method="GET",status="200"}' in text


def test_metrics_scrape_costs_a_constant_number_of_queries(client, db, metrics_on, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        _scrape(client)
