"""Real lists through the whole path: create_letter → import_signatories --format auto → export_signatories.

Every example in ../shared/lists (and our own fixtures in tests/fixtures/lists) must come back with the same
sections, headings, numbers and entries — in the list's own layout and as JSON with every entry's section, kind,
country or region and affiliation.
"""

import io
import json
import random
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from letters.models import Letter, Organisation, Section, Signature
from letters.parsing import parse_list
from letters.services.imports import build_preview, import_rows
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "lists"
OWN = ROOT / "tests" / "fixtures" / "lists"


def _examples():
    paths = sorted(SHARED.glob("*.txt")) + sorted(OWN.glob("*.txt"))
    examples = []
    for path in paths:
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        if expected["expected"] != "review":
            examples.append(pytest.param(path, expected, id=f"{path.parent.name}/{path.stem}"))
    return examples


EXAMPLES = _examples()


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def own_layout(text, parsed):
    """The export options that write a list the way `text` is written: numbered or a table, where the country
    or region stands (", X", " - X", " (X)"), and how an individual's affiliation is written."""
    entries = parsed.valid
    options = {"layout": "lines", "numbers": bool(entries) and all(e.number for e in entries)}
    tab_numbered = sum(1 for line in text.splitlines() if "\t" in line and line.strip()[:1].isdigit())
    if options["numbers"] and tab_numbered >= len(entries) / 2:
        options.update(layout="table", numbers=False)
    else:
        options["layout"] = _place_layout(text, entries)
    options["individuals"] = _affiliation_style(text, entries)
    return options


def _place_layout(text, entries):
    places = [e.region or e.country_text for e in entries if e.region or e.country_text]
    if not places:
        return "numbered" if entries and all(e.number for e in entries) else "lines"
    votes = {"name-paren": 0, "name-dash": 0, "name-country": 0}
    for place in places:
        votes["name-paren"] += f"({place})" in text
        votes["name-dash"] += f"- {place}" in text or f"– {place}" in text
        votes["name-country"] += f", {place}" in text
    return max(votes, key=votes.get)


def _affiliation_style(text, entries):
    people = [e for e in entries if e.kind == "individual" and e.affiliation]
    for style, separator in (("tab", "\t"), ("slash", " / "), ("paren", " (")):
        if people and all(f"{e.name}{separator}{e.affiliation}" in text for e in people):
            return style
    return "comma"


def _signature(entry, numbers=True):
    """What a reader of the list sees of one entry (whitespace aside). `numbers`: compare the printed numbers
    (a list that numbers only some of its parts cannot be written back by a layout that numbers all or none)."""
    return (entry.section, entry.number if numbers else None, entry.kind, entry.name, entry.country, entry.region,
            entry.affiliation)


def _import(slug, path, language):
    run("create_letter", slug, "--title", path.stem, "--language", language)
    return run("import_signatories", slug, str(path), "--language", language, "--format", "auto")


@pytest.mark.parametrize("path, expected", EXAMPLES)
def test_a_real_list_survives_import_and_export_in_its_own_layout(path, expected):
    language, text = expected["language"], path.read_text(encoding="utf-8")
    original = parse_list(text, language=language)
    _import("trip", path, language)
    options = own_layout(text, original)
    numbering = ["--numbers"] if options["numbers"] else []
    out, _err = run("export_signatories", "trip", "--language", language, "--format", options["layout"],
                    "--order", "manual", "--individuals", options["individuals"], *numbering)

    again = parse_list(out, language=language)
    numbers = options["numbers"] or options["layout"] in ("table", "numbered") or not any(
        e.number for e in original.valid)
    assert [_signature(e, numbers) for e in again.valid] == [_signature(e, numbers) for e in original.valid], out
    assert [s.title for s in again.sections] == [s.title for s in original.sections]


@pytest.mark.parametrize("path, expected", EXAMPLES)
def test_json_export_gives_back_every_entry_with_section_kind_place_and_affiliation(path, expected):
    language = expected["language"]
    _import("trip", path, language)
    out, _err = run("export_signatories", "trip", "--language", language, "--format", "json", "--order", "manual")
    rows = json.loads(out)["rows"]

    assert len(rows) == len(expected["expected"])
    for row, want in zip(rows, expected["expected"]):
        assert row["kind"] == want["kind"]
        if not want.get("ambiguous"):
            assert row["name"] == want["name"]
            assert row["country_code"] in _codes(want), (row, want)
        else:
            assert row["name"].startswith(want["name"])  # e.g. "Centre for Science and Environment, India"
        if want.get("region") and not want.get("ambiguous"):
            assert row["region"] == want["region"]
        assert row["affiliation"] == want.get("affiliation", "")
        if want["section"] is not None:
            assert row["section"] == want["section"]
        assert not want.get("note") or want["note"] not in row["name"]


