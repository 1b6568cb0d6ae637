"""Probes for load balancers and orchestrators: /healthz (the process answers) and /readyz (it can do its work)."""

import json
import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)


def healthz(request):
    """Liveness, and the bench floor: one trivial query, no templates, no session."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def readyz(request):
    """Readiness: the database answers a query and the cache stores and returns a value; 503 otherwise."""
    checks = {"database": _check_database, "cache": _check_cache}
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"; the reason is logged and shown
            logger.warning("readyz: %s unavailable: %s", name, error)
            results[name] = f"unavailable: {type(error).__name__}"
    ready = all(value == "ok" for value in results.values())
    response = HttpResponse(
        json.dumps({"ready": ready, **results}), status=200 if ready else 503, content_type="application/json"
    )
    response["Cache-Control"] = "no-store"
    return response


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


def _check_cache():
    value = uuid.uuid4().hex
    key = f"readyz:{value}"  # one key per probe: replicas probing the same cache at once do not race
    cache.set(key, value, 10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was stored")
    finally:
        cache.delete(key)
