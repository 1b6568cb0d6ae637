"""The letters the embed, feed and sitemap tests talk about: one public and open, one draft, one confidential."""

import pytest

from letters.models import Letter
from tests.factories import LetterFactory, LetterVersionFactory


@pytest.fixture(autouse=True)
def _fresh(signon_settings):
    """Cache and directory index fresh for each test (the embed reads counts the list cache also keeps)."""


@pytest.fixture
def open_letter(coordinator):
    letter = LetterFactory(slug="open-letter", coordinators=[coordinator], languages=[],
                           embed_origins="https://partner.example.org\nhttps://network.example.net/")
    LetterVersionFactory(letter=letter, language="en", title="Release the defenders")
    LetterVersionFactory(letter=letter, language="fr", title="Libérez les défenseurs")
    LetterVersionFactory(letter=letter, language="ar", title="أطلقوا سراح المدافعين")
    return letter


@pytest.fixture
def draft_letter(coordinator):
    return LetterFactory(slug="draft-letter", title="Draft in progress", status=Letter.Status.DRAFT,
                         coordinators=[coordinator], embed_origins="https://partner.example.org")


@pytest.fixture
def confidential_letter(coordinator):
    letter = LetterFactory(slug="secret-letter", title="Embargoed statement", confidential=True, publish_at=None,
                           coordinators=[coordinator], embed_origins="https://partner.example.org")
    letter.versions.update(title="Embargoed statement on the crackdown")
    return letter
