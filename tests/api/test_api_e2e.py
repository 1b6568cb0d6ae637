"""In headless Chromium: the interactive API docs (Swagger UI renders the schema from our own static files under
the site's Content-Security-Policy, asking no other host for anything), and the workspace's API tokens page (a
token created, shown once, revoked; no serious or critical axe violation at a phone and a laptop width)."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import browser  # noqa: F401 - the fixture, shared with the other browser tests
from tests.factories import LetterFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE_SOURCE = (Path(__file__).parents[1] / "e2e" / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def test_swagger_ui_renders_the_schema_from_our_own_origin(browser, live_server):  # noqa: F811
    page = browser.new_page()
    requested, problems = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("/api/v1/letters/{slug}/count", exact=True)).to_be_visible()
    expect(page.get_by_text("/api/v1/manage/letters/{slug}/exports", exact=True)).to_be_visible()
    assert {urlsplit(url).netloc for url in requested if url.startswith("http")} == {urlsplit(live_server.url).netloc}
    assert not [text for text in problems if "Content Security Policy" in text], problems


def axe_violations(page):
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def test_a_coordinator_creates_sees_once_and_revokes_a_token(browser, live_server):  # noqa: F811
    user = UserFactory(username="maria", password="pass-word-123")
    LetterFactory(coordinators=[user], languages=["en"])
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("CRM sync")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert token.startswith("coal_")
    violations = []
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        violations += axe_violations(page)
    page.on("dialog", lambda dialog: dialog.accept())  # "Revoke this token?"
    page.get_by_role("button", name="Revoke “CRM sync”").click()
    expect(page.get_by_text("Token “CRM sync” revoked.")).to_be_visible()
    assert token not in page.content()
    violations += axe_violations(page)
    assert not violations, violations
