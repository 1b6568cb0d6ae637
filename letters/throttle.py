"""The sign-on abuse limits in Redis when the shared cache is Redis (CACHE_URL=redis://…).

The same token buckets as the database's (letters.services.signon: capacity tokens refilled over an hour, one
taken per complete sign-on, a bucket that is empty left as it is), kept where every web replica already shares
state: a sign-on then costs the database one statement fewer, and a conference Wi-Fi's busy per-IP bucket is no
longer a hot row that concurrent sign-ons queue on. Without Redis the database keeps doing it (the default).

No library fits: django-ratelimit counts fixed windows in the cache (a burst of twice the limit across a window
boundary) and cannot take tokens from two buckets in one atomic step; this is one short Lua script.
"""

import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

# KEYS: the buckets; ARGV[1]: now (s), ARGV[2]: refill period (s), ARGV[2 + i]: capacity of bucket i.
# Refill every bucket, take a token from each that has one, and answer 1 only if all of them had one.
_TAKE = """
local now, period, allowed = tonumber(ARGV[1]), tonumber(ARGV[2]), 1
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[2 + i])
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1]) or capacity
  local at = tonumber(state[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - at) * capacity / period)
  if tokens >= 1 then tokens = tokens - 1 else allowed = 0 end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('EXPIRE', key, math.ceil(period * 2))
end
return allowed
"""


def _cache():
    # The backend itself: django.core.cache.cache is a proxy, which is no RedisCache instance.
    return caches["default"]


def available():
    """Whether the default cache is Redis (Django's own RedisCache backend)."""
    return isinstance(_cache(), RedisCache)


def take(buckets, per_seconds=3600):
    """One token from each (key, capacity) bucket; True when every bucket had one. Raises on Redis errors: the
    caller falls back to the database then."""
    cache = _cache()
    keys = [cache.make_and_validate_key(f"throttle:{key}") for key, _capacity in buckets]
    client = cache._cache.get_client(keys[0], write=True)
    capacities = [float(capacity) for _key, capacity in buckets]
    return bool(client.eval(_TAKE, len(keys), *keys, time.time(), float(per_seconds), *capacities))
