"""The public API shows what the public page shows, never more: no drafts, no confidential letter before its
publication, no withheld, unconfirmed or unapproved name, no signer's name or email, no internal title."""

from datetime import timedelta

import pytest
from django.utils import timezone

from letters.models import Letter
from letters.views.public_cache import build_public_entries
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db

WITHHELD = "Quiet Harbour Defenders"
PENDING = "Not Yet Confirmed Network"


@pytest.fixture
def hidden_letters():
    return [LetterFactory(slug="a-draft", status=Letter.Status.DRAFT, languages=["en"]),
            LetterFactory(slug="confidential", confidential=True, publish_at=None, languages=["en"]),
            LetterFactory(slug="embargoed", confidential=True, publish_at=timezone.now() + timedelta(days=3),
                          languages=["en"])]


def public_api_texts(client, slug, languages=("en", "fr", "es")):
    urls = ["/api/v1/letters/", f"/api/v1/letters/{slug}/", f"/api/v1/letters/{slug}/count",
            *(f"/api/v1/letters/{slug}/signatories?language={language}" for language in languages)]
    return {url: client.get(url).content.decode() for url in urls}


def test_letter_list_shows_public_letters_only(client, letter, hidden_letters):
    published = LetterFactory(slug="was-confidential", confidential=True, languages=["en"],
                              publish_at=timezone.now() - timedelta(days=1))
    slugs = {row["slug"] for row in client.get("/api/v1/letters/").json()}
    assert slugs == {"our-letter", published.slug}


@pytest.mark.parametrize("slug", ["a-draft", "confidential", "embargoed"])
@pytest.mark.parametrize("endpoint", ["", "count", "signatories"])
def test_drafts_and_confidential_letters_are_not_found_on_any_endpoint(client, hidden_letters, slug, endpoint):
    response = client.get(f"/api/v1/letters/{slug}/{endpoint}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_withheld_and_unapproved_names_and_signers_never_appear(client, signed_letter):
    Letter.objects.filter(pk=signed_letter.pk).update(title="INTERNAL working title")
    signatures = list(signed_letter.signatures.all())
    SignatureFactory(letter=signed_letter, organisation=OrganisationFactory(name="Declined Partners Forum"),
                     status="declined")
    SignatureFactory(letter=signed_letter, organisation=OrganisationFactory(name="Confirmed Not Approved"),
                     status="confirmed")
    for url, text in public_api_texts(client, "our-letter").items():
        for name in (WITHHELD, PENDING, "Declined Partners Forum", "Confirmed Not Approved"):
            assert name not in text, url
        for signature in signatures:
            assert signature.signer_email not in text and signature.signer_name not in text, url
        assert "INTERNAL" not in text, url  # the coordinators' own title of the letter


def test_the_list_is_exactly_the_public_pages_and_counts_the_withheld(client, signed_letter):
    body = client.get("/api/v1/letters/our-letter/signatories?language=fr").json()
    expected = build_public_entries(signed_letter, "fr")
    assert [(entry["kind"], entry["text"]) for entry in body["entries"]] == [tuple(e) for e in expected["entries"]]
    assert body["names"] == expected["names"] == 1
    assert [entry["kind"] for entry in body["entries"]].count("unnamed") == 1
    assert "Open Square Alliance" in [entry["text"] for entry in body["entries"]]


def test_the_list_is_paged_by_entries(client, signed_letter):
    body = client.get("/api/v1/letters/our-letter/signatories?language=en&offset=1&limit=1").json()
    assert body["offset"] == 1 and len(body["entries"]) == 1 and body["total_entries"] >= 2


def test_a_list_kept_private_while_open_is_not_found(client, signed_letter):
    Letter.objects.filter(pk=signed_letter.pk).update(list_public_while_open=False)
    response = client.get("/api/v1/letters/our-letter/signatories")
    assert response.status_code == 404
    assert "not public" in response.json()["detail"]
    assert client.get("/api/v1/letters/our-letter/count").json()["organisations"] == 2  # the count still shows


def test_an_unknown_language_is_a_clear_422(client, letter):
    response = client.get("/api/v1/letters/our-letter/signatories?language=xx")
    assert response.status_code == 422
    assert "xx" in response.json()["detail"]


def test_letter_detail_gives_the_versions_not_the_internal_title(client, letter):
    body = client.get("/api/v1/letters/our-letter/").json()
    assert sorted(version["language"] for version in body["versions"]) == ["en", "es", "fr"]
    assert body["title"] == letter.version("en").title
    assert body["versions"][0]["url"].startswith("http://testserver/")


def test_public_endpoints_are_cors_open_and_cached_briefly(client, signed_letter):
    for url in public_api_texts(client, "our-letter"):
        response = client.get(url)
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert response["Cache-Control"].startswith("public, max-age="), url


def test_a_version_the_interface_does_not_speak_links_with_version(client, letter):
    from tests.factories import LetterVersionFactory

    LetterVersionFactory(letter=letter, language="pt")
    urls = {v["language"]: v["url"] for v in client.get("/api/v1/letters/our-letter/").json()["versions"]}
    assert urls["fr"] == "http://testserver/fr/letters/our-letter/"
    assert urls["pt"] == "http://testserver/en/letters/our-letter/?version=pt"
    assert client.get(urls["pt"].removeprefix("http://testserver")).status_code == 200
