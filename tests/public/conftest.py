"""Fixtures for the public sign-on area: a partner signing, the outbox, and the directory index."""

import pytest
from django.core import mail

from tests.factories import LetterFactory

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _public_settings(signon_settings):
    # The request must never wait on SMTP: by default tasks are only recorded; tests that deliver say so.
    signon_settings.SIGNON_RATE_PER_IP = 1000
    signon_settings.SIGNON_RATE_PER_EMAIL = 1000


@pytest.fixture
def deliver_emails(settings):
    """Emails are sent by the background task as soon as the sign-on commits (ImmediateBackend)."""
    settings.TASKS = IMMEDIATE_TASKS
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def open_letter(coordinator):
    return LetterFactory(slug="open-letter", coordinators=[coordinator], languages=["en", "fr", "es"])
