"""Rate limits: anonymous readers per IP address, scripts per token; 429 with Retry-After beyond them."""

import pytest

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def test_the_public_api_limits_each_address(client, letter, settings):
    settings.API_RATE_PER_IP = 3
    answers = [client.get("/api/v1/letters/our-letter/count").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/letters/our-letter/count")
    assert int(refused["Retry-After"]) >= 1 and refused.json()["detail"]
    # Another address has its own allowance.
    assert client.get("/api/v1/letters/our-letter/count", REMOTE_ADDR="192.0.2.9").status_code == 200


def test_forwarded_addresses_count_only_as_far_as_our_proxies_wrote_them(client, letter, settings):
    settings.API_RATE_PER_IP = 1
    settings.TRUSTED_PROXY_HOPS = 0
    assert client.get("/api/v1/letters/", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
    # A made-up X-Forwarded-For is not a new address.
    assert client.get("/api/v1/letters/", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 429


def test_the_coordinator_api_limits_each_token(client, letter, settings, write_token, read_token):
    settings.API_RATE_PER_TOKEN = 2
    answers = [client.get("/api/v1/manage/letters/", **bearer(write_token)).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert client.get("/api/v1/manage/letters/", **bearer(read_token)).status_code == 200
