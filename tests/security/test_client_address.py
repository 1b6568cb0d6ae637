"""Issue 10, item 4: the per-IP sign-on budget follows the address our own proxies saw, never one the client wrote
into X-Forwarded-For (TRUSTED_PROXY_HOPS / TRUSTED_PROXIES; BEHIND_PROXY only sets the HTTPS header and 1 hop)."""

from pathlib import Path

import pytest
from django.test import RequestFactory

from coalition.middleware import client_ip
from letters.models import Signature
from tests.factories import LetterFactory
from tests.public.helpers import form_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(autouse=True)
def _limits(signon_settings):
    signon_settings.SIGNON_RATE_PER_IP = 2
    signon_settings.SIGNON_RATE_PER_EMAIL = 0
    signon_settings.TRUSTED_PROXY_HOPS = 0
    signon_settings.TRUSTED_PROXIES = []


@pytest.fixture
def open_letter(coordinator):
    return LetterFactory(slug="open-letter", coordinators=[coordinator], languages=["en"])


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def sign_as(client, letter, index, **headers):
    data = form_data(organisation_name=f"Spoofing Org {index}", signer_email=f"s{index}@spoof.example")
    return client.post(f"/en/letters/{letter.slug}/", data, **headers)


def test_a_direct_client_cannot_raise_its_per_ip_budget_with_a_spoofed_forwarded_for(client, open_letter, settings):
    # BEHIND_PROXY=1 (HTTPS header from the proxy) used to make every X-Forwarded-For trusted, from anyone.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    statuses = [
        sign_as(client, open_letter, n, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert Signature.objects.count() == 2


def test_a_client_that_is_not_one_of_the_trusted_proxies_is_limited_by_its_own_address(client, open_letter, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    statuses = [
        sign_as(client, open_letter, n, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_behind_one_trusted_proxy_each_visitor_has_its_own_budget(client, open_letter, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    # The proxy appends the address it saw; whatever the visitor wrote before it is ignored.
    statuses = [
        sign_as(client, open_letter, n, REMOTE_ADDR="172.18.0.1",
                HTTP_X_FORWARDED_FOR=f"6.6.6.6, 198.51.100.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 302]
    spoofing_one_visitor = [
        sign_as(client, open_letter, 10 + n, REMOTE_ADDR="172.18.0.1",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 192.0.2.50").status_code
        for n in range(3)
    ]
    assert spoofing_one_visitor == [302, 302, 429]


def test_without_trusted_proxies_the_address_is_remote_addr(settings):
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_with_one_trusted_hop_the_right_most_forwarded_address_is_used(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip(request_from("172.18.0.1", "6.6.6.6, 198.51.100.1")) == "198.51.100.1"
    assert client_ip(request_from("172.18.0.1", " 2001:db8::1 ")) == "2001:db8::1"
    # No header (a request that did not come through the proxy), or garbage in it: the connection's address.
    assert client_ip(request_from("172.18.0.1")) == "172.18.0.1"
    assert client_ip(request_from("172.18.0.1", "not-an-address")) == "172.18.0.1"


def test_with_two_trusted_hops_the_second_address_from_the_right_is_used(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.1")) == "198.51.100.1"
    assert client_ip(request_from("10.0.0.2", "10.0.0.1")) == "10.0.0.2"  # fewer entries than proxies


def test_trusted_proxies_by_address_skip_every_proxy_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]
    assert client_ip(request_from("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3")) == "198.51.100.1"
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"  # not from our proxy
    assert client_ip(request_from("127.0.0.1", "10.0.0.5")) == "127.0.0.1"  # only proxies in the chain


def test_behind_proxy_means_one_trusted_hop_by_default(monkeypatch):
    import importlib

    import coalition.settings as project_settings

    monkeypatch.setenv("BEHIND_PROXY", "1")
    monkeypatch.delenv("TRUSTED_PROXY_HOPS", raising=False)
    try:
        reloaded = importlib.reload(project_settings)
        assert reloaded.TRUSTED_PROXY_HOPS == 1
        assert reloaded.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
        monkeypatch.setenv("TRUSTED_PROXY_HOPS", "2")
        assert importlib.reload(project_settings).TRUSTED_PROXY_HOPS == 2
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)


def test_docker_compose_publishes_only_the_proxy_and_on_loopback_by_default():
    """The app port is never published (clients could bypass the proxy and forge X-Forwarded-For); the proxy's
    is bound to 127.0.0.1 unless PROXY_BIND says otherwise."""
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    published = {name: service["ports"] for name, service in services.items() if service.get("ports")}
    assert list(published) == ["proxy"]
    assert all(str(port).startswith("${PROXY_BIND:-127.0.0.1}:") for port in published["proxy"])
    assert "8000:8000" not in (ROOT / "docker-compose.yml").read_text()