"""Duplicate prevention under concurrency (PostgreSQL: real row locks and concurrent transactions)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from letters.models import Organisation, OutgoingEmail, Signature
from tests.conftest import requires_postgres
from tests.factories import LetterFactory, OrganisationFactory
from tests.public.helpers import form_data

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def _submit_all_at_once(path, payloads):
    """POST every payload from its own thread (own client, own database connection), released together."""
    barrier = threading.Barrier(len(payloads))
    responses, errors = [None] * len(payloads), []

    def worker(index):
        try:
            client = Client(raise_request_exception=False)
            barrier.wait()
            responses[index] = client.post(path, payloads[index])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    return responses


def _assert_normal_replies(responses, letter):
    statuses = [response.status_code for response in responses]
    assert statuses == [302] * len(responses), statuses
    assert {response["Location"] for response in responses} == {f"/en/letters/{letter.slug}/thanks/"}


def test_twenty_people_signing_the_same_new_organisation_at_once_make_one_signature():
    letter = LetterFactory(slug="race")
    payloads = [form_data(signer_email=f"staff{index}@ccv.example.org") for index in range(THREADS)]
    responses = _submit_all_at_once("/en/letters/race/", payloads)
    _assert_normal_replies(responses, letter)
    assert Signature.objects.filter(letter=letter).count() == 1
    assert Organisation.objects.filter(normalised_name="centre for civic voices").count() == 1
    # One confirmation, to whoever came first; the others are recorded on the same sign-on.
    signature = Signature.objects.get(letter=letter)
    assert OutgoingEmail.objects.filter(signature=signature).count() == 1
    assert signature.events.filter(action="submitted again").count() == THREADS - 1


def test_twenty_submissions_of_a_known_organisation_under_different_spellings_make_one_signature():
    letter = LetterFactory(slug="race-known")
    known = OrganisationFactory(name="Centre for Civic Voices", acronym="CCV", country="KE")
    spellings = ["Centre for Civic Voices", "CENTRE FOR CIVIC VOICES", "Centre for Civic Voices (CCV)", "CCV"]
    payloads = [
        form_data(organisation_name=spellings[index % len(spellings)], signer_email=f"s{index}@ccv.example.org")
        for index in range(THREADS)
    ]
    responses = _submit_all_at_once("/en/letters/race-known/", payloads)
    _assert_normal_replies(responses, letter)
    assert list(Signature.objects.filter(letter=letter).values_list("organisation", flat=True)) == [known.pk]
    assert Organisation.objects.count() == 1


def test_the_same_new_organisation_signing_two_letters_at_once_is_created_once():
    first, second = LetterFactory(slug="first"), LetterFactory(slug="second")
    payloads = [form_data(signer_email=f"p{index}@ccv.example.org") for index in range(10)]
    threads_done = []

    def run(path):
        threads_done.append(_submit_all_at_once(path, payloads))

    runners = [threading.Thread(target=run, args=(f"/en/letters/{slug}/",)) for slug in ("first", "second")]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=90)
    assert len(threads_done) == 2
    assert Organisation.objects.filter(normalised_name="centre for civic voices").count() == 1
    assert first.signatures.count() == second.signatures.count() == 1
