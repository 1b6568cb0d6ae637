"""The public count (polled by the embed widget): one cheap row, open CORS, short cache, public letters only."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.test.utils import CaptureQueriesContext

from letters.models import Letter, Organisation, Signature
from letters.models.signatures import list_changed
from tests.conftest import requires_postgres
from tests.factories import LetterFactory

pytestmark = pytest.mark.django_db


def test_count_gives_the_counts_kept_on_write(client, signed_letter):
    response = client.get("/api/v1/letters/our-letter/count")
    assert response.status_code == 200
    assert response.json() == {"slug": "our-letter", "status": "open", "is_open": True, "organisations": 2,
                               "individuals": 0, "unnamed": 1, "total": 2,
                               "list_revision": signed_letter.list_revision}


def test_count_is_cors_open_and_cached_briefly(client, letter):
    response = client.get("/api/v1/letters/our-letter/count")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=15"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("fields", [{"status": "draft"}, {"confidential": True, "publish_at": None}])
def test_count_of_a_draft_or_confidential_letter_is_not_found(client, fields):
    LetterFactory(slug="hidden", languages=["en"], **fields)
    response = client.get("/api/v1/letters/hidden/count")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def _add_approved(letter, how_many):
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Bulk organisation {letter.pk}-{i}", country="CH") for i in range(how_many))
    Signature.objects.bulk_create(Signature(letter=letter, organisation=org, status="approved",
                                            signer_email=f"b{i}@example.org") for i, org in enumerate(organisations))
    list_changed(letter.pk)


def _count_queries(client, slug):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/letters/{slug}/count").status_code == 200
    return len(queries)


def test_count_reads_the_same_queries_at_10_and_1000_signatures(client):
    small, large = LetterFactory(slug="small", languages=["en"]), LetterFactory(slug="large", languages=["en"])
    _add_approved(small, 10)
    _add_approved(large, 1000)
    assert _count_queries(client, "small") == _count_queries(client, "large") == 1
    assert client.get("/api/v1/letters/large/count").json()["organisations"] == 1000
    assert Letter.objects.get(slug="large").count_organisations == 1000


def test_count_finds_exactly_the_letters_public_finds(client):
    """The count reads its row in plain SQL (cheap enough to poll): it must agree with Letter.objects.public()."""
    now = timezone.now()
    variants = [{"status": "draft"}, {"status": "open"}, {"status": "closed"}, {"status": "finalised"},
                {"status": "open", "deadline": now - timedelta(days=1)}, {"status": "open", "deadline": None},
                {"confidential": True, "publish_at": None},
                {"confidential": True, "publish_at": now + timedelta(hours=1)},
                {"confidential": True, "publish_at": now - timedelta(hours=1)}]
    letters = [LetterFactory(slug=f"variant-{i}", languages=["en"], **fields) for i, fields in enumerate(variants)]
    public = set(Letter.objects.public().values_list("slug", flat=True))
    assert public == {f"variant-{i}" for i in (1, 2, 3, 4, 5, 8)}
    for letter in letters:
        response = client.get(f"/api/v1/letters/{letter.slug}/count")
        assert response.status_code == (200 if letter.slug in public else 404), letter.slug
        if response.status_code == 200:
            assert response.json()["is_open"] == Letter.objects.get(pk=letter.pk).is_open, letter.slug


@requires_postgres  # SQLite's in-memory test database cannot be closed and reopened: it would be gone
@pytest.mark.django_db(transaction=True)
def test_count_reconnects_when_the_persistent_connection_went_bad(client):
    LetterFactory(slug="kept", languages=["en"])
    assert client.get("/api/v1/letters/kept/count").status_code == 200
    connection.ensure_connection()
    connection.connection.close()  # what a database restart does to a kept connection
    response = client.get("/api/v1/letters/kept/count")
    assert response.status_code == 200 and response.json()["slug"] == "kept"
