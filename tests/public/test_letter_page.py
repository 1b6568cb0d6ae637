"""The public letter page: per language, the text, the deadline, the count and the list, the form while open."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from letters.models import Letter, LetterVersion, Organisation, OrganisationName, Signature, list_changed
from tests.factories import LetterFactory, LetterVersionFactory, OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def _list_items(response):
    """The names on the public list, in the order shown."""
    html = response.content.decode()
    start = html.index('id="signatory-list"')
    block = html[start : html.index("</ul>", start)]
    return [item.split("</li>")[0].removeprefix("<bdi>").removesuffix("</bdi>") for item in block.split("<li>")[1:]]


def test_letter_is_shown_in_the_language_of_the_url(client, open_letter):
    LetterVersion.objects.filter(letter=open_letter, language="fr").update(title="Lettre commune", body="Excellences,")
    response = client.get("/fr/letters/open-letter/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "<h1 class=\"h2\">Lettre commune</h1>" in html
    assert "Excellences," in html


def test_page_shows_title_addressee_date_line_body_and_deadline(client, open_letter):
    response = client.get("/en/letters/open-letter/")
    html = response.content.decode()
    assert "To: Member States of the Human Rights Council" in html
    assert "24 November 2026" in html
    assert "We urge you to <strong>act</strong>." in html
    assert "Sign by" in html and f'datetime="{open_letter.deadline.astimezone().isoformat()[:10]}' in html


def test_draft_letters_are_not_found_by_the_public(client):
    LetterFactory(slug="secret-draft", status=Letter.Status.DRAFT)
    assert client.get("/en/letters/secret-draft/").status_code == 404
    assert client.post("/en/letters/secret-draft/", {}).status_code == 404
    assert "secret-draft" not in client.get("/en/").content.decode()


def test_read_this_letter_in_lists_only_the_versions_the_letter_has(client):
    LetterFactory(slug="two-languages", languages=["en", "fr"])
    html = client.get("/en/letters/two-languages/").content.decode()
    versions = html[html.index('class="letter-versions') : html.index("</nav>", html.index('class="letter-versions'))]
    # Reading another version keeps the interface in English: the two are separate choices.
    assert 'href="/en/letters/two-languages/?version=fr"' in versions and "français" in versions
    assert 'href="/en/letters/two-languages/"' in versions and 'aria-current="true"' in versions
    assert "español" not in versions and "version=es" not in versions


def test_an_arabic_version_is_reachable_from_an_english_page_and_shown_right_to_left(client):
    # Arabic is an interface language too, but reading the Arabic text does not change the interface.
    letter = LetterFactory(slug="arabic", languages=["en", "ar"])
    LetterVersion.objects.filter(letter=letter, language="ar").update(title="رسالة مشتركة")
    html = client.get("/en/letters/arabic/").content.decode()
    assert 'href="/en/letters/arabic/?version=ar"' in html
    html = client.get("/en/letters/arabic/?version=ar").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert '<article class="letter" lang="ar" dir="rtl">' in html
    assert "رسالة مشتركة" in html
    # From the Arabic interface, the Arabic version is the page's own and the whole page is right to left.
    html = client.get("/ar/letters/arabic/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html and '<article class="letter" lang="ar" dir="rtl">' in html


def test_a_language_the_letter_lacks_falls_back_to_its_original_with_a_note(client):
    LetterFactory(slug="english-only", languages=["en"])
    html = client.get("/es/letters/english-only/").content.decode()
    assert '<html lang="es"' in html
    assert "<h1 class=\"h2\">Joint letter" in html
    # "This letter has no version in Spanish; it is shown in its original language.", in Spanish
    assert "Esta carta no tiene versión en «Español»; se muestra en su idioma original." in html


def test_markdown_body_is_rendered_and_sanitised(client, open_letter):
    LetterVersion.objects.filter(letter=open_letter, language="en").update(
        body="# Heading\n\n*Please* sign.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        "[evil](javascript:alert(3)) [ok](https://example.org)"
    )
    html = client.get("/en/letters/open-letter/").content.decode()
    body = html[html.index('<div class="letter-body">') : html.index("</article>")]
    assert "<em>Please</em> sign." in body
    assert "<script" not in body and "alert(1)" not in body
    assert "onerror" not in body and "<img" not in body
    assert "javascript:" not in body
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">ok</a>' in body


def test_open_letter_shows_the_sign_on_form(client, open_letter):
    html = client.get("/en/letters/open-letter/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="organisation_name"' in html and 'name="consent_public"' in html
    assert 'name="reference"' in html and 'class="hp-field"' in html


@pytest.mark.parametrize("status", [Letter.Status.CLOSED, Letter.Status.FINALISED])
def test_closed_and_finalised_letters_show_text_and_list_but_no_form(client, status):
    letter = LetterFactory(slug="done", status=status, list_public_while_open=False)
    SignatureFactory(letter=letter, organisation=OrganisationFactory(name="Listed Org"))
    html = client.get("/en/letters/done/").content.decode()
    assert "We urge you to" in html
    assert "<li><bdi>Listed Org</bdi></li>" in html
    assert 'name="organisation_name"' not in html
    assert "closed" in html.lower()


def test_passed_deadline_closes_the_form(client):
    from django.utils import timezone

    LetterFactory(slug="late", deadline=timezone.now() - timezone.timedelta(hours=1))
    html = client.get("/en/letters/late/").content.decode()
    assert 'name="organisation_name"' not in html
    assert "Sign-on for this letter is closed." in html


def test_list_is_alphabetical_by_sort_name_ignoring_case_accents_and_articles(client, open_letter):
    for name in ["Zimbabwe Lawyers", "The Rights Practice", "équipe Nationale", "ARTICLE 19", "amnesty international"]:
        SignatureFactory(letter=open_letter, organisation=OrganisationFactory(name=name))
    hand_set = OrganisationFactory(name="The Egyptian Initiative", sort_name="The Egyptian Initiative")
    SignatureFactory(letter=open_letter, organisation=hand_set)
    names = _list_items(client.get("/en/letters/open-letter/"))
    assert names == [
        "amnesty international", "ARTICLE 19", "équipe Nationale", "The Rights Practice",
        "The Egyptian Initiative", "Zimbabwe Lawyers",
    ]


def test_list_uses_the_names_and_order_of_the_page_language(client, open_letter):
    org = OrganisationFactory(name="World Organisation Against Torture (OMCT)")
    OrganisationName.objects.create(organisation=org, language="fr", name="Organisation mondiale contre la torture (OMCT)")
    SignatureFactory(letter=open_letter, organisation=org)
    SignatureFactory(letter=open_letter, organisation=OrganisationFactory(name="Pan-African Network"))
    assert _list_items(client.get("/en/letters/open-letter/")) == [
        "Pan-African Network", "World Organisation Against Torture (OMCT)",
    ]
    assert _list_items(client.get("/fr/letters/open-letter/")) == [
        "Organisation mondiale contre la torture (OMCT)", "Pan-African Network",
    ]


def test_only_approved_sign_ons_that_agreed_to_be_listed_are_named(client, open_letter):
    for status in Signature.Status.values:
        SignatureFactory(letter=open_letter, status=status, organisation=OrganisationFactory(name=f"Org {status}"))
    for index in range(2):
        SignatureFactory(letter=open_letter, consent_public=False, organisation=OrganisationFactory(name=f"Secret {index}"))
    response = client.get("/en/letters/open-letter/")
    html = response.content.decode()
    assert _list_items(response) == ["Org approved"]
    assert "Secret" not in html
    assert "and 2 organisations that cannot be named for security reasons" in html
    assert "3 organisations have signed." in html


def test_signatory_list_can_stay_private_while_the_letter_is_open(client):
    letter = LetterFactory(slug="quiet", list_public_while_open=False)
    SignatureFactory(letter=letter, organisation=OrganisationFactory(name="Hidden While Open"))
    html = client.get("/en/letters/quiet/").content.decode()
    assert "Hidden While Open" not in html
    assert "1 organisation has signed." in html


def test_individuals_are_listed_apart_with_their_affiliation(client, open_letter):
    person = OrganisationFactory(name="Dr Jane Roe", kind=Organisation.Kind.INDIVIDUAL, affiliation="University of Nairobi")
    SignatureFactory(letter=open_letter, organisation=person)
    html = client.get("/en/letters/open-letter/").content.decode()
    assert "<li><bdi>Dr Jane Roe, University of Nairobi</bdi></li>" in html
    assert "1 individual has signed." in html and "0 organisations have signed." in html
    # Under their own heading, not among the organisations.
    heading = html.index("Individuals (affiliation for identification purposes only)")
    assert heading < html.index("<li><bdi>Dr Jane Roe, University of Nairobi</bdi></li>")


def _page_queries(client, url):
    cache.clear()  # the first visitor after a change: nothing cached yet
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_signatories(letter, count, start=0):
    orgs = Organisation.objects.bulk_create(
        [Organisation(name=f"Signatory {start + i:05d}", normalised_name=f"signatory {start + i:05d}",
                      sort_name=f"Signatory {start + i:05d}") for i in range(count)]
    )
    OrganisationName.objects.bulk_create(
        [OrganisationName(organisation=org, language="fr", name=f"{org.name} (fr)") for org in orgs[::3]]
    )
    Signature.objects.bulk_create(
        [Signature(letter=letter, organisation=org, status=Signature.Status.APPROVED) for org in orgs]
    )
    list_changed(letter.pk)  # bulk writes skip Signature.save(): they recount the letter's list themselves


def test_query_count_of_the_letter_page_does_not_grow_with_signatures(client, django_assert_max_num_queries):
    letter = LetterFactory(slug="big", languages=["en", "fr"])
    _add_signatories(letter, 10)
    small = _page_queries(client, "/fr/letters/big/")
    _add_signatories(letter, 990, start=10)
    large = _page_queries(client, "/fr/letters/big/")
    # Cold cache: the letter, versions, list sections, display names and the list itself (the counts are kept on
    # the letter row, read with the stamp). On PostgreSQL
    # the export path streams rows through two server-side cursors (SAVEPOINT, SET LOCAL, DECLARE, RELEASE each)
    # and stores the collation keys of names it has not seen before (SAVEPOINT, DELETE, COPY, RELEASE).
    budget = 19 if connection.vendor == "postgresql" else 8
    assert small == large <= budget
    # Until the letter or its list changes, the next visitors' pages need one query (what changed when).
    with django_assert_max_num_queries(1):
        response = client.get("/fr/letters/big/")
    # "1000 organisations have signed.", on the French page
    assert "1000 organisations ont signé." in response.content.decode().replace("\u202f", "").replace(",", "")
    # The first 200 names, and a link to the full list.
    assert len(_list_items(response)) == 200
    assert 'href="/fr/letters/big/signatories/"' in response.content.decode()


def test_home_lists_published_letters_with_titles_in_the_page_language(client, open_letter):
    LetterVersionFactory(letter=open_letter, language="fr", title="Lettre ouverte")
    LetterVersion.objects.filter(letter=open_letter, language="fr").update(title="Lettre ouverte")
    html = client.get("/fr/").content.decode()
    assert "Lettre ouverte" in html
    assert 'href="/fr/letters/open-letter/"' in html


def test_changes_show_on_the_next_page_view_despite_caching(client, open_letter, coordinator):
    signature = SignatureFactory(
        letter=open_letter, status=Signature.Status.CONFIRMED, organisation=OrganisationFactory(name="Newly Approved")
    )
    html = client.get("/en/letters/open-letter/").content.decode()
    assert "Newly Approved" not in html and "0 organisations have signed." in html

    signature.approve(by=coordinator)
    html = client.get("/en/letters/open-letter/").content.decode()
    assert "<li><bdi>Newly Approved</bdi></li>" in html and "1 organisation has signed." in html

    version = open_letter.versions.get(language="en")
    version.title = "A corrected title"
    version.save()
    open_letter.close(by=coordinator)
    html = client.get("/en/letters/open-letter/").content.decode()
    assert "A corrected title" in html
    assert 'name="organisation_name"' not in html
