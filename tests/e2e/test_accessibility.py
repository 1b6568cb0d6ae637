"""Accessibility and layout in headless Chromium.

1. The axe walk: axe-core (vendored in tests/e2e/vendor/, see its README) runs on every page state of the public
   side, the coordinator workspace and the admin, at a phone width (390 px) and a laptop width (1280 px). Any
   violation of impact "serious" or "critical" fails the test, listed with its rule, page state, width and target.
   Run with -s to see the rules checked and the page states walked. A second walk covers the signer's pages and the
   coordinator's main pages in Arabic (right to left) and Chinese.
2. Coordinator tables at 360, 390, 1280 and 1920 px: every row's buttons are inside the viewport and the page never
   scrolls sideways (a horizontal scrollbar hides the actions at the end of a row).
3. README screenshots (docs/screenshots/), written only when COALITION_DOCS_SCREENSHOTS=1.
Screenshots of the Arabic and Chinese interface, for a person to look at: test_i18n_screenshots.py.
"""

import io
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from playwright.sync_api import expect

from letters.models import ExportJob, Letter, Organisation, Signature
from letters.services import signon
from letters.services.invitations import send_invitations
from tests.factories import OrganisationFactory, SignatureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
SLUG = "hrc37-win-win-cooperation"  # the demo letter open for sign-on
AXE_WIDTHS = (390, 1280)
TABLE_WIDTHS = (360, 390, 1280, 1920)
BLOCKING = {"serious", "critical"}
PASTED = "ARTICLE 19, United Kingdom\nAsian Legal Resource Center, Hong Kong\nCentre for Civic Voices, Kenya\n"
VERSIONS = {
    "fr": ("Projet de résolution « coopération gagnant-gagnant »", "Le projet de résolution manque d’équilibre.",
           "Signataires :"),
    "es": ("Proyecto de resolución sobre la «cooperación mutuamente beneficiosa»",
           "El proyecto de resolución carece de equilibrio.", "Firmantes:"),
    "ar": ("مشروع قرار بشأن «التعاون المربح للجانبين»", "يفتقر مشروع القرار إلى التوازن.", "الموقعون:"),
    "zh": ("关于“合作共赢”决议草案", "该决议草案缺乏平衡。", "签署方："),
}
# The walk again in the right-to-left interface and in Chinese (the interface language zh-hans, the letter's "zh").
I18N_LANGUAGES = ("ar", "zh-hans")
I18N_COORDINATOR_STATES = ("letters list", "dashboard", "paste preview", "directory", "exports", "exports preview",
                           "letter settings")


