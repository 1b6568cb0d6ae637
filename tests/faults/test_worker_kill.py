"""kill -9 of the task worker at every step of sending a batch: each email is delivered exactly once, none stays stuck.

The worker runs in its own process against a real SMTP server on loopback and is killed either by the test hook
in the send path (COALITION_FAULT_KILL_AT, see letters.emails.core.fault_point) or by the SMTP server itself in the
middle of the conversation. A fresh worker and the outbox sweep (`send_outbox`, what run_scheduler runs every
minute) then finish the batch. Deliveries are counted at the SMTP server, by recipient and by Message-ID.
"""

import signal
import sys

import pytest

from tests.faults.helpers import WORKER, Mailbox, Process, agent, app_env, manage, wait_for

pytestmark = [
    pytest.mark.serial,
    pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals (kill -9)"),
]

EMAILS = 4
KILLED_AT = 2  # the second email of the batch: one is done, one is mid-way, two are still to go

# (where the worker dies, who kills it)
KILL_POINTS = [
    ("claimed", "hook"),  # the email is claimed (committed), the mail server not contacted yet
    ("connected", "hook"),  # connected to the mail server, nothing handed over
    ("rcpt", "server"),  # mid-conversation: recipient given, no message data sent
    ("data", "server"),  # the server holds the whole message; the worker dies before it reads "250"
    ("accepted", "hook"),  # the worker has read "250" and dies before recording the email as sent
    ("recorded", "hook"),  # recorded as sent; dies before the task itself is marked done
]


def _settled(env):
    """Run the outbox sweep once; the state once no email is left to send and no task is left running."""
    manage(env, "send_outbox")
    state = agent(env, "state")
    emails_done = all(email["state"] != "queued" for email in state["emails"])
    tasks_done = all(task["status"] not in ("RUNNING", "READY") for task in state["tasks"])
    return state if emails_done and tasks_done else None


@pytest.mark.parametrize(("point", "how"), KILL_POINTS, ids=[point for point, _ in KILL_POINTS])
def test_a_worker_killed_at_any_step_of_a_batch_delivers_each_email_exactly_once(point, how, sqlite_app, tmp_path):
    mailbox = Mailbox().start()
    env = app_env(sqlite_app, mailbox.port)
    processes = []
    try:
        agent(env, "queue", EMAILS, "batch")
        killed_env = {**env, "COALITION_FAULT_KILL_AT": f"{point}:{KILLED_AT}"} if how == "hook" else env
        worker = Process(WORKER, killed_env, tmp_path / "worker-killed.log")
        processes.append(worker)
        if how == "server":
            mailbox.kill_at = (point, KILLED_AT, worker.pid)
        assert worker.wait(timeout=30) == -signal.SIGKILL, worker.output()

        # A new worker is started (docker-compose `restart: unless-stopped`, systemd `Restart=always`).
        restarted = Process(WORKER, env, tmp_path / "worker-restarted.log")
        processes.append(restarted)
        state = wait_for(lambda: _settled(env), timeout=45, every=0.5, message="every email sent, no task running")
        assert restarted.alive(), restarted.output()
    finally:
        for process in processes:
            process.stop()
        mailbox.stop()

    recipients = sorted(email["to"] for email in state["emails"])
    assert mailbox.by_recipient() == {to: 1 for to in recipients}, "an email was lost or delivered twice"
    assert set(mailbox.by_message_id().values()) == {1}
    assert {email["state"] for email in state["emails"]} == {"sent"}
    assert not any(email["claimed"] for email in state["emails"])
    # The Message-ID each email went out with is the one stored on its outbox row.
    assert sorted(mailbox.by_message_id()) == sorted(email["message_id"] for email in state["emails"])


def test_one_task_per_email_killed_after_the_server_accepted_delivers_each_email_once(sqlite_app, tmp_path):
    """The same with the send_email task (one task per email: sign-on confirmations) instead of a batch."""
    mailbox = Mailbox().start()
    env = app_env(sqlite_app, mailbox.port)
    processes = []
    try:
        agent(env, "queue", 3, "single")
        worker = Process(WORKER, env, tmp_path / "worker-killed.log")
        processes.append(worker)
        mailbox.kill_at = ("data", 2, worker.pid)
        assert worker.wait(timeout=30) == -signal.SIGKILL, worker.output()
        processes.append(Process(WORKER, env, tmp_path / "worker-restarted.log"))
        state = wait_for(lambda: _settled(env), timeout=45, every=0.5, message="every email sent, no task running")
    finally:
        for process in processes:
            process.stop()
        mailbox.stop()

    assert mailbox.by_recipient() == {email["to"]: 1 for email in state["emails"]}
    assert {email["state"] for email in state["emails"]} == {"sent"}
    failed_tasks = [task for task in state["tasks"] if task["status"] == "FAILED"]
    assert len(failed_tasks) == 1  # the killed worker's task, closed by the sweep instead of "running" forever


def test_the_instant_between_recording_the_hand_over_and_the_last_bytes_is_at_most_once(sqlite_app, tmp_path):
    """The one crash the outbox cannot tell from "accepted" (see letters.emails.core, "Delivery across crashes").

    The worker dies after committing the hand-over, before the message's final bytes leave: the server discards
    the unfinished message. The email is recorded as sent, marked unconfirmed for the coordinator, and — at most
    once — never sent a second time; every other email of the batch goes out exactly once.
    """
    mailbox = Mailbox().start()
    env = app_env(sqlite_app, mailbox.port)
    processes = []
    try:
        agent(env, "queue", EMAILS, "batch")
        worker = Process(WORKER, {**env, "COALITION_FAULT_KILL_AT": f"handing-over:{KILLED_AT}"}, tmp_path / "w1.log")
        processes.append(worker)
        assert worker.wait(timeout=30) == -signal.SIGKILL, worker.output()
        processes.append(Process(WORKER, env, tmp_path / "w2.log"))
        state = wait_for(lambda: _settled(env), timeout=45, every=0.5, message="every email sent, no task running")
    finally:
        for process in processes:
            process.stop()
        mailbox.stop()

    unconfirmed = [email for email in state["emails"] if email["last_error"].startswith("Unconfirmed")]
    assert [email["to"] for email in unconfirmed] == [f"partner-{KILLED_AT}@fault.example.org"]
    assert mailbox.by_recipient() == {email["to"]: 1 for email in state["emails"] if email not in unconfirmed}
    assert {email["state"] for email in state["emails"]} == {"sent"}
    assert not any(email["claimed"] for email in state["emails"])
