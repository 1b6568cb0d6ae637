"""What the fault tests do inside the application's database, from a separate process.

The worker under test runs (and is killed) in its own process against a database the test process does not hold
open, so queueing emails, signing on and reading the outcome happen here: `python -m tests.faults.agent <command>`
with DJANGO_SETTINGS_MODULE and DATABASE_URL in the environment. Every command prints one JSON document.
"""

import json
import sys

import django


def queue(count, mode="batch"):
    """Write `count` emails to the outbox and hand them to the worker: one send_batch task, or one task each."""
    from django.db import transaction

    from letters.emails.core import _enqueue
    from letters.emails.outreach import enqueue_batches
    from letters.models import OutgoingEmail

    with transaction.atomic():
        ids = [
            OutgoingEmail.objects.create(
                kind="signon-confirm", to=f"partner-{n}@fault.example.org", subject=f"Fault test {n}",
                body_text=f"Email number {n}.\n",
            ).pk
            for n in range(1, count + 1)
        ]
    if mode == "batch":
        enqueue_batches(ids)
    else:
        for pk in ids:
            _enqueue(pk)
    return {"ids": ids}


def state():
    """The outbox and the task queue as the test checks them."""
    from django_tasks_db.models import DBTaskResult

    from letters.models import OutgoingEmail, Signature

    emails = [
        {
            "id": e.pk, "to": e.to, "state": e.state, "attempts": e.attempts, "last_error": e.last_error,
            "message_id": getattr(e, "message_id", None),
            "claimed": bool(getattr(e, "lease_until", None)),
            "signature": e.signature_id,
        }
        for e in OutgoingEmail.objects.order_by("pk")
    ]
    tasks = [{"id": str(t.id), "status": t.status, "task": t.task_path} for t in DBTaskResult.objects.all()]
    signatures = list(Signature.objects.values_list("signer_email", flat=True))
    return {"emails": emails, "tasks": tasks, "signatures": signatures}


def setup_letter(slug):
    from tests.factories import LetterFactory

    LetterFactory(slug=slug, languages=["en"])
    return {"letter": slug}


def sign_ons(slug, count, pause):
    """Sign on `count` times through the whole request stack (Django's test client), like a web server would.

    Goes on through database errors (a 500 is an answer the signer sees: not accepted), and prints, as it goes,
    one line per accepted sign-on so the test knows them even if this process is stopped.
    """
    import time

    from django.db import close_old_connections
    from django.test import Client

    client = Client(raise_request_exception=False)
    accepted = 0
    for n in range(1, count + 1):
        # What a web server does around each request: drop a connection the database has closed meanwhile.
        close_old_connections()
        email = f"signer-{n}@ngo-{n}.example.org"
        data = {
            "organisation_name": f"Fault Test Organisation {n}", "acronym": "", "country": "KE",
            "website": "", "signer_name": f"Signer {n}", "signer_email": email, "consent_public": "on",
            "message": "", "reference": "", "started": "",
        }
        try:
            response = client.post(f"/en/letters/{slug}/", data)
            ok = response.status_code == 302 and response["Location"].endswith("/thanks/")
        except Exception:  # noqa: BLE001 - the request failed: the signer saw an error, nothing was accepted
            ok = False
        if ok:
            accepted += 1
            print(json.dumps({"accepted": email}), flush=True)
        time.sleep(pause)
    close_old_connections()
    return {"done": accepted}


def main(argv):
    django.setup()
    command, *args = argv
    if command == "queue":
        result = queue(int(args[0]), *args[1:])
    elif command == "state":
        result = state()
    elif command == "setup-letter":
        result = setup_letter(args[0])
    elif command == "sign-ons":
        result = sign_ons(args[0], int(args[1]), float(args[2]))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
