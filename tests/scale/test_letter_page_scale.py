"""Issue 11, "Page cost independent of N": the letter page reads one row however many have signed, its counts and
list are right immediately after every kind of change, and the page stays small; the full list has its own
paginated, searchable page and a public download."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from letters.models import Letter, Organisation, Signature
from letters.services import directory, moderation, signon
from letters.services.finalise import finalise_letter
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory
from tests.public.helpers import sign
from tests.scale.conftest import add_signatories

pytestmark = pytest.mark.django_db


def _queries(client, url, clear=False):
    if clear:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _counts(html):
    """(organisations, individuals) as the page states them."""
    orgs = re.search(r"(\d+) organisations? ha(?:s|ve) signed", html)
    people = re.search(r"(\d+) individuals? ha(?:s|ve) signed", html)
    return int(orgs.group(1)), int(people.group(1)) if people else 0


def _names(html):
    return re.findall(r"<li><bdi>([^<]*)</bdi></li>", html[html.index('id="signatories-heading"'):])


def test_letter_page_costs_the_same_at_10_and_10000_signatures_and_stays_small(client):
    letter = LetterFactory(slug="big", languages=["en", "fr"])
    add_signatories(letter, 10)
    cold_small, _ = _queries(client, "/en/letters/big/", clear=True)
    warm_small, _ = _queries(client, "/en/letters/big/")
    add_signatories(letter, 9990, start=10, individuals=100, unnamed=40)
    cold_large, response = _queries(client, "/en/letters/big/", clear=True)
    warm_large, response = _queries(client, "/en/letters/big/")
    # The first visitor after a change builds the list once; every later visitor reads one row (the stamp).
    assert cold_small == cold_large
    assert warm_small == warm_large == 1
    html = response.content.decode()
    assert len(response.content) < 60_000
    assert _counts(html.replace("\u202f", "").replace("\xa0", "").replace(",", "")) == (9900, 100)
    assert len(_names(html)) == 200  # the first part of the list …
    assert 'href="/en/letters/big/signatories/"' in html  # … and the way to the rest
    assert "40 organisations" in html  # the unnamed are still counted on the page


def test_the_warm_page_reads_no_sign_on(client):
    letter = LetterFactory(slug="stamped")
    add_signatories(letter, 30)
    client.get("/en/letters/stamped/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/letters/stamped/")
    (query,) = queries.captured_queries
    assert Signature._meta.db_table not in query["sql"]  # counts kept on write: nothing is counted on read


def test_counts_and_list_are_right_immediately_after_each_kind_of_change(client, coordinator):
    letter = LetterFactory(slug="live", coordinators=[coordinator], requires_approval=True,
                           accepts_individuals=True)
    url = "/en/letters/live/"

    def page():  # the cache stays warm between changes: a change must show without waiting for anything
        html = client.get(url).content.decode()
        return _counts(html), _names(html), html

    first = SignatureFactory(letter=letter, organisation=OrganisationFactory(name="Alpha Rights"))
    assert page()[:2] == ((1, 0), ["Alpha Rights"])

    # Sign-on through the public form: pending, so neither counted nor listed.
    sign(client, letter, organisation_name="Beta Voices", signer_email="beta@beta.example.org", kind="organisation")
    assert page()[:2] == ((1, 0), ["Alpha Rights"])
    beta = Signature.objects.get(organisation__name="Beta Voices")
    assert signon.confirm(beta)  # confirmed: still waits for a coordinator
    assert page()[:2] == ((1, 0), ["Alpha Rights"])

    # Approval.
    moderation.apply(Signature.objects.get(pk=beta.pk), "approve", by=coordinator)
    assert page()[:2] == ((2, 0), ["Alpha Rights", "Beta Voices"])

    # Approval of one who may not be named: counted, not named.
    hidden = SignatureFactory(letter=letter, status=Signature.Status.CONFIRMED, consent_public=False,
                              organisation=OrganisationFactory(name="Secret Shelter"))
    Signature.objects.get(pk=hidden.pk).approve(by=coordinator)
    counts, names, html = page()
    assert (counts, names) == ((3, 0), ["Alpha Rights", "Beta Voices"])
    assert "Secret Shelter" not in html and "and 1 organisation that cannot be named" in html

    # Rename on this letter.
    moderation.rename(Signature.objects.get(pk=first.pk), "Alpha Human Rights", by=coordinator)
    assert page()[:2] == ((3, 0), ["Alpha Human Rights", "Beta Voices"])

    # Directory edit: the kind changes, so the counts move between organisations and individuals.
    beta_org = Organisation.objects.get(name="Beta Voices")
    beta_org.kind = Organisation.Kind.INDIVIDUAL
    beta_org.name = "Beta Person"
    directory.save_organisation(beta_org, by=coordinator)
    counts, names, _html = page()
    assert counts == (2, 1) and "Beta Person" in names

    # Merge: two approved sign-ons of the same organisation become one.
    twin_a = SignatureFactory(letter=letter, organisation=OrganisationFactory(name="Gamma Network"))
    twin_b = SignatureFactory(letter=letter, organisation=OrganisationFactory(name="Gamma Netwrk"))
    assert page()[0] == (4, 1)
    directory.merge_organisations(twin_a.organisation, twin_b.organisation, by=coordinator,
                                  resolutions={letter.pk: "keep"})
    counts, names, _html = page()
    assert counts == (3, 1)
    assert "Gamma Network" in names and "Gamma Netwrk" not in names

    # Withdrawal by the signer.
    assert signon.withdraw(Signature.objects.get(pk=twin_a.pk))
    counts, names, _html = page()
    assert counts == (2, 1) and "Gamma Network" not in names

    # Finalise: the page prints the finalised snapshot, with the same counts.
    finalise_letter(letter, by=coordinator)
    counts, names, html = page()
    assert counts == (2, 1)
    assert names == ["Alpha Human Rights", "Beta Person"]
    assert "This letter has been finalised" in html

    # And the kept counts are exactly what counting every sign-on says.
    approved = letter.signatures.filter(status=Signature.Status.APPROVED)
    letter.refresh_from_db()
    assert (letter.count_organisations, letter.count_individuals, letter.count_unnamed) == (
        approved.filter(organisation__kind=Organisation.Kind.ORGANISATION).count(),
        approved.filter(organisation__kind=Organisation.Kind.INDIVIDUAL).count(),
        approved.filter(consent_public=False).count(),
    )


def test_a_stale_letter_saved_later_keeps_the_counts(coordinator):
    letter = LetterFactory(slug="stale")
    stale = Letter.objects.get(pk=letter.pk)
    SignatureFactory(letter=letter)
    stale.title = "Edited elsewhere"
    stale.save()  # loaded before the sign-on: must not write back its count of 0
    letter.refresh_from_db()
    assert letter.count_organisations == 1 and letter.title == "Edited elsewhere"


def test_bulk_moderation_recounts_once(coordinator, django_assert_max_num_queries):
    letter = LetterFactory(slug="bulk", coordinators=[coordinator])
    pending = [SignatureFactory(letter=letter, status=Signature.Status.CONFIRMED) for _ in range(20)]
    with CaptureQueriesContext(connection) as queries:
        outcome = moderation.apply_many(letter, pending, "approve", by=coordinator)
    assert len(outcome.done) == 20
    recounts = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "count_organisations" in q["sql"]]
    assert len(recounts) == 1
    letter.refresh_from_db()
    assert letter.count_organisations == 20


def test_full_list_page_paginates_and_searches(client):
    letter = LetterFactory(slug="long", languages=["en"])
    add_signatories(letter, 450, individuals=0, unnamed=5)
    html = client.get("/en/letters/long/signatories/").content.decode()
    assert len(_names(html)) == 200 and "Signatory 00005" in html
    assert "Page 1 of 3" in html and 'href="?page=2"' in html
    assert "and 5 organisations that cannot be named" not in html  # the count closes the list: last page
    last = client.get("/en/letters/long/signatories/?page=3").content.decode()
    assert len(_names(last)) == 445 - 400 and "and 5 organisations that cannot be named" in last
    found = client.get("/en/letters/long/signatories/?q=signatory 0031").content.decode()
    assert _names(found) == [f"Signatory {n:05d}" for n in range(310, 320)]
    assert "10 names found" in found
    # Accents and case do not matter.
    Organisation.objects.filter(name="Signatory 00444").update(name="Éducation Populaire")
    Signature.objects.get(organisation__name="Éducation Populaire").save()  # a change to a listed sign-on
    found = client.get("/en/letters/long/signatories/?q=EDUCATION").content.decode()
    assert _names(found) == ["Éducation Populaire"]


def test_full_list_is_not_public_while_the_letter_keeps_it_private(client):
    letter = LetterFactory(slug="private", list_public_while_open=False)
    SignatureFactory(letter=letter, organisation=OrganisationFactory(name="Hidden Org"))
    assert client.get("/en/letters/private/signatories/").status_code == 404
    assert client.get("/en/letters/private/signatories/signatories.csv").status_code == 404
    assert "/signatories/" not in client.get("/en/letters/private/").content.decode()


@pytest.mark.parametrize("layout", ["txt", "csv"])
def test_public_download_has_listed_names_only(client, layout):
    letter = LetterFactory(slug="download", accepts_individuals=True)
    SignatureFactory(letter=letter, organisation=OrganisationFactory(name="=Listed Org"), signer_name="Signer Sam",
                     signer_email="sam@listed.example.org")
    SignatureFactory(letter=letter, consent_public=False, organisation=OrganisationFactory(name="Unnamed Shelter"),
                     signer_email="hidden@shelter.example.org")
    SignatureFactory(letter=letter, status=Signature.Status.PENDING, organisation=OrganisationFactory(name="Not Yet"))
    person = OrganisationFactory(name="Dr Jane Roe", kind=Organisation.Kind.INDIVIDUAL, affiliation="University")
    SignatureFactory(letter=letter, organisation=person)
    response = client.get(f"/en/letters/download/signatories/signatories.{layout}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    assert "@" not in text and "Signer Sam" not in text  # never signers' names or emails
    assert "Unnamed Shelter" not in text and "Not Yet" not in text
    assert "and 1 organisation that cannot be named" in text
    assert "Dr Jane Roe, University" in text
    if layout == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["No.", "Name", "Section"]
        assert ["1", "'=Listed Org", "Organisations"] in rows  # neutralised for spreadsheets
    else:
        assert "'=Listed Org" in text.splitlines()
