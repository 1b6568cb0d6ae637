"""In headless Chromium: a coordinator invites a region, a contact follows the personal link, signs and confirms,
and the letter's dashboard shows the campaign funnel."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from letters.models import LetterVersion, OutgoingEmail, Signature
from tests.factories import ContactFactory, LetterFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PASSWORD = "pass-word-123"  # UserFactory's
# The sign-on page's French strings, exactly as in locale/fr (as in tests/e2e/test_public_e2e.py): the page must
# show them, an untranslated string fails the test.
LABELS = {
    "Organisation name, as it should appear on the letter": "Nom de l’organisation, tel qu’il doit figurer sur la lettre",
    "Your email": "Votre adresse e-mail",
    "I agree to be listed publicly as a signatory of this letter":
        "J’accepte de figurer publiquement parmi les signataires de cette lettre",
    "Sign": "Signer",
    "Thank you! Please check your email.": "Merci\u00a0! Veuillez consulter votre messagerie.",
    "Confirm": "Confirmer",
    "Your sign-on is confirmed. Thank you!": "Votre signature est confirmée. Merci\u00a0!",
}


def fr(english):
    return LABELS[english]


def link(message, marker):
    return re.search(rf"(http\S+{marker}\S+/)", message.body).group(1)


@pytest.fixture
def campaign_letter(settings, live_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    settings.SITE_URL = live_server.url
    settings.SIGNON_MIN_FILL_SECONDS = 0
    mail.outbox = []
    coordinator = UserFactory(username="coordinator")
    letter = LetterFactory(slug="defenders", coordinators=[coordinator], languages=["en", "fr"])
    LetterVersion.objects.filter(letter=letter, language="fr").update(title="Lettre commune sur les défenseurs")
    for name, country, email, language in [
        ("Ligue sénégalaise des droits humains", "SN", "awa@lsdh.example.org", "fr"),
        ("Kenya Voices", "KE", "info@kenyavoices.example.org", "en"),
        ("Pan-African Forum", "XF", "forum@panafrican.example.org", "es"),
        ("Geneva Watch", "CH", "hello@genevawatch.example.org", "en"),  # Europe: not invited
    ]:
        ContactFactory(organisation=OrganisationFactory(name=name, country=country), email=email, language=language)
    return letter


def test_coordinator_invites_a_region_and_an_invited_partner_signs_from_the_personal_link(
    live_server, campaign_letter, browser
):
    SCREENSHOTS.mkdir(exist_ok=True)
    coordinator = browser.new_page(viewport={"width": 1280, "height": 1000})
    coordinator.goto(f"{live_server.url}/accounts/login/?next=/manage/letters/defenders/")
    coordinator.get_by_label("Username").fill("coordinator")
    coordinator.get_by_label("Password").fill(PASSWORD)
    coordinator.get_by_role("button", name="Log in").click()

    coordinator.locator("#outreach-panel").get_by_role("link", name="Invite partners").click()
    coordinator.get_by_label("Africa", exact=True).check()
    coordinator.get_by_role("button", name="Find and preview").click()
    expect(coordinator.locator("#plan-to-invite")).to_contain_text("3 organisations will be invited (3 emails)")
    coordinator.screenshot(path=str(SCREENSHOTS / "outreach-invite-preview.png"), full_page=True)
    coordinator.get_by_role("button", name="Send 3 invitations").click()
    expect(coordinator.get_by_role("status")).to_contain_text("3 invitations are being sent to 3 organisations")

    assert sorted(m.to[0] for m in mail.outbox) == [
        "awa@lsdh.example.org", "forum@panafrican.example.org", "info@kenyavoices.example.org",
    ]
    invitation = next(m for m in mail.outbox if m.to == ["awa@lsdh.example.org"])
    assert "Lettre commune sur les défenseurs" in invitation.subject
    personal_link = link(invitation, "/invite/")
    assert personal_link.startswith(f"{live_server.url}/fr/invite/")

    # The partner reads the invitation some minutes after it arrived: opens in the first minute are taken for
    # mail scanners and not counted (see services.invitations.SCANNER_WINDOW).
    OutgoingEmail.objects.update(sent_at=timezone.now() - timedelta(minutes=5))
    partner = browser.new_page(viewport={"width": 390, "height": 844})  # partners often sign on a phone
    partner.goto(personal_link)
    assert partner.url == f"{live_server.url}/fr/letters/defenders/"
    name_field = partner.get_by_label(fr("Organisation name, as it should appear on the letter"))
    expect(name_field).to_have_value("Ligue sénégalaise des droits humains")  # pre-filled from the invitation
    expect(partner.get_by_label(fr("Your email"))).to_have_value("awa@lsdh.example.org")
    partner.get_by_label(fr("I agree to be listed publicly as a signatory of this letter")).check()
    partner.get_by_role("button", name=fr("Sign"), exact=True).click()
    expect(partner.get_by_role("heading", level=1)).to_have_text(fr("Thank you! Please check your email."))

    confirmation = [m for m in mail.outbox if m.to == ["awa@lsdh.example.org"]][-1]
    partner.goto(link(confirmation, "/confirm/"))
    partner.get_by_role("button", name=fr("Confirm"), exact=True).click()
    expect(partner.get_by_role("heading", level=1)).to_have_text(fr("Your sign-on is confirmed. Thank you!"))

    signature = Signature.objects.get(organisation__name="Ligue sénégalaise des droits humains")
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.source == Signature.Source.INVITATION and signature.opened_at is not None

    coordinator.goto(f"{live_server.url}/manage/letters/defenders/")
    panel = coordinator.locator("#outreach-panel")
    for stage, count in (("invited", "3"), ("opened", "1"), ("signed", "1")):
        expect(panel.locator(f'[data-stage="{stage}"] .stage-count')).to_have_text(count)
    panel.screenshot(path=str(SCREENSHOTS / "outreach-dashboard-panel.png"))
    coordinator.screenshot(path=str(SCREENSHOTS / "outreach-dashboard.png"))
    coordinator.goto(f"{live_server.url}/manage/letters/defenders/campaign/")
    expect(coordinator.locator("#chase-title")).to_contain_text("Still to chase: 2 organisations")
    coordinator.screenshot(path=str(SCREENSHOTS / "outreach-campaign.png"), full_page=True)
