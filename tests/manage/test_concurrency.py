"""Two coordinators importing into one letter at the same moment (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from letters.services.imports import build_preview, import_rows
from tests.conftest import requires_postgres
from tests.factories import LetterFactory, UserFactory

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_imports_into_one_letter_keep_distinct_positions_and_one_sign_on_per_organisation():
    letter = LetterFactory(slug="busy-letter", coordinators=[UserFactory(username="a"), UserFactory(username="b")])
    lists = ["\n".join(f"Group {n}" for n in range(start, start + 30)) for start in (0, 15)]
    barrier, errors = threading.Barrier(2), []

    def run(text):
        try:
            preview = build_preview(letter, text, "en")
            barrier.wait()
            import_rows(preview)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(text,)) for text in lists]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    positions = list(letter.signatures.values_list("position", flat=True))
    names = list(letter.signatures.values_list("organisation__name", flat=True))
    # Either both imports went through (the second appended after the first), or the second was refused cleanly.
    assert len(positions) == len(set(positions)) and len(names) == len(set(names))
    assert all(type(error).__name__ == "ImportRefused" for error in errors)
    assert len(names) in (30, 45)
