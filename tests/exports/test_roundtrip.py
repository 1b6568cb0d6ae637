"""Round trip: every published seed list, imported into an empty letter and exported in the same layout with
--order manual, comes back line for line (for seed 003's footnote: the same names in the same order)."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from letters.exports import SignatoryList
from letters.layouts import render_text
from letters.models import Letter
from letters.parsing import parse_list

pytestmark = pytest.mark.django_db

LISTS = Path(__file__).resolve().parents[2] / "letters" / "demo" / "lists"
LAYOUTS = {"000": "lines", "001": "lines", "002": "numbered", "003": "inline", "004": "name-country"}
SEED_LISTS = sorted(LISTS.glob("*.txt"))


def lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("path", SEED_LISTS, ids=[path.stem for path in SEED_LISTS])
def test_a_published_list_survives_import_and_export(path):
    seed, language = path.stem.split("-")
    layout = LAYOUTS[seed]
    slug = f"roundtrip-{seed}-{language}"
    assert not Letter.objects.exists()  # an empty database
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}

    call_command("create_letter", slug, "--title", f"Seed {seed}", "--language", language, **quiet)
    call_command("import_signatories", slug, str(path), "--language", language, "--format", layout, **quiet)
    out = io.StringIO()
    call_command("export_signatories", slug, "--language", language, "--format", layout, "--order", "manual",
                 stdout=out, stderr=io.StringIO())

    published = path.read_text(encoding="utf-8")
    if layout == "inline":
        assert [e.name for e in parse_list(out.getvalue(), "inline").entries] == \
            [e.name for e in parse_list(published, "inline").entries]
    else:
        assert lines(out.getvalue()) == lines(published)


def test_countries_that_are_not_iso_names_survive_the_trip():
    path = LISTS / "004-en.txt"
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("create_letter", "trip-004", "--title", "Seed 004", "--language", "en", **quiet)
    call_command("import_signatories", "trip-004", str(path), "--language", "en", "--format", "name-country", **quiet)

    exported = render_text(SignatoryList(Letter.objects.get(slug="trip-004"), "en", "manual"), "name-country")

    assert "ARTICLE 19, International\n" in exported
    assert "Asian Legal Resource Center, Hong Kong\n" in exported
    assert "The Rights Practice, United Kingdom\n" in exported


def test_demo_seed_000_lists_the_same_organisations_with_one_spelling_in_every_language():
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    letter = Letter.objects.get(slug="hrc-elections-2021-asia-pacific")

    exports = {language: [(row.signature_id, row.name) for row in SignatoryList(letter, language).rows()]
               for language in ("en", "es", "fr")}

    assert exports["en"] == exports["es"] == exports["fr"]
    names = [name for _, name in exports["en"]]
    assert "BALAOD Mindanaw" in names
    assert not any(typo in " ".join(names) for typo in ("BALAOOD", "BALAOB"))
    assert len(names) == len(set(names)) == 22
