"""Export benchmark: 10,000 and 100,000 signatories, every layout — time and peak memory.

Usage: .venv/bin/python bench/bench_exports.py [--sizes 10000 100000] [--layouts lines csv …]
Uses DATABASE_URL if set, else its own SQLite file (/tmp/coalition_bench_exports.sqlite3). Each measurement runs
in a fresh process so that peak memory (VmHWM) is that of one export alone. Targets (issue #5): every text
layout of 100,000 rows < 2 s; the CSV download of 100,000 rows streams (server memory growth < 30 MB) and
completes < 1 s; XLSX of 100,000 rows < 15 s.
"""

import argparse
import io
import json
import os
import random
import subprocess
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coalition.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/coalition_bench_exports.sqlite3")
os.environ.setdefault("DEBUG", "1")

LAYOUTS = ["lines", "numbered", "name-country", "inline", "markdown", "html", "json", "csv", "csv-download", "xlsx",
           "docx", "pdf"]
# A 100,000-name PDF is a ~2,500-page document: WeasyPrint needs minutes and gigabytes. Run it with --all.
SLOW = {("pdf", 100_000)}
TARGETS = {"text": 2.0, "csv-download": 1.0, "xlsx": 15.0}
WORDS = ["Human", "Rights", "Défense", "Réseau", "Association", "Centre", "Forum", "Watch", "Initiative",
         "Ñandutí", "Justice", "Women’s", "People's", "Liberté", "Derechos", "Coalición", "Önder", "Institute",
         "Network", "Alliance"]
COUNTRIES = ["CH", "FR", "ES", "BR", "KE", "XI", "US", "GB", "HK", "PH", "MX", "SN"]


def setup_django():
    import django

    django.setup()


def slug(size):
    return f"bench-{size}"


def ensure_data(size):
    """A letter with `size` listed sign-ons (some overrides, display names, individuals, leads, unnamed)."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from letters.models import Letter, Organisation, OrganisationName, Signature

    call_command("migrate", verbosity=0)
    if Letter.objects.filter(slug=slug(size), signatures__isnull=False, list_revision__gt=0).exists():
        return analyse()
    Letter.objects.filter(slug=slug(size)).delete()
    rng = random.Random(size)
    letter = Letter.objects.create(slug=slug(size), title=f"Bench {size}", status=Letter.Status.OPEN)
    for language in ("en", "fr", "es"):
        letter.versions.create(language=language, title=f"Bench {size} [{language}]", body="Text.")
    orgs = []
    for i in range(size):
        name = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))) + f" {i}"
        kind = "individual" if i % 50 == 0 else "organisation"
        orgs.append(Organisation(name=name, sort_name=name, normalised_name=name.lower(), kind=kind,
                                 country=rng.choice(COUNTRIES), acronym=f"A{i}" if i % 3 == 0 else "",
                                 affiliation="University of Geneva" if kind == "individual" else ""))
    orgs = Organisation.objects.bulk_create(orgs, batch_size=5000)
    OrganisationName.objects.bulk_create(
        [OrganisationName(organisation=org, language="fr", name=f"Réseau {org.name}") for org in orgs[::20]],
        batch_size=5000,
    )
    now = timezone.now()
    Signature.objects.bulk_create(
        [
            Signature(letter=letter, organisation=org, status="approved", position=i + 1, is_lead=i % 1000 == 0,
                      consent_public=i % 500 != 1, name_override="=HYPERLINK(\"x\")" if i == 7 else "",
                      signer_name=f"Signer {i}", signer_email=f"s{i}@ngo{i}.example.org",
                      signed_at=now - timedelta(minutes=i), confirmed_at=now, approved_at=now)
            for i, org in enumerate(orgs)
        ],
        batch_size=5000,
    )
    from letters.models.signatures import list_changed  # bulk inserts skip Signature.save(): recount the letter

    with transaction.atomic():
        list_changed(letter.pk)
    analyse()


def analyse():
    """Statistics for the planner, as autovacuum gathers them after a bulk insert on any normal server (it is
    off on the test machine's PostgreSQL): without them it plans nested loops over 100,000 rows."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _rss_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def run_layout(size, layout, language, trace, order):
    """One export in this process; prints {"seconds", "peak_mb", "rss_growth_mb", "bytes"} as JSON."""
    from letters import collation
    from letters.countries import country_name
    from letters.documents import render_pdf, write_docx
    from letters.exports import TEXT_LAYOUTS, SignatoryList
    from letters.layouts import iter_text
    from letters.models import Letter
    from letters.resources import iter_csv, iter_json, write_xlsx

    letter = Letter.objects.get(slug=slug(size))
    # A running server has loaded the collation table and the language's translations at its first export
    # (~0.3 s, once per process): not part of an export's cost.
    collation.primary_key("warm up", language)
    SignatoryList(letter, language).heading("organisation")
    country_name("CH", language)
    client = _client_for(letter) if layout == "csv-download" else None
    rss_before = _rss_kb("VmRSS")
    if trace:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    signatory_list = SignatoryList(letter, language, order)
    if layout in TEXT_LAYOUTS:
        size_out = sum(len(chunk) for chunk in iter_text(signatory_list, layout))
    elif layout == "csv":
        size_out = sum(len(chunk) for chunk in iter_csv(signatory_list))
    elif layout == "json":
        size_out = sum(len(chunk) for chunk in iter_json(signatory_list))
    elif layout in ("xlsx", "docx"):
        buffer = io.BytesIO()
        write_xlsx(signatory_list, buffer) if layout == "xlsx" else write_docx(signatory_list, buffer)
        size_out = buffer.tell()
    elif layout == "pdf":
        size_out = len(render_pdf(signatory_list))
    else:
        response = client.get(f"/manage/letters/{letter.slug}/exports/download/",
                              {"language": language, "format": "csv", "contacts": "on", "order": order})
        assert response.streaming, "the CSV download must stream"
        size_out = sum(len(chunk) for chunk in response.streaming_content)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    growth = (_rss_kb("VmHWM") - rss_before) / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "rss_growth_mb": growth, "bytes": size_out}))


