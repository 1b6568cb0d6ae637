"""A partner's own site (another origin: a tiny http.server on localhost) embeds a letter both ways — the script
widget and an <iframe> — in headless Chromium: the count shows, goes up when a coordinator approves a sign-on (the
widget polls the public count API), no cookie is set, a letter not allowing the partner's site cannot be framed,
and the Sign button opens the letter's form."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from letters.models import Signature
from letters.services import moderation
from tests.e2e.test_accessibility import axe
from tests.factories import LetterFactory, LetterVersionFactory, SignatureFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
REFRESH = 2  # seconds between polls of the count API (30 on a real site)
HOST_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Réseau partenaire</title>
<style>body {{ font-family: Georgia, serif; max-width: 44rem; margin: 1rem auto; padding: 0 .75rem; }}</style></head>
<body><h1>Réseau partenaire : nos campagnes</h1>
<h2>Widget (script)</h2>
<script src="{server}/static/embed/coalition-embed.js" data-letter="{slug}" data-refresh="{refresh}" async></script>
<h2>Widget (iframe)</h2>
<iframe id="allowed" src="{server}/en/letters/{slug}/embed/?refresh={refresh}" title="Sign-on widget" width="100%"
  height="260" style="border:0"></iframe>
<iframe id="refused" src="{server}/en/letters/not-for-framing/embed/" title="Refused widget" width="100%"
  height="120" style="border:0"></iframe>
</body></html>"""


@pytest.fixture
def partner_site():
    """An HTTP server on another origin (localhost, not 127.0.0.1: another site, not just another port)."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://localhost:{server.server_port}", pages=pages)
    server.shutdown()
    server.server_close()


@pytest.fixture
def letter(settings, live_server, partner_site):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    settings.SITE_URL = live_server.url
    letter = LetterFactory(slug="embedded-letter", languages=[], embed_origins=partner_site.url)
    LetterVersionFactory(letter=letter, language="en", title="Release the human rights defenders now")
    LetterVersionFactory(letter=letter, language="fr", title="Libérez maintenant les défenseurs des droits humains")
    LetterFactory(slug="not-for-framing", languages=["en"], embed_origins="")
    SignatureFactory.create_batch(2, letter=letter)
    return letter


def _host_page(browser, partner_site, live_server, letter, width):
    partner_site.pages["/"] = HOST_PAGE.format(server=live_server.url, slug=letter.slug, refresh=REFRESH)
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="en-GB")
    page.goto(partner_site.url + "/")
    return page


def test_a_partner_page_shows_the_live_count_and_sends_signers_to_the_form(browser, live_server, partner_site, letter):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = _host_page(browser, partner_site, live_server, letter, 1000)
    box = page.locator(".coalition-embed-host")  # the script widget (Playwright's locators see into its shadow root)
    frame = page.frame_locator("#allowed")
    # The script widget follows the page's language (fr); the frame its address (/en/).
    expect(box.get_by_role("heading", name="Libérez maintenant les défenseurs des droits humains")).to_be_visible()
    expect(frame.get_by_role("heading", name="Release the human rights defenders now")).to_be_visible()
    expect(box.locator("[data-count=organisations]")).to_have_text("2")
    expect(frame.locator("[data-count=organisations]")).to_have_text("2")
    assert page.context.cookies() == []  # nothing set by either widget before anyone interacts

    # A letter whose allow-list does not name this site is refused by the browser (CSP frame-ancestors 'none').
    refused = page.locator("#refused").element_handle().content_frame()
    assert refused.url.startswith("chrome-error://"), refused.url

    pending = SignatureFactory(letter=letter, status=Signature.Status.CONFIRMED)
    moderation.apply(pending, "approve", by=UserFactory(username="coordinator"))
    expect(box.locator("[data-count=organisations]")).to_have_text("3", timeout=REFRESH * 1000 + 8000)
    expect(frame.locator("[data-count=organisations]")).to_have_text("3", timeout=REFRESH * 1000 + 8000)
    page.screenshot(path=str(SCREENSHOTS / "embed-partner-page.png"), full_page=True)

    sign = frame.get_by_role("link", name="Sign this letter (opens in a new tab)")
    with page.context.expect_page() as opened:
        sign.click()
    form_page = opened.value
    form_page.wait_for_load_state()
    assert form_page.url == f"{live_server.url}/en/letters/{letter.slug}/#signon"
    expect(form_page.get_by_role("heading", name="Sign this letter")).to_be_visible()
    expect(form_page.locator("form.signon-form")).to_be_visible()
    assert box.get_by_role("link", name="Signer cette lettre").get_attribute("href") == (
        f"{live_server.url}/fr/letters/{letter.slug}/#signon")


def test_the_widget_fits_a_320_pixel_wide_phone(browser, live_server, partner_site, letter):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = _host_page(browser, partner_site, live_server, letter, 320)
    box = page.locator(".coalition-embed-host")
    sign = box.get_by_role("link", name="Signer cette lettre")
    expect(sign).to_be_visible()
    frame_sign = page.frame_locator("#allowed").get_by_role("link", name="Sign this letter")
    expect(frame_sign).to_be_visible()
    for element in (box.locator("section"), sign):
        right = element.evaluate("e => e.getBoundingClientRect().right")
        assert right <= 320, element
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(SCREENSHOTS / "embed-partner-page-320.png"), full_page=True)


def _serious(results):
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in results["violations"]
            if v["impact"] in ("serious", "critical")]


def test_both_widgets_have_no_serious_accessibility_violation(browser, live_server, partner_site, letter):
    page = _host_page(browser, partner_site, live_server, letter, 320)
    expect(page.locator(".coalition-embed-host").get_by_role("heading")).to_be_visible()
    assert _serious(axe(page)) == []  # axe looks into the script widget's shadow root too
    page.goto(f"{live_server.url}/ar/letters/{letter.slug}/embed/")  # the frame page alone, right to left
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert _serious(axe(page)) == []
