"""Bench the public pages: gunicorn on PostgreSQL (persistent connections, DEBUG off), 4 clients on loopback.

Prints the public letter page's requests/s and median latency, the /healthz floor on the same server, and sign-on
POSTs/s with lost and duplicated rows. Uses a throwaway database (created and dropped here).

    .venv/bin/python bench/bench_public.py [--clients 4] [--seconds 10] [--workers 4] [--signatories 100]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, or PGURL=postgres://user@host:port).
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PGURL = os.environ.get("PGURL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = "coalition_bench_public"
SLUG = "bench-letter"
TARGETS = {"page": 350, "signon": 150}

SERVER_ENV = {
    "DATABASE_URL": f"{PGURL}/{DB_NAME}",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1",
    "CONN_MAX_AGE": "600",  # persistent connections: the single biggest factor for page throughput
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "STATIC_MANIFEST": "0",  # no collectstatic into the checkout; {% static %} costs the same either way
    "LOG_LEVEL": "WARNING",
    # The abuse limits stay on (every POST takes tokens from the database buckets) but high enough for one IP.
    "SIGNON_RATE_PER_IP": "100000000",
    "SIGNON_RATE_PER_EMAIL": "100000000",
    "SIGNON_MIN_FILL_SECONDS": "0",
    "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",  # as in production: emails are queued, not sent inline
}


# --- database and server ----------------------------------------------------------------------------------------


def psql(sql):
    subprocess.run(["psql", f"{PGURL}/postgres", "-q", "-c", sql], check=True, capture_output=True)


def create_database():
    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    psql(f"CREATE DATABASE {DB_NAME}")
    env = {**os.environ, **SERVER_ENV}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


def drop_database():
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def setup_django():
    os.environ.update(SERVER_ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "coalition.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(signatories):
    """A letter open for sign-on in three languages, with `signatories` approved organisations on its list."""
    from datetime import timedelta

    from django.utils import timezone

    from letters.models import Letter, LetterVersion, Organisation, OrganisationName, Signature

    letter = Letter.objects.create(slug=SLUG, title="Bench letter", status=Letter.Status.OPEN,
                                   deadline=timezone.now() + timedelta(days=30))
    body = "Excellencies,\n\n" + "\n\n".join(
        f"Paragraph {i}: **we urge you** to act on [the report](https://example.org/{i}) without delay." for i in range(6)
    )
    for language in ("en", "fr", "es"):
        LetterVersion.objects.create(letter=letter, language=language, title=f"Bench letter [{language}]",
                                     addressee="To: Member States", date_line="24 November 2026", body=body,
                                     closing="Sincerely,")
    orgs = [Organisation(name=f"Listed Organisation {i:04d}", country="CH") for i in range(signatories)]
    for org in orgs:
        org.save()
    OrganisationName.objects.bulk_create(
        [OrganisationName(organisation=org, language="fr", name=f"Organisation listée {i:04d}") for i, org in enumerate(orgs[::4])]
    )
    Signature.objects.bulk_create(
        [Signature(letter=letter, organisation=org, status=Signature.Status.APPROVED, signer_email=f"s{i}@x.org")
         for i, org in enumerate(orgs)]
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port, workers):
    env = {**os.environ, **SERVER_ENV}
    command = [str(ROOT / ".venv/bin/gunicorn"), "coalition.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            if get(port, "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


# --- a small HTTP client -----------------------------------------------------------------------------------------


def get(port, path, headers=None):
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Set-Cookie") or ""
    finally:
        connection.close()


def post(port, path, fields, headers):
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        body = urlencode(fields)
        connection.request("POST", path, body=body, headers={
            **headers, "Content-Type": "application/x-www-form-urlencoded",
        })
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


# --- CPU accounting: the machine may be shared, so also report CPU time per request (load-independent) ------------

TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0


def server_pids(master_pid):
    """(gunicorn workers, PostgreSQL backends serving the bench database)."""
    workers = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    backends = subprocess.run(
        ["psql", f"{PGURL}/postgres", "-tAc", f"SELECT pid FROM pg_stat_activity WHERE datname = '{DB_NAME}'"],
        capture_output=True, text=True,
    ).stdout.split()
    return [int(pid) for pid in workers], [int(pid) for pid in backends]


class CpuMeter:
    """CPU seconds used by gunicorn workers, PostgreSQL backends and this client process during a phase."""

    def __init__(self, master_pid):
        self.master_pid = master_pid

    def __enter__(self):
        self.workers, self.backends = server_pids(self.master_pid)
        self.start, self.machine_start = self._sample(), _machine_jiffies()
        self.load = os.getloadavg()[0]
        return self

    def _sample(self):
        own = os.times()
        return (sum(map(_cpu_seconds, self.workers)), sum(map(_cpu_seconds, self.backends)), own.user + own.system)

    def __exit__(self, *exc):
        end, machine_end = self._sample(), _machine_jiffies()
        self.used = [after - before for before, after in zip(self.start, end)]
        busy, total = (after - before for before, after in zip(self.machine_start, machine_end))
        self.machine_busy = busy / max(total, 1)
        self.ours = sum(self.used) * TICKS / max(total, 1)  # /proc/stat sums every core

    def per_request(self, count):
        app, database, client = (1000 * used / max(count, 1) for used in self.used)
        return {"app_ms": app, "db_ms": database, "client_ms": client, "load": self.load,
                "machine_busy": self.machine_busy, "ours": min(self.ours, self.machine_busy)}


def _machine_jiffies():
    """(busy, total) CPU jiffies of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def run_clients(clients, seconds, max_requests, work):
    """Run `work(client_index, request_index) -> ok` in `clients` threads, bounded by time and count."""
    latencies, failures, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds
    per_client = max_requests // clients

    def loop(index):
        for number in range(per_client):
            if time.perf_counter() > deadline:
                return
            started = time.perf_counter()
            ok = work(index, number)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                failures[0] += not ok

    threads = [threading.Thread(target=loop, args=(index,)) for index in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {"count": len(latencies), "rate": len(latencies) / wall, "median_ms": statistics.median(latencies) * 1000,
            "p95_ms": sorted(latencies)[int(len(latencies) * 0.95) - 1] * 1000, "failures": failures[0]}


def bench_get(server, port, path, clients, seconds, max_requests):
    run_clients(clients, 1, 50, lambda i, n: get(port, path)[0] == 200)  # warm up every worker
    with CpuMeter(server.pid) as meter:
        result = run_clients(clients, seconds, max_requests, lambda i, n: get(port, path)[0] == 200)
    return {**result, **meter.per_request(result["count"])}


# --- sign-on ----------------------------------------------------------------------------------------------------


def form_session(port):
    """What a browser holds after opening the letter: the CSRF cookie, and the form's token and timer."""
    status, html, cookie = get(port, f"/en/letters/{SLUG}/")
    html = html.decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    return {
        "headers": {"Cookie": f"csrftoken={csrf_cookie}"},
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1),
        "started": re.search(r'name="started" value="([^"]+)"', html).group(1),
    }


