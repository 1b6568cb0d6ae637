"""The interface in Arabic (right to left) and Chinese, in screenshots for a person to look at, and in what can be
measured: the direction and the RTL stylesheet, no sideways scrolling, Latin names isolated in <bdi>, Chinese set in a
font that has its characters (no "tofu" boxes).

The PNGs go to screenshots/ (gitignored) at 390 and 1280 px: i18n-<page>-<language>-<width>.png for the letter page,
the sign form after an empty submit, the coordinator dashboard (and its sign-on table) and the exports page.
"""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from letters.models import Organisation, Signature
from tests.e2e.test_accessibility import AXE_WIDTHS, SLUG, demo, logged_in, set_interface_language  # noqa: F401
from tests.factories import OrganisationFactory, SignatureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
LANGUAGES = ("ar", "zh-hans")
FORUM_ASIA = "Asian Forum for Human Rights and Development (FORUM-ASIA)"
LATIN_NAMES = ("ARTICLE 19", "(FORUM-ASIA)")
CJK = r"[\u3400-\u9fff]"

# Two different Chinese characters drawn in the element's own font: a font without them draws the same empty box
# (.notdef) twice, so the two drawings come out identical. Also says which font family the element asks for.
TOFU = """([selector, first, second]) => {
    const element = document.querySelector(selector);
    const style = getComputedStyle(element);
    const font = `${style.fontSize} ${style.fontFamily}`;
    const draw = text => {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 64;
        const context = canvas.getContext("2d");
        context.font = font;
        context.fillText(text, 4, 40);
        return Array.from(context.getImageData(0, 0, 64, 64).data).join(",");
    };
    return {font, same: draw(first) === draw(second), inked: draw(first) !== draw(" ")};
}"""


def no_sideways_scroll(page, where):
    scroll, width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll <= width, f"{where} scrolls sideways: {scroll} > {width}"


def assert_language(page, language, where):
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    rtl_sheet = page.evaluate(
        "[...document.styleSheets].some(s => (s.href || '').endsWith('bootstrap.rtl.min.css'))")
    if language == "ar":
        expect(html).to_have_attribute("dir", "rtl")
        assert rtl_sheet, f"{where}: no bootstrap.rtl.min.css"
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    else:
        expect(html).to_have_attribute("dir", "ltr")
        assert not rtl_sheet, f"{where}: the RTL stylesheet on a left-to-right page"
        assert_chinese_glyphs(page, where)


def assert_chinese_glyphs(page, where):
    """The interface speaks Chinese (its own strings, not only the letter's text) and the font draws them."""
    nav_text = page.locator(".site-navbar").inner_text() + page.locator("footer").inner_text()
    assert page.evaluate(f"/{CJK}/.test({nav_text!r})"), f"{where}: no Chinese in the navbar or footer: {nav_text}"
    for selector in ("footer", "main h1, main h2"):
        found = page.evaluate(TOFU, [selector, "签", "署"])
        assert found["inked"] and not found["same"], f"{where}: {selector} draws boxes for Chinese ({found['font']})"


def assert_mirrored(page, width, where):
    """Right to left: the brand at the right edge, the language menu to its left."""
    brand = page.locator(".navbar-brand").bounding_box()
    menu = page.locator(".language-menu").bounding_box()
    assert brand["x"] > width / 2, f"{where}: the brand is not on the right ({brand})"
    assert menu["x"] + menu["width"] < brand["x"], f"{where}: the language menu is not left of the brand"


def shoot(page, name, **options):
    page.screenshot(path=str(SCREENSHOTS / f"i18n-{name}.png"), **options)


