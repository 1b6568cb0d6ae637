"""Scale bench (issue 11): does the public letter page cost the same at 100,000 signatures as at 10?

One run prints, against gunicorn on PostgreSQL (DEBUG off, persistent connections, Redis cache when reachable):
  - the floor: a hello view (bench-only URL, no query) and /healthz (one query);
  - the letter page at 10 / 10,000 / 100,000 approved signatures: app CPU ms and PostgreSQL CPU ms per request
    (gunicorn workers' and PostgreSQL backends' CPU from /proc, divided by requests), req/s, HTML bytes, and queries
    (counted in-process with the Django test client against the same database and cache);
  - sign-on POST at 1 and 4 clients: app + PostgreSQL CPU ms, statements (BEGIN and COMMIT included; the median
    of five in-process sign-ons), sign-ons/s, lost/duplicated rows;
  - then bench/bench_scale_exports.py (CSV/XLSX at 100,000), when present.
Reuses bench/bench_public.py (server, clients, CPU meter, sign-on load). Builds and drops its own database.

    .venv/bin/python bench/bench_scale.py [--seconds 5] [--workers 2] [--clients 4] [--sizes 10,10000,100000]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, or PGURL=…); Redis on 127.0.0.1:6379 is used when it answers.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import bench_public as bp  # noqa: E402

DB_NAME = "coalition_bench_scale"
EXPORTS_DB = "coalition_bench_exports"
REDIS_DB = 14
TARGETS = {"page_ratio": 1.3, "db_ms": 2.0, "html_kb": 60, "floor_ratio": 4.0, "signon_queries": 10}


def redis_available():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
            sock.sendall(f"*2\r\n$6\r\nSELECT\r\n$2\r\n{REDIS_DB}\r\n*1\r\n$7\r\nFLUSHDB\r\n".encode())
            return b"+OK" in sock.recv(100)
    except OSError:
        return False


def configure():
    bp.DB_NAME = DB_NAME
    bp.SERVER_ENV["DATABASE_URL"] = f"{bp.PGURL}/{DB_NAME}"
    bp.SERVER_ENV["DJANGO_SETTINGS_MODULE"] = "bench.scale_settings"
    bp.SERVER_ENV["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    bp.SERVER_ENV["PYTHONWARNINGS"] = "ignore:No directory at"  # static files are not collected for the bench
    bp.SERVER_ENV.pop("CACHE_URL", None)
    if redis_available():
        bp.SERVER_ENV["CACHE_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)


def seed(sizes):
    """One letter per size with that many approved organisations (bulk inserts), and two letters to sign."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from letters.models import Letter, LetterVersion, Organisation, Signature
    from letters.text import default_sort_name, normalise_name

    body = "Excellencies,\n\n" + "\n\n".join(
        f"Paragraph {i}: **we urge you** to act on [the report](https://example.org/{i}) without delay." for i in range(6)
    )
    slugs = {}
    for size in [*sizes, "signon-warm", "signon-1", "signon-4"]:
        slug = f"scale-{size}"
        letter = Letter.objects.create(slug=slug, title=f"Scale letter {size}", status=Letter.Status.OPEN,
                                       deadline=timezone.now() + timedelta(days=30), list_public_while_open=True)
        LetterVersion.objects.create(letter=letter, language="en", title=f"Scale letter {size}",
                                     addressee="To: Member States", date_line="24 November 2026", body=body,
                                     closing="Sincerely,")
        slugs[size] = slug
        if not isinstance(size, int):
            continue
        started = time.perf_counter()
        for start in range(0, size, 5000):
            names = [f"Scale {size} Organisation {i:06d}" for i in range(start, min(start + 5000, size))]
            with transaction.atomic():
                orgs = Organisation.objects.bulk_create([
                    Organisation(name=name, country="CH", normalised_name=normalise_name(name),
                                 sort_name=default_sort_name(name)) for name in names
                ])
                Signature.objects.bulk_create([
                    Signature(letter=letter, organisation=org, status=Signature.Status.APPROVED,
                              signer_email=f"s{start + i}@scale.example.org", submitted_name=org.name,
                              approved_at=timezone.now())
                    for i, org in enumerate(orgs)
                ])
        _list_changed(letter.pk)
        print(f"  seeded {size:>7,} approved signatures in {time.perf_counter() - started:5.1f} s", flush=True)
    subprocess.run(["psql", f"{bp.PGURL}/{DB_NAME}", "-qc", "VACUUM ANALYZE"], check=True, capture_output=True)
    return slugs


