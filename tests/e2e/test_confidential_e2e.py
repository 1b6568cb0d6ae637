"""A coordinator makes a letter confidential, gives a partner the shared link, replaces it, and publishes it: what
each person's browser sees (screenshots at 390 and 1280 px; axe on the pages that are new)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import BLOCKING, axe, logged_in
from tests.factories import LetterFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
def letter(settings, live_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    settings.SITE_URL = live_server.url
    coordinator = UserFactory(username="coordinator", password="pass-word-123")
    letter = LetterFactory(slug="embargoed", title="Embargoed statement", languages=["en"],
                           coordinators=[coordinator])
    letter.versions.update(title="Statement under embargo")
    return letter


def _blocking(page):
    return [(v["id"], n["target"]) for v in axe(page)["violations"] for n in v["nodes"]
            if (n["impact"] or v["impact"]) in BLOCKING]


def test_coordinator_shares_a_confidential_letter_then_replaces_the_link_and_publishes(live_server, letter, browser):
    SCREENSHOTS.mkdir(exist_ok=True)
    manage = logged_in(browser, live_server.url, "coordinator", "pass-word-123")
    manage.goto(f"{live_server.url}/manage/letters/embargoed/settings/")
    manage.get_by_label("Confidential until published").check()
    manage.locator("form button[type=submit]").last.click()
    panel = manage.locator("#visibility-panel")
    expect(panel).to_contain_text("Confidential")
    shared_link = manage.locator("#shared-link").input_value()
    assert "/en/letters/embargoed/?key=" in shared_link
    panel.screenshot(path=str(SCREENSHOTS / "confidential-dashboard-panel-1280.png"))
    assert _blocking(manage) == []

    stranger = browser.new_page(viewport={"width": 390, "height": 844})
    assert stranger.goto(f"{live_server.url}/en/letters/embargoed/").status == 404
    assert "Statement under embargo" not in stranger.content()

    partner = browser.new_page(viewport={"width": 390, "height": 844})
    partner.goto(shared_link)
    assert "key=" not in partner.url
    expect(partner.get_by_role("heading", level=1)).to_contain_text("Statement under embargo")
    expect(partner.get_by_text("Confidential letter.")).to_be_visible()
    assert partner.locator('meta[name="robots"]').get_attribute("content").startswith("noindex")
    partner.screenshot(path=str(SCREENSHOTS / "confidential-letter-phone.png"), full_page=True)
    assert _blocking(partner) == []

    manage.get_by_role("button", name="Replace the shared link").click()
    expect(manage.get_by_text("The shared link is replaced.")).to_be_visible()
    assert manage.locator("#shared-link").input_value() != shared_link
    assert partner.goto(f"{live_server.url}/en/letters/embargoed/").status == 404

    manage.get_by_role("button", name="Publish now").click()
    expect(manage.locator("#visibility-panel")).to_contain_text("Public: anyone can read it")
    manage.locator("#visibility-panel summary").click()
    expect(manage.locator("#visibility-panel")).to_contain_text("Made public")
    expect(manage.locator("#visibility-panel")).to_contain_text("Shared link replaced")
    assert stranger.goto(f"{live_server.url}/en/letters/embargoed/").status == 200
    assert stranger.locator('meta[name="robots"]').count() == 0
