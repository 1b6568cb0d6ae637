"""Operators' view of a running replica: structured request logs and Prometheus metrics (README "Observability").

- RequestObservabilityMiddleware (first in MIDDLEWARE): with LOG_REQUESTS_JSON=1, one JSON line per request on the
  `coalition.requests` logger (time, method, path, view, status, duration_ms, queries, pid); with METRICS_TOKEN set,
  each request's latency goes into a histogram and accepted sign-on POSTs into a counter. With neither it only
  passes the request on.
- metrics(): `/metrics` in Prometheus' text format, behind a bearer token (404 while METRICS_TOKEN is unset, 401
  without a token, 403 with a wrong one). Figures the database knows — sign-ons per status, outbox emails per state,
  the age of the oldest queued email — are read at scrape time with three small aggregate queries, so every replica
  reports the same numbers whichever one is scraped. Request latency and accepted sign-ons are counted in the
  process: under gunicorn with several workers set PROMETHEUS_MULTIPROC_DIR (an empty directory, before the app
  starts; docker-compose does) so that a scrape sums every worker of the replica.
"""

import hmac
import json
import logging
import os
import time
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger("coalition.requests")

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
# The process's own metrics. In multiprocess mode the values live in files under PROMETHEUS_MULTIPROC_DIR and are
# collected from there at scrape time; otherwise from this registry.
REGISTRY = CollectorRegistry(auto_describe=True)
REQUEST_LATENCY = Histogram(
    "coalition_http_request_duration_seconds",
    "Time to answer a request, from the first middleware to the response.",
    ["method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
SIGNONS_ACCEPTED = Counter(
    "coalition_signons_accepted",
    "Public sign-on POSTs accepted (answered with the thanks redirect) by this replica since it started.",
    registry=REGISTRY,
)


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        log = settings.LOG_REQUESTS_JSON
        measure = bool(settings.METRICS_TOKEN)
        if not (log or measure):
            return self.get_response(request)
        started_at = time.time()
        started = time.perf_counter()
        queries = _QueryCounter()
        if log:
            with connection.execute_wrapper(queries):
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        duration = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else ""
        if measure:
            REQUEST_LATENCY.labels(request.method, str(response.status_code)).observe(duration)
            if request.method == "POST" and view == "public:letter" and response.status_code == 302:
                if response.get("Location", "").rstrip("/").endswith("/thanks"):
                    SIGNONS_ACCEPTED.inc()
        if log:
            logger.info(json.dumps({
                "time": datetime.fromtimestamp(started_at, UTC).isoformat(timespec="milliseconds"),
                "method": request.method,
                "path": request.path,
                "view": view,
                "status": response.status_code,
                "duration_ms": round(duration * 1000, 2),
                "queries": queries.count,
                "pid": os.getpid(),
            }, separators=(",", ":")))
        return response


# --- /metrics ---------------------------------------------------------------------------------------------------


class DatabaseCollector:
    """Gauges read from the database at scrape time: three aggregates over indexed columns."""

    def collect(self):
        from letters.models import OutgoingEmail, Signature

        signons = GaugeMetricFamily("coalition_signons", "Sign-ons in the database, per status.", labels=["status"])
        counts = dict(Signature.objects.order_by().values_list("status").annotate(n=_count()))
        for status in Signature.Status.values:
            signons.add_metric([status], counts.get(status, 0))
        yield signons

        emails = GaugeMetricFamily("coalition_outbox_emails", "Outbox emails, per state.", labels=["state"])
        counts = dict(OutgoingEmail.objects.order_by().values_list("state").annotate(n=_count()))
        for state in OutgoingEmail.State.values:
            emails.add_metric([state], counts.get(state, 0))
        yield emails

        oldest = (
            OutgoingEmail.objects.filter(state=OutgoingEmail.State.QUEUED).order_by().values_list("created_at")
            .aggregate(oldest=_min("created_at"))["oldest"]
        )
        age = max((timezone.now() - oldest).total_seconds(), 0.0) if oldest else 0.0
        yield GaugeMetricFamily(
            "coalition_outbox_oldest_queued_age_seconds",
            "How long the oldest email still queued has waited (0 when none is queued).",
            value=age,
        )


def _count():
    from django.db.models import Count

    return Count("pk")


def _min(field):
    from django.db.models import Min

    return Min(field)


def _registry():
    registry = CollectorRegistry(auto_describe=False)
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUEST_LATENCY, SIGNONS_ACCEPTED):
            registry.register(collector)
    registry.register(DatabaseCollector())
    return registry


def metrics(request):
    expected = settings.METRICS_TOKEN
    if not expected:
        raise Http404
    header = request.headers.get("Authorization", "")
    given = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if not given:
        response = HttpResponse("A bearer token is needed.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponse("Wrong token.\n", status=403, content_type="text/plain")
    response = HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
