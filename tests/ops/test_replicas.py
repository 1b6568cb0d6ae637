"""Two gunicorn replicas of the app behind Debian's nginx, one PostgreSQL database, one Redis cache.

What several replicas must not break: a sign-on accepted by one replica and approved through the other is on the
public page of both (and of the proxy) within a second; the per-IP and per-email limits hold across replicas (their
token buckets are in the database); two task workers never send the same email twice; and a replica killed with
SIGKILL in the middle of a burst of sign-ons loses none that it had answered as accepted.

Clients reach the proxy and the replicas from different loopback addresses (127.0.0.N): that is the client address
nginx sees and passes on in X-Forwarded-For, which the app reads one hop deep (TRUSTED_PROXY_HOPS=1).
Needs nginx (scripts/ensure-system-deps installs Debian's), Redis on 127.0.0.1:6379 and PostgreSQL on
127.0.0.1:5432 (user postgres, or REPLICA_PGURL); skipped, saying which is missing, when one of them is not there.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from urllib.parse import urlencode

import pytest

from tests.faults.helpers import PYTHON, ROOT, WORKER, Mailbox, Process, free_port, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.serial,
    pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals"),
]

PGURL = os.environ.get("REPLICA_PGURL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS = ("127.0.0.1", 6379)
REDIS_DB = 10 + os.getpid() % 6  # a database of its own on the shared Redis, flushed before and after
SLUG = "replica-letter"
PASSWORD = "replica-pass-word-123"
PER_IP, PER_EMAIL = 3, 2


# --- what the test needs ------------------------------------------------------------------------------------------


def _nginx():
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def _redis_command(*words, timeout=3):
    """One Redis command over RESP on a fresh connection (no client library needed); the reply's first line."""
    payload = f"*{len(words)}\r\n" + "".join(f"${len(str(w).encode())}\r\n{w}\r\n" for w in words)
    with socket.create_connection(REDIS, timeout=timeout) as sock:
        sock.sendall(f"*2\r\n$6\r\nSELECT\r\n${len(str(REDIS_DB))}\r\n{REDIS_DB}\r\n".encode() + payload.encode())
        data = b""
        while data.count(b"\r\n") < 2:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.decode(errors="replace").split("\r\n")[1]