@pytest.fixture
def demo(live_server, settings):
    """The demo data, with the open letter in four languages, sign-ons waiting for a coordinator, invitations, and a
    misspelt duplicate in the directory."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    call_command("load_demo", stdout=io.StringIO())
    letter = Letter.objects.get(slug=SLUG)
    for language, (title, body, closing) in VERSIONS.items():
        letter.versions.create(language=language, title=title, body=body, closing=closing)
    waiting = [
        SignatureFactory(letter=letter, status=Signature.Status.CONFIRMED, flag_new_organisation=True,
                         flag_near_duplicate=True, flag_domain_mismatch=True, signer_email="ana@gmail.example",
                         organisation=OrganisationFactory(name="Red Latinoamericana de Defensoras", country="MX")),
        SignatureFactory(letter=letter, status=Signature.Status.PENDING, consent_public=False,
                         organisation=OrganisationFactory(name="Kenya Voices for Justice and Accountability",
                                                          country="KE")),
    ]
    # Signers following the links from their emails: one sign-on per width and page, as confirming and withdrawing
    # change it.
    pending = {width: SignatureFactory(letter=letter, status=Signature.Status.PENDING) for width in TABLE_WIDTHS}
    approved = {width: SignatureFactory(letter=letter, status=Signature.Status.APPROVED) for width in TABLE_WIDTHS}
    signed = letter.signatures.values("organisation")
    send_invitations(letter, Organisation.objects.filter(contacts__isnull=False).exclude(pk__in=signed)[:6])
    ExportJob.objects.create(letter=letter, language="en", layout="pdf", status=ExportJob.Status.DONE, content=b"%PDF",
                             filename="signatories.pdf", content_type="application/pdf", total=25, progress=25)
    ExportJob.objects.create(letter=letter, language="fr", layout="docx", status=ExportJob.Status.FAILED,
                             error="The worker stopped while writing the file.")
    canonical = Organisation.objects.filter(name__startswith="Commonwealth Human Rights Initiative").first()
    typo = OrganisationFactory(name="Commonwealth Human Rights Initiatives (CHRI)", country="IN")
    return {"letter": letter, "waiting": waiting, "pending": pending, "approved": approved,
            "merge": (canonical or OrganisationFactory(), typo)}


def logged_in(browser, base_url, username, password, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_label("Username")).to_have_count(0)
    return page


def axe(page):
    """axe-core's results for the page as it is now. page.evaluate runs in the page without a <script> tag, so the
    site's Content-Security-Policy stays as visitors get it."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ["violations"]});
        const ran = [...results.passes, ...results.violations, ...results.incomplete, ...results.inapplicable];
        return {
            rules: ran.map(rule => rule.id),
            violations: results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), impact: n.impact, summary: n.failureSummary})),
            })),
        };
    }""")


class Walk:
    """What the walk saw: the rules axe checked, the page states audited and the blocking violations."""

    def __init__(self):
        self.rules, self.states, self.violations = set(), [], []

    def audit(self, page, state, width):
        page.wait_for_load_state("load")
        results = axe(page)
        self.rules.update(results["rules"])
        self.states.append(f"{state} @ {width}px  {page.url}")
        for violation in results["violations"]:
            for node in violation["nodes"]:
                if (node["impact"] or violation["impact"]) in BLOCKING:
                    self.violations.append(
                        f"{violation['id']} ({node['impact'] or violation['impact']}) | {state} | {width}px | "
                        f"{node['target']} | {violation['help']}"
                        + (f" | {node['summary'].splitlines()[-1].strip()}" if node["summary"] else "")
                    )

    def report(self):
        lines = [f"axe-core {len(self.rules)} rules checked: {', '.join(sorted(self.rules))}",
                 f"{len(self.states)} page states walked:", *(f"  {state}" for state in self.states),
                 f"{len(self.violations)} serious or critical violations", *(f"  {v}" for v in self.violations)]
        return "\n".join(lines)


def public_states(demo, base):
    """(page state, action) pairs: each action brings a page to that state, given the width."""
    url = f"{base}/{{}}/letters/{SLUG}/"

    def submit_empty(page, width):
        page.goto(url.format("en"))
        page.locator("form.signon-form button[type=submit]").click()
        page.wait_for_load_state("load")

    def confirmed(page, width):
        page.goto(url.format("en") + f"confirm/{signon.make_token(demo['pending'][width], signon.CONFIRM)}/")
        page.locator("main form button[type=submit]").click()

    def withdrawn(page, width):
        page.goto(url.format("en") + f"my-sign-on/{signon.make_token(demo['approved'][width], signon.MANAGE)}/")
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("form[action$='/withdraw/'] button[type=submit]").click()
        expect(page.locator(".alert")).to_be_visible()

    states = [("public: home", lambda page, width: page.goto(f"{base}/en/"))]
    for language in ("en", "fr", "es", "ar"):
        states.append((f"public: letter page and empty sign form /{language}/",
                       lambda page, width, language=language: page.goto(url.format(language))))
    states += [
        ("public: sign form with errors", submit_empty),
        ("public: thanks", lambda page, width: page.goto(url.format("en") + "thanks/")),
        ("public: confirm page", lambda page, width: page.goto(
            url.format("en") + f"confirm/{signon.make_token(demo['pending'][width], signon.CONFIRM)}/")),
        ("public: confirmed", confirmed),
        ("public: manage (signer's link)", lambda page, width: page.goto(
            url.format("en") + f"my-sign-on/{signon.make_token(demo['approved'][width], signon.MANAGE)}/")),
        ("public: withdrawn", withdrawn),
        ("public: letter page, Arabic, signatory list", lambda page, width: page.goto(
            url.format("ar") + "signatories/")),
    ]
    return states


def coordinator_states(demo, base):
    letter_url = f"{base}/manage/letters/{SLUG}/"
    keep, remove = demo["merge"]

    def paste_preview(page, width):
        page.goto(letter_url + "paste/")
        page.locator("textarea[name=text]").fill(PASTED)
        page.locator("main form button[type=submit]").first.click()
        expect(page.locator("tr.preview-row").first).to_be_visible()

    def export_preview(page, width):
        page.goto(letter_url + "exports/")
        page.locator("#export-heading").locator("..").locator("button[name=preview]").click()  # in any language
        expect(page.locator("pre.export-preview")).to_be_visible()

    return [
        ("coordinator: letters list", lambda page, width: page.goto(f"{base}/manage/")),
        ("coordinator: dashboard", lambda page, width: page.goto(letter_url)),
        ("coordinator: dashboard filtered", lambda page, width: page.goto(letter_url + "?status=confirmed&q=a")),
        ("coordinator: paste", lambda page, width: page.goto(letter_url + "paste/")),
        ("coordinator: paste preview", paste_preview),
        ("coordinator: add a sign-on", lambda page, width: page.goto(letter_url + "add/")),
        ("coordinator: sign-on detail", lambda page, width: page.goto(
            letter_url + f"signatures/{demo['waiting'][0].pk}/")),
        ("coordinator: sections", lambda page, width: page.goto(letter_url + "sections/")),
        ("coordinator: directory", lambda page, width: page.goto(f"{base}/manage/directory/")),
        ("coordinator: directory organisation", lambda page, width: page.goto(
            f"{base}/manage/directory/{keep.pk}/")),
        ("coordinator: duplicates", lambda page, width: page.goto(f"{base}/manage/directory/duplicates/")),
        ("coordinator: merge", lambda page, width: page.goto(
            f"{base}/manage/directory/merge/?keep={keep.pk}&remove={remove.pk}")),
        ("coordinator: invite", lambda page, width: page.goto(letter_url + "invite/")),
        ("coordinator: campaign", lambda page, width: page.goto(letter_url + "campaign/")),
        ("coordinator: exports", lambda page, width: page.goto(letter_url + "exports/")),
        ("coordinator: exports preview", export_preview),
        ("coordinator: letter settings", lambda page, width: page.goto(letter_url + "settings/")),
        ("coordinator: version", lambda page, width: page.goto(letter_url + "versions/en/")),
        ("coordinator: new letter", lambda page, width: page.goto(f"{base}/manage/letters/new/")),
    ]


def admin_states(base):
    return [
        ("admin: index", lambda page, width: page.goto(f"{base}/admin/")),
        ("admin: sign-ons", lambda page, width: page.goto(f"{base}/admin/letters/signature/")),
        ("admin: organisations", lambda page, width: page.goto(f"{base}/admin/letters/organisation/")),
        ("admin: organisation import", lambda page, width: page.goto(f"{base}/admin/letters/organisation/import/")),
    ]


def test_every_page_state_has_no_serious_or_critical_axe_violation(live_server, browser, demo, capsys):
    base, walk = live_server.url, Walk()
    visitor = browser.new_page()
    coordinator = logged_in(browser, base, "coordinator", "coalition-demo")
    admin = logged_in(browser, base, "admin", "coalition-admin")
    for page, states in [(visitor, public_states(demo, base)), (coordinator, coordinator_states(demo, base)),
                         (admin, admin_states(base))]:
        for width in AXE_WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for state, go in states:
                go(page, width)
                walk.audit(page, state, width)
    report = walk.report()
    with capsys.disabled():  # the rules and page states belong in every run's output, passing or not
        print("\n" + report)
    if os.environ.get("COALITION_AXE_REPORT"):
        Path(os.environ["COALITION_AXE_REPORT"]).write_text(report, encoding="utf-8")
    assert len(walk.states) == 2 * (len(public_states(demo, base)) + len(coordinator_states(demo, base))
                                    + len(admin_states(base)))
    assert not walk.violations, "Serious or critical axe violations:\n" + "\n".join(walk.violations)


def public_states_in(demo, base, language):
    """The signer's pages in one interface language: the letter, its form with errors, and the pages the signer's
    emails lead to (read only: confirming and withdrawing are walked in English)."""
    url = f"{base}/{language}/letters/{SLUG}/"

    def submit_empty(page, width):
        page.goto(url)
        page.locator("form.signon-form button[type=submit]").click()
        page.wait_for_load_state("load")
        expect(page.locator("#signon-errors")).to_be_visible()

    return [
        (f"public /{language}/: letter page and empty sign form", lambda page, width: page.goto(url)),
        (f"public /{language}/: sign form with errors", submit_empty),
        (f"public /{language}/: thanks", lambda page, width: page.goto(url + "thanks/")),
        (f"public /{language}/: confirm page", lambda page, width: page.goto(
            url + f"confirm/{signon.make_token(demo['pending'][width], signon.CONFIRM)}/")),
        (f"public /{language}/: manage (signer's link)", lambda page, width: page.goto(
            url + f"my-sign-on/{signon.make_token(demo['approved'][width], signon.MANAGE)}/")),
        (f"public /{language}/: signatory list", lambda page, width: page.goto(url + "signatories/")),
    ]


def set_interface_language(page, base, language):
    """The workspace has no language prefix: it speaks the language of Django's language cookie."""
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language,
                               "domain": urlsplit(base).hostname, "path": "/"}])


