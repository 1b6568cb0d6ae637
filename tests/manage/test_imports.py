"""The import service shared by the paste screen and the CLI: preview, choices, one transaction."""

import pytest

from letters.models import Organisation, OrganisationAlias, Signature
from letters.services.imports import NEW, SKIP, SPLIT, ImportRefused, build_preview, import_rows
from tests.factories import OrganisationFactory
from tests.manage.conftest import read_list

pytestmark = pytest.mark.django_db


def _state(letter):
    return (Organisation.objects.count(), OrganisationAlias.objects.count(),
            list(letter.signatures.values_list("organisation__name", "status", "position", "name_override")))


def test_imported_list_is_approved_in_pasted_order_and_a_reviewed_similar_name_takes_the_directory_spelling(
        letter, coordinator):
    OrganisationFactory(name="Asian Legal Resource Centre", country="HK")
    preview = build_preview(letter, "Zeta Rights Group\nAsian Legal Resource Center\nAlpha Defenders", "en")
    result = import_rows(preview, by=coordinator)
    rows = list(letter.signatures.order_by("position"))
    assert [s.display_name("en") for s in rows] == ["Zeta Rights Group", "Asian Legal Resource Centre",
                                                    "Alpha Defenders"]
    assert [s.position for s in rows] == [1, 2, 3]
    assert {s.status for s in rows} == {Signature.Status.APPROVED}
    assert {s.source for s in rows} == {Signature.Source.IMPORT}
    # The similar name was taken as the directory's organisation (the coordinator reviewed it), listed under the
    # directory's spelling, and the pasted spelling remembered as an alias.
    assert rows[1].organisation.name == "Asian Legal Resource Centre"
    assert rows[1].name_override == "" and rows[1].submitted_name == "Asian Legal Resource Center"
    assert OrganisationAlias.objects.filter(name="Asian Legal Resource Center").exists()
    assert len(result.created_organisations) == 2
    history = rows[0].events.get()
    assert (history.to_status, history.by) == (Signature.Status.APPROVED, coordinator)


def test_countries_from_the_list_go_on_new_organisations_and_never_overwrite_the_directory(letter):
    OrganisationFactory(name="Amnesty International", country="GB")
    OrganisationFactory(name="FIAN International", country="")
    text = "Amnesty International, International\nFIAN International, International\nNew Group, Hong Kong"
    import_rows(build_preview(letter, text, "en"))
    countries = dict(Organisation.objects.values_list("name", "country"))
    assert countries == {"Amnesty International": "GB", "FIAN International": "XI", "New Group": "HK"}


def test_sign_ons_are_appended_after_those_already_in_the_manual_order(letter, approved):
    import_rows(build_preview(letter, "Second Group\nThird Group", "en"))
    assert list(letter.signatures.order_by("position").values_list("position", flat=True)) == [1, 2, 3]


def test_an_organisation_already_on_the_letter_is_not_added_twice(letter, approved, pending):
    text = f"{approved.organisation.name}\n{pending.organisation.name}\nNew Group"
    preview = build_preview(letter, text, "en")
    assert [bool(row.existing) for row in preview.rows] == [True, True, False]
    result = import_rows(preview)
    assert letter.signatures.count() == 3
    assert (len(result.unchanged), len(result.reinstated), len(result.signatures)) == (1, 1, 1)
    pending.refresh_from_db()
    assert pending.status == Signature.Status.APPROVED


def test_the_same_organisation_twice_in_one_list_is_imported_once(letter):
    preview = build_preview(letter, "Same Group\nOther Group\nSAME GROUP", "en")
    assert (preview.rows[2].duplicate_of, preview.rows[2].default) == (1, SKIP)
    result = import_rows(preview)
    assert [s.display_name() for s in result.signatures] == ["Same Group", "Other Group"]
    assert result.skipped == 1


def test_choosing_two_lines_as_one_organisation_is_refused_and_nothing_is_written(letter):
    target = OrganisationFactory(name="Target Group")
    before = _state(letter)
    preview = build_preview(letter, "Alpha\nBeta\nGamma", "en")
    with pytest.raises(ImportRefused) as refused:
        import_rows(preview, choices={0: f"org:{target.pk}", 2: f"org:{target.pk}"})
    assert "Lines 1 and 3" in str(refused.value)
    assert _state(letter) == before


