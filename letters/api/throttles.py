"""Rate limits of the API, counted in Django's cache (Redis when CACHE_URL is set, so all workers share them)."""

import os
import time

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import BaseThrottle

from coalition.middleware import client_ip
from letters import throttle as redis_throttle


class WindowThrottle(BaseThrottle):
    """At most `rate` requests per `period` seconds per client, in fixed windows.

    Not ninja's SimpleRateThrottle: it keeps the list of every request's time in the cache and rewrites that list
    on each request, a cost that grows with the rate; a counter per window is two cheap cache operations (a burst
    of up to twice the rate across a window boundary is acceptable for reads)."""

    period = 60
    setting = ""
    default_rate = 0

    def rate(self):
        # A setting wins; else the environment (API_RATE_PER_IP=…, as settings.py reads its other limits).
        return int(getattr(settings, self.setting, os.environ.get(self.setting, self.default_rate)))

    def get_ident(self, request):
        # Our own reading of X-Forwarded-For (only as far as our proxies wrote it), not ninja's NUM_PROXIES.
        return client_ip(request)

    def allow_request(self, request):
        rate = self.rate()
        if not rate:
            return True  # 0 turns the limit off
        self.window_end = (int(time.time()) // self.period + 1) * self.period
        key = f"api-throttle:{self.setting}:{self.get_ident(request)}:{self.window_end}"[:240]
        if redis_throttle.available():
            try:
                return _redis_count(key, self.window_end + 5) <= rate
            except Exception:  # noqa: BLE001 - Redis unreachable: serve rather than fail (the limit is a guard)
                return True
        cache.add(key, 0, self.period + 5)
        try:
            return cache.incr(key) <= rate
        except ValueError:  # the key expired between add and incr: this request opens a new window
            cache.add(key, 1, self.period + 5)
            return True

    def wait(self):
        return max(1, self.window_end - time.time())


_client = {}


def _redis_count(key, expire_at):
    """INCR and EXPIREAT in one round trip, on one client kept per process.

    Django's RedisCache builds a new client object for every call and needs three commands for add + incr: on the
    count endpoint, polled by every embed, that was more CPU than the whole rest of the request."""
    cache_backend = redis_throttle._cache()
    if "redis" not in _client:
        _client["redis"] = cache_backend._cache.get_client(write=True)
    key = cache_backend.make_and_validate_key(key)
    pipe = _client["redis"].pipeline(transaction=False)
    pipe.incr(key)
    pipe.expireat(key, expire_at)
    return pipe.execute()[0]


class PublicThrottle(WindowThrottle):
    """Anonymous readers, per IP address (API_RATE_PER_IP requests a minute; 0 = no limit)."""

    setting = "API_RATE_PER_IP"
    default_rate = 600


class CountThrottle(PublicThrottle):
    """The count endpoint, per IP address, counted in this process's memory (API_RATE_PER_IP requests a minute per
    process; 0 = no limit).

    The count is what every embedded widget polls: cheaper to answer (one row) than a round trip to a shared cache
    would be to count it. Counting in memory costs nothing and still bounds what one address can ask of a worker;
    the bound across the site is the rate times the number of processes."""

    _window = None
    _counts = {}

    def allow_request(self, request):
        rate = self.rate()
        if not rate:
            return True
        window_end = (int(time.time()) // self.period + 1) * self.period
        if window_end != CountThrottle._window:  # a new minute: forget the last one (bounded memory)
            CountThrottle._window, CountThrottle._counts = window_end, {}
        self.window_end = window_end
        ident = self.get_ident(request)
        count = CountThrottle._counts.get(ident, 0) + 1
        CountThrottle._counts[ident] = count
        return count <= rate


class TokenThrottle(WindowThrottle):
    """Coordinator scripts, per token (API_RATE_PER_TOKEN requests a minute; 0 = no limit)."""

    setting = "API_RATE_PER_TOKEN"
    default_rate = 1200

    def get_ident(self, request):
        token = getattr(request, "api_token", None)
        return f"token:{token.pk}" if token is not None else f"ip:{client_ip(request)}"
