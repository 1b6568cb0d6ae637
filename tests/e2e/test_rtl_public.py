"""The Arabic interface mirrors: right-to-left page, Bootstrap's RTL build, labels on the right, Latin names intact.

Screenshots go to screenshots/ (gitignored) for a person to look at: rtl-letter-<width>.png, rtl-form-errors-<width>.png.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from letters.models import LetterVersion
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
LATIN_NAMES = ["ARTICLE 19", "Asian Forum for Human Rights and Development (FORUM-ASIA)"]


@pytest.fixture
def arabic_letter(settings, live_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    settings.SITE_URL = live_server.url
    settings.SIGNON_MIN_FILL_SECONDS = 0
    letter = LetterFactory(slug="risala", languages=["ar", "en"], default_language="ar", list_public_while_open=True)
    LetterVersion.objects.filter(letter=letter, language="ar").update(
        title="رسالة مشتركة بشأن حماية المدافعين عن حقوق الإنسان",
        addressee="إلى: الدول الأعضاء في مجلس حقوق الإنسان",
        body="أصحاب السعادة،\n\nنحثكم على **التحرك** لحماية المدافعين في 12 دولة.",
        closing="مع خالص التقدير،",
    )
    for name in [*LATIN_NAMES, "مركز القاهرة لدراسات حقوق الإنسان"]:
        SignatureFactory(letter=letter, organisation=OrganisationFactory(name=name))
    return letter


@pytest.mark.parametrize("width", [390, 1280])
def test_the_arabic_letter_and_its_form_with_errors_mirror(live_server, arabic_letter, browser, width):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="ar")
    page.goto(f"{live_server.url}/ar/letters/risala/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("[...document.styleSheets].some(s => (s.href || '').includes('bootstrap.rtl.min.css'))")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing pushes the page sideways
    for name in LATIN_NAMES:
        expect(page.locator("#signatory-list bdi", has_text=name)).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / f"rtl-letter-{width}.png"), full_page=True)

    page.locator("form.signon-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#signon-errors")).to_be_focused()
    for _attempt in range(30):  # Bootstrap scrolls smoothly to the summary
        if page.evaluate("document.getElementById('signon-errors').getBoundingClientRect().top") < 300:
            break
        page.wait_for_timeout(100)
    page.screenshot(path=str(SCREENSHOTS / f"rtl-form-errors-{width}.png"), full_page=False)
    page.locator("#signon").screenshot(path=str(SCREENSHOTS / f"rtl-form-errors-{width}-form.png"))

    # Labels start on the right: each one's right edge is the form's right edge, and the text ends short of the left.
    form = page.locator("form.signon-form").bounding_box()
    labels = page.locator("form.signon-form label.form-label:not(.hp-field label):visible")  # not the honeypot
    assert labels.count() >= 4
    for index in range(labels.count()):
        box = labels.nth(index).bounding_box()
        assert abs((box["x"] + box["width"]) - (form["x"] + form["width"])) <= 2, labels.nth(index).inner_text()
        assert box["x"] > form["x"] + 2 or box["width"] >= form["width"] - 4
    assert page.evaluate("getComputedStyle(document.querySelector('#id_signer_name')).direction") == "rtl"
    page.close()
