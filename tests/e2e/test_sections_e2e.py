"""A coordinator pastes a real, structured list in headless Chromium: a sectioned numbered table with a description
column, individuals and a run-on line; reviews the preview, imports, and moves sign-ons between sections on the
dashboard. Screenshots go to screenshots/ (git-ignored)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from letters.models import Signature
from tests.factories import LetterFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"

# The shape of ../shared/lists/sections-numbered-table.en.txt, then individuals and a line that lost its separators.
PASTE = """Signatories:

International and regional organisations and networks

1\tGreenpeace International\tAn independent global campaigning organisation for the environment and peace.
2\tClimate Action Network International (CAN-I)\tA network of more than 1,900 civil society organisations.
3\tPesticide Action Network International (PAN)\t

National organisations

4\tInstituto de Defesa de Consumidores (Idec)\tBrazil
5\tCentre for Environmental Justice\tSri Lanka
6\tZimbabwe Lawyers for Human Rights\tZimbabwe

Individuals (affiliation for identification purposes only)

7\tMeera Krishnan\tProfessor of Law, Chennai
8\tDr. Arjun Patel\tPublic health researcher

Greenpeace México Fundación Pachamama - Ecuador Amazon Watch Centro Mexicano de Derecho Ambiental - México Colectivo Casa - Bolivia
"""


@pytest.fixture
def coordinator_page(browser, live_server):
    UserFactory(username="maria")
    letter = LetterFactory(slug="climate-letter", title="Climate joint letter", coordinators=[
        UserFactory(username="maria")], languages=["en"])
    OrganisationFactory(name="Amazon Watch", country="XI")
    OrganisationFactory(name="Greenpeace México", country="MX")
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(live_server.url + "/manage/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    return page, letter


def test_sectioned_table_with_individuals_and_a_run_on_line_previews_imports_and_moves(live_server,
                                                                                       coordinator_page):
    page, letter = coordinator_page
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/manage/letters/{letter.slug}/paste/")
    page.get_by_label("The list as you received it").fill(PASTE)
    page.get_by_role("button", name="Preview").click()

    rows = page.locator("tr.preview-row")
    expect(rows).to_have_count(9)
    preview = page.locator(".paste-preview")
    expect(preview.locator(".preview-sections")).to_contain_text("National organisations")
    expect(preview.get_by_text("probably several organisations").first).to_be_visible()
    expect(rows.filter(has_text="Individual")).to_have_count(2)
    run_on = rows.filter(has=page.locator("textarea"))
    expect(run_on).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "lists-preview-sectioned-table.png"), full_page=True)

    # The coordinator corrects the proposed split, then imports.
    run_on.locator("textarea").fill("Greenpeace México\nFundación Pachamama - Ecuador\nAmazon Watch\n"
                                    "Centro Mexicano de Derecho Ambiental\nColectivo Casa")
    page.get_by_role("button", name="Import 9 lines").click()
    expect(page.get_by_text("imported and approved")).to_be_visible()
    assert Signature.objects.filter(letter=letter).count() == 13
    assert letter.sections.count() == 3

    # The dashboard shows the sections; move one sign-on, then two in bulk.
    expect(page.locator(".sections-summary")).to_contain_text("National organisations")
    idec = Signature.objects.get(letter=letter, organisation__name__startswith="Instituto de Defesa")
    international = letter.sections.get(position=1)
    page.select_option(f"#section-{idec.pk}", str(international.pk))
    page.locator(f"#sig-{idec.pk}").get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text("moved to “International and regional organisations and networks”")).to_be_visible()
    idec.refresh_from_db()
    assert idec.section == international

    national = letter.sections.get(position=2)
    ticked = Signature.objects.filter(letter=letter, section=None)[:2]
    for signature in ticked:
        page.locator(f"#sig-{signature.pk} input[name=signatures]").check()
    page.select_option("#bulk-action", "section")
    page.select_option("#bulk-section", str(national.pk))
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_text("2 sign-ons moved")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "lists-dashboard-sections.png"), full_page=True)

    page.goto(f"{live_server.url}/manage/letters/{letter.slug}/sections/")
    expect(page.get_by_role("heading", name="List sections", level=1)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "lists-sections-page.png"), full_page=True)
