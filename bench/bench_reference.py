"""Exports of 100,000 rows scaled to the machine that measured issue 11 (a noise-proof estimate).

Issue 11 reports the exports at commit 087134e as 1.9 s of CPU (CSV download) and 14.7–17 s (XLSX) on its machine.
Whether this tree meets "≤ 1 s" and "≤ 5 s" there cannot be read off this machine's seconds (another machine,
other load). This script runs the same export of the reference commit (in a temporary git worktree, with a database
of its own) and of this tree, interleaved round by round so that load falls on both alike, and prints each figure
scaled by reported / reference:
    estimate = reported s × (this tree's CPU s / the reference's CPU s on this machine).

Usage: .venv/bin/python bench/bench_reference.py [--rounds 10] [--layouts csv-download xlsx] [--reference 087134e]
       [--keep]
Needs git and PostgreSQL on 127.0.0.1:5432 (user postgres).
About 40 s a round for the CSV, 50 s more with the XLSX. Prints figures only; nothing here is a test.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_exports  # noqa: E402  (sets DJANGO_SETTINGS_MODULE and the default DATABASE_URL)
import bench_scale_exports  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
REFERENCE_DB, CURRENT_DB = "coalition_bench_reference", "coalition_bench_exports"
SIZE, LANGUAGE = 100_000, "fr"
# What issue 11 reports for the reference (CPU s on its machine, lowest and highest) and its targets.
REPORTED = {"csv-download": (1.9, 1.9), "xlsx": (14.7, 17.0)}
TARGETS = {"csv-download": 1.0, "xlsx": 5.0}
# One export with the reference tree's own bench (its measure() runs a fresh child process, as ours does).
REFERENCE_CHILD = """
import json, sys
sys.path.insert(0, "bench")
import bench_exports
bench_exports.setup_django()
bench_exports.ensure_data({size})
if len(sys.argv) > 1:
    print(json.dumps(bench_exports.measure({size}, sys.argv[1], "{language}", False, "alphabetical")))
"""


def sh(*command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def reference_tree(commit, workdir):
    """A worktree of `commit` with the ../shared folder the project expects beside it, migrated and filled."""
    tree = workdir / "reference"
    sh("git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit)
    shared = ROOT.parent / "shared"
    if shared.exists():
        (workdir / "shared").symlink_to(shared)
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", REFERENCE_DB], check=True)
    sh("createdb", "-h", "127.0.0.1", "-U", "postgres", REFERENCE_DB)
    # Its own bench migrates and builds the same 100,000-row letter as ours (same names, same seed).
    sh(sys.executable, "-c", REFERENCE_CHILD.format(size=SIZE, language=LANGUAGE), cwd=tree, env=reference_env())
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", "ANALYZE", REFERENCE_DB)  # as bench_exports.analyse
    return tree


def reference_env():
    env = {**os.environ, "DATABASE_URL": f"{PG}/{REFERENCE_DB}"}
    env.pop("CACHE_URL", None)  # the reference keeps no order: every export sorts
    return env


def measure_reference(tree, layout):
    out = sh(sys.executable, "-c", REFERENCE_CHILD.format(size=SIZE, language=LANGUAGE), layout,
             cwd=tree, env=reference_env())
    return json.loads(out.stdout.strip().splitlines()[-1])["cpu"]


def measure_current(redis, state, layout):
    bench_scale_exports.prepare(state, redis, SIZE, layout, LANGUAGE, primed=False)
    cpu = bench_exports.measure(SIZE, layout, LANGUAGE, False, "alphabetical")["cpu"]
    bench_scale_exports.settle(state)
    return cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--reference", default="087134e", help="The commit issue 11 measured.")
    parser.add_argument("--layouts", nargs="+", choices=list(REPORTED), default=["csv-download"])
    parser.add_argument("--keep", action="store_true", help="Keep the worktree and its database afterwards.")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"{PG}/{CURRENT_DB}"
    bench_exports.setup_django()
    bench_exports.ensure_data(SIZE)
    redis = bench_scale_exports.shared_cache()
    states = bench_scale_exports.STATES
    workdir = Path(tempfile.mkdtemp(prefix="coalition-reference-"))
    tree = reference_tree(args.reference, workdir)
    figures = {(layout, name): [] for layout in args.layouts for name in ("reference", *states)}
    try:
        print(f"{SIZE:,} rows, CPU s per export: reference {args.reference} against this tree, interleaved")
        for number in range(1, args.rounds + 1):
            for layout in args.layouts:
                figures[layout, "reference"].append(measure_reference(tree, layout))
                for state in states:
                    figures[layout, state].append(measure_current(redis, state, layout))
            print(f"round {number:>2}: load {os.getloadavg()[0]:.2f}  " + "  ".join(
                f"{layout} {name} {values[-1]:.2f}" for (layout, name), values in figures.items()), flush=True)
        for layout in args.layouts:
            report(layout, {name: figures[layout, name] for name in ("reference", *states)}, states)
    finally:
        if not args.keep:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", REFERENCE_DB], check=False)


def report(layout, figures, states):
    (low, high), target = REPORTED[layout], TARGETS[layout]
    reference = statistics.median(figures["reference"])
    reported = f"{low:g}" if low == high else f"{low:g}–{high:g}"
    print(f"{layout}: median reference {reference:.3f} s here, reported {reported} s on issue 11's machine")
    for state in states:
        # The median of each round's own ratio: load changes between rounds, much less within one.
        ratio = statistics.median(value / ref for value, ref in zip(figures[state], figures["reference"]))
        estimate = f"{low * ratio:.2f}" if low == high else f"{low * ratio:.2f}–{high * ratio:.2f}"
        verdict = "ok" if high * ratio <= target else "MISSED"
        print(f"  {state:>5}: median {statistics.median(figures[state]):.3f} s here, {ratio:.3f} of the reference: "
              f"about {estimate} s there ({verdict}, target ≤ {target:g} s)")


if __name__ == "__main__":
    main()