def _codes(want):
    """The country codes an expected entry accepts: its own; a region may be stored as the region's code."""
    from letters.countries import lookup_region

    codes = {want.get("country", "")}
    if want.get("region"):
        codes.add(lookup_region(want["region"])[0])
    return codes


def test_a_run_on_block_is_never_imported_as_one_long_name_without_review():
    path = SHARED / "run-on-no-separators.es.txt"
    if not path.exists():
        pytest.skip("../shared/lists is not beside the repository")
    run("create_letter", "runon", "--title", "Run-on", "--language", "es")
    with pytest.raises(CommandError, match="several organisations"):
        run("import_signatories", "runon", str(path), "--language", "es")
    assert not Signature.objects.exists()

    run("import_signatories", "runon", str(path), "--language", "es", "--split-run-ons")
    names = list(Signature.objects.values_list("organisation__name", flat=True))
    assert len(names) >= 4 and all(len(name) < 80 for name in names)


def test_strict_refuses_the_whole_list_when_any_line_is_flagged():
    OrganisationFactory(name="Human Rights Watch")
    LetterFactory(slug="strict", languages=["en"])
    source = ROOT / "tests" / "fixtures" / "strict.txt"
    source.parent.mkdir(exist_ok=True)
    try:
        source.write_text("Amnesty International\nHuman Rights Wacth\n", encoding="utf-8")
        with pytest.raises(CommandError, match="--strict"):
            run("import_signatories", "strict", str(source), "--language", "en", "--strict")
        assert not Signature.objects.exists()
    finally:
        source.unlink()


# --- seed 000 into one letter, three languages -------------------------------------------------------------


SEED_LISTS = ROOT / "letters" / "demo" / "lists"


def _three_languages(*flags):
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    run("create_letter", "asia-pacific-again", "--title", "Again", "--language", "en", "--language", "es",
        "--language", "fr")
    for language in ("en", "es", "fr"):
        run("import_signatories", "asia-pacific-again", str(SEED_LISTS / f"000-{language}.txt"), "--language",
            language, *flags)
    return Letter.objects.get(slug="asia-pacific-again")


def _export(language):
    out, _err = run("export_signatories", "asia-pacific-again", "--language", language, "--format", "lines",
                    "--order", "manual")
    return [line for line in out.splitlines() if line.strip()]


def test_seed_000_in_three_languages_into_one_letter_lists_balaod_mindanaw_everywhere():
    letter = _three_languages()
    assert letter.signatures.count() == 22
    for language in ("en", "es", "fr"):
        names = _export(language)
        assert len(names) == 22 and "BALAOD Mindanaw" in names
        assert not {"BALAOOD Mindanaw", "BALAOB Mindanaw"} & set(names)


def test_keep_pasted_names_reproduces_each_language_list_as_published():
    letter = _three_languages("--keep-pasted-names")
    assert letter.signatures.count() == 22
    for language in ("en", "es", "fr"):
        published = [line.strip() for line in (SEED_LISTS / f"000-{language}.txt").read_text().splitlines()
                     if line.strip()]
        assert _export(language) == published


# --- the web preview and the import itself -----------------------------------------------------------------


def test_preview_says_which_canonical_name_a_known_misspelling_will_appear_as():
    org = OrganisationFactory(name="BALAOD Mindanaw", country="PH")
    org.add_alias("BALAOB Mindanaw")
    letter = LetterFactory(languages=["es"])
    preview = build_preview(letter, "BALAOB Mindanaw\nAmnistía Internacional", "es")
    assert preview.rows[0].canonical == "BALAOD Mindanaw" and preview.rows[1].canonical == ""

    import_rows(preview, keep_pasted={1})
    assert [s.display_name("es") for s in letter.signatures.order_by("position")] == [
        "BALAOD Mindanaw", "Amnistía Internacional"]


def test_keeping_the_pasted_name_lists_it_in_that_language_only():
    org = OrganisationFactory(name="BALAOD Mindanaw", country="PH")
    org.add_alias("BALAOB Mindanaw")
    letter = LetterFactory(languages=["en", "es"])
    import_rows(build_preview(letter, "BALAOB Mindanaw", "es"), keep_pasted=True)
    signature = letter.signatures.get()
    assert (signature.display_name("es"), signature.display_name("en")) == ("BALAOB Mindanaw", "BALAOD Mindanaw")


