"""A coordinator in headless Chromium: logs in, pastes seed 004's list, reviews the preview, imports, approves a
pending sign-on and merges two duplicates. Screenshots of the preview and the dashboard go to screenshots/."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from letters.models import Letter, MergeRecord, Organisation, Signature
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
SEED_004 = (ROOT / "letters/demo/lists/004-en.txt").read_text(encoding="utf-8")


@pytest.fixture
def browser_page(browser):
    return browser.new_page(viewport={"width": 1400, "height": 1000})


@pytest.fixture
def workspace(live_server):
    """The demo directory, a new letter run by `maria` with one web sign-on waiting, and a misspelt duplicate."""
    call_command("load_demo", "--no-users")
    maria = UserFactory(username="maria")
    letter = LetterFactory(slug="hrc-58-joint-letter", title="HRC58 joint letter", coordinators=[maria],
                           languages=["en", "fr"])
    pending = SignatureFactory(letter=letter, status=Signature.Status.PENDING, signer_name="Lucía Pérez",
                               signer_email="lucia@redlatam.example",
                               organisation=OrganisationFactory(name="Red Latinoamericana de Defensoras", country="MX"))
    typo = OrganisationFactory(name="Commonwealth Human Rights Initiatives (CHRI)", country="IN")
    # On an older, finalised letter: it prints its snapshot, so merging changes no one else's live letter.
    SignatureFactory(letter=LetterFactory(title="An older letter", status=Letter.Status.FINALISED), organisation=typo)
    return {"letter": letter, "pending": pending, "typo": typo}


def test_coordinator_pastes_a_list_imports_approves_and_merges(live_server, browser_page, workspace):
    page, letter = browser_page, workspace["letter"]
    SCREENSHOTS.mkdir(exist_ok=True)

    # Log in: the workspace sends anonymous visitors to the login page first.
    page.goto(live_server.url + "/manage/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My letters")).to_be_visible()

    # Paste seed 004's list as it arrived and preview it.
    page.get_by_role("link", name="Paste a list").nth(1).click()
    page.get_by_label("The list as you received it").fill(SEED_004)
    page.get_by_role("button", name="Preview").click()
    rows = page.locator("tr.preview-row")
    expect(rows).to_have_count(21)
    expect(page.get_by_text("21 names read (layout: Name, country).")).to_be_visible()
    egypt = rows.filter(has=page.locator('input[value="The Egyptian Initiative for Personal Rights"]'))
    expect(egypt.get_by_text("Similar 95%")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "manage-paste-preview.png"), full_page=True)

    # Review: a known misspelling will be listed under the directory's spelling, and the preview says so.
    center = rows.filter(has=page.locator('input[value="Asian Legal Resource Center"]'))
    expect(center.get_by_text("Will appear as: Asian Legal Resource Centre")).to_be_visible()
    # DefendDefenders is taken as the directory's record.
    defend = rows.filter(has=page.locator('input[value="DefendDefenders"]'))
    expect(defend.locator("select")).to_have_value(
        f"org:{Organisation.objects.get(name__startswith='DefendDefenders (East').pk}")
    page.get_by_role("button", name="Import 21 lines").click()
    expect(page.get_by_text("21 sign-ons imported and approved.")).to_be_visible()
    assert letter.signatures.filter(status=Signature.Status.APPROVED).count() == 21
    shown = [s.display_name("en") for s in letter.signatures.with_names().filter(source="import").order_by("position")]
    assert shown[:3] == ["ARTICLE 19", "Asian Legal Resource Centre", "Amnesty International"]

    # Approve the sign-on that was waiting.
    pending_row = page.locator(f"#sig-{workspace['pending'].pk}")
    expect(pending_row.get_by_text("Pending confirmation")).to_be_visible()
    pending_row.get_by_role("button", name="Approve").click()
    pending_row = page.locator(f"#sig-{workspace['pending'].pk}")
    expect(pending_row.locator(".status-badge")).to_have_text("Approved")
    pending_row.get_by_text("History (1)").click()
    expect(pending_row.get_by_text("maria")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "manage-dashboard.png"), full_page=True)
    workspace["pending"].refresh_from_db()
    assert workspace["pending"].status == Signature.Status.APPROVED

    # Merge the misspelt record into the right one, from the directory.
    page.get_by_role("link", name="Directory").first.click()
    page.get_by_label("Search").fill("Commonwealth")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Commonwealth Human Rights Initiative (CHRI)").click()
    page.get_by_role("link", name="merge into this one").click()
    expect(page.get_by_role("heading", name="Merge two directory records")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "manage-merge.png"), full_page=True)
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_role("status").get_by_text("“Commonwealth Human Rights Initiatives (CHRI)” merged into")).to_be_visible()
    # The organisation page records the merge in its history too.
    expect(page.locator(".directory-changes")).to_contain_text("Commonwealth Human Rights Initiatives (CHRI)")
    expect(page.locator("ul.aliases")).to_contain_text("Commonwealth Human Rights Initiatives (CHRI)")
    assert not Organisation.objects.filter(pk=workspace["typo"].pk).exists()
    assert MergeRecord.objects.get().removed_name == "Commonwealth Human Rights Initiatives (CHRI)"