def test_arabic_and_chinese_page_states_have_no_serious_or_critical_axe_violation(live_server, browser, demo,
                                                                                   capsys):
    """The signer's pages and the coordinator's main pages in Arabic (right to left) and Chinese, at both widths."""
    base, walk = live_server.url, Walk()
    visitor = browser.new_page()
    coordinator = logged_in(browser, base, "coordinator", "coalition-demo")
    coordinator_walk = [(state, go) for state, go in coordinator_states(demo, base)
                        if state.removeprefix("coordinator: ") in I18N_COORDINATOR_STATES]
    assert len(coordinator_walk) == len(I18N_COORDINATOR_STATES)
    for language in I18N_LANGUAGES:
        set_interface_language(coordinator, base, language)
        walks = [(visitor, public_states_in(demo, base, language)),
                 (coordinator, [(f"{state} ({language})", go) for state, go in coordinator_walk])]
        for page, states in walks:
            for width in AXE_WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for state, go in states:
                    go(page, width)
                    # The state counts only in its language: the right language, direction and stylesheet.
                    expect(page.locator("html")).to_have_attribute("lang", language)
                    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
                    walk.audit(page, state, width)
    report = walk.report()
    with capsys.disabled():  # the rules and page states belong in every run's output, passing or not
        print("\n" + report)
    if os.environ.get("COALITION_AXE_REPORT"):
        Path(os.environ["COALITION_AXE_REPORT"]).with_suffix(".i18n.txt").write_text(report, encoding="utf-8")
    assert len(walk.states) == len(I18N_LANGUAGES) * len(AXE_WIDTHS) * (6 + len(I18N_COORDINATOR_STATES))
    assert not walk.violations, "Serious or critical axe violations:\n" + "\n".join(walk.violations)


