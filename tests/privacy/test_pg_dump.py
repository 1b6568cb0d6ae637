"""After an erasure, a full dump of the database holds neither her address nor her name (PostgreSQL only).

The test is transactional so her data is committed (pg_dump connects on its own and sees only committed rows),
then erased, then the whole database is dumped.
"""

import os
import shutil
import subprocess

import pytest
from django.db import connection

from letters.services import personal_data
from tests.privacy.conftest import ANA_LOOKUP, ANA_NAME, BOB_EMAIL, BOB_NAME, make_traces


def dump():
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump needs PostgreSQL: run with DATABASE_URL=postgres://… (SQLite has no pg_dump)")
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    db = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "--dbname", db["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [option, str(db[key])]
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
    return subprocess.run(command, env=env, check=True, capture_output=True, timeout=120).stdout.decode("utf-8")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_full_dump_after_erasure_holds_neither_her_address_nor_her_name(coordinator):
    make_traces(coordinator)
    before = dump().lower()
    assert "ana.perez" in before and ANA_NAME.lower() in before  # the dump does see committed data

    personal_data.erase(ANA_LOOKUP, by=coordinator)

    after = dump().lower()
    assert "ana.perez" not in after
    assert "quintero" not in after and ANA_NAME.lower() not in after
    assert BOB_EMAIL in after and BOB_NAME.lower() in after  # the other signer is untouched