def org_name(client, clients, number, resubmit_every):
    """Every `resubmit_every`-th POST repeats another client's organisation: it must not create a second row."""
    if resubmit_every and number % resubmit_every == resubmit_every - 1:
        return f"Bench Signatory {(client + 1) % clients}-{number - 1}"
    return f"Bench Signatory {client}-{number}"


def bench_signon(server, port, clients, seconds, max_requests, resubmit_every=10):
    sessions = [form_session(port) for _ in range(clients)]
    accepted, lock = set(), threading.Lock()

    def work(client, number):
        session = sessions[client]
        name = org_name(client, clients, number, resubmit_every)
        fields = {
            "csrfmiddlewaretoken": session["csrfmiddlewaretoken"], "started": session["started"],
            "organisation_name": name, "acronym": "", "country": "CH", "website": "",
            "signer_name": f"Signer {client}-{number}", "signer_email": f"signer{client}-{number}@bench.example.org",
            "consent_public": "on", "message": "", "reference": "",
        }
        status = post(port, f"/en/letters/{SLUG}/", fields, session["headers"])
        if status == 302:
            with lock:
                accepted.add(name)
        return status == 302

    with CpuMeter(server.pid) as meter:
        result = run_clients(clients, seconds, max_requests, work)
    result.update(meter.per_request(result["count"]))
    result.update(count_rows(accepted))
    return result