# Buttons, links styled as buttons and selects in table rows, and the page's own width, measured in the page.
OUT_OF_VIEW = """() => {
    const width = window.innerWidth;
    const actions = "main tbody tr .btn, main tbody tr button, main tbody tr select, main .letter-card .btn";
    const clipped = [...document.querySelectorAll(actions)]
        .filter(el => el.getClientRects().length)
        .map(el => [el, el.getBoundingClientRect()])
        .filter(([el, box]) => box.left < -0.5 || box.right > width + 0.5)
        .map(([el, box]) => `${(el.closest("tr, section") || {}).id}: ${el.textContent.trim() || el.name}`
                            + ` [${Math.round(box.left)}, ${Math.round(box.right)}]`);
    return {clipped, count: document.querySelectorAll(actions).length,
            scrollWidth: document.scrollingElement.scrollWidth, width};
}"""


def table_pages(base):
    letter_url = f"{base}/manage/letters/{SLUG}/"

    def paste_preview(page):
        page.goto(letter_url + "paste/")
        page.locator("textarea[name=text]").fill(PASTED)
        page.locator("main form button[type=submit]").first.click()
        expect(page.locator("tr.preview-row").first).to_be_visible()

    return [
        ("dashboard", lambda page: page.goto(letter_url)),
        ("letters list", lambda page: page.goto(f"{base}/manage/")),
        ("directory", lambda page: page.goto(f"{base}/manage/directory/")),
        ("duplicates", lambda page: page.goto(f"{base}/manage/directory/duplicates/")),
        ("invite", lambda page: page.goto(letter_url + "invite/")),
        ("campaign", lambda page: page.goto(letter_url + "campaign/")),
        ("exports and background jobs", lambda page: page.goto(letter_url + "exports/")),
        ("paste preview", paste_preview),
    ]


