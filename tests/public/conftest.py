"""Fixtures for the public sign-on area: a partner signing, the outbox, and the directory index."""

import pytest
from django.core import mail
from django.core.cache import cache

from letters.services import signon
from tests.factories import LetterFactory

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _public_settings(settings):
    # The request must never wait on SMTP: by default tasks are only recorded; tests that deliver say so.
    settings.TASKS = DUMMY_TASKS
    settings.SITE_URL = "http://testserver"
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    settings.SIGNON_RATE_PER_IP = 1000
    settings.SIGNON_RATE_PER_EMAIL = 1000
    # Each test's database starts afresh: the process-wide directory index and caches must too.
    signon.directory_index.reset()
    cache.clear()
    yield
    signon.directory_index.reset()


@pytest.fixture
def deliver_emails(settings):
    """Emails are sent by the background task as soon as the sign-on commits (ImmediateBackend)."""
    settings.TASKS = IMMEDIATE_TASKS
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def open_letter(coordinator):
    return LetterFactory(slug="open-letter", coordinators=[coordinator], languages=["en", "fr", "es"])