def _missing():
    if not _nginx():
        return "nginx is not installed (sh scripts/ensure-system-deps installs Debian's nginx as root)"
    try:
        if _redis_command("PING") != "+PONG":
            return f"Redis on {REDIS[0]}:{REDIS[1]} does not answer PING"
    except OSError as error:
        return f"no Redis on {REDIS[0]}:{REDIS[1]} ({error})"
    try:
        import psycopg

        psycopg.connect(f"{PGURL}/postgres", connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001 - any reason PostgreSQL cannot be used
        return f"no PostgreSQL at {PGURL} ({str(error).strip()[:120]})"
    return None


# --- the cluster ----------------------------------------------------------------------------------------------


def _sql(database_url, query, params=(), autocommit=False):
    import psycopg

    with psycopg.connect(database_url, autocommit=autocommit, connect_timeout=5) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else None


NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    server_tokens off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream coalition_web {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=30s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=30s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://coalition_web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


class Cluster:
    def __init__(self, tmp, mailbox):
        self.tmp, self.mailbox = tmp, mailbox
        self.db_name = f"coalition_replicas_{os.getpid()}"
        self.database_url = f"{PGURL}/{self.db_name}"
        self.replicas, self.workers, self.nginx = {}, [], None
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "PROMETHEUS_MULTIPROC_DIR"}},
            "DJANGO_SETTINGS_MODULE": "coalition.settings",
            "DATABASE_URL": self.database_url,
            "CACHE_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
            "DEBUG": "0",
            "SECRET_KEY": "replica-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
            "STATIC_MANIFEST": "0",
            "TRUSTED_PROXY_HOPS": "1",
            "SIGNON_MIN_FILL_SECONDS": "0",
            "SIGNON_RATE_PER_IP": str(PER_IP),
            "SIGNON_RATE_PER_EMAIL": str(PER_EMAIL),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mailbox.port), "EMAIL_TIMEOUT": "5",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }

    def start(self):
        _redis_command("FLUSHDB")
        _sql(f"{PGURL}/postgres", f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)", autocommit=True)
        _sql(f"{PGURL}/postgres", f"CREATE DATABASE {self.db_name}", autocommit=True)
        done = subprocess.run([PYTHON, "-m", "tests.ops.agent", "setup", SLUG, PASSWORD], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        for name in ("a", "b"):
            port = free_port()
            command = [str(ROOT / ".venv/bin/gunicorn") if (ROOT / ".venv/bin/gunicorn").exists() else "gunicorn",
                       "coalition.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"]
            log = open(self.tmp / f"replica-{name}.log", "a")  # noqa: SIM115 - closed in stop()
            popen = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
            self.replicas[name] = {"port": port, "popen": popen, "log": log}
        self.port = free_port()
        conf = self.tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=self.tmp, port=self.port, a=self.replicas["a"]["port"],
                                          b=self.replicas["b"]["port"]))
        self.nginx = subprocess.Popen([_nginx(), "-c", str(conf), "-p", str(self.tmp), "-e", str(self.tmp / "nginx-error.log"),
                                       "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        for name, replica in self.replicas.items():
            wait_for(lambda port=replica["port"]: _ready(port), timeout=60, every=0.3, message=f"replica {name} ready")
        wait_for(lambda: _ready(self.port), timeout=15, every=0.2, message="nginx in front of the replicas")

    def start_worker(self, name):
        worker = Process(WORKER, self.env, self.tmp / f"{name}.log")
        self.workers.append(worker)
        return worker

    def kill_replica(self, name):
        os.killpg(self.replicas[name]["popen"].pid, signal.SIGKILL)
        self.replicas[name]["popen"].wait(10)

    def stop(self):
        for worker in self.workers:
            worker.stop()
        for process in [self.nginx, *(replica["popen"] for replica in self.replicas.values())]:
            if process is not None and process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(15)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(5)
        for replica in self.replicas.values():
            replica["log"].close()
        try:
            _sql(f"{PGURL}/postgres", f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)", autocommit=True)
        finally:
            _redis_command("FLUSHDB")

    def logs(self):
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}" for path in sorted(self.tmp.glob("*.log"))
        )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    reason = _missing()
    if reason:
        pytest.skip(f"multi-replica test skipped: {reason}")
    mailbox = Mailbox().start()
    cluster = Cluster(tmp_path_factory.mktemp("replicas"), mailbox)
    try:
        cluster.start()
        yield cluster
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        cluster.stop()
        mailbox.stop()


# --- a small HTTP client (each request from a chosen loopback address) -------------------------------------------


def request(port, method, path, source="127.0.0.1", body=None, headers=None, timeout=20):
    connection = HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace"), response.getheader("Location") or "", \
            response.headers.get_all("Set-Cookie") or []
    finally:
        connection.close()


def _ready(port):
    try:
        return request(port, "GET", "/readyz", timeout=5)[0] == 200
    except OSError:
        return False


def _cookies(set_cookie_headers):
    return dict(re.match(r"([^=]+)=([^;]*)", header).groups() for header in set_cookie_headers)


@pytest.fixture(scope="module")
def csrf(cluster):
    """What a browser holds after opening the form (valid on every replica: same SECRET_KEY)."""
    status, html, _location, cookies = request(cluster.replicas["a"]["port"], "GET", f"/en/letters/{SLUG}/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return {"token": token, "cookie": _cookies(cookies)["csrftoken"]}


def sign_on(port, csrf, organisation, email, source):
    fields = {
        "csrfmiddlewaretoken": csrf["token"], "organisation_name": organisation, "acronym": "", "country": "CH",
        "website": "", "signer_name": "Replica Tester", "signer_email": email, "consent_public": "on", "message": "",
        "reference": "",
    }
    status, _html, location, _cookies = request(port, "POST", f"/en/letters/{SLUG}/", source=source, body=urlencode(fields), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf['cookie']}",
    })
    return "accepted" if status == 302 and location.endswith("/thanks/") else status


