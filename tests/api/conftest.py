"""API personas: tokens for the coordinator (read-write and read-only), one revoked, one of another coordinator."""

import pytest
from django.core.cache import cache

from letters.api.throttles import CountThrottle
from letters.models import ApiToken
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory


@pytest.fixture(autouse=True)
def _api_settings(settings):
    settings.SITE_URL = "http://testserver"
    settings.API_RATE_PER_IP = 0  # limits have their own tests
    settings.API_RATE_PER_TOKEN = 0
    cache.clear()  # counters and cached lists of another test's database
    CountThrottle._counts = {}
    yield
    cache.clear()


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def write_token(coordinator):
    return ApiToken.objects.issue(coordinator, "CRM sync", ApiToken.Scope.WRITE)[1]


@pytest.fixture
def read_token(coordinator):
    return ApiToken.objects.issue(coordinator, "Dashboard", ApiToken.Scope.READ)[1]


@pytest.fixture
def revoked_token(coordinator):
    token, raw = ApiToken.objects.issue(coordinator, "Old script", ApiToken.Scope.WRITE)
    token.revoke()
    return raw


@pytest.fixture
def other_token(other_coordinator):
    LetterFactory(slug="their-letter", coordinators=[other_coordinator], languages=["en"])
    return ApiToken.objects.issue(other_coordinator, "Theirs", ApiToken.Scope.WRITE)[1]


@pytest.fixture
def signed_letter(letter):
    """Our letter with two approved organisations, one asking not to be named, and one pending sign-on."""
    SignatureFactory(letter=letter, organisation=OrganisationFactory(name="Open Square Alliance"))
    SignatureFactory(letter=letter, organisation=OrganisationFactory(name="Quiet Harbour Defenders"),
                     consent_public=False, signer_name="Ruth Ndlovu")
    SignatureFactory(letter=letter, organisation=OrganisationFactory(name="Not Yet Confirmed Network"),
                     status="pending")
    letter.refresh_from_db()
    return letter


@pytest.fixture
def world(signed_letter, coordinator):
    """Everything the coordinator endpoints read: sign-ons (signed_letter), an invitation, a finished export."""
    from letters.models import ExportJob, Invitation
    from tests.factories import ContactFactory

    contact = ContactFactory(name="Amina Invited", email="amina@invited.example.org")
    Invitation.objects.create(letter=signed_letter, organisation=contact.organisation, contact=contact,
                              invited_by=coordinator)
    job = ExportJob.objects.create(letter=signed_letter, language="en", layout="xlsx", status=ExportJob.Status.DONE,
                                   content=b"PK-file", filename="our-letter.xlsx", total=2, progress=2,
                                   content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return {"letter": signed_letter, "job": job,
            "pending": signed_letter.signatures.get(status="pending"),
            "approved": signed_letter.signatures.filter(status="approved").first()}
