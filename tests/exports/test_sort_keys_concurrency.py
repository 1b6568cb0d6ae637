"""Collation keys stored by exports running at once, and renames committing while an export keys (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from letters.exports import SignatoryList
from letters.models import Organisation, Signature, SortKey
from tests.conftest import requires_postgres
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def names(letter):
    return [row.name for row in SignatoryList(letter, "en").rows()]


def in_threads(count, work):
    barrier, errors, results = threading.Barrier(count), [], []

    def run(number):
        try:
            barrier.wait()
            results.append(work(number))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_exports_storing_the_same_new_keys_at_once_all_succeed_and_agree():
    letter = LetterFactory(slug="busy-export")
    for n in range(300, 0, -1):
        SignatureFactory(letter=letter, organisation=OrganisationFactory(name=f"Group {n:03d}"),
                         status=Signature.Status.APPROVED)

    results, errors = in_threads(3, lambda _number: names(letter))

    assert errors == []
    assert results == [[f"Group {n:03d}" for n in range(1, 301)]] * 3
    assert SortKey.objects.filter(signature__letter=letter, language="en").count() == 300


def test_a_rename_committed_while_exports_run_is_in_order_in_the_next_export():
    letter = LetterFactory(slug="renamed-meanwhile")
    for n in range(1, 201):
        SignatureFactory(letter=letter, organisation=OrganisationFactory(name=f"Group {n:03d}"),
                         status=Signature.Status.APPROVED)
    renamed = Organisation.objects.get(name="Group 001")

    def export_or_rename(number):
        if number == 1:
            Organisation.objects.filter(pk=renamed.pk).update(name="Zulu Group", sort_name="Zulu Group")
            return None
        return names(letter)

    _results, errors = in_threads(3, export_or_rename)

    assert errors == []
    assert names(letter)[-1] == "Zulu Group"
    assert names(letter)[0] == "Group 002"