def _signature_id(cluster, organisation):
    rows = _sql(cluster.database_url, "SELECT id FROM letters_signature WHERE submitted_name = %s", (organisation,))
    assert len(rows) == 1, rows
    return rows[0][0]


# --- the tests ----------------------------------------------------------------------------------------------------


def test_signed_through_one_replica_approved_through_the_other_is_public_on_both_within_a_second(cluster, csrf):
    a, b = cluster.replicas["a"]["port"], cluster.replicas["b"]["port"]
    assert sign_on(a, csrf, "Replica Visible Org", "visible@replica.example.org", "127.0.0.10") == "accepted"
    for port in (a, b, cluster.port):
        assert "Replica Visible Org" not in request(port, "GET", f"/en/letters/{SLUG}/")[1]  # pending: not listed

    # The coordinator logs in and approves through replica B (the session lives in the database).
    status, html, _location, cookies = request(b, "GET", "/accounts/login/")
    login_csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    jar = _cookies(cookies)
    status, _html, _location, cookies = request(
        b, "POST", "/accounts/login/", body=urlencode({"csrfmiddlewaretoken": login_csrf, "username": "replica-coordinator",
                                                       "password": PASSWORD}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={jar['csrftoken']}"},
    )
    assert status == 302, "login refused"
    jar.update(_cookies(cookies))
    pk = _signature_id(cluster, "Replica Visible Org")
    status, _html, _location, _cookies_ = request(
        b, "POST", f"/manage/letters/{SLUG}/signatures/{pk}/approve/", body="",
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": jar["csrftoken"],
                 "Cookie": f"csrftoken={jar['csrftoken']}; sessionid={jar['sessionid']}"},
    )
    assert status == 302
    assert _sql(cluster.database_url, "SELECT status FROM letters_signature WHERE id = %s", (pk,)) == [("approved",)]

    # Each server is polled from the moment of approval, all three at once: polled one after another, a slow first
    # answer from one would leave the next less than its second.
    approved = time.monotonic()
    servers = {"replica A": a, "replica B": b, "nginx": cluster.port}
    polls = {name: [] for name in servers}
    threads = [threading.Thread(target=_first_seen, args=(port, "Replica Visible Org", approved, 1.0, polls[name]))
               for name, port in servers.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, seen in polls.items():
        assert any(shown for _begun, _took, shown in seen), (
            f"not on the public page served by {name} within 1 s of the approval; its requests (begun s, took s, "
            f"shown): {seen}")


def _first_seen(port, text, started, within, polls):
    """Poll the public page until a request begun within `within` s of `started` shows `text`; each request is
    recorded in `polls` as (begun, took, shown), seconds after `started`."""
    while True:
        begun = time.monotonic()
        if begun - started > within:
            return
        shown = text in request(port, "GET", f"/en/letters/{SLUG}/")[1]
        polls.append((round(begun - started, 3), round(time.monotonic() - begun, 3), shown))
        if shown:
            return
        time.sleep(0.05)


def test_per_ip_limit_is_shared_by_the_replicas_and_read_through_the_proxy(cluster, csrf):
    a, b = cluster.replicas["a"]["port"], cluster.replicas["b"]["port"]
    # Directly: alternate replicas from one address; the bucket in the database empties after PER_IP sign-ons.
    answers = [sign_on((a, b)[n % 2], csrf, f"Per IP Org {n}", f"ip{n}@replica.example.org", "127.0.0.20")
               for n in range(PER_IP + 1)]
    assert answers == ["accepted"] * PER_IP + [429]
    assert sign_on(b, csrf, "Per IP Org other", "ip-other@replica.example.org", "127.0.0.21") == "accepted"

    # Through nginx: the client is the address nginx saw; a forged X-Forwarded-For is not believed.
    answers = [sign_on(cluster.port, csrf, f"Proxied IP Org {n}", f"pip{n}@replica.example.org", "127.0.0.22")
               for n in range(PER_IP)]
    assert answers == ["accepted"] * PER_IP
    fields = {"csrfmiddlewaretoken": csrf["token"], "organisation_name": "Forged Org", "country": "CH",
              "signer_name": "X", "signer_email": "forged@replica.example.org", "consent_public": "on"}
    status = request(cluster.port, "POST", f"/en/letters/{SLUG}/", source="127.0.0.22", body=urlencode(fields), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf['cookie']}",
        "X-Forwarded-For": "203.0.113.9",
    })[0]
    assert status == 429
    assert sign_on(cluster.port, csrf, "Proxied IP Org other", "pip-other@replica.example.org", "127.0.0.23") == "accepted"


