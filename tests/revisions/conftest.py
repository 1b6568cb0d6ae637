"""Fixtures for text revisions: an open letter in three languages with signers who signed its first text."""

import pytest

from tests.factories import LetterFactory, SignatureFactory


@pytest.fixture(autouse=True)
def _revision_settings(signon_settings):
    signon_settings.SIGNON_RATE_PER_IP = 1000
    signon_settings.SIGNON_RATE_PER_EMAIL = 1000


@pytest.fixture
def open_letter(coordinator):
    return LetterFactory(slug="open-letter", coordinators=[coordinator], languages=["en", "fr", "es"])


def signed_first_text(letter, language, status="approved", **fields):
    version = letter.versions.get(language=language)
    return SignatureFactory(letter=letter, language=language, status=status,
                            revision=version.revisions.get(number=1), **fields)
