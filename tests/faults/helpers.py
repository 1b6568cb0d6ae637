"""Helpers for the fault tests: an SMTP server that counts by Message-ID, and the application's processes."""

import asyncio
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
# The worker the deployment runs (Makefile `run`, docker-compose `worker`).
WORKER = ["manage.py", "run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]

logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout, every=0.2, message="condition"):
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(every)


class Mailbox:
    """An SMTP server on loopback that keeps every message it accepts.

    `kill_at = ("rcpt" | "data", n, pid)` makes it SIGKILL process `pid` at the n-th recipient command, or once it
    holds the n-th complete message but before it answers "250" — the worker dies mid-conversation, as in a crash,
    whatever code the worker runs.
    """

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.lock = threading.Lock()
        self.kill_at = None
        self.delay = 0  # seconds each message takes to be accepted: a batch that is still running when things break
        self.seen = Counter()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def _maybe_kill(self, step):
        if self.kill_at and self.kill_at[0] == step:
            self.seen[step] += 1
            if self.seen[step] == self.kill_at[1]:
                os.kill(self.kill_at[2], signal.SIGKILL)
                time.sleep(0.3)  # the worker is gone before it could read our answer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        self._maybe_kill("rcpt")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        self._maybe_kill("data")
        return "250 Message accepted for delivery"

    def by_message_id(self):
        return Counter(m["Message-ID"] for m in self.messages)

    def by_recipient(self):
        return Counter(m["To"] for m in self.messages)


def app_env(database_url, smtp_port=None, **extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults.fault_settings",
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port or 25),
        "EMAIL_TIMEOUT": "5",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    env.pop("COALITION_FAULT_KILL_AT", None)
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env, *args, timeout=120):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=timeout
    )


def agent(env, *args, timeout=60):
    """Run a tests.faults.agent command; its JSON answer (the last line of its output)."""
    done = subprocess.run(
        [PYTHON, "-m", "tests.faults.agent", *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise AssertionError(f"agent {args} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Process:
    """A long-running application process (worker, scheduler, agent) whose output goes to a log file."""

    def __init__(self, args, env, log_path):
        self.log_path = Path(log_path)
        self.log = open(self.log_path, "a")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            [PYTHON, *map(str, args)], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self):
        return self.popen.pid

    def wait(self, timeout):
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.popen.args} still running after {timeout} s:\n{self.output()}") from None

    def alive(self):
        return self.popen.poll() is None

    def stop(self, timeout=15):
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        self.log.close()

    def output(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-6000:]
