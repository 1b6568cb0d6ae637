"""A cache backend that is never reachable, for /readyz's 503 (like Redis being down)."""

from django.core.cache.backends.base import BaseCache


class UnreachableCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    add = get = set = delete = touch = clear = has_key = _fail
