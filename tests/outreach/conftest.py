"""Fixtures for invitations and reminders: a real SMTP server on loopback, the worker, partners with contacts."""

import pytest

from tests.outreach.helpers import Inbox

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _outreach_settings(settings):
    # Tasks are only recorded unless a test runs the worker (database backend) or the outbox sweep.
    settings.TASKS = DUMMY_TASKS
    settings.SITE_URL = "http://testserver"
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]


@pytest.fixture
def smtp(settings):
    """Django sends through a real SMTP server on loopback (aiosmtpd running in this process)."""
    inbox = Inbox()
    inbox.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = inbox.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    if inbox.controller is not None:
        inbox.stop()


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the database queue, as in production; `run_worker` runs them."""
    settings.TASKS = DATABASE_TASKS
