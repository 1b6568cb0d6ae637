"""A live list's CSV is built from database tuples straight to cells (SignatoryList.cells: no Row objects, issue 11's
CSV speed). It must be, byte for byte, the CSV that rows() and values() give, whatever the list holds and however
it is asked for: hostile values cleaned on save or written raw, sections, individuals, leads, names per language,
withheld names, every order and numbering, contacts or not, an addendum, more rows than one batch."""

import pytest
from django.utils import timezone

from letters.exports import SignatoryList
from letters.models import Organisation, OrganisationName, Section, Signature
from letters.resources import iter_csv
from letters.services.finalise import finalise_letter
from tests.exports.test_formula_injection import _write_raw
from tests.factories import OrganisationFactory, SignatureFactory
from tests.security.corpus import HIDDEN_FORMULAS, HOSTILE

pytestmark = pytest.mark.django_db

VALUES = [*HIDDEN_FORMULAS, *HOSTILE, "Réseau Ñandutí", "Human Rights Watch", "University of Geneva"]
# "\x1f" separates the cells of the lines PostgreSQL makes (live_lines.py): a raw row may hold it too, and then
# the whole cell is cleaned (spaces, NFC) as any cell holding a control character is.
SEPARATOR_VALUES = ["Unit\x1fSeparator", "=1+1\x1f,x", "a \x1f b", "X \x1f", "e\u0301\x1f", "\x1f x", " \x1f=1",
                    "y\x1e z"]
OPTIONS = [
    {}, {"include_contacts": True}, {"order": "signed"}, {"order": "manual", "include_contacts": True},
    {"leads_first": True}, {"group_individuals": False}, {"numbering": "section"}, {"numbering": "continuous"},
]


def csv_both_ways(letter, monkeypatch, language="en", **options):
    """(from cells, from rows) of the same export. On PostgreSQL the CSV download takes the lines the database
    makes (live_lines.py) where it can: they must give the same CSV as the cells, which is checked here too."""
    lines = "".join(iter_csv(SignatoryList(letter, language, **options), bom=True))
    with monkeypatch.context() as patch:
        patch.setattr(SignatoryList, "csv_lines", lambda self, kinds, yes: None)
        cells = "".join(iter_csv(SignatoryList(letter, language, **options), bom=True))
        patch.setattr(SignatoryList, "cells", lambda self, kinds, yes: None)
        rows = "".join(iter_csv(SignatoryList(letter, language, **options), bom=True))
    assert lines == cells
    return cells, rows


@pytest.fixture
def messy(letter):
    """Every text field that reaches the CSV holds a hostile or ordinary value; sections, leads, individuals, the
    four sources of a shown name, regions instead of countries, withheld names, manual positions."""
    first, second = (Section.objects.create(letter=letter, position=rank, headings={"en": VALUES[rank]})
                     for rank in (1, 2))
    signatures = []
    for index in range(len(VALUES)):
        value = lambda offset: VALUES[(index + offset) % len(VALUES)][:90]  # noqa: E731 (fits every column)
        individual = index % 2 == 1
        organisation = OrganisationFactory(
            name=value(0) or f"Org {index}", acronym=value(1)[:40], country="" if index % 3 == 0 else "KE",
            kind=Organisation.Kind.INDIVIDUAL if individual else Organisation.Kind.ORGANISATION,
            affiliation=value(2) if individual else "")
        source = index % 4
        if source == 1:
            OrganisationName.objects.create(organisation=organisation, language="en", name=value(3) or "x")
        signatures.append(SignatureFactory(
            letter=letter, organisation=organisation, name_override=value(4) if source == 2 else "",
            names={"en": value(5)} if source == 3 else {}, region=value(6) if index % 3 == 0 else "",
            note=value(7), affiliation=value(8) if index % 4 == 1 else "", signer_name=value(9),
            signer_email=value(10), section=(None, first, second)[index % 3], is_lead=index % 5 == 0,
            position=index if index % 2 else None, consent_public=index % 17 != 0))
    return signatures


@pytest.mark.parametrize("stored", ["cleaned on save", "written raw"])
@pytest.mark.parametrize("options", OPTIONS, ids=lambda options: ",".join(f"{k}={v}" for k, v in options.items()))
def test_a_live_lists_csv_from_cells_is_the_csv_from_rows(letter, messy, monkeypatch, stored, options):
    if stored == "written raw":
        _write_raw(letter, messy)

    from_cells, from_rows = csv_both_ways(letter, monkeypatch, **options)

    assert from_cells == from_rows
    listed = Signature.objects.filter(letter=letter).listed().count()
    assert from_cells.count("\r\n") >= listed + 1 and listed > 20


