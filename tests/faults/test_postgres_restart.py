"""PostgreSQL restarts while partners sign on and the worker is sending: nothing accepted is lost, nothing is sent
twice, and the worker and the scheduler recover by themselves.

Runs its own PostgreSQL cluster (initdb into a temporary directory, its own port), so restarting it disturbs no
one; needs the PostgreSQL server binaries (Debian: postgresql, under /usr/lib/postgresql/*/bin).
"""

import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.faults.helpers import WORKER, Mailbox, Process, agent, app_env, free_port, manage, wait_for

SIGN_ONS = 40
EMAILS = 30


def _postgres_bin():
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


BIN = _postgres_bin()

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.serial,
    pytest.mark.skipif(BIN is None, reason="needs the PostgreSQL server binaries (initdb, pg_ctl) to run a private cluster"),
    pytest.mark.skipif(os.name != "posix", reason="needs POSIX processes and signals"),
]


class PrivateCluster:
    """A throw-away PostgreSQL cluster in a temporary directory, on its own port, run as a non-root user."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="coalition-faults-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            try:
                self.user = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root and there is no postgres user to run a private cluster as")
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)

    def _run(self, *args, check=True):
        command = [str(BIN / args[0]), *map(str, args[1:])]
        if self.user is not None:
            command = ["runuser", "-u", self.user.pw_name, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=60, cwd=self.dir)

    def init(self):
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        return self

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", self.dir / "server.log", "-w", "-t", "30", "start")

    def stop(self):
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "30", "stop", check=False)

    def create_database(self, name):
        self._run("createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster():
    cluster = PrivateCluster()
    try:
        cluster.init().start()
        yield cluster
    finally:
        cluster.remove()


def _accepted(sign_ons):
    lines = Path(sign_ons.log_path).read_text().splitlines()
    return [json.loads(line)["accepted"] for line in lines if line.startswith('{"accepted"')]


def _settled(env):
    state = agent(env, "state")
    emails_done = all(email["state"] != "queued" for email in state["emails"])
    tasks_done = all(task["status"] not in ("RUNNING", "READY") for task in state["tasks"])
    return state if emails_done and tasks_done else None


def test_a_database_restart_loses_no_sign_on_and_sends_every_email_once(cluster, tmp_path):
    database_url = cluster.create_database("coalition")
    mailbox = Mailbox().start()
    mailbox.delay = 0.15  # the batch is still going when the database goes down
    env = app_env(database_url, mailbox.port, FAULT_EMAIL_LEASE_SECONDS=5, FAULT_TASKS_RUNNING_TIMEOUT=8)
    processes = {}
    try:
        manage(env, "migrate", "--noinput")
        agent(env, "setup-letter", "fault-letter")
        agent(env, "queue", EMAILS, "batch")
        processes["worker"] = Process([*WORKER[:-1], "0.2", "--max-backoff", "2"], env, tmp_path / "worker.log")
        processes["scheduler"] = Process(
            ["manage.py", "run_scheduler", "--tick", "0.5", "--sweep-every", "2"], env, tmp_path / "scheduler.log"
        )
        processes["sign-ons"] = Process(
            ["-m", "tests.faults.agent", "sign-ons", "fault-letter", SIGN_ONS, 0.1], env, tmp_path / "sign-ons.log"
        )
        wait_for(lambda: len(mailbox.messages) >= 3 and len(_accepted(processes["sign-ons"])) >= 3, timeout=30,
                 message="sign-ons accepted and emails going out")

        cluster.stop()  # pg_ctl stop -m fast: every connection is cut, as in a restart or a failover
        time.sleep(2)
        cluster.start()

        processes["sign-ons"].wait(timeout=60)
        state = wait_for(lambda: _settled(env), timeout=60, every=1, message="every email sent, no task running")
        assert processes["worker"].alive(), processes["worker"].output()
        assert processes["scheduler"].alive(), processes["scheduler"].output()
        worker_log = processes["worker"].output()
    finally:
        for process in processes.values():
            process.stop()
        mailbox.stop()

    # The worker noticed the outage and carried on by itself (nobody restarted it).
    assert "database unavailable" in worker_log, worker_log
    # 0 accepted sign-ons lost: every sign-on the signer saw accepted is in the database, and was sent its email.
    accepted = _accepted(processes["sign-ons"])
    assert len(accepted) >= SIGN_ONS // 2
    assert set(accepted) <= set(state["signatures"])
    received = mailbox.by_recipient()
    assert all(received[email] == 1 for email in accepted)
    # Every email in the outbox delivered exactly once, with the Message-ID stored on its row.
    assert received == {email["to"]: 1 for email in state["emails"]}
    assert set(mailbox.by_message_id().values()) == {1}
    assert sorted(mailbox.by_message_id()) == sorted(email["message_id"] for email in state["emails"])
    assert {email["state"] for email in state["emails"]} == {"sent"}