@pytest.fixture
def listed(demo):
    """The open letter lists its signatories while open, with FORUM-ASIA (a name with an acronym in brackets)."""
    letter = demo["letter"]
    letter.list_public_while_open = True
    letter.save(update_fields=["list_public_while_open"])
    forum = (Organisation.objects.filter(name__startswith="Asian Forum for Human Rights").first()
             or OrganisationFactory(name=FORUM_ASIA))
    invited = letter.signatures.filter(organisation=forum).first()  # the demo fixture invites it
    if invited is None:
        SignatureFactory(letter=letter, organisation=forum, status=Signature.Status.APPROVED)
    else:
        invited.status, invited.consent_public, invited.signed_at = Signature.Status.APPROVED, True, timezone.now()
        invited.save()
    return demo


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_in_arabic_and_chinese(live_server, browser, listed, settings, language):
    settings.SIGNON_MIN_FILL_SECONDS = 0
    SCREENSHOTS.mkdir(exist_ok=True)
    url = f"{live_server.url}/{language}/letters/{SLUG}/"
    page = browser.new_page()
    for width in AXE_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
        name = f"{language}-{width}"
        page.goto(url)
        assert_language(page, language, f"letter page {name}")
        no_sideways_scroll(page, f"letter page {name}")
        if language == "ar":
            assert_mirrored(page, width, f"letter page {name}")
            for latin in LATIN_NAMES:
                expect(page.locator(".signatory-list bdi", has_text=latin)).to_have_count(1)
        else:
            expect(page.locator("form.signon-form button[type=submit]")).to_contain_text(re.compile(CJK))
        shoot(page, f"letter-{name}", full_page=True)

        page.locator("form.signon-form button[type=submit]").click()
        page.wait_for_load_state()
        summary = page.locator("#signon-errors")
        expect(summary).to_be_focused()
        for _attempt in range(30):  # Bootstrap scrolls smoothly to the summary
            if summary.bounding_box()["y"] < 300:
                break
            page.wait_for_timeout(100)
        assert_language(page, language, f"sign form with errors {name}")
        no_sideways_scroll(page, f"sign form with errors {name}")
        if language == "ar":
            # Labels start on the right: each one's right edge is the form's.
            form = page.locator("form.signon-form").bounding_box()
            labels = page.locator("form.signon-form label.form-label:not(.hp-field label):visible")
            for index in range(labels.count()):
                box = labels.nth(index).bounding_box()
                assert abs(box["x"] + box["width"] - form["x"] - form["width"]) <= 2, labels.nth(index).inner_text()
        else:
            assert page.evaluate(f"/{CJK}/.test(document.getElementById('signon-errors').innerText)")
        shoot(page, f"signform-errors-{name}")
        page.locator("#signon").screenshot(path=str(SCREENSHOTS / f"i18n-signform-errors-{name}-form.png"))
    page.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_coordinator_pages_in_arabic_and_chinese(live_server, browser, demo, language):
    SCREENSHOTS.mkdir(exist_ok=True)
    letter_url = f"{live_server.url}/manage/letters/{SLUG}/"
    page = logged_in(browser, live_server.url, "coordinator", "coalition-demo")
    set_interface_language(page, live_server.url, language)
    for width in AXE_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
        name = f"{language}-{width}"
        page.goto(letter_url)
        assert_language(page, language, f"dashboard {name}")
        no_sideways_scroll(page, f"dashboard {name}")
        shoot(page, f"dashboard-{name}")
        page.evaluate("() => window.scrollTo(0, document.querySelector('.dashboard-filters').offsetTop - 8)")
        shoot(page, f"dashboard-table-{name}")
        if language == "ar" and width == 1280:
            # Wide enough for the table's columns: the first one is the rightmost.
            headers = page.locator(".signatures-table thead th:visible")
            first, last = headers.first.bounding_box(), headers.last.bounding_box()
            assert first["x"] > last["x"], "the dashboard's columns do not run right to left"
        if language == "ar":
            assert_mirrored(page, width, f"dashboard {name}")
            # An English title in the Arabic workspace is isolated: its closing quote stays at its end.
            expect(page.locator("main h1 > bdi")).to_have_text(demo["letter"].title)
            expect(page.locator(".breadcrumb bdi")).to_have_text(demo["letter"].title)

        page.goto(letter_url + "exports/")
        assert_language(page, language, f"exports {name}")
        no_sideways_scroll(page, f"exports {name}")
        shoot(page, f"exports-{name}", full_page=True)
        page.locator("#export-heading").locator("..").locator("button[name=preview]").click()
        expect(page.locator("pre.export-preview")).to_be_visible()
        # The preview of an English list reads left to right, in the Arabic workspace too.
        expect(page.locator("pre.export-preview")).to_have_attribute("dir", "ltr")
        no_sideways_scroll(page, f"exports preview {name}")
        page.locator("pre.export-preview").scroll_into_view_if_needed()
        shoot(page, f"exports-preview-{name}")
    page.close()