def test_a_failure_halfway_leaves_nothing_half_imported(letter, monkeypatch):
    """Organisations and sign-ons are written, then writing their history fails: nothing stays."""
    from letters.models import SignatureEvent

    before = _state(letter)
    preview = build_preview(letter, "Alpha\nBeta\nGamma", "en")

    def fail(*args, **kwargs):
        assert Signature.objects.filter(letter=letter).count() == 3  # written by then, inside the transaction
        raise RuntimeError("disk full")

    monkeypatch.setattr(SignatureEvent.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        import_rows(preview)
    assert _state(letter) == before


def test_an_unknown_or_forged_choice_is_refused(letter):
    preview = build_preview(letter, "Alpha", "en")
    for choice in ("org:999999", "org:abc", SPLIT, "drop table"):
        with pytest.raises(ImportRefused):
            import_rows(preview, choices={0: choice})
    assert letter.signatures.count() == 0


def test_the_coordinator_may_type_another_directory_organisation_and_edit_the_name(letter):
    OrganisationFactory(name="Human Rights Watch")
    preview = build_preview(letter, "HRW New York office\nSomething", "en")
    result = import_rows(preview, others={0: "human rights watch"}, names={1: "Something Else (SE)"})
    shown = [(s.organisation.name, s.display_name()) for s in result.signatures]
    # An organisation picked by hand is listed under its directory name, unless the row keeps the pasted one.
    assert shown == [("Human Rights Watch", "Human Rights Watch"), ("Something Else (SE)", "Something Else (SE)")]
    kept = import_rows(build_preview(letter, "HRW Geneva office", "en"), others={0: "human rights watch"},
                       keep_pasted={0}, refuse_existing=False)
    assert kept.unchanged[0].display_name() == "HRW Geneva office"
    assert Organisation.objects.get(name="Something Else (SE)").acronym == "SE"


def test_a_directory_organisation_typed_by_id(letter):
    hrw = OrganisationFactory(name="Human Rights Watch")
    result = import_rows(build_preview(letter, "H.R.W.", "en"), others={0: f"#{hrw.pk}"})
    assert result.signatures[0].organisation == hrw


def test_seed_003_preview_offers_to_split_and_splitting_gives_two_sign_ons(demo, letter):
    preview = build_preview(letter, read_list("003"), "en")
    row = next(row for row in preview.rows if row.how == "two")
    assert row.default == SPLIT and row.flagged
    assert SPLIT in [value for value, _label in row.options()]
    result = import_rows(preview)
    names = [s.organisation.name for s in result.signatures]
    assert "Conectas Direitos Humanos" in names
    assert "DefendDefenders (East and Horn of Africa Human Rights Defenders Project)" in names
    assert not Organisation.objects.filter(name__startswith="Conectas Direitos Humanos Defend").exists()
    assert len(result.signatures) == 16


def test_keeping_the_missing_comma_entry_as_one_flags_it(demo, letter):
    preview = build_preview(letter, read_list("003"), "en")
    row = next(row for row in preview.rows if row.how == "two")
    result = import_rows(preview, choices={row.index: NEW})
    flagged = [s for s in result.signatures if s.flag_near_duplicate and "two organisations" in s.match_note]
    assert [s.display_name() for s in flagged] == [row.entry.name]


def test_a_name_with_its_country_attached_matches_the_organisation_and_keeps_the_published_form(demo, letter):
    """As in seed 002: a few names carry a country among many that do not — part of the published names."""
    text = ("1. Amnesty International\n2. Endorois Welfare Council (Kenya)\n3. Freedom House\n"
            "4. Human Rights Now, Japan\n5. Human Rights Watch")
    preview = build_preview(letter, text, "en")
    assert [row.how for row in preview.rows][1::2] == ["country", "country"]
    result = import_rows(preview)
    assert [(s.organisation.name, s.display_name()) for s in result.signatures][1::2] == [
        ("Endorois Welfare Council", "Endorois Welfare Council (Kenya)"),
        ("Human Rights Now", "Human Rights Now, Japan")]


def test_when_most_names_carry_a_country_the_countries_are_split_off(demo, letter):
    preview = build_preview(letter, "1. Endorois Welfare Council (Kenya)\n2. Human Rights Now, Japan", "en")
    assert [(row.how, row.entry.name, row.country) for row in preview.rows] == [
        ("exact", "Endorois Welfare Council", "KE"), ("exact", "Human Rights Now", "JP")]


def test_a_per_language_display_name_is_not_overridden_when_the_list_uses_it(letter):
    org = OrganisationFactory(name="International Federation for Human Rights")
    org.display_names.create(language="fr", name="Fédération internationale pour les droits humains")
    result = import_rows(build_preview(letter, "Fédération internationale pour les droits humains", "fr",
                                       ), others={0: f"#{org.pk}"})
    assert result.signatures[0].name_override == ""
    assert result.signatures[0].display_name("fr") == "Fédération internationale pour les droits humains"


def test_preview_writes_nothing(letter):
    before = _state(letter)
    build_preview(letter, read_list("004"), "en")
    assert _state(letter) == before


def test_existing_web_sign_on_with_signer_keeps_its_signer_when_the_list_names_it_again(letter, pending):
    import_rows(build_preview(letter, pending.organisation.name, "en"))
    pending.refresh_from_db()
    assert (pending.signer_email, pending.status) == ("wanjiru@prn.example", Signature.Status.APPROVED)
    assert Signature.objects.filter(letter=letter).count() == 1