def test_headings_become_sections_and_individuals_keep_their_affiliation():
    letter = LetterFactory(languages=["en"])
    text = ("International organisations\n1. Amnesty International\n2. ARTICLE 19\n\n"
            "National organisations\n3. Conectas Direitos Humanos (Brazil)\n4. Kenya Human Rights Commission (Kenya)\n\n"
            "Individuals\n5. Prof. Hannah Okafor, University of Lagos, Nigeria\n")
    result = import_rows(build_preview(letter, text, "en"))
    assert [s.heading("en") for s in letter.sections.order_by("position")] == [
        "International organisations", "National organisations", "Individuals"]
    person = letter.signatures.get(organisation__kind=Organisation.Kind.INDIVIDUAL)
    assert person.section.heading("en") == "Individuals"
    assert person.organisation.country == "NG"
    assert "University of Lagos" in (person.affiliation or person.organisation.affiliation)
    assert len(result.signatures) == 5 and len(result.sections_created) == 3


def test_pasting_again_reuses_the_letters_sections():
    letter = LetterFactory(languages=["en"])
    import_rows(build_preview(letter, "International organisations:\nAmnesty International\n\n"
                                      "National organisations:\nConectas Direitos Humanos", "en"))
    import_rows(build_preview(letter, "National organisations\nKenya Human Rights Commission\n\n"
                                      "International organisations\nFIAN International", "en"))
    # A list under one heading only: the letter's section of that name, not the title of the whole list.
    import_rows(build_preview(letter, "National organisations:\nZimbabwe Lawyers for Human Rights", "en"))
    assert Section.objects.filter(letter=letter).count() == 2
    national = letter.sections.get(position=2)
    assert national.heading("en") == "National organisations" and national.signatures.count() == 3


def test_an_organisation_that_withdrew_is_not_approved_again_by_a_paste_without_a_choice():
    letter = LetterFactory(languages=["en"])
    org = OrganisationFactory(name="Human Rights Watch")
    withdrawn = SignatureFactory(letter=letter, organisation=org, status=Signature.Status.WITHDRAWN)
    preview = build_preview(letter, "Human Rights Watch", "en")
    result = import_rows(preview)
    withdrawn.refresh_from_db()
    assert withdrawn.status == Signature.Status.WITHDRAWN and result.withdrawn_kept == [withdrawn]

    import_rows(build_preview(letter, "Human Rights Watch", "en"), choices={0: "reinstate"})
    withdrawn.refresh_from_db()
    assert withdrawn.status == Signature.Status.APPROVED


def test_import_queries_do_not_grow_with_the_number_of_lines():
    """Bulk writes: the same queries for 10 lines as for 500 (SQLite caps a query at 999 parameters, so there
    only lists that fit one batch compare equal; PostgreSQL, which CI runs, takes the long list)."""
    rng = random.Random(7)

    def word():
        return "".join(rng.choice("bcdfghjklmnpqrstvwz") + rng.choice("aeiou") for _ in range(4)).title()

    def queries(lines):
        letter = LetterFactory(languages=["en"])
        # Names no fuzzy match can confuse, so every line is a new sign-on.
        text = "Organisations\n" + "\n".join(f"{n}. {word()} {word()} (Kenya)" for n in range(1, lines))
        text += "\n\nIndividuals\n" + "\n".join(f"{word()} {word()} / Researcher" for n in range(lines))
        preview = build_preview(letter, text, "en")
        with CaptureQueriesContext(connection) as captured:
            result = import_rows(preview)
        assert len(result.signatures) == 2 * lines - 1
        return len(captured)

    assert queries(10) == queries(500 if connection.vendor == "postgresql" else 15)


def test_a_run_on_line_is_imported_as_the_names_the_coordinator_confirmed_with_their_countries():
    letter = LetterFactory(languages=["es"])
    text = "Greenpeace México Fundación Pachamama - Ecuador Amazon Watch Colectivo Casa - Bolivia"
    preview = build_preview(letter, text, "es")
    assert preview.rows[0].how == "several" and len(preview.rows[0].parts) >= 3
    result = import_rows(preview, parts={0: "Greenpeace México\nFundación Pachamama - Ecuador\nAmazon Watch\n"
                                            "Colectivo Casa - Bolivia"})
    assert [(s.organisation.name, s.organisation.country) for s in result.signatures] == [
        ("Greenpeace México", ""), ("Fundación Pachamama", "EC"), ("Amazon Watch", ""), ("Colectivo Casa", "BO")]
    assert all(s.flag_near_duplicate for s in result.signatures)  # a coordinator should look at them again
