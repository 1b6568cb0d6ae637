"""Inviting 1,000 organisations returns at once (a fixed query budget, nothing sent during the request); the worker
then sends 1,000 emails. How long it takes is measured by bench/bench_workspace.py, not asserted here."""

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from letters.models import Contact, Invitation, Organisation, OutgoingEmail, Signature, Tag
from letters.text import normalise_name
from tests.factories import LetterFactory
from tests.outreach.helpers import run_worker

ORGANISATIONS = 1000
# The request is a fixed number of statements plus one INSERT per batch. PostgreSQL takes each table in one INSERT;
# SQLite's driver caps a statement at 999 parameters, so the 35-column sign-on rows go in batches of 28 (36 INSERTs)
# and the 23-column outbox rows in batches of 43 (24 INSERTs).
QUERY_BUDGET = {"postgresql": 40, "sqlite": 110}


def directory_of(count, tag):
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=name, sort_name=name, normalised_name=normalise_name(name), country="KE")
            for name in (f"Partner {n:04}" for n in range(count))
        ]
    )
    Organisation.tags.through.objects.bulk_create(
        [Organisation.tags.through(organisation=org, tag=tag) for org in organisations]
    )
    Contact.objects.bulk_create(
        [Contact(organisation=org, email=f"contact@partner{org.pk}.example.org", language="fr") for org in organisations]
    )


@pytest.mark.django_db(transaction=True)
def test_bulk_invitation_of_1000_organisations_returns_at_once_and_the_worker_sends_1000_emails(
    client, coordinator, smtp, database_tasks, django_assert_max_num_queries
):
    letter = LetterFactory(slug="big-letter", coordinators=[coordinator], languages=["en", "fr"])
    tag = Tag.objects.create(name="Africa network")
    directory_of(ORGANISATIONS, tag)
    client.force_login(coordinator)

    with django_assert_max_num_queries(QUERY_BUDGET[connection.vendor]) as queries:
        response = client.post(f"/manage/letters/{letter.slug}/invite/", {"tags": [tag.pk]})

    assert response.status_code == 302
    # "Returns at once": the emails are rendered and queued in bulk, none is sent during the request.
    assert Invitation.objects.filter(letter=letter).count() == ORGANISATIONS
    assert Signature.objects.filter(letter=letter, status=Signature.Status.INVITED).count() == ORGANISATIONS
    assert OutgoingEmail.objects.filter(state=OutgoingEmail.State.QUEUED).count() == ORGANISATIONS
    assert smtp.messages == []  # nothing was sent during the request
    assert DBTaskResult.objects.count() == ORGANISATIONS // 100  # a handful of batch tasks, not one per email

    run_worker()

    assert len(smtp.messages) == ORGANISATIONS
    assert len({m["To"] for m in smtp.messages}) == ORGANISATIONS
    assert OutgoingEmail.objects.filter(state=OutgoingEmail.State.SENT).count() == ORGANISATIONS
    print(
        f"\nbulk invite of {ORGANISATIONS} organisations on {connection.vendor}: {len(queries)} queries "
        f"(budget {QUERY_BUDGET[connection.vendor]}); worker sent {len(smtp.messages)} emails over SMTP"
    )
