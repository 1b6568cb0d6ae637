"""Shared fixtures: personas (coordinator, other_coordinator, admin_user, signer) and settings for tests."""

import os

import pytest
from django.db import connection
from django.utils import translation

from tests.factories import LetterFactory, UserFactory

# Playwright's sync API runs an event loop in this thread; the ORM refuses that unless told it is a test.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SIGNON_MIN_FILL_SECONDS = 0
    yield
    # A request through the test client leaves its language active in this thread (LocaleMiddleware activates it
    # and nothing deactivates it): the next test would otherwise run in, say, Russian.
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """End stray sessions before the test database is dropped.

    Playwright's sync API runs the test body inside an event loop, where Django (asgiref.local) hands out a
    separate connection that pytest-django does not know about; on PostgreSQL it would block DROP DATABASE.
    """
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coordinator")


@pytest.fixture
def other_coordinator(db):
    return UserFactory(username="other_coordinator")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def letter(coordinator):
    return LetterFactory(slug="our-letter", coordinators=[coordinator], languages=["en", "fr", "es"])


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def other_client(client, other_coordinator):
    client.force_login(other_coordinator)
    return client


def on_postgres():
    return connection.vendor == "postgresql"


requires_postgres = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in {"postgres", "postgresql", "pgsql"},
    reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (make test-pg; .ci/run does)",
)


DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


@pytest.fixture
def signon_settings(settings):
    """What every sign-on test starts from: tasks only recorded (the request never waits on SMTP), links to the
    test server, and the process-wide directory index and cache fresh before and after (each test's database
    starts afresh). Returns `settings` for the test module's own limits."""
    from django.core.cache import cache

    from letters.services import signon

    settings.TASKS = DUMMY_TASKS
    settings.SITE_URL = "http://testserver"
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    signon.directory_index.reset()
    cache.clear()
    yield settings
    signon.directory_index.reset()
