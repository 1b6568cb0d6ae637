"""Helpers for the outreach tests: a real SMTP server on loopback, the worker, partners with contacts."""

import logging
import socket
import threading
from email import message_from_bytes
from email.policy import default as default_policy

from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils.text import slugify

from letters.models import Tag
from tests.factories import ContactFactory, OrganisationFactory


# aiosmtpd logs every SMTP command at INFO level.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class Inbox:
    """An SMTP server on 127.0.0.1 that keeps every message it accepts; it can be stopped and started again."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.port = _free_port()
        self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if address.startswith("refused"):  # a mailbox that does not exist: refused, the server itself is fine
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()
        self.controller = None

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]

    def recipients(self):
        return sorted(m["To"] for m in self.messages)


class Blackhole:
    """A mail server that accepts the TCP connection and then never says a word, like a firewalled host."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(50)  # the kernel completes the handshakes; nobody ever reads or answers
        self.port = self.socket.getsockname()[1]

    def close(self):
        self.socket.close()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_worker():
    """The production worker (`manage.py run_worker`, i.e. db_worker), in this process, until the queue is empty."""
    call_command("run_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)


def partner(name, country="CH", languages=("en",), tags=()):
    """An organisation with one active contact per language given."""
    organisation = OrganisationFactory(name=name, country=country)
    for tag in tags:
        organisation.tags.add(Tag.objects.get_or_create(name=tag)[0])
    slug = slugify(name)
    for index, language in enumerate(languages):
        ContactFactory(organisation=organisation, email=f"{slug}-{index}@{slug}.example.org", language=language)
    return organisation


def body(message):
    """The plain-text part of a received email."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def link_in(text, marker):
    """The path of the first link in `text` containing `marker` (e.g. "/invite/")."""
    for word in text.split():
        if marker in word and word.startswith("http"):
            return word.split("testserver", 1)[-1]
    raise AssertionError(f"no link with {marker!r} in {text!r}")