def count_rows(accepted):
    """Lost: an accepted organisation with no sign-on. Duplicated: more than one sign-on or directory entry."""
    from django.db.models import Count

    from letters.models import Organisation, Signature

    rows = Signature.objects.filter(letter__slug=SLUG, submitted_name__startswith="Bench Signatory")
    per_name = dict(rows.values_list("submitted_name").annotate(n=Count("pk")).order_by())
    orgs = Organisation.objects.filter(name__startswith="Bench Signatory").values("name").annotate(n=Count("pk"))
    return {
        "accepted": len(accepted),
        "rows": sum(per_name.values()),
        "lost": sum(1 for name in accepted if name not in per_name),
        "duplicated": sum(n - 1 for n in per_name.values() if n > 1) + sum(o["n"] - 1 for o in orgs if o["n"] > 1),
    }


# --- report -----------------------------------------------------------------------------------------------------


def report(floor, page, signon, args):
    cores = os.cpu_count()
    print(f"\nCoalition public bench — gunicorn {args.workers} sync workers, PostgreSQL, {args.clients} clients on "
          f"loopback, {cores} CPUs, {args.signatories} listed signatories, {args.seconds:g} s per phase")
    rows = [("/healthz floor", floor, "req/s", None), ("letter page", page, "req/s", TARGETS["page"]),
            ("sign-on POST", signon, "POST/s", TARGETS["signon"])]
    for label, r, unit, target in rows:
        verdict = "" if target is None else f"   target ≥ {target}: {'met' if r['rate'] >= target else 'NOT met'}"
        print(f"  {label:15s} {r['rate']:6.0f} {unit:6s} median {r['median_ms']:5.1f} ms  p95 {r['p95_ms']:5.1f} ms  "
              f"({r['count']} requests, {r['failures']} failed){verdict}")
    print("  CPU per request (gunicorn workers + PostgreSQL backends + this client), and how busy the machine was:")
    print("  the share used by other processes (a shared machine) was not available to the bench.")
    for label, r, _unit, _target in rows:
        total = r["app_ms"] + r["db_ms"] + r["client_ms"]
        others = max(r["machine_busy"] - r["ours"], 0)
        print(f"  {label:15s} app {r['app_ms']:5.2f} ms + db {r['db_ms']:5.2f} ms + client {r['client_ms']:5.2f} ms"
              f" = {total:5.2f} ms → at most {1000 * cores / total:5.0f}/s on {cores} idle cores;"
              f" machine busy {r['machine_busy']:4.0%}, other processes {others:4.0%}")
    print(f"  sign-on rows    {signon['accepted']} organisations accepted, {signon['rows']} sign-on rows, "
          f"lost {signon['lost']}, duplicated {signon['duplicated']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--signatories", type=int, default=100)
    args = parser.parse_args()

    server = None
    try:
        create_database()
        setup_django()
        seed(args.signatories)
        port = free_port()
        server = start_server(port, args.workers)
        floor = bench_get(server, port, "/healthz", args.clients, args.seconds, args.max_requests)
        page = bench_get(server, port, f"/en/letters/{SLUG}/", args.clients, args.seconds, args.max_requests)
        signon = bench_signon(server, port, args.clients, args.seconds, args.max_requests)
        report(floor, page, signon, args)
    finally:
        shutdown(server)


def shutdown(server):
    """Stop the gunicorn server (if started), close this process's connections and drop the bench database."""
    if server is not None:
        server.terminate()
        server.wait(timeout=10)
    if "django" in sys.modules and sys.modules["django"].apps.apps.ready:
        from django.db import connections

        connections.close_all()
    drop_database()


if __name__ == "__main__":
    main()