def test_per_email_limit_is_shared_by_the_replicas(cluster, csrf):
    a, b = cluster.replicas["a"]["port"], cluster.replicas["b"]["port"]
    answers = [sign_on((a, b)[n % 2], csrf, f"Per Email Org {n}", "same.mailbox@replica.example.org", f"127.0.0.{30 + n}")
               for n in range(PER_EMAIL + 1)]
    assert answers == ["accepted"] * PER_EMAIL + [429]


def test_two_workers_never_send_the_same_email_twice(cluster):
    # Every sign-on so far queued a confirmation; add a batch more so both workers have work at the same time.
    _sql(cluster.database_url, """
        INSERT INTO letters_outgoingemail (kind, "to", subject, body_text, body_html, language, state, attempts,
            last_error, next_attempt_at, created_at, headers, message_id)
        SELECT 'replica-test', 'batch-' || n || '@replica.example.org', 'Replica test ' || n, 'Email ' || n, '', 'en',
            'queued', 0, '', now(), now(), '{}', ''
        FROM generate_series(1, 12) AS n
    """)
    first, second = cluster.start_worker("worker-1"), cluster.start_worker("worker-2")
    # The scheduler's sweep (send_outbox) hands every due email to the workers, like run_scheduler every minute.
    sweep = subprocess.run([PYTHON, "manage.py", "send_outbox"], cwd=ROOT, env=cluster.env, capture_output=True,
                           text=True, timeout=60)
    assert sweep.returncode == 0, sweep.stderr

    def all_sent():
        (queued,) = _sql(cluster.database_url, "SELECT count(*) FROM letters_outgoingemail WHERE state = 'queued'")[0]
        return queued == 0

    wait_for(all_sent, timeout=45, every=0.3, message="the outbox emptied by the two workers")
    assert first.alive() and second.alive(), first.output() + second.output()
    first.stop(), second.stop()
    sent = _sql(cluster.database_url, "SELECT \"to\", message_id FROM letters_outgoingemail WHERE state = 'sent'")
    assert len(sent) >= 12
    by_id = cluster.mailbox.by_message_id()
    assert set(by_id.values()) == {1}, "an email went out twice"
    assert sorted(by_id) == sorted(message_id for _to, message_id in sent)


def test_a_replica_killed_mid_load_loses_no_accepted_sign_on(cluster, csrf):
    accepted, answers, lock = [], [], threading.Lock()
    stop = threading.Event()
    counter = iter(range(10_000))

    def client(index):
        while not stop.is_set():
            with lock:
                number = next(counter)
            name = f"Load Org {number}"
            source = f"127.0.{1 + number // 250}.{1 + number % 250}"  # one sign-on per client address
            try:
                answer = sign_on(cluster.port, csrf, name, f"load{number}@replica.example.org", source)
            except OSError as error:
                answer = type(error).__name__
            with lock:
                answers.append(answer)
                if answer == "accepted":
                    accepted.append(name)

    threads = [threading.Thread(target=client, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: len(accepted) >= 12, timeout=30, every=0.05, message="sign-ons accepted before the kill")
        cluster.kill_replica("b")
        killed_at = len(answers)
        wait_for(lambda: len(answers) >= killed_at + 12, timeout=30, every=0.05, message="load after the kill")
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    stored = {row[0] for row in _sql(cluster.database_url,
                                     "SELECT submitted_name FROM letters_signature WHERE submitted_name LIKE 'Load Org %%'")}
    lost = [name for name in accepted if name not in stored]
    assert not lost, f"accepted but not stored: {lost}"
    assert len(stored) == len(set(stored))
    assert answers[-1] == "accepted", "the surviving replica (through the proxy) took over"
    assert request(cluster.replicas["a"]["port"], "GET", "/readyz")[0] == 200