def _list_changed(letter_id):
    """Bulk inserts bypass Signature.save: recount the letter's list state where the models keep one (issue 11)."""
    from django.db import transaction

    from letters.models import signatures

    if hasattr(signatures, "list_changed"):
        with transaction.atomic():
            signatures.list_changed(letter_id)


def in_process(path, method="get", data=None):
    """Queries, in-process CPU ms and bytes of one request through the Django test client (warm caches)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if method == "get":
        client.get(path)  # warm
    else:
        client.post(path, {**data, "organisation_name": data["organisation_name"] + " warm",
                           "signer_email": "warm-" + data["signer_email"]})  # the process's first sign-on loads matching
    # Five requests in a row, the median printed: a sign-on also checks the directory for changes once a second per
    # process (one more statement, then an incremental read), which the steady state does not pay per request.
    runs = []
    for number in range(5):
        fields = data and {**data, "organisation_name": f"{data['organisation_name']} {number}",
                           "signer_email": f"{number}-{data['signer_email']}"}
        with CaptureQueriesContext(connection) as queries:
            started = time.process_time()
            response = client.post(path, fields) if method == "post" else client.get(path)
            cpu = time.process_time() - started
        runs.append((len(queries), cpu, response))
    queries, cpu, response = sorted(runs, key=lambda run: run[:2])[2]
    return {"queries": queries, "max_queries": max(run[0] for run in runs), "inproc_ms": cpu * 1000,
            "bytes": len(response.content), "status": response.status_code}


def signon_fields(number):
    return {"organisation_name": f"In-process Signatory {number}", "acronym": "", "country": "CH", "website": "",
            "signer_name": "Bench", "signer_email": f"inproc{number}@bench.example.org", "consent_public": "on",
            "message": "", "reference": ""}


def server_arguments(parser, sizes):
    """The options of a bench that loads gunicorn (this one and bench_api.py)."""
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--sizes", default=sizes)


@contextmanager
def seeded_server(sizes, workers):
    """A fresh bench database (configure() names it) seeded with letters of `sizes` approved signatures, and
    gunicorn on it: yields (server, port, slugs); then stops the server and flushes the bench's Redis database."""
    warnings.filterwarnings("ignore", "No directory at")  # static files are not collected for the bench
    server = None
    try:
        bp.create_database()
        os.environ.update(bp.SERVER_ENV)
        import django

        django.setup()
        slugs = seed(sizes)
        port = bp.free_port()
        server = bp.start_server(port, workers)
        yield server, port, slugs
    finally:
        bp.shutdown(server)
        redis_available()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    server_arguments(parser, "10,10000,100000")
    parser.add_argument("--no-exports", action="store_true", help="skip bench_scale_exports.py")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    configure()
    with seeded_server(sizes, args.workers) as (server, port, slugs):
        results = {}
        run = dict(clients=args.clients, seconds=args.seconds, max_requests=args.max_requests)
        results["hello view"] = {**bp.bench_get(server, port, "/bench/hello", **run), **in_process("/bench/hello")}
        results["/healthz"] = {**bp.bench_get(server, port, "/healthz", **run), **in_process("/healthz")}
        for size in sizes:
            path = f"/en/letters/{slugs[size]}/"
            measured = bp.bench_get(server, port, path, **run)
            measured.update(in_process(path))
            results[f"page {size:,}"] = measured
        # Warm every worker first: the first sign-on of a process loads the directory for name matching (over
        # 110,000 organisations here), a one-off cost that would otherwise land in the 1-client figure.
        bp.SLUG = slugs["signon-warm"]
        bp.bench_signon(server, port, args.workers * 2, 30, args.workers * 8)
        signons = {}
        for clients in (1, 4):
            bp.SLUG = slugs[f"signon-{clients}"]
            measured = bp.bench_signon(server, port, clients, args.seconds, args.max_requests)
            measured.update(in_process(f"/en/letters/{bp.SLUG}/", "post", signon_fields(clients)))
            signons[clients] = measured
        report(results, signons, sizes, args)
    exports = ROOT / "bench/bench_scale_exports.py"
    if exports.exists() and not args.no_exports:
        # Its own PostgreSQL database (kept between runs: seeding 100,000 rows takes a while); the scale one is gone.
        print("\n" + "-" * 100 + f"\n{exports.relative_to(ROOT)} (PostgreSQL):", flush=True)
        subprocess.run(["psql", bp.PGURL + "/postgres", "-qc", f"CREATE DATABASE {EXPORTS_DB}"], capture_output=True)
        env = {**os.environ, "DATABASE_URL": f"{bp.PGURL}/{EXPORTS_DB}"}
        subprocess.run([sys.executable, str(exports)], cwd=ROOT, check=False, env=env)


