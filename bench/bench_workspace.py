"""Workspace benchmark: dashboard, paste preview and duplicate suggestions against 20,000 organisations.

Usage: .venv/bin/python bench/bench_workspace.py [--orgs 20000] [--signatures 1000 5000] [--lines 300] [--postgres]

Builds its own throwaway data: a SQLite file in a temporary directory (deleted at the end), or with --postgres a
database `bench_workspace_<pid>` created on the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432)
and dropped at the end. Prints one line per figure (median of --repeat runs; "cold" = first run in the process).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coalition.settings")
os.environ["DEBUG"] = "1"

WORDS = ("Human Rights Watch International Centre Center Forum Justice Network Defenders Women Youth Foundation "
         "Institute Association Council Africa Asia Global Initiative Democracy Studies Lawyers Media Freedom Peace "
         "Alliance Coalition Action Movement Society Solidarity Commission Committee Project Trust League Union "
         "Federation Réseau Défense Derechos Liberté Coalición Observatorio Droits Humains").split()
COUNTRIES = ["CH", "FR", "ES", "BR", "KE", "XI", "US", "GB", "HK", "PH", "MX", "SN", "UG", "IN", "TH"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=20_000)
    parser.add_argument("--signatures", type=int, nargs="+", default=[10, 1_000, 5_000])
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    return parser.parse_args()


def make_names(count, rng):
    """Plausible, distinct NGO names: 2–6 words, a third with an acronym, made-up words for variety."""
    extra = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 9))).title()
             for _ in range(3000)]
    names = set()
    while len(names) < count:
        words = [rng.choice(WORDS) if rng.random() < 0.6 else rng.choice(extra) for _ in range(rng.randint(2, 6))]
        name = " ".join(words)
        if rng.random() < 0.3:
            name += " (" + "".join(w[0] for w in words).upper() + ")"
        names.add(name)
    return sorted(names)


def typo(name, rng):
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + rng.choice("aeiou") + name[i + 1:]


def build_directory(count, rng):
    from django.utils import timezone

    from letters.models import Organisation, OrganisationAlias
    from letters.text import default_sort_name, normalise_name

    names = make_names(count, rng)
    orgs = Organisation.objects.bulk_create(
        [Organisation(name=n, normalised_name=normalise_name(n), sort_name=default_sort_name(n),
                      country=rng.choice(COUNTRIES)) for n in names], batch_size=2000)
    OrganisationAlias.objects.bulk_create(
        [OrganisationAlias(organisation=org, name=typo(org.name, rng), normalised=normalise_name(typo(org.name, rng)))
         for org in orgs[::10]], batch_size=2000, ignore_conflicts=True)
    # An established directory: its records were created and edited over months, not in the last minute.
    Organisation.objects.update(updated_at=timezone.now() - timedelta(days=30))
    return orgs


def build_letter(slug, orgs, count, coordinator):
    from django.utils import timezone

    from letters.models import Letter, Signature, SignatureEvent

    letter = Letter.objects.create(slug=slug, title=f"Bench letter {count}", status=Letter.Status.OPEN)
    letter.coordinators.add(coordinator)
    for language in ("en", "fr", "es"):
        letter.versions.create(language=language, title=f"Bench [{language}]")
    now = timezone.now()
    statuses = ["pending", "confirmed", "approved", "approved", "withdrawn", "rejected"]
    signatures = Signature.objects.bulk_create(
        [Signature(letter=letter, organisation=org, status=statuses[i % len(statuses)], position=i + 1,
                   signer_name=f"Signer {i}", signer_email=f"s{i}@ngo{i}.example.org", signed_at=now,
                   flag_new_organisation=i % 17 == 0) for i, org in enumerate(orgs[:count])], batch_size=2000)
    SignatureEvent.objects.bulk_create(
        [SignatureEvent(signature=s, from_status="pending", to_status=s.status, action=s.status, by=coordinator)
         for s in signatures], batch_size=2000)
    return letter


def timed(fn, repeat):
    """(cold seconds, median of the following runs)."""
    runs = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return runs[0], statistics.median(runs[1:])


def count_queries(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def paste_text(orgs, lines, rng):
    """A list as received: half known names, a quarter misspelt, a quarter new; numbered, with countries."""
    known = rng.sample(orgs, lines)
    rows = []
    for i, org in enumerate(known):
        name = org.name if i % 4 < 2 else (typo(org.name, rng) if i % 4 == 2 else f"Newly Founded Group {i}")
        rows.append(f"{i + 1}. {name}")
    return "\n".join(rows)


def run(args):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from letters.models import Organisation

    setup_test_environment()
    call_command("migrate", verbosity=0)
    rng = random.Random(20)
    start = time.perf_counter()
    orgs = build_directory(args.orgs, rng)
    print(f"setup: {Organisation.objects.count()} organisations in {time.perf_counter() - start:.1f} s "
          f"({os.environ['DATABASE_URL'].split(':')[0]})")
    coordinator = get_user_model().objects.create_user("bench", password="bench-pass-123")
    client = Client()
    client.force_login(coordinator)
    bench_dashboard(args, client, orgs, coordinator)
    bench_paste(args, client, orgs, coordinator, rng)
    bench_directory(args, client, orgs, rng)
    bench_invite(client, orgs, coordinator)


def bench_invite(client, orgs, coordinator, count=1000):
    """The timings tests/outreach (test_bulk_invite, test_outbox) used to assert: they now count work done."""
    import socket

    from django.conf import settings
    from django.urls import reverse

    from letters.emails.core import send_due
    from letters.models import Contact, Organisation, OutgoingEmail, Tag

    letter = build_letter("bench-invite", [], 0, coordinator)
    tag = Tag.objects.create(name="Bench invite")
    invited = orgs[-count:]
    Organisation.tags.through.objects.bulk_create([Organisation.tags.through(organisation=o, tag=tag) for o in invited])
    Contact.objects.bulk_create(
        [Contact(organisation=o, email=f"contact@partner{o.pk}.example.org", language="fr") for o in invited])
    url = reverse("invitations:invite", args=[letter.slug])
    start = time.perf_counter()
    client.post(url, {"tags": [tag.pk]})
    print(f"bulk invitation of {count} organisations (request; emails rendered and queued): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms, {OutgoingEmail.objects.count()} emails queued")
    # A mail server that accepts TCP and never answers: the sweep gives up after one timeout, not one per email.
    blackhole = socket.socket()
    blackhole.bind(("127.0.0.1", 0))
    blackhole.listen(50)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", blackhole.getsockname()[1], 1
    try:
        start = time.perf_counter()
        send_due()
        print(f"outbox sweep of {count} emails against a mail server that never answers (EMAIL_TIMEOUT=1): "
              f"{time.perf_counter() - start:.1f} s")
    finally:
        blackhole.close()


def bench_dashboard(args, client, orgs, coordinator):
    from django.urls import reverse

    for size in args.signatures:
        letter = build_letter(f"bench-{size}", orgs, size, coordinator)
        url = reverse("manage:letter", args=[letter.slug])
        queries = count_queries(lambda: client.get(url))
        cold, warm = timed(lambda: client.get(url), args.repeat)
        filters = {"status": "approved", "sort": "name", "q": "rights"}
        filtered = timed(lambda: client.get(url, filters), args.repeat)[1]
        print(f"dashboard, {size:>5} sign-ons: {warm * 1000:7.1f} ms (cold {cold * 1000:.1f} ms, "
              f"filtered+sorted {filtered * 1000:.1f} ms), {queries} queries")


def bench_paste(args, client, orgs, coordinator, rng):
    from django.urls import reverse

    from letters import matching
    from letters.services.imports import build_preview, import_rows

    letter = build_letter("bench-paste", [], 0, coordinator)
    text = paste_text(orgs, args.lines, rng)
    build = timed(matching.Matcher, 2)
    print(f"matcher index of {args.orgs} organisations: {build[1] * 1000:.0f} ms")
    matching._cached.clear()
    cold, warm = timed(lambda: build_preview(letter, text, "en"), args.repeat)
    preview = build_preview(letter, text, "en")
    counts = preview.counts
    print(f"paste preview, {args.lines} lines vs {args.orgs} organisations: {warm * 1000:.0f} ms "
          f"(cold, index built: {cold * 1000:.0f} ms); exact {counts['exact']}, similar {counts['fuzzy']}, "
          f"new {counts['new']}")
    paste_url = reverse("manage:paste", args=[letter.slug])
    view = timed(lambda: client.post(paste_url, {"language": "en", "layout": "auto", "text": text}), args.repeat)[1]
    print(f"paste preview page (HTTP, rendered): {view * 1000:.0f} ms")
    start = time.perf_counter()
    result = import_rows(preview, by=coordinator)
    print(f"import of {args.lines} lines (one transaction): {(time.perf_counter() - start) * 1000:.0f} ms, "
          f"{len(result.signatures)} sign-ons, {len(result.created_organisations)} new organisations")


def bench_directory(args, client, orgs, rng):
    from django.core.cache import cache
    from django.urls import reverse

    from letters.models import Organisation
    from letters.services.directory import duplicate_pairs

    cache.clear()
    cold, warm = timed(duplicate_pairs, 2)
    print(f"duplicate suggestions over {Organisation.objects.count()} organisations: {cold:.2f} s first (full "
          f"comparison), {warm * 1000:.0f} ms after; {len(duplicate_pairs())} pairs shown")
    Organisation.objects.create(name=typo(orgs[5].name, rng))
    orgs[7].name = typo(orgs[7].name, rng)
    orgs[7].save()
    start = time.perf_counter()
    duplicate_pairs()
    elapsed = (time.perf_counter() - start) * 1000
    print(f"duplicate suggestions after 1 new + 1 renamed organisation: {elapsed:.0f} ms")
    page = timed(lambda: client.get(reverse("manage:duplicates")), 2)[1]
    print(f"duplicates page (cached): {page * 1000:.0f} ms")
    directory = timed(lambda: client.get(reverse("manage:directory"), {"q": "rights"}), args.repeat)[1]
    print(f"directory search page: {directory * 1000:.0f} ms")


def main():
    args = parse_args()
    if args.postgres:
        import psycopg

        server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]
        name = f"bench_workspace_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{server}/{name}"
        try:
            run(args)
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        with tempfile.TemporaryDirectory(prefix="bench_workspace_") as folder:
            os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
            run(args)


if __name__ == "__main__":
    main()
