"""What a signer meets on the way: the error summary, their own language in the email, the language menu apart
from the letter's versions, required fields marked, the skip link and focus ring, contrast, right to left."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from letters.models import LetterVersion, Signature
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory
from tests.public.helpers import last_email_to, link_from, sign

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"


def _tag(html, element_id):
    """The opening tag of the element with this id."""
    match = re.search(rf'<[a-z]+[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no element #{element_id}"
    return match.group(0)


def _between(html, start_marker, end_marker):
    start = html.index(start_marker)
    return html[start : html.index(end_marker, start)]


# --- 1. a failed submit: the error summary ----------------------------------------------------------------------


def test_a_failed_submit_opens_with_an_error_summary_linking_to_each_field(client, open_letter):
    response = sign(client, open_letter, signer_name="", consent_public=None)
    html = response.content.decode()
    assert response.status_code == 200 and not Signature.objects.exists()
    summary = _tag(html, "signon-errors")
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    # Before the fields, with a link to each field in error and nothing else.
    assert html.index('id="signon-errors"') < html.index('name="organisation_name"')
    links = re.findall(r'<a href="#(id_[a-z_]+)">', _between(html, 'id="signon-errors"', "</div>"))
    assert links == ["id_signer_name", "id_consent_public"]


def test_a_failed_submit_keeps_the_values_and_marks_the_fields_in_error(client, open_letter):
    html = sign(client, open_letter, signer_name="", consent_public=None).content.decode()
    assert 'value="Centre for Civic Voices"' in _tag(html, "id_organisation_name")
    assert 'value="amina@ccv.example.org"' in _tag(html, "id_signer_email")
    name = _tag(html, "id_signer_name")
    assert 'aria-invalid="true"' in name and 'aria-describedby="id_signer_name_error"' in name and "required" in name
    assert 'aria-invalid="true"' not in _tag(html, "id_signer_email")


def test_the_form_leaves_validation_to_us_and_comes_back_at_its_error_summary(client, open_letter):
    # The browser's bubbles would speak the browser's language and hide our summary.
    html = client.get("/fr/letters/open-letter/").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="signon-form"[^>]*>', html)
    assert form and "novalidate" in form.group(0)
    assert form.group(1) == "/fr/letters/open-letter/#signon-errors"
    assert 'id="signon-errors"' not in html  # no summary before anything was sent


def test_form_wide_errors_are_in_the_summary_once(client, open_letter, settings):
    settings.SIGNON_MIN_FILL_SECONDS = 30
    html = sign(client, open_letter, started="forged").content.decode()
    assert html.count("That was quick!") == 1
    assert "That was quick!" in _between(html, 'id="signon-errors"', "</div>")


# --- 2. the signer's language: the email and its links ------------------------------------------------------------


def _in(language, text):
    with translation.override(language):
        translated = translation.gettext(text)
    assert translated != text or language == "en", f"no {language} translation of {text!r}"
    return translated


CONFIRM_LINE = "To confirm your sign-on, open this link and press the “Confirm” button:"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_signing_from_an_interface_the_letter_has_no_version_in_gives_an_email_in_that_language(client, language):
    letter = LetterFactory(slug="english-only", languages=["en"])
    sign(client, letter, language=language)
    email = last_email_to("amina@ccv.example.org")  # rendered as the worker renders it
    assert Signature.objects.get().language == language
    assert email.language == language
    assert _in(language, CONFIRM_LINE) in email.body_text and _in(language, CONFIRM_LINE) in email.body_html
    assert link_from(email.body_text, "confirm").startswith(f"/{language}/letters/english-only/confirm/")
    assert link_from(email.body_text, "manage").startswith(f"/{language}/letters/english-only/my-sign-on/")
    assert f'href="http://testserver/{language}/letters/english-only/confirm/' in email.body_html
    assert f'<html lang="{language}" dir="ltr">' in email.body_html
    # The title quoted is the best version there is (English), marked as such in the HTML part.
    assert "Joint letter" in email.subject and '<span lang="en" dir="auto">' in email.body_html


def test_signing_in_chinese_writes_in_chinese_with_zh_hans_links_and_the_chinese_title(client):
    letter = LetterFactory(slug="with-chinese", languages=["en", "zh"])
    LetterVersion.objects.filter(letter=letter, language="zh").update(title="联合信函")
    sign(client, letter, language="zh-hans")
    email = last_email_to("amina@ccv.example.org")
    assert Signature.objects.get().language == email.language == "zh-hans"
    assert _in("zh-hans", CONFIRM_LINE) in email.body_text and "联合信函" in email.subject
    assert link_from(email.body_text, "confirm").startswith("/zh-hans/letters/with-chinese/confirm/")
    # The links keep the signer in their language on the pages that follow.
    html = client.get(link_from(email.body_text, "confirm")).content.decode()
    assert '<html lang="zh-hans" dir="ltr">' in html


def test_signing_in_arabic_writes_right_to_left(client):
    letter = LetterFactory(slug="english-only", languages=["en"])
    sign(client, letter, language="ar")
    email = last_email_to("amina@ccv.example.org")
    assert email.language == "ar" and '<html lang="ar" dir="rtl">' in email.body_html
    assert link_from(email.body_text, "confirm").startswith("/ar/letters/english-only/confirm/")


# --- 3. the interface language and the letter's version: two choices ----------------------------------------------


def test_the_language_menu_offers_all_six_languages_apart_from_the_letters_versions(client):
    LetterFactory(slug="three-versions", languages=["en", "fr", "pt"])
    html = client.get("/en/letters/three-versions/").content.decode()
    menu = _between(html, '<form action="/i18n/setlang/"', "</form>")
    options = re.findall(r'<option value="([a-z-]+)" lang="([a-z-]+)"[^>]*>([^<]+)</option>', menu)
    assert [(code, lang) for code, lang, _name in options] == [(code, code) for code, _name in settings.LANGUAGES]
    names = {code: name for code, _lang, name in options}
    assert names["fr"] == "français" and names["ar"] == "العربيّة" and names["zh-hans"] == "简体中文"
    # Chosen with an explicit button: nothing navigates while arrowing through the options.
    assert '<button class="btn btn-sm btn-light" type="submit">' in menu and "autosubmit" not in html
    assert 'name="next" type="hidden" value="/en/letters/three-versions/"' in menu
    versions = _between(html, 'class="letter-versions', "</nav>")
    assert "Read this letter in:" in versions
    assert re.findall(r'href="([^"]+)" lang="([a-z]+)"', versions) == [
        ("/en/letters/three-versions/", "en"), ("/en/letters/three-versions/?version=fr", "fr"),
        ("/en/letters/three-versions/?version=pt", "pt"),
    ]


def test_a_version_in_a_language_without_an_interface_is_read_with_its_own_parameter(client):
    letter = LetterFactory(slug="farsi", languages=["en", "fa"])
    LetterVersion.objects.filter(letter=letter, language="fa").update(title="نامه مشترک")
    html = client.get("/fr/letters/farsi/?version=fa").content.decode()
    assert '<html lang="fr" dir="ltr">' in html and '<article class="letter" lang="fa" dir="rtl">' in html
    assert "نامه مشترک" in html and "has no version" not in html


@pytest.mark.parametrize("path", ["/en/", "/en/letters/open-letter/thanks/", "/en/letters/open-letter/signatories/"])
def test_the_language_menu_is_on_every_signer_page(client, open_letter, path):
    open_letter.list_public_while_open = True
    open_letter.save()
    html = client.get(path).content.decode()
    assert 'id="interface-language"' in html and html.count("<option value=") == len(settings.LANGUAGES)


def test_error_pages_link_to_the_home_page_in_each_language(client):
    html = client.get("/fr/letters/no-such-letter/").content.decode()
    for code, _name in settings.LANGUAGES:
        assert f'href="/{code}/" lang="{code}"' in html


# --- 4. required fields, the conditional ones too -------------------------------------------------------------


def test_organisation_fields_are_marked_required_on_a_letter_that_also_takes_individuals(client):
    LetterFactory(slug="people", accepts_individuals=True)
    html = client.get("/en/letters/people/").content.decode()
    for field in ("organisation_name", "country"):
        assert 'aria-required="true"' in _tag(html, f"id_{field}")
        label = re.search(rf'<label for="id_{field}"[^>]*>(.*?)</label>', html, re.S).group(1)
        assert '<span class="asteriskField">*</span>' in label
    assert "Required when signing for an organisation." in html
    assert 'aria-required' not in _tag(html, "id_acronym") and "required" not in _tag(html, "id_website")
    assert html.count("Fields marked * are required.") == 1


def test_an_organisation_signing_without_its_name_or_country_is_refused_with_both_in_the_summary(client):
    letter = LetterFactory(slug="people", accepts_individuals=True)
    html = sign(client, letter, kind="organisation", organisation_name="", country="").content.decode()
    assert not Signature.objects.exists()
    summary = _between(html, 'id="signon-errors"', "</div>")
    assert 'href="#id_organisation_name"' in summary and 'href="#id_country"' in summary


def test_every_required_field_is_required_and_marked_on_an_organisations_only_letter(client, open_letter):
    html = client.get("/en/letters/open-letter/").content.decode()
    for field in ("organisation_name", "country", "signer_name", "signer_email", "consent_public"):
        assert " required" in _tag(html, f"id_{field}"), field
        assert re.search(rf'<label\s+for="id_{field}"[^>]*>[^<]*<span class="asteriskField">\*</span>', html), field


# --- 5. and 6. skip link, landmark, focus ring, navbar contrast -------------------------------------------------------


def test_the_skip_link_is_the_first_thing_a_keyboard_reaches(client, open_letter):
    html = client.get("/en/letters/open-letter/").content.decode()
    body = html[html.index("<body") :]
    first = re.search(r'<(a|button|select|textarea|input(?![^>]*type="hidden"))\b[^>]*>', body[5:]).group(0)
    assert 'href="#main"' in first and "visually-hidden-focusable" in first
    assert '<main class="container pb-5" id="main" tabindex="-1">' in html and html.count("<main") == 1


def _luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first, second):
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _hex(value):
    return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))


def test_navbar_text_meets_wcag_aa_contrast():
    css = (STATIC / "css" / "coalition.css").read_text()
    navbar = _between(css, ".site-navbar {", "}")
    background = _hex(re.search(r"background-color: (#[0-9a-f]{6})", navbar).group(1))
    alpha = float(re.search(r"--bs-navbar-color: rgba\(255, 255, 255, ([0-9.]+)\)", navbar).group(1))
    link = tuple(round(alpha * 255 + (1 - alpha) * channel) for channel in background)
    assert contrast(link, background) >= 4.5
    assert contrast((255, 255, 255), background) >= 4.5  # brand, hover, the outline buttons


def test_the_focus_ring_contrasts_with_white_and_with_the_primary_button():
    css = (STATIC / "css" / "coalition.css").read_text()
    ring = re.search(r":focus-visible,[^{]*\{([^}]*)\}", css).group(1)
    outline = _hex(re.search(r"outline: 3px solid (#[0-9a-f]{6})", ring).group(1))
    assert contrast(outline, (255, 255, 255)) >= 3
    assert "box-shadow: 0 0 0 2px #fff" in ring  # the white halo between the ring and a blue button
    assert contrast((255, 255, 255), _hex("#0d6efd")) >= 3


# --- 7. right to left -----------------------------------------------------------------------------------------------


def test_arabic_pages_are_right_to_left_with_bootstraps_rtl_build(client, open_letter):
    for path in ("/ar/letters/open-letter/", "/ar/letters/open-letter/thanks/", "/ar/"):
        html = client.get(path).content.decode()
        assert '<html lang="ar" dir="rtl">' in html, path
        assert "bootstrap/css/bootstrap.rtl.min.css" in html and "bootstrap/css/bootstrap.min.css" not in html
    html = client.get("/en/letters/open-letter/").content.decode()
    assert '<html lang="en" dir="ltr">' in html and "bootstrap.rtl" not in html


def test_the_vendored_rtl_build_is_the_same_bootstrap_version():
    folder = STATIC / "vendor" / "bootstrap" / "css"
    version = re.compile(r"Bootstrap +v(\d+\.\d+\.\d+)")
    ltr = version.search((folder / "bootstrap.min.css").read_text()[:300]).group(1)
    assert version.search((folder / "bootstrap.rtl.min.css").read_text()[:300]).group(1) == ltr


def test_an_english_version_in_the_arabic_interface_keeps_left_to_right(client):
    LetterFactory(slug="english-only", languages=["en"])
    html = client.get("/ar/letters/english-only/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html and '<article class="letter" lang="en" dir="ltr">' in html


def test_latin_names_in_an_arabic_list_are_isolated(client, open_letter):
    for name in ("ARTICLE 19", "Asian Forum for Human Rights and Development (FORUM-ASIA)"):
        SignatureFactory(letter=open_letter, organisation=OrganisationFactory(name=name))
    html = client.get("/ar/letters/open-letter/").content.decode()
    assert "<li><bdi>ARTICLE 19</bdi></li>" in html
    assert "<li><bdi>Asian Forum for Human Rights and Development (FORUM-ASIA)</bdi></li>" in html


def test_stylesheets_use_logical_properties_only():
    for name in ("coalition.css", "public.css"):
        css = (STATIC / "css" / name).read_text()
        assert not re.search(r"(margin|padding|border)-(left|right)\b|[^-]\b(left|right):|text-align: (left|right)", css), name


def test_a_sign_on_without_an_interface_language_falls_back_to_the_letters_default(client):
    # Imported sign-ons may carry a letter-only language such as "pt": the email is then in the letter's language.
    from letters.emails import ensure_rendered, signon as signon_emails
    from letters.models import OutgoingEmail

    letter = LetterFactory(slug="french", languages=["fr"], default_language="fr")
    signature = SignatureFactory(letter=letter, status=Signature.Status.PENDING, language="pt")
    signon_emails.send_confirmation(signature)
    assert ensure_rendered(OutgoingEmail.objects.get(kind="signon-confirm")).language == "fr"

