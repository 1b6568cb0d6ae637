"""Exports at scale (issue 11): CSV download and XLSX of 100,000 rows — CPU s, wall s, memory growth.

Usage: .venv/bin/python bench/bench_scale_exports.py [--sizes 100000] [--repeat 3] [--databases URL …]
       [--layouts csv-download xlsx]
Uses DATABASE_URL if set, else bench_exports.py's SQLite file; --databases runs the whole benchmark once per
database URL (e.g. a SQLite file and a PostgreSQL database), each in its own process. Each measurement runs in a fresh process (see
bench_exports.measure), so the memory figure is the growth of that process's peak resident set during one export.
Targets: CSV ≤ 1 s CPU and < 30 MB growth; XLSX ≤ 5 s CPU. Prints figures only; nothing here is a test.

"first": the first export ever of a list whose names were never keyed (rows written without the import path: all
names are keyed, their keys stored, and the rows sorted). "cold": the first export after a change to the list (one
organisation renamed: its name is keyed again). "warm": a later export, nothing changed. Every export is one sorted
query (letters/ordering.py); no order is kept between exports, so Redis (db 13, when it answers) changes nothing here.
On SQLite no keys are stored (SQLite sorts in the export query): "first" and "cold" are the same there.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_exports  # noqa: E402  (sets DJANGO_SETTINGS_MODULE and the default DATABASE_URL)

TARGETS = {"csv-download": (1.0, 30.0), "xlsx": (5.0, None)}
REDIS_URL = "redis://127.0.0.1:6379/13"


def shared_cache():
    """Point the measured processes at a Redis database of the bench's own; None when Redis does not answer."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.flushdb()
    except Exception:  # noqa: BLE001 - no Redis: every run is cold
        os.environ.pop("CACHE_URL", None)
        return None
    os.environ["CACHE_URL"] = REDIS_URL
    return client


STATES = ("first", "cold", "warm")


def prepare(state, redis, size, layout, language, primed):
    """Put the list in `state` before a measured export (`primed`: a warm export has already run)."""
    from django.db import connection

    from letters.models import Organisation

    if state in ("first", "cold"):
        redis and redis.flushdb()
    if state == "first":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM letters_sortkey" if connection.vendor == "sqlite" else
                           "TRUNCATE letters_sortkey")
    elif state == "cold":  # a coordinator's correction: one name changes, the list's revision moves on
        organisation = Organisation.objects.filter(signatures__letter__slug=bench_exports.slug(size)).earliest("pk")
        suffix = " Geneva"
        organisation.name = organisation.name.removesuffix(suffix) if organisation.name.endswith(suffix) \
            else organisation.name + suffix
        organisation.save()
    elif not primed:
        bench_exports.measure(size, layout, language, False, "alphabetical")  # keys what the last change left


def settle(state):
    """After a "first" export: vacuum and analyse the 100,000 keys it stored now, so that autovacuum doing it later
    does not load the machine during the next measurement (it added ~0.3 s to the next export's CPU)."""
    from django.db import connection

    if state == "first" and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE letters_sortkey")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000])
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs per export (the median is printed).")
    parser.add_argument("--language", default="fr")
    parser.add_argument("--databases", nargs="+", help="Database URLs to run in turn (default: DATABASE_URL).")
    parser.add_argument("--layouts", nargs="+", choices=list(TARGETS), default=list(TARGETS))
    args = parser.parse_args()
    if args.databases:
        # Django reads DATABASE_URL once, at setup: each database gets a process of its own.
        for url in args.databases:
            command = [sys.executable, __file__, "--sizes", *map(str, args.sizes), "--repeat", str(args.repeat),
                       "--language", args.language, "--layouts", *args.layouts]
            subprocess.run(command, check=True, env={**os.environ, "DATABASE_URL": url})
        return
    bench_exports.setup_django()
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}   load average: "
          f"{' '.join(f'{load:.2f}' for load in os.getloadavg())} on {os.cpu_count()} CPUs", flush=True)
    print(f"{'rows':>8} {'export':<18} {'CPU s':>7} {'wall s':>7} {'RSS+ MB':>8} {'output MB':>9}  target")
    redis = shared_cache()
    for size in args.sizes:
        bench_exports.ensure_data(size)
        for layout in args.layouts:
            cpu_limit, memory_limit = TARGETS[layout]
            for state in STATES:
                runs = []
                for _ in range(args.repeat):
                    prepare(state, redis, size, layout, args.language, primed=bool(runs))
                    runs.append(bench_exports.measure(size, layout, args.language, False, "alphabetical"))
                    settle(state)
                run = sorted(runs, key=lambda run: run["cpu"])[len(runs) // 2]
                ok = run["cpu"] <= cpu_limit and (memory_limit is None or run["rss_growth_mb"] < memory_limit)
                target = f"CPU ≤ {cpu_limit:g} s" + (f", RSS growth < {memory_limit:g} MB" if memory_limit else "")
                print(f"{size:>8} {layout + ' ' + state:<18} {run['cpu']:>7.2f} {run['seconds']:>7.2f} "
                      f"{run['rss_growth_mb']:>8.1f} {run['bytes'] / 2**20:>9.1f}  {'ok' if ok else 'MISSED'} ({target})",
                      flush=True)
    if redis:
        redis.flushdb()


if __name__ == "__main__":
    main()
