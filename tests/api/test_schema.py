"""The OpenAPI schema is generated from the code, valid, and its docs come from our own static files."""

import re

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_schema_is_served_at_api_schema_and_is_valid_openapi_3_1(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_schema_names_the_bearer_token_on_coordinator_endpoints_only(client):
    spec = client.get("/api/schema/").json()
    assert spec["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            assert ("security" in operation) == path.startswith("/api/v1/manage/"), path


def test_docs_page_loads_swagger_from_our_static_files_and_no_other_host(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui" in html
    # No CDN, no third-party host: every URL on the page is relative to ours.
    assert not re.findall(r"(?:src|href)=[\"'](?:https?:)?//", html)
    assert "cdn" not in html.lower()


def test_docs_assets_are_served_by_us(client, settings):
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("ninja/swagger-ui.css")
