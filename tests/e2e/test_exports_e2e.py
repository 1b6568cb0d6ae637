"""A coordinator in headless Chromium: from the dashboard's export panel to the export page, previews the French
list, downloads a CSV, finalises the letter and sees the list frozen. Screenshots go to screenshots/."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from letters.models import Letter, ListSnapshot, OrganisationName, Signature
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
SEED_004 = "hrc37-win-win-cooperation"


@pytest.fixture
def browser_page(browser):
    return browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)


@pytest.fixture
def seed_004(live_server):
    """Seed 004 (open for sign-on, a French version added) run by `maria`; one organisation named in French."""
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    letter = Letter.objects.get(slug=SEED_004)
    letter.versions.create(language="fr", title="Projet de résolution « coopération gagnant-gagnant »",
                           body="Le projet de résolution manque d'équilibre.", closing="Signataires :")
    letter.coordinators.add(UserFactory(username="maria"))
    egypt = letter.signatures.get(organisation__name="Egyptian Initiative for Personal Rights").organisation
    OrganisationName.objects.create(organisation=egypt, language="fr", name="Initiative égyptienne pour les droits")
    letter.signatures.filter(name_override="The Egyptian Initiative for Personal Rights").update(name_override="")
    return letter


def test_coordinator_previews_downloads_and_finalises(live_server, browser_page, seed_004):
    page, letter = browser_page, seed_004
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto(live_server.url + f"/manage/letters/{letter.slug}/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()

    # The dashboard's panel: quick downloads per language and a way to every option.
    panel = page.locator("#export-panel")
    expect(panel.get_by_role("row", name="French")).to_be_visible()
    panel.screenshot(path=str(SCREENSHOTS / "exports-dashboard-panel.png"))
    panel.get_by_role("link", name="All layouts, preview and finalising").click()

    # Preview the French list as "Name, Country": countries and the French name are in French.
    page.locator("#id_language").select_option("fr")
    page.locator("#id_format").select_option("name-country")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("pre.export-preview")
    expect(preview).to_contain_text("ARTICLE 19, International\n")
    expect(preview).to_contain_text("Cairo Institute for Human Rights Studies, Suisse")
    expect(preview).to_contain_text("Initiative égyptienne pour les droits, Égypte")
    page.screenshot(path=str(SCREENSHOTS / "exports-page-preview-fr.png"), full_page=True)

    # Download the coordinators' CSV (with contacts).
    page.locator("#id_format").select_option("csv")
    page.get_by_label("Add signers' names and emails").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == f"{letter.slug}-fr.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    with translation.override("fr"):  # the French list has French headers
        assert rows[0][1] == gettext("Name") and rows[0][-1] == gettext("Signer's email")
    assert len(rows) == 22 and rows[1][1] == "Amnesty International"

    # Finalise: confirm, then the list is frozen in both languages, with who and when.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Finalise the letter").click()
    expect(page.get_by_text("The letter is finalised: its list is frozen in every language.")).to_be_visible()
    expect(page.locator("#snapshot-record li")).to_have_count(2)
    expect(page.locator("#snapshot-record")).to_contain_text("maria")
    page.screenshot(path=str(SCREENSHOTS / "exports-page-finalised.png"), full_page=True)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.FINALISED
    assert ListSnapshot.objects.filter(letter=letter, kind="final").count() == 2

    # A late sign-on shows up as "after publication" on the page, for the addendum.
    late = Signature.objects.create(letter=letter, organisation=OrganisationFactory(name="Late Rights Group"),
                                    status=Signature.Status.CONFIRMED)
    late.approve(by=None, reason="arrived after the letter was sent")
    page.reload()
    expect(page.locator("#late-counts")).to_contain_text("1 late sign-on")
    page.screenshot(path=str(SCREENSHOTS / "exports-page-late.png"), full_page=True)
    page.goto(live_server.url + f"/manage/letters/{letter.slug}/")
    panel = page.locator("#export-panel")
    expect(panel).to_contain_text("1 sign-on approved after publication")
    panel.screenshot(path=str(SCREENSHOTS / "exports-dashboard-panel-finalised.png"))
    with page.expect_download() as download_info:
        panel.get_by_role("row", name="English").get_by_role("link", name="Addendum").click()
    assert Path(download_info.value.path()).read_text(encoding="utf-8") == "Late Rights Group\n"
