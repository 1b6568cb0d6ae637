"""Set-up for the multi-replica test, run in its own process against the replicas' database.

    DATABASE_URL=postgres://…/db python -m tests.ops.agent setup <slug> <coordinator password>

Migrates the (empty) database, then creates an open letter that lists approved sign-ons publicly and needs
approval, and its coordinator `replica-coordinator`. Prints one JSON document.
"""

import json
import sys

import django


def setup(slug, password):
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    from tests.factories import LetterFactory, UserFactory

    coordinator = UserFactory(username="replica-coordinator", password=password)
    letter = LetterFactory(slug=slug, coordinators=[coordinator], languages=["en"], requires_approval=True,
                           list_public_while_open=True)
    return {"letter": letter.pk, "coordinator": coordinator.pk}


def main(argv):
    django.setup()
    command, *args = argv
    print(json.dumps({"setup": setup}[command](*args)))


if __name__ == "__main__":
    main(sys.argv[1:])