def _client_for(letter):
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _created = get_user_model().objects.get_or_create(username="bench-coordinator")
    letter.coordinators.add(user)
    client = Client()
    client.force_login(user)
    client.get("/manage/")  # warm the URL resolver, templates and session outside the measurement
    return client


def measure(size, layout, language, trace, order):
    args = [sys.executable, __file__, "--child", str(size), layout, language, "--order", order]
    args += ["--trace"] if trace else []
    # DEBUG off: with DEBUG on, Django keeps every query in memory, which is not what a server does.
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "testserver",
           "SECURE_SSL_REDIRECT": "0", "STATIC_MANIFEST": "0", "LOG_LEVEL": "WARNING"}
    out = subprocess.run(args, capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--layouts", nargs="+", default=LAYOUTS)
    parser.add_argument("--language", default="fr")
    parser.add_argument("--order", default="alphabetical", choices=["alphabetical", "signed", "manual"])
    parser.add_argument("--child", nargs=3)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--all", action="store_true", help="Also the 100,000-name PDF (minutes).")
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs per export (the median is printed).")
    args = parser.parse_args()
    setup_django()
    if args.child:
        size, layout, language = args.child
        return run_layout(int(size), layout, language, args.trace, args.order)
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}   language: {args.language}   "
          f"order: {args.order}   load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("seconds = wall clock, CPU = this process; peak MB = Python allocations (tracemalloc, separate run);")
    print("RSS+ MB = growth of the process's peak resident memory during the export.")
    print(f"{'rows':>8} {'layout':<13} {'seconds':>8} {'CPU s':>7} {'peak MB':>8} {'RSS+ MB':>8} "
          f"{'output MB':>9}  target")
    for size in args.sizes:
        ensure_data(size)
        for layout in args.layouts:
            if (layout, size) in SLOW and not args.all:
                print(f"{size:>8} {layout:<13} {'skipped (--all)':>34}")
                continue
            # The median of three runs: other processes on the machine make single timings noisy.
            runs = sorted((measure(size, layout, args.language, False, args.order) for _ in range(args.repeat)),
                          key=lambda run: run["seconds"])
            timed = runs[len(runs) // 2]
            traced = measure(size, layout, args.language, True, args.order)
            print(f"{size:>8} {layout:<13} {timed['seconds']:>8.2f} {timed['cpu']:>7.2f} {traced['peak_mb']:>8.1f} "
                  f"{timed['rss_growth_mb']:>8.1f} {timed['bytes'] / 2**20:>9.1f}  {_verdict(size, layout, timed)}")


def _verdict(size, layout, timed):
    if size < 100_000 or layout in ("docx", "pdf"):
        return ""
    if layout == "csv-download":
        ok = timed["seconds"] < 1.0 and timed["rss_growth_mb"] < 30
        return ("ok" if ok else "MISSED") + " (< 1 s, RSS growth < 30 MB)"
    limit = TARGETS.get(layout, TARGETS["text"])
    return ("ok" if timed["seconds"] < limit else "MISSED") + f" (< {limit:g} s)"


if __name__ == "__main__":
    main()