def test_coordinator_tables_keep_every_action_on_screen_from_360_to_1920_px(live_server, browser, demo):
    page = logged_in(browser, live_server.url, "coordinator", "coalition-demo")
    problems, checked = [], []
    for width in TABLE_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, go in table_pages(live_server.url):
            go(page)
            page.wait_for_load_state("load")
            found = page.evaluate(OUT_OF_VIEW)
            checked.append(f"{name} @ {width}px: {found['count']} buttons and menus in rows")
            if found["scrollWidth"] > found["width"]:
                problems.append(f"{name} @ {width}px scrolls sideways: {found['scrollWidth']} > {found['width']}")
            problems += [f"{name} @ {width}px: {clip}" for clip in found["clipped"]]
            if name == "dashboard":
                problems += waiting_row_actions_off_screen(page, demo, width)
    print("\n".join(checked))
    assert not problems, "\n".join(problems)


def waiting_row_actions_off_screen(page, demo, width):
    """The buttons of a sign-on waiting for approval, once scrolled to: all there, none cut off at the side."""
    row = page.locator(f"#sig-{demo['waiting'][0].pk}")
    row.scroll_into_view_if_needed()
    problems = []
    for name in ("Approve", "Withdraw", "Reject…", "Lead", "Move up", "Move down", "Edit"):
        action = row.get_by_role("button", name=name, exact=True).or_(row.get_by_role("link", name=name, exact=True))
        box = action.bounding_box()
        if box is None or box["x"] < 0 or box["x"] + box["width"] > width:
            problems.append(f"dashboard @ {width}px: {name} of the waiting sign-on is off screen ({box})")
    return problems


@pytest.mark.skipif(not os.environ.get("COALITION_DOCS_SCREENSHOTS"),
                    reason="writes docs/screenshots/: set COALITION_DOCS_SCREENSHOTS=1")
def test_readme_screenshots(live_server, browser, demo):
    """The dashboard, the paste preview, the finalise panel and the signer's form sent empty in French and Spanish,
    at 390 and 1280 px. Only the viewport or the element is taken (full_page=False), so the PNGs stay small."""
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    letter_url = f"{live_server.url}/manage/letters/{SLUG}/"
    page = logged_in(browser, live_server.url, "coordinator", "coalition-demo")
    visitor = browser.new_page()
    for language in ("fr", "es"):
        # The workspace is not language-prefixed: it speaks the language chosen with the switcher (a cookie).
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for width in AXE_WIDTHS:
            page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
            name = f"{language}-{width}"
            page.goto(letter_url)
            expect(page.locator("html")).to_have_attribute("lang", language)
            page.screenshot(path=str(DOCS_SCREENSHOTS / f"dashboard-{name}.png"))
            # The sign-on table, from the filters down.
            page.evaluate("() => window.scrollTo(0, document.querySelector('.dashboard-filters').offsetTop - 8)")
            page.screenshot(path=str(DOCS_SCREENSHOTS / f"dashboard-table-{name}.png"))
            page.goto(letter_url + "paste/")
            page.locator("textarea[name=text]").fill(PASTED)
            page.locator("main form button[type=submit]").first.click()
            preview = page.locator("section.paste-preview")
            expect(preview.locator("tr.preview-row").first).to_be_visible()
            preview.screenshot(path=str(DOCS_SCREENSHOTS / f"paste-preview-{name}.png"))
            page.goto(letter_url + "exports/")
            page.locator("section[aria-labelledby=finalise-heading]").screenshot(
                path=str(DOCS_SCREENSHOTS / f"finalise-{name}.png"))
            signform_errors_screenshot(visitor, live_server.url, language, width, name)


def signform_errors_screenshot(page, base, language, width, name):
    """The public sign-on form sent empty: its error summary (focused, at the top) and the first fields, as much of
    the form as the viewport holds (signform-errors-<language>-<width>.png)."""
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    page.goto(f"{base}/{language}/letters/{SLUG}/")
    page.locator("form.signon-form button[type=submit]").click()
    page.wait_for_load_state("load")
    summary = page.locator("#signon-errors")
    expect(summary).to_be_focused()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.evaluate("() => document.getElementById('signon').scrollIntoView({block: 'start', behavior: 'instant'})")
    box = page.locator("#signon").bounding_box()
    viewport = page.viewport_size
    clip = {"x": max(box["x"] - 8, 0), "y": max(box["y"] - 8, 0),
            "width": min(box["width"] + 16, viewport["width"] - max(box["x"] - 8, 0)),
            "height": min(box["height"] + 16, viewport["height"] - max(box["y"] - 8, 0))}
    page.screenshot(path=str(DOCS_SCREENSHOTS / f"signform-errors-{name}.png"), clip=clip)
