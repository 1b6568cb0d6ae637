"""Signatory lists in the shapes coordinators paste, each with the reading a careful person would make.

Two folders of examples: `shared/lists/` beside the repository (the project's reference examples) and
`tests/fixtures/lists/` (more shapes and languages). Each `NAME.LANG.txt` has a `NAME.LANG.expected.json` holding
`language` and `expected`: the signatories in published order (see shared/lists/README.md), or "review" when no
safe automatic reading exists and the line must be flagged as probably several organisations. A "review" list
may also give its whole reading in `entries` (flagged lines as `{"several": true, "split": [...]}`), and any list
its `sections` titles in order.
"""

import json
from pathlib import Path

import pytest

from letters.parsing import parse_list
from letters.text import normalise_name

HERE = Path(__file__).resolve()
SHARED = HERE.parents[3] / "shared" / "lists"
OWN = HERE.parents[1] / "fixtures" / "lists"


def _examples(folder):
    if not folder.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no example lists at {folder}"),
                             id=f"{folder.name}-absent")]
    paths = sorted(folder.glob("*.txt"))
    return [pytest.param(path, id=path.stem) for path in paths if _expected_path(path).exists()]


def _expected_path(path):
    return path.with_name(path.stem + ".expected.json")


def _load(path):
    spec = json.loads(_expected_path(path).read_text(encoding="utf-8"))
    return path.read_text(encoding="utf-8"), spec


def _check_entry(entry, want):
    """A list of what differs between a read entry and the expected one ([] when they agree)."""
    problems = []
    ambiguous = "ambiguous" in want

    def differs(field, got, expected):
        problems.append(f"{field}: got {got!r}, expected {expected!r}")

    if want.get("section") is not None and entry.section != want["section"]:
        differs("section", entry.section, want["section"])
    if entry.number != want.get("number"):
        differs("number", entry.number, want.get("number"))
    if entry.kind != want["kind"]:
        differs("kind", entry.kind, want["kind"])
    name_ok = entry.name == want["name"] or (
        ambiguous and normalise_name(entry.name).startswith(normalise_name(want["name"])))
    if not name_ok:
        differs("name", entry.name, want["name"])
    if entry.country != want.get("country", "") and not (ambiguous and entry.country in ("", entry.country)):
        differs("country", entry.country, want.get("country", ""))
    if "region" in want and entry.region != want["region"] and not ambiguous:
        differs("region", entry.region, want["region"])
    if entry.affiliation != want.get("affiliation", ""):
        differs("affiliation", entry.affiliation, want.get("affiliation", ""))
    if want.get("note") and (want["note"] in entry.name or entry.note not in ("", want["note"])):
        differs("note", (entry.name, entry.note), want["note"])
    return problems


def _check_list(path):
    text, spec = _load(path)
    result = parse_list(text, language=spec["language"])
    if spec.get("sections") is not None:
        assert [section.title for section in result.sections] == spec["sections"]
    if spec["expected"] == "review":
        assert any(entry.several and entry.split for entry in result.valid), "no line was flagged for review"
        longest = max((len(e.name) for e in result.valid if not e.several), default=0)
        assert longest < len(text.strip()) / 2, "the block was read as one long clean name"
        if "entries" in spec:
            _check_whole_reading(result, spec["entries"])
        return
    got = result.valid
    assert not any(entry.several for entry in got), [e.name for e in got if e.several]
    names = [entry.name for entry in got]
    assert len(got) == len(spec["expected"]), f"{len(got)} entries read, {len(spec['expected'])} expected: {names}"
    problems = {want["name"]: _check_entry(entry, want) for entry, want in zip(got, spec["expected"])}
    assert not {name: p for name, p in problems.items() if p}


def _check_whole_reading(result, wanted):
    """A review list's whole reading ("entries"): clean entries as in "expected", and the flagged lines —
    `"several": true` — with their proposed split (and the country read with each name, when given)."""
    got = result.valid
    assert len(got) == len(wanted), [entry.name for entry in got]
    problems = {}
    for position, (entry, want) in enumerate(zip(got, wanted)):
        if want.get("several"):
            flagged = (entry.several, entry.kind, entry.split, entry.section)
            expected = (True, want["kind"], want["split"], want.get("section", entry.section))
            problems[position] = [] if flagged == expected else [f"got {flagged!r}, expected {expected!r}"]
            if "split_countries" in want and entry.split_countries != want["split_countries"]:
                problems[position].append(f"split countries: got {entry.split_countries!r}")
        else:
            problems[position] = _check_entry(entry, want) + (["flagged as several"] if entry.several else [])
    assert not {position: p for position, p in problems.items() if p}


@pytest.mark.parametrize("path", _examples(SHARED))
def test_reference_example_lists_read_as_a_careful_person_would(path):
    _check_list(path)


@pytest.mark.parametrize("path", _examples(OWN))
def test_fixture_lists_in_more_shapes_and_languages_read_as_a_careful_person_would(path):
    _check_list(path)


def test_every_own_fixture_says_where_its_shape_comes_from():
    specs = [json.loads(path.read_text(encoding="utf-8")) for path in OWN.glob("*.expected.json")]
    assert len(specs) >= 10
    assert all(spec.get("source") for spec in specs)
