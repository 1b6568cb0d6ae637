"""On a phone: a partner signs asking not to be named, then changes their mind on their own page (screenshots)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from letters.models import Signature
from letters.services import signon
from tests.factories import LetterFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
ORGANISATION_WORDING = "List us as ‘an organisation that cannot be named for security reasons’"
PERSON_WORDING = "List me as ‘a person who cannot be named’"


@pytest.fixture
def letter(settings, live_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    settings.SITE_URL = live_server.url
    settings.SIGNON_MIN_FILL_SECONDS = 0
    return LetterFactory(slug="withheld-letter", languages=["en"], accepts_individuals=True,
                         requires_approval=False)


@pytest.fixture
def phone(browser):
    page = browser.new_page(viewport=PHONE, locale="en-GB")
    yield page
    page.close()


def test_a_partner_asks_not_to_be_named_and_changes_their_mind(live_server, letter, phone):
    page = phone
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/en/letters/{letter.slug}/")

    # The wording follows the kind of signatory chosen.
    choice = page.locator("#id_withhold_name")
    expect(page.get_by_text(ORGANISATION_WORDING)).to_be_visible()
    expect(page.get_by_text(PERSON_WORDING)).to_be_hidden()
    page.get_by_label("as an individual, for identification purposes only").check()
    expect(page.get_by_text(PERSON_WORDING)).to_be_visible()
    expect(page.get_by_text(ORGANISATION_WORDING)).to_be_hidden()
    page.get_by_label("for an organisation").check()

    page.fill("#id_organisation_name", "Quiet Harbour Defenders")
    page.select_option("#id_country", "ZW")
    page.fill("#id_signer_name", "Ruth Ndlovu")
    page.fill("#id_signer_email", "ruth@quiet-harbour.example.org")
    page.check("#id_consent_public")
    choice.check()
    choice.scroll_into_view_if_needed()
    page.locator("#div_id_consent_public").screenshot(path=str(SCREENSHOTS / "withheld-signon-choice-phone.png"))
    page.screenshot(path=str(SCREENSHOTS / "withheld-signon-form-phone.png"), full_page=True)
    page.locator("form.signon-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you! Please check your email.")

    signature = Signature.objects.get()
    assert signature.consent_public is False
    signature.confirm()
    manage = f"{live_server.url}/en/letters/{letter.slug}/my-sign-on/{signon.make_token(signature, signon.MANAGE)}/"
    page.goto(manage)
    expect(page.locator(".name-choice")).to_contain_text("Not named: counted as")
    page.screenshot(path=str(SCREENSHOTS / "withheld-manage-withheld-phone.png"), full_page=True)

    page.get_by_role("button", name="Show my name on the letter").click()
    expect(page.get_by_text("Done: your name is shown on the letter.")).to_be_visible()
    expect(page.get_by_role("button", name=ORGANISATION_WORDING)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "withheld-manage-named-phone.png"), full_page=True)
    signature.refresh_from_db()
    assert signature.consent_public is True
    assert list(signature.events.filter(action__startswith="name ").values_list("action", flat=True)) == ["name shown"]
