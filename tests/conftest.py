"""Shared fixtures: personas (coordinator, other_coordinator, admin_user, signer) and settings for tests."""

import os

import pytest
from django.db import connection

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
