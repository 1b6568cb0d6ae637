"""Fixtures for the coordinator workspace: a letter with sign-ons in every status, the demo directory."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from letters.models import Signature
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory

LISTS = "letters/demo/lists"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached duplicate pairs belong to one database state; tests roll the database back."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def other_letter(other_coordinator):
    """A letter the `coordinator` persona does not run (so other_coordinator is a real coordinator too)."""
    return LetterFactory(slug="their-letter", coordinators=[other_coordinator])


@pytest.fixture
def pending(letter):
    return SignatureFactory(letter=letter, status=Signature.Status.PENDING, organisation=OrganisationFactory(
        name="Pending Rights Network", country="KE"), signer_name="Wanjiru Kamau", signer_email="wanjiru@prn.example")


@pytest.fixture
def approved(letter):
    organisation = OrganisationFactory(name="Approved Human Rights Centre", country="CH")
    return SignatureFactory(letter=letter, status=Signature.Status.APPROVED, position=1, organisation=organisation,
                            signer_email="ahrc@ahrc.example")


@pytest.fixture
def demo(db):
    """The five seed letters and their shared directory (load_demo)."""
    call_command("load_demo", "--no-users")


def read_list(seed, language="en"):
    with open(f"{LISTS}/{seed}-{language}.txt", encoding="utf-8") as handle:
        return handle.read()
