"""With the shared cache on Redis, the sign-on limits live there (letters/throttle.py): the same token buckets,
shared by every process, one database statement fewer per sign-on; the database takes over if Redis fails."""

import uuid
from unittest import mock

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from letters import throttle
from letters.models import Throttle
from letters.services import signon
from tests.scale.test_shared_cache import REDIS_URL, _redis_or_skip

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    raw = _redis_or_skip()
    prefix = f"coalition-limits-{uuid.uuid4().hex}"
    shared = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    with mock.patch.object(throttle, "_cache", lambda: shared):
        yield shared
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)


def test_the_per_email_limit_holds_in_redis_without_touching_the_database(redis_cache, settings):
    settings.SIGNON_RATE_PER_IP, settings.SIGNON_RATE_PER_EMAIL = 100, 3

    with CaptureQueriesContext(connection) as queries:
        answers = [signon.allow("192.0.2.1", "victim@ngo.example.org") for _ in range(4)]

    assert answers == [True, True, True, False]
    assert len(queries) == 0 and not Throttle.objects.exists()
    # "+tag" and dots at Gmail reach the same inbox: the same bucket.
    assert signon.allow("192.0.2.2", "victim+again@ngo.example.org") is False
    assert signon.allow("192.0.2.2", "someone.else@ngo.example.org") is True


def test_two_processes_share_the_per_ip_bucket(redis_cache, settings):
    settings.SIGNON_RATE_PER_IP, settings.SIGNON_RATE_PER_EMAIL = 2, 100
    other_process = RedisCache(REDIS_URL, {"KEY_PREFIX": redis_cache.key_prefix})

    assert signon.allow("198.51.100.7", "a@one.example.org")
    with mock.patch.object(throttle, "_cache", lambda: other_process):
        assert signon.allow("198.51.100.7", "b@two.example.org")
        assert not signon.allow("198.51.100.7", "c@three.example.org")


def test_tokens_come_back_over_the_hour(redis_cache, settings):
    settings.SIGNON_RATE_PER_IP, settings.SIGNON_RATE_PER_EMAIL = 0, 2
    clock = [1_000_000.0]
    with mock.patch.object(throttle.time, "time", lambda: clock[0]):
        assert signon.allow("203.0.113.1", "x@ngo.example.org") and signon.allow("203.0.113.1", "x@ngo.example.org")
        assert not signon.allow("203.0.113.1", "x@ngo.example.org")
        clock[0] += 1800  # half an hour: one of the two tokens is back
        assert signon.allow("203.0.113.1", "x@ngo.example.org")
        assert not signon.allow("203.0.113.1", "x@ngo.example.org")


def test_an_unreachable_redis_falls_back_to_the_database(settings):
    settings.SIGNON_RATE_PER_IP, settings.SIGNON_RATE_PER_EMAIL = 100, 1
    broken = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    with mock.patch.object(throttle, "_cache", lambda: broken):
        assert signon.allow("192.0.2.9", "late@ngo.example.org") is True
        assert signon.allow("192.0.2.9", "late@ngo.example.org") is False
    assert Throttle.objects.filter(key__startswith="signon:email:").exists()


def test_cache_url_redis_turns_the_redis_limits_on(settings):
    _redis_or_skip()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": f"coalition-limits-{uuid.uuid4().hex}"}}
    assert throttle.available()


def test_without_redis_the_database_keeps_the_limits(settings):
    assert not throttle.available()  # the test settings use local memory
    settings.SIGNON_RATE_PER_IP, settings.SIGNON_RATE_PER_EMAIL = 100, 1
    assert signon.allow("192.0.2.10", "one@ngo.example.org") is True
    assert signon.allow("192.0.2.10", "one@ngo.example.org") is False
