"""Fixtures for the fault tests: a migrated application database the worker processes share with the test."""

import shutil

import pytest

from tests.faults.helpers import app_env, manage


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory):
    """A SQLite file with every migration applied, made once and copied for each test."""
    path = tmp_path_factory.mktemp("fault-template") / "template.sqlite3"
    manage(app_env(f"sqlite:///{path}"), "migrate", "--noinput")
    return path


@pytest.fixture
def sqlite_app(_migrated_sqlite, tmp_path):
    """DATABASE_URL of a fresh, migrated SQLite database for this test's processes."""
    path = tmp_path / "app.sqlite3"
    shutil.copy(_migrated_sqlite, path)
    return f"sqlite:///{path}"
