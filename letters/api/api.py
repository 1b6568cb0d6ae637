"""The NinjaAPI: OpenAPI 3.1 schema at /api/schema/, interactive docs at /api/docs/ (Swagger UI from django-ninja's
own static files, since "ninja" is in INSTALLED_APPS: no CDN)."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from letters.api import coordinator, coordinator_exports, coordinator_imports, coordinator_outreach, public

DESCRIPTION = """
Coalition's API. **Public endpoints** (no login, CORS open, cached for a short while, rate-limited per IP address)
show what the public letter page shows: open, closed and finalised letters that are not confidential, their counts
and their public signatory list per language. **Coordinator endpoints** (`/api/v1/manage/…`) act on the letters the
token's user coordinates: create a token in the workspace (*API tokens*) and send it as
`Authorization: Bearer coal_…`. A read-only token may only read.
"""

api = NinjaAPI(
    title="Coalition API",
    version="1",
    description=DESCRIPTION.strip(),
    openapi_url="/schema/",
    docs_url="/docs/",
    urls_namespace="api",
)
api.add_router("/v1/", public.router)
for module in (coordinator, coordinator_imports, coordinator_outreach, coordinator_exports):
    api.add_router("/v1/manage/", module.router)


def _error(request, status, message, **extra):
    return api.create_response(request, {"detail": message, **extra}, status=status)


# Every error is JSON with a "detail" message (ninja's default shape), never an HTML page or a 500.
@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "Not found.")


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return _error(request, 422, "Invalid request.", errors=exc.errors)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = _error(request, 401, "A valid API token is required (Authorization: Bearer coal_…).")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _error(request, exc.status_code, str(exc))
