"""A partner on a phone signs with the keyboard only: Tab, typing, Space and Enter; then changes the language."""

import pytest
from playwright.sync_api import expect

from letters.models import Signature
from tests.factories import LetterFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def letter(settings, live_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    settings.SITE_URL = live_server.url
    settings.SIGNON_MIN_FILL_SECONDS = 0
    return LetterFactory(slug="keyboard-letter", languages=["en", "fr"])


@pytest.fixture
def phone(browser):
    page = browser.new_page(viewport=PHONE, locale="en-GB")
    yield page
    page.close()


def focused(page, what="id"):
    return page.evaluate(f"document.activeElement && document.activeElement.{what}")


def tab_to(page, predicate, limit=60):
    """Press Tab until the focused element satisfies `predicate` (a JS expression on `el`)."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => !!({predicate}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {predicate}")


def scrolled_near_the_top(page, selector):
    """The element comes to the top third of the screen (below the form's heading); Bootstrap scrolls smoothly.
    Polled with evaluate: the site's CSP forbids the string evaluation wait_for_function uses."""
    top = None
    for _attempt in range(30):
        top = page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().top")
        if 0 <= top < PHONE["height"] / 3:
            return True
        page.wait_for_timeout(100)
    raise AssertionError(f"{selector} stayed at {top}px from the top of the screen")


def test_a_partner_signs_on_a_phone_with_the_keyboard_only(live_server, letter, phone):
    page = phone
    page.goto(f"{live_server.url}/en/letters/keyboard-letter/")

    page.keyboard.press("Tab")  # the first stop is the skip link, shown when focused
    assert focused(page, "getAttribute('href')") == "#main"
    expect(page.locator(".skip-link")).to_be_visible()

    tab_to(page, "el.id === 'id_organisation_name'")
    page.keyboard.type("Ligue des droits humains")
    page.keyboard.press("Tab")
    page.keyboard.type("LDH")
    page.keyboard.press("Tab")
    assert focused(page) == "id_country"
    page.keyboard.type("Senegal")  # a closed select picks the option typed
    page.keyboard.press("Tab")
    page.keyboard.type("ldh.example.org")
    page.keyboard.press("Tab")
    assert focused(page) == "id_signer_name"  # left empty on purpose
    page.keyboard.press("Tab")
    page.keyboard.type("aissatou@ldh.example.org")
    page.keyboard.press("Tab")
    assert focused(page) == "id_consent_public"
    page.keyboard.press("Space")
    tab_to(page, "el.type === 'submit' && el.closest('form.signon-form')")
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle + ' ' + "
                         "getComputedStyle(document.activeElement).outlineWidth")
    assert ring == "solid 3px"  # a focus ring that shows, not Bootstrap's faint glow
    page.keyboard.press("Enter")

    # Back with the error summary focused and on screen, not the top of the page with the errors far below.
    page.wait_for_load_state()
    expect(page.locator("#signon-errors")).to_be_focused()
    assert scrolled_near_the_top(page, "#signon-errors")
    assert not Signature.objects.exists()
    expect(page.locator("#id_organisation_name")).to_have_value("Ligue des droits humains")
    expect(page.locator("#id_consent_public")).to_be_checked()

    page.keyboard.press("Tab")  # the summary's first link: the field in error
    expect(page.locator("#signon-errors a").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_signer_name")).to_be_focused()
    page.keyboard.type("Aïssatou Diallo")
    tab_to(page, "el.type === 'submit' && el.closest('form.signon-form')")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you! Please check your email.")
    assert Signature.objects.get().signer_name == "Aïssatou Diallo"


def test_the_interface_language_changes_only_when_the_choice_is_confirmed(live_server, letter, phone):
    page = phone
    url = f"{live_server.url}/en/letters/keyboard-letter/"
    page.goto(url)
    tab_to(page, "el.id === 'interface-language'")
    page.keyboard.press("ArrowDown")  # English → français: chosen, not yet confirmed
    page.keyboard.press("ArrowDown")  # → español
    page.keyboard.press("ArrowUp")  # ← back to français
    page.wait_for_timeout(500)
    assert page.url == url and page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("#interface-language")).to_have_value("fr")

    page.keyboard.press("Tab")
    assert focused(page, "type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/fr/letters/keyboard-letter/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#interface-language")).to_have_value("fr")
