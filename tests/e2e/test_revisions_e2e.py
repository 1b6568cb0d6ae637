"""On a phone: a coordinator confirms a substantive change of an open letter's text, and anyone reads the diff
on the public history (screenshots in screenshots/)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from letters.models import OutgoingEmail, Signature
from tests.factories import LetterFactory, SignatureFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
def letter(settings, live_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    settings.SITE_URL = live_server.url
    maria = UserFactory(username="maria")
    letter = LetterFactory(slug="revised-letter", title="Civic space letter", coordinators=[maria], languages=["en"])
    version = letter.versions.get()
    SignatureFactory(letter=letter, status=Signature.Status.APPROVED, revision=version.revisions.get(),
                     signer_email="ana@civic.example.org")
    return letter


def test_a_coordinator_confirms_a_substantive_change_and_the_public_reads_the_diff(live_server, letter, browser):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=PHONE, locale="en-GB")
    page.goto(live_server.url + "/manage/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/manage/letters/{letter.slug}/versions/en/")
    page.fill("#id_body", "Excellencies,\n\nWe urge you to **act** before the session <script>x</script> ends.")
    page.get_by_label("Substantive", exact=False).check()
    page.fill("#id_change_note", "Adds a deadline")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Confirm a substantive change")).to_be_visible()
    expect(page.locator(".diff-text ins").first).to_contain_text("before the session")
    page.screenshot(path=str(SCREENSHOTS / "revisions-confirm-phone.png"), full_page=True)
    page.get_by_role("button", name="Save and tell the signers").click()
    expect(page.get_by_text("1 signer is told")).to_be_visible()
    assert OutgoingEmail.objects.filter(kind="text-changed", to="ana@civic.example.org").count() == 1

    public = browser.new_page(viewport=PHONE, locale="en-GB")
    public.goto(f"{live_server.url}/en/letters/{letter.slug}/")
    public.get_by_role("link", name="Text last changed on", exact=False).click()
    public.get_by_role("link", name="Revision 2 of", exact=False).click()
    expect(public.locator(".diff-text del").first).to_be_visible()
    expect(public.locator(".diff-text")).to_contain_text("<script>x</script>")  # shown as text
    public.screenshot(path=str(SCREENSHOTS / "revisions-diff-phone.png"), full_page=True)
    public.close()
    page.close()
