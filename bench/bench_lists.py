"""Reading real lists: preview and import of a long sectioned paste against a large directory.

Usage: .venv/bin/python bench/bench_lists.py [--orgs 20000] [--lines 5000] [--postgres]

The paste is built like the lists coordinators receive: section headings, a numbered table with a country or a
description column, " - Country" tails, regions, individuals "Name / affiliation", a run-on line; half known
names, some misspelt, the rest new. Prints the preview time (warm index and cold), the import time, and the
queries of the import at two list sizes (they must be equal: the import is written in bulk).
Targets (issue 9): preview of 5,000 lines < 1 s, import < 5 s, queries constant in the number of lines.
"""

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_workspace as workspace  # noqa: E402  (shares the directory builder and the database set-up)

REGIONS = ["Global", "Southeast Asia", "Latin America", "Africa", "Europe", "MENA", "Pacific"]
COUNTRIES = ["Kenya", "Brazil", "India", "France", "Mexico", "Philippines", "South Africa", "UK", "USA", "Chile"]


def sectioned_paste(orgs, lines, rng):
    """A list of `lines` entries in three sections, in the shapes of ../shared/lists."""
    known = rng.sample(orgs, lines)
    third = lines // 3
    out = ["Signatories:", "", "International and regional organisations", ""]
    for i, org in enumerate(known[:third]):
        out.append(f"{i + 1}\t{_name(org, i, rng)}\t{rng.choice(REGIONS)}")
    out += ["", "National organisations", ""]
    for i, org in enumerate(known[third:2 * third], start=third):
        out.append(f"{i + 1}. {_name(org, i, rng)} - {rng.choice(COUNTRIES)}")
    out += ["", "Individuals (affiliation for identification purposes only)", ""]
    for i in range(2 * third, lines):
        out.append(f"{i + 1}. Person{i} Example / Professor of Law, University {i}")
    out.append("Greenpeace México Fundación Pachamama - Ecuador Amazon Watch Colectivo Casa - Bolivia")
    return "\n".join(out)


def _name(org, i, rng):
    return org.name if i % 4 < 2 else (workspace.typo(org.name, rng) if i % 4 == 2 else f"Newly Founded Group {i}")


def run(args):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from letters import matching
    from letters.models import Organisation
    from letters.services.imports import build_preview, import_rows

    setup_test_environment()
    call_command("migrate", verbosity=0)
    rng = random.Random(9)
    orgs = workspace.build_directory(args.orgs, rng)
    print(f"setup: {Organisation.objects.count()} organisations ({os.environ['DATABASE_URL'].split(':')[0]})")
    coordinator = get_user_model().objects.create_user("bench", password="bench-pass-123")
    text = sectioned_paste(orgs, args.lines, rng)
    letter = workspace.build_letter("bench-lists", [], 0, coordinator)
    matching._cached.clear()
    cold, warm = workspace.timed(lambda: build_preview(letter, text, "en"), args.repeat)
    preview = build_preview(letter, text, "en")
    counts = preview.counts
    print(f"preview, {args.lines} sectioned lines vs {args.orgs} organisations: {warm * 1000:.0f} ms "
          f"(cold, index built: {cold * 1000:.0f} ms); {len(preview.rows)} entries, {len(preview.sections)} "
          f"sections, {counts['individuals']} individuals, exact {counts['exact']}, similar {counts['fuzzy']}, "
          f"new {counts['new']}, several {counts['several']}  [target < 1000 ms]")
    start = time.perf_counter()
    queries = workspace.count_queries(lambda: import_rows(preview, by=coordinator))
    elapsed = time.perf_counter() - start
    print(f"import of {args.lines} lines: {elapsed:.2f} s, {queries} queries  [target < 5 s]")
    small = build_preview(workspace.build_letter("bench-lists-small", [], 0, coordinator),
                          sectioned_paste(orgs, max(30, args.lines // 50), rng), "en")
    small_queries = workspace.count_queries(lambda: import_rows(small, by=coordinator))
    print(f"import queries: {small_queries} for {len(small.rows)} entries, {queries} for {len(preview.rows)} "
          f"entries  [target: equal]")


def main():
    parser = workspace.argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    workspace.run = lambda _args: run(args)  # reuse its database set-up and clean-up around our run
    workspace.parse_args = lambda: args
    workspace.main()


if __name__ == "__main__":
    main()