def report(results, signons, sizes, args):
    cache = "Redis" if "CACHE_URL" in bp.SERVER_ENV else "local memory (no Redis)"
    print(f"\nCoalition scale bench — gunicorn {args.workers} sync workers, PostgreSQL, cache: {cache}, "
          f"{args.clients} clients on loopback, {os.cpu_count()} CPUs, {args.seconds:g} s per phase, "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"  {'':16s} {'app CPU':>8s} {'PG CPU':>8s} {'req/s':>7s} {'median':>8s} {'bytes':>9s} {'queries':>7s}"
          f" {'in-proc CPU':>11s}")
    for label, r in results.items():
        print(f"  {label:16s} {r['app_ms']:6.2f}ms {r['db_ms']:6.2f}ms {r['rate']:7.0f} {r['median_ms']:6.1f}ms "
              f"{r['bytes']:9,d} {r['queries']:7d} {r['inproc_ms']:9.2f}ms  ({r['count']} req, {r['failures']} failed)")
    print(f"  {'sign-on POST':16s} {'app CPU':>8s} {'PG CPU':>8s} {'POST/s':>7s} {'median':>8s} {'queries':>9s}"
          f" {'accepted':>8s} {'lost':>5s} {'dup':>4s}")
    for clients, r in signons.items():
        print(f"  {clients} client{'s' if clients > 1 else ' '}        {r['app_ms']:6.2f}ms {r['db_ms']:6.2f}ms "
              f"{r['rate']:7.0f} {r['median_ms']:6.1f}ms {r['queries']:9d} {r['accepted']:8d} {r['lost']:5d} "
              f"{r['duplicated']:4d}   (in-process {r['inproc_ms']:.2f} ms, at most {r['max_queries']} queries, "
              f"status {r['status']})")

    small, large = results[f"page {sizes[0]:,}"], results[f"page {sizes[-1]:,}"]
    floor = results["hello view"]
    checks = [
        (f"page app CPU at {sizes[-1]:,} ≤ {TARGETS['page_ratio']}× at {sizes[0]:,}",
         large["app_ms"] / max(small["app_ms"], 1e-9), TARGETS["page_ratio"]),
        (f"PostgreSQL CPU per page view < {TARGETS['db_ms']} ms (worst size)",
         max(results[f"page {s:,}"]["db_ms"] for s in sizes), TARGETS["db_ms"]),
        (f"page HTML < {TARGETS['html_kb']} KB (largest)",
         max(results[f"page {s:,}"]["bytes"] for s in sizes) / 1024, TARGETS["html_kb"]),
        (f"page at {sizes[0]:,} ≤ {TARGETS['floor_ratio']}× hello-view floor (app CPU)",
         small["app_ms"] / max(floor["app_ms"], 1e-9), TARGETS["floor_ratio"]),
        (f"sign-on ≤ {TARGETS['signon_queries']} queries", max(r["queries"] for r in signons.values()),
         TARGETS["signon_queries"]),
        ("sign-ons lost or duplicated = 0", sum(r["lost"] + r["duplicated"] for r in signons.values()), 0),
    ]
    print("  targets:")
    for label, value, target in checks:
        print(f"    {label:58s} {value:8.2f}  {'met' if value <= target else 'NOT met'}")
    print("  CPU per request is the load-independent figure; req/s depends on what else the machine runs.")


if __name__ == "__main__":
    main()
