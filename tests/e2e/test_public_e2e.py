"""A partner signs a letter in French in headless Chromium: form by its labels, email link, Confirm button."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from letters.models import LetterVersion, Signature
from tests.factories import LetterFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

# ---------------------------------------------------------------------------------------------------------------
# LABELS: the French interface strings this test relies on, exactly as in locale/fr (keyed by the English source
# string, for the reader). The page must show them: an untranslated string fails the test.
LABELS = {
    # English source string: French translation
    "Organisation name, as it should appear on the letter": "Nom de l’organisation, tel qu’il doit figurer sur la lettre",
    "Acronym": "Sigle",
    "Country": "Pays",
    "Website": "Site web",
    "Your name": "Votre nom",
    "Your email": "Votre adresse e-mail",
    "I agree to be listed publicly as a signatory of this letter": "J’accepte de figurer publiquement parmi les signataires de cette lettre",
    "Message to the coordinators (optional)": "Message aux coordinateurs (facultatif)",
    "Sign": "Signer",
    "Thank you! Please check your email.": "Merci\u00a0! Veuillez consulter votre messagerie.",
    "Confirm": "Confirmer",
    "Your sign-on is confirmed. Thank you!": "Votre signature est confirmée. Merci\u00a0!",
}
# ---------------------------------------------------------------------------------------------------------------


def fr(english):
    return LABELS[english]


@pytest.fixture
def browser_page(browser):
    return browser.new_page(viewport={"width": 1200, "height": 1000}, locale="fr-FR")


@pytest.fixture
def french_letter(settings, live_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    settings.SITE_URL = live_server.url
    settings.SIGNON_MIN_FILL_SECONDS = 0
    mail.outbox = []
    letter = LetterFactory(slug="lettre-commune", languages=["en", "fr"])
    LetterVersion.objects.filter(letter=letter, language="fr").update(
        title="Lettre commune sur la protection des défenseurs",
        addressee="Aux : États membres du Conseil des droits de l’homme",
        body="Excellences,\n\nNous vous demandons **d’agir**.",
    )
    return letter


def test_partner_signs_in_french_and_confirms_from_the_email(live_server, french_letter, browser_page):
    page = browser_page
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/fr/letters/lettre-commune/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lettre commune sur la protection des défenseurs")

    page.get_by_label(fr("Organisation name, as it should appear on the letter")).fill("Ligue des droits humains")
    page.get_by_label(fr("Acronym"), exact=True).fill("LDH")
    page.get_by_label(fr("Country")).select_option("SN")
    page.get_by_label(fr("Website")).fill("ldh.example.org")
    page.get_by_label(fr("Your name")).fill("Aïssatou Diallo")
    page.get_by_label(fr("Your email")).fill("aissatou@ldh.example.org")
    page.get_by_label(fr("I agree to be listed publicly as a signatory of this letter")).check()
    page.get_by_label(fr("Message to the coordinators (optional)")).fill("Merci pour cette initiative.")
    page.screenshot(path=str(SCREENSHOTS / "public-signon-form-fr.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # most partners sign on a phone
    page.screenshot(path=str(SCREENSHOTS / "public-signon-form-fr-phone.png"), full_page=True)

    page.get_by_role("button", name=fr("Sign"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Thank you! Please check your email."))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aissatou@ldh.example.org"]
    # The email is in French too, with the French title ("Please confirm your sign-on: …").
    subject = message.subject.replace("\u00a0", " ")
    assert subject == "Veuillez confirmer votre signature : Lettre commune sur la protection des défenseurs"
    confirm_url = re.search(r"(http\S+/confirm/\S+/)", message.body).group(1)
    assert confirm_url.startswith(f"{live_server.url}/fr/letters/lettre-commune/confirm/")

    page.goto(confirm_url)
    assert Signature.objects.get().status == Signature.Status.PENDING  # opening the link confirms nothing
    page.screenshot(path=str(SCREENSHOTS / "public-confirm-button-fr.png"))
    page.get_by_role("button", name=fr("Confirm"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Your sign-on is confirmed. Thank you!"))
    page.screenshot(path=str(SCREENSHOTS / "public-confirmed-fr.png"), full_page=True)

    signature = Signature.objects.get()
    assert signature.status == Signature.Status.CONFIRMED and signature.language == "fr"
    assert signature.organisation.name == "Ligue des droits humains"