def test_more_rows_than_a_batch_are_numbered_on_across_batches(letter, monkeypatch):
    organisations = OrganisationFactory.create_batch(620, country="FR")
    for number, organisation in enumerate(organisations):
        SignatureFactory(letter=letter, organisation=organisation, is_lead=number % 97 == 0,
                         note='=HYPERLINK("x")' if number % 250 == 3 else "")

    from_cells, from_rows = csv_both_ways(letter, monkeypatch, language="fr", include_contacts=True)

    assert from_cells == from_rows
    assert from_cells.splitlines()[-1].startswith("620,")


def test_an_addendum_from_cells_is_the_addendum_from_rows(letter, messy, coordinator, monkeypatch):
    letter.status = letter.Status.OPEN
    letter.save()
    finalise_letter(letter, by=coordinator)
    letter.refresh_from_db()
    late = OrganisationFactory(name="Late Signer, Inc.", country="BR")
    SignatureFactory(letter=letter, organisation=late, added_after_finalisation=True, approved_at=timezone.now())

    from_cells, from_rows = csv_both_ways(letter, monkeypatch, source="addendum")

    assert from_cells == from_rows and "Late Signer" in from_cells


def test_a_finalised_list_or_a_preview_comes_from_rows(letter, messy, coordinator):
    assert SignatoryList(letter, "en", limit=5).cells("", "") is None
    letter.status = letter.Status.OPEN
    letter.save()
    finalise_letter(letter, by=coordinator)
    letter.refresh_from_db()
    assert SignatoryList(letter, "en").cells("", "") is None
    assert SignatoryList(letter, "en", source="live").cells({}, "yes") is not None


@pytest.fixture
def tied(letter):
    """Names whose primary keys tie (equal but for accents, case, quotes), some twice over, among others."""
    names = ["Maria Garcia", "María García", "maria garcia", "Maria Garcia", "Réseau Ñandutí", "Reseau Nanduti",
             "People's Alliance", "Peoples Alliance", "Amnesty International", "Zonta Club"]
    for number, name in enumerate(names):
        kind = Organisation.Kind.INDIVIDUAL if name.lower().startswith("maria") else Organisation.Kind.ORGANISATION
        SignatureFactory(letter=letter, organisation=OrganisationFactory(name=name, country="FR", kind=kind),
                         signer_name=f"Signer {number}")
    return names


@pytest.mark.parametrize("options", [{}, {"include_contacts": True}, {"group_individuals": False}])
def test_tied_names_are_in_the_same_order_from_the_databases_lines(letter, tied, monkeypatch, options):
    from_cells, from_rows = csv_both_ways(letter, monkeypatch, language="fr", **options)

    assert from_cells == from_rows
    listed = [line.split(",")[1] for line in from_cells.splitlines()[1:]]
    assert sorted(listed) == sorted(tied)


def test_rows_without_a_stored_key_are_listed_in_their_place_from_the_databases_lines(letter, tied, monkeypatch):
    # As when sign-ons are approved between the keying and the read: no stored key, so every row is keyed here.
    monkeypatch.setattr(SignatoryList, "_key_missing", lambda self: 0)
    from_cells, from_rows = csv_both_ways(letter, monkeypatch, language="fr")

    assert from_cells == from_rows
    assert from_cells.splitlines()[1].split(",")[1] == "Amnesty International"


def test_the_csv_download_takes_the_databases_lines_on_postgresql_only(letter, tied, coordinator):
    from django.db import connection

    lines = SignatoryList(letter, "en").csv_lines({}, "yes")
    assert (lines is not None) == (connection.vendor == "postgresql")
    assert SignatoryList(letter, "en", limit=5).csv_lines({}, "yes") is None


@pytest.mark.parametrize("options", [{}, {"include_contacts": True}, {"order": "signed"}])
def test_cells_written_raw_with_the_lines_separator_are_cleaned_as_on_every_other_path(letter, monkeypatch, options):
    for number, value in enumerate(SEPARATOR_VALUES):
        signature = SignatureFactory(letter=letter, organisation=OrganisationFactory(name=f"Org {number}"))
        Organisation.objects.filter(pk=signature.organisation_id).update(name=value, acronym=value)
        Signature.objects.filter(pk=signature.pk).update(note=value, region=value, signer_name=value)

    from_cells, from_rows = csv_both_ways(letter, monkeypatch, **options)

    assert from_cells == from_rows
    assert ",a b," in from_cells and "\x1f" not in from_cells and "é" in from_cells  # cleaned: spaces, NFC
