"""Issue 11, "A cache shared by all processes": with CACHE_URL=redis://… every worker (and replica) reads the list
another one rendered, once per change. Uses the Redis on 127.0.0.1:6379 (skipped, saying why, without it)."""

import contextlib
import os
import subprocess
import sys
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache.backends.redis import RedisCache

from letters.models import Signature
from letters.views import public, public_cache
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[2]


def _redis_or_skip():
    try:
        import redis
    except ImportError:
        pytest.skip("the redis package is not installed (pip install -r requirements.txt)")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {REDIS_URL} ({error}); the shared-cache tests need one")
    return client


@pytest.fixture
def two_processes():
    """Two cache clients on the same Redis, as two gunicorn workers (or replicas) have: separate connections,
    nothing shared in memory. A prefix of their own keeps this test apart from anything else using the server."""
    raw = _redis_or_skip()
    prefix = f"coalition-test-{uuid.uuid4().hex}"
    clients = [RedisCache(REDIS_URL, {"KEY_PREFIX": prefix}) for _ in range(2)]
    yield clients
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)


@contextlib.contextmanager
def worker_using(cache):
    """Requests served as by a worker whose cache is `cache` (the page's and the list's)."""
    with mock.patch.object(public, "cache", cache), mock.patch.object(public_cache, "cache", cache):
        yield


def _list_section(html):
    start = html.index('id="signatories-heading"')
    return html[start:html.index("</section>", start)]


def test_two_workers_share_one_rendering_of_the_list(client, two_processes):
    first, second = two_processes
    letter = LetterFactory(slug="shared")
    SignatureFactory(letter=letter, organisation=OrganisationFactory(name="Shared Rights Org"))
    builds = mock.Mock(wraps=public_cache.build_public_entries)
    with mock.patch.object(public_cache, "build_public_entries", builds):
        with worker_using(first):
            html_first = client.get("/en/letters/shared/").content.decode()
        with worker_using(second):
            html_second = client.get("/en/letters/shared/").content.decode()
            # The full list page reads the same rendering too.
            assert "Shared Rights Org" in client.get("/en/letters/shared/signatories/").content.decode()
    assert "<li><bdi>Shared Rights Org</bdi></li>" in html_first
    assert _list_section(html_first) == _list_section(html_second)  # (the form's tokens differ per request)
    assert builds.call_count == 1  # rendered by the first worker only

    # A change through one worker shows on the other at once, rendered once more.
    SignatureFactory(letter=letter, organisation=OrganisationFactory(name="Another Voice"))
    with mock.patch.object(public_cache, "build_public_entries", builds):
        with worker_using(second):
            assert "<li><bdi>Another Voice</bdi></li>" in client.get("/en/letters/shared/").content.decode()
        with worker_using(first):
            html = client.get("/en/letters/shared/").content.decode()
    assert "<li><bdi>Another Voice</bdi></li>" in html and "2 organisations have signed." in html
    assert builds.call_count == 2
    assert Signature.objects.filter(letter=letter).count() == 2


def test_cache_url_selects_django_redis_cache_and_local_memory_when_unset():
    _redis_or_skip()
    script = ("from django.conf import settings; import django; django.setup(); from django.core.cache import cache;"
              "cache.set('probe', 'seen', 5); print(settings.CACHES['default']['BACKEND'], cache.get('probe'))")
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "coalition.settings", "DEBUG": "1"}
    base.pop("CACHE_URL", None)
    shared = subprocess.run([sys.executable, "-c", script], env={**base, "CACHE_URL": REDIS_URL}, cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=True)
    assert shared.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "seen"]
    local = subprocess.run([sys.executable, "-c", script], env=base, cwd=ROOT, capture_output=True, text=True,
                           timeout=60, check=True)
    assert local.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache", "seen"]
