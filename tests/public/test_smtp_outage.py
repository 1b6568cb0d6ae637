"""SMTP down or refusing: the sign-on is kept, and the confirmation is delivered once the server accepts again."""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from letters.models import OutgoingEmail, Signature
from tests.public.helpers import sign

pytestmark = pytest.mark.django_db


class Mailbox:
    """An SMTP server on loopback that refuses mail until told to accept it, and can be switched off and on."""

    def __init__(self, port):
        self.port = port
        self.accepting = False
        self.received = []
        self.controller = None

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if not self.accepting:
            return "451 4.3.0 Mail server temporarily unavailable"
        self.received.append(envelope)
        return "250 OK"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings, deliver_emails):
    mailbox = Mailbox(_free_port())
    mailbox.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mailbox.port
    settings.EMAIL_TIMEOUT = 5
    yield mailbox
    mailbox.stop()


def _a_while_later():
    """The retry is due (back-off elapsed): move the clock of the queued emails rather than sleep."""
    OutgoingEmail.objects.filter(state=OutgoingEmail.State.QUEUED).update(next_attempt_at=timezone.now())


@pytest.mark.parametrize("outage", ["refusing", "down"])
def test_sign_on_survives_an_smtp_outage_and_the_email_arrives_later(
    client, open_letter, smtp_server, django_capture_on_commit_callbacks, outage
):
    mailbox = smtp_server
    if outage == "down":
        mailbox.stop()

    with django_capture_on_commit_callbacks(execute=True):
        response = sign(client, open_letter)

    # The signer gets the normal reply; the sign-on and its email are kept.
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    email = OutgoingEmail.objects.get(signature=signature)
    assert email.state == OutgoingEmail.State.QUEUED and email.attempts == 1 and email.last_error
    assert email.next_attempt_at > timezone.now()
    assert mailbox.received == []

    if outage == "down":
        mailbox.start()
    mailbox.accepting = True
    _a_while_later()
    call_command("send_outbox")

    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.SENT and email.attempts == 2
    assert len(mailbox.received) == 1
    envelope = mailbox.received[0]
    assert envelope.rcpt_tos == ["amina@ccv.example.org"]
    # The retry went out with the Message-ID chosen at the first attempt (a duplicate would be recognisable).
    assert f"Message-ID: {email.message_id}".encode() in envelope.content
    assert b"/en/letters/open-letter/confirm/" in envelope.content

    # Sweeping again sends nothing twice.
    _a_while_later()
    call_command("send_outbox")
    assert len(mailbox.received) == 1
