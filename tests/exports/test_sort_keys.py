"""Collation keys stored between exports (PostgreSQL): reused while the name stands, never once it has changed.

The database moves a sign-on's name version on (triggers, migration 0017) whichever way a name changes: these
tests change names through save(), queryset updates and raw rows, and check the next list is in order.
"""

import pytest
from django.db import connection

from letters import collation
from letters.exports import SignatoryList
from letters.models import Organisation, OrganisationName, Section, Signature, SortKey
from tests.conftest import requires_postgres

pytestmark = [pytest.mark.django_db, requires_postgres]


def names(letter, language="en", **options):
    return [row.name for row in SignatoryList(letter, language, **options).rows()]


def stored_versions(letter, language="en"):
    return dict(SortKey.objects.filter(signature__letter=letter, language=language)
                .values_list("signature_id", "name_version"))


@pytest.fixture
def listed(letter, sign):
    """Four names, sorted once, so that their keys are stored."""
    signatures = {name: sign(name) for name in ["Amnesty International", "Bread for All", "Oxfam", "Zonta Club"]}
    assert names(letter) == ["Amnesty International", "Bread for All", "Oxfam", "Zonta Club"]
    return signatures


def test_first_sort_stores_one_key_per_name_and_language_and_the_next_reuses_them(letter, listed):
    assert len(stored_versions(letter)) == 4
    assert stored_versions(letter, "fr") == {}
    names(letter, "fr")
    assert len(stored_versions(letter, "fr")) == 4
    # A stored key is what the name's key is: the next sort reads them and gives the same order.
    stored = dict(SortKey.objects.filter(language="en").values_list("signature__organisation__name", "key"))
    assert bytes(stored["Oxfam"]) == collation.primary_key("Oxfam", "en")
    assert names(letter) == ["Amnesty International", "Bread for All", "Oxfam", "Zonta Club"]


def test_renaming_an_organisation_moves_it_in_the_next_list(letter, listed):
    organisation = listed["Zonta Club"].organisation
    organisation.name = "Action Aid"
    organisation.save()

    assert names(letter) == ["Action Aid", "Amnesty International", "Bread for All", "Oxfam"]


def test_a_rename_by_queryset_update_is_seen_too(letter, listed):
    Organisation.objects.filter(name="Amnesty International").update(name="Urgent Action Fund",
                                                                      sort_name="Urgent Action Fund")

    assert names(letter) == ["Bread for All", "Oxfam", "Urgent Action Fund", "Zonta Club"]


def test_a_rename_in_raw_sql_is_seen_too(letter, listed):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE letters_organisation SET sort_name = 'Aaa Oxfam' WHERE name = 'Oxfam'")

    assert names(letter) == ["Oxfam", "Amnesty International", "Bread for All", "Zonta Club"]


def test_a_display_name_added_changed_or_removed_in_the_lists_language_reorders_it(letter, listed):
    oxfam = listed["Oxfam"].organisation
    display = OrganisationName.objects.create(organisation=oxfam, language="fr", name="Aide Oxfam")
    assert names(letter, "fr")[0] == "Aide Oxfam"

    OrganisationName.objects.filter(pk=display.pk).update(name="Zwart Oxfam")
    assert names(letter, "fr")[-1] == "Zwart Oxfam"

    display.delete()
    assert names(letter, "fr") == ["Amnesty International", "Bread for All", "Oxfam", "Zonta Club"]


def test_a_name_on_this_letter_or_in_one_language_reorders_it(letter, listed):
    Signature.objects.filter(pk=listed["Zonta Club"].pk).update(name_override="Abba Zonta")
    assert names(letter)[0] == "Abba Zonta"

    signature = Signature.objects.get(pk=listed["Amnesty International"].pk)
    signature.names = {"en": "Ypsilon Amnesty"}
    signature.save()
    assert names(letter) == ["Abba Zonta", "Bread for All", "Oxfam", "Ypsilon Amnesty"]


def test_a_sign_on_moved_to_another_organisation_sorts_under_its_name(letter, listed):
    merged_into = Organisation.objects.create(name="Yes Foundation", sort_name="Yes Foundation",
                                              normalised_name="yes foundation")
    Signature.objects.filter(pk=listed["Bread for All"].pk).update(organisation=merged_into)

    assert names(letter) == ["Amnesty International", "Oxfam", "Yes Foundation", "Zonta Club"]


def test_saving_a_sign_on_loaded_before_a_rename_does_not_bring_its_old_key_back(letter, listed):
    stale = Signature.objects.get(pk=listed["Zonta Club"].pk)  # name_version as before the rename
    Organisation.objects.filter(pk=stale.organisation_id).update(name="Action Aid", sort_name="Action Aid")
    stale.status = Signature.Status.APPROVED
    stale.save()  # writes its old name_version back: the database keeps the newer one

    assert names(letter)[0] == "Action Aid"


def test_a_key_computed_while_a_rename_commits_is_never_used(letter, listed):
    """An export reads the old name, a rename commits, the export then stores the old name's key: it is stored
    under the version it was read with, which no longer matches."""
    signature = listed["Zonta Club"]
    read_before = Signature.objects.get(pk=signature.pk).name_version
    Organisation.objects.filter(pk=signature.organisation_id).update(name="Action Aid", sort_name="Action Aid")
    SortKey.objects.store("en", collation.VERSION, [signature.pk], [read_before], [collation.primary_key("Zonta", "en")])

    assert names(letter)[0] == "Action Aid"


def test_a_name_renamed_while_the_list_is_read_is_listed_in_its_new_place(letter, listed, monkeypatch):
    """Renamed after its key was checked and before the rows were read: keyed as it now reads, in the same export."""
    key_missing = SignatoryList._key_missing

    def then_rename(self):
        checked = key_missing(self)
        Organisation.objects.filter(name="Amnesty International").update(name="Zzz Amnesty", sort_name="Zzz Amnesty")
        return checked

    monkeypatch.setattr(SignatoryList, "_key_missing", then_rename)
    assert names(letter) == ["Bread for All", "Oxfam", "Zonta Club", "Zzz Amnesty"]
    monkeypatch.undo()
    assert names(letter) == ["Bread for All", "Oxfam", "Zonta Club", "Zzz Amnesty"]


def test_keys_of_another_icu_version_are_recomputed(letter, listed):
    SortKey.objects.filter(signature=listed["Zonta Club"]).update(collation="icu0-0", key=b"\x00")

    assert names(letter)[-1] == "Zonta Club"
    assert SortKey.objects.get(signature=listed["Zonta Club"], language="en").collation == collation.VERSION


def test_groups_sections_and_leads_still_come_first(letter, sign, listed):
    sign("Yemen Relief", lead=True)
    person = sign("Ada Lovelace", kind=Organisation.Kind.INDIVIDUAL)
    assert names(letter, leads_first=True)[0] == "Yemen Relief"
    assert names(letter, group_individuals=True)[-1] == "Ada Lovelace"

    section = Section.objects.create(letter=letter, headings={"en": "Individuals"}, position=1)
    Signature.objects.filter(pk=person.pk).update(section=section)
    assert names(letter)[-1] == "Ada Lovelace"


def test_stored_keys_give_the_order_computed_from_scratch_on_a_hostile_list(letter, sign):
    for name in ["Égalité Maintenant", "egalite maintenant", "EGALITE MAINTENANT", "L'Observatoire",
                 "The Rights Practice", "La Red de Defensoras", "Ñandutí", "Nandu", "Women’s Link", "Womens Link",
                 "国际特赦组织", "منظمة العفو الدولية", "Amnesty", "amnesty"]:
        sign(name, **({"es": f"Red {name}"} if name.startswith("W") else {}))
    first = names(letter, "es")
    assert len(stored_versions(letter, "es")) == 14

    assert names(letter, "es") == first
    SortKey.objects.all().delete()
    assert names(letter, "es") == first


def test_each_stored_key_is_the_key_of_the_name_the_row_sorts_under(letter, sign):
    """Keys are computed for all missing names at once (_missing_keys): each is still the key its row's sort name gets
    on its own (the full rule, _spelled), whichever source gives the name and whatever marks it holds."""
    for index, name in enumerate(["The Rights Practice", "L’Observatoire", "People's Watch", "Égalité", "Zeta"]):
        signature = sign(name, **({"fr": f"La {name}"} if index == 1 else {}),
                         override="Réseau ‘Z’" if index == 4 else "")
        if index == 3:
            signature.names = {"fr": "« Égalité » Maintenant"}
            signature.save()
    names(letter, "fr")
    stored = {pk: bytes(key) for pk, key in SortKey.objects.filter(language="fr").values_list("signature_id", "key")}
    signatory_list, primary = SignatoryList(letter, "fr"), collation.primary_keyer("fr")
    expected = {}
    for signature in Signature.objects.filter(letter=letter).select_related("organisation"):
        organisation = signature.organisation
        _shown, sort_name = signatory_list._spelled(signature.names, signature.name_override, organisation.pk,
                                                    organisation.name, organisation.sort_name)
        expected[signature.pk] = primary(sort_name)
    assert len(stored) == 5 and stored == expected


def test_a_name_holding_the_separator_of_the_keys_read_is_keyed_as_it_reads(letter, listed):
    # _missing_keys reads the names joined by "\x1f", which names cleaned on save never hold; one written raw may.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE letters_organisation SET name = %s, sort_name = %s WHERE name = 'Oxfam'",
                       ["Bread\x1fand Roses", "Bread\x1fand Roses"])

    # The list prints it cleaned (clean_row), and sorts it where its key puts it.
    assert names(letter) == ["Amnesty International", "Bread for All", "Breadand Roses", "Zonta Club"]
    stored = dict(SortKey.objects.filter(language="en").values_list("signature__organisation__name", "key"))
    assert bytes(stored["Bread\x1fand Roses"]) == collation.primary_key("Bread\x1fand Roses", "en")
    assert bytes(stored["Zonta Club"]) == collation.primary_key("Zonta Club", "en")


def test_a_key_stored_for_a_sign_on_deleted_meanwhile_changes_nothing(letter, listed):
    gone_id = listed["Oxfam"].pk
    listed["Oxfam"].delete()
    assert not SortKey.objects.filter(signature_id=gone_id).exists()  # deleted with the sign-on

    SortKey.objects.store("en", collation.VERSION, [gone_id], [0], [b"\x01"])  # an export that read it before

    assert names(letter) == ["Amnesty International", "Bread for All", "Zonta Club"]
    letter.delete()  # nothing refers to the gone sign-on: no constraint fails, now or at commit


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


def test_a_big_import_has_the_worker_key_its_names_in_every_language_of_the_letter(
        letter, settings, monkeypatch, django_capture_on_commit_callbacks):
    from letters.services import import_write
    from letters.services.imports import build_preview, import_rows

    settings.TASKS = IMMEDIATE_TASKS
    monkeypatch.setattr(import_write, "KEY_NAMES_AFTER", 3)
    with django_capture_on_commit_callbacks(execute=True):
        import_rows(build_preview(letter, "Zeta Rights Group\nAsian Legal Resource Center\nAlpha Defenders", "en"))

    languages = set(letter.versions.values_list("language", flat=True))
    assert len(languages) > 1
    for language in languages:
        assert len(stored_versions(letter, language)) == 3
    assert names(letter) == ["Alpha Defenders", "Asian Legal Resource Center", "Zeta Rights Group"]


def test_a_small_import_leaves_the_keys_to_the_first_export(letter, settings, django_capture_on_commit_callbacks):
    from letters.services.imports import build_preview, import_rows

    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        import_rows(build_preview(letter, "Zeta Rights Group\nAlpha Defenders", "en"))

    assert stored_versions(letter) == {}
    assert names(letter) == ["Alpha Defenders", "Zeta Rights Group"]
    assert len(stored_versions(letter)) == 2


def test_a_display_name_changed_after_the_list_read_the_display_names_is_keyed_as_it_now_reads(letter, listed):
    """The key is computed from the display name read with the name version, in one row: a list object holding an
    older copy of the display names (read a moment before a change commits) cannot store a wrong key as current."""
    oxfam = listed["Oxfam"].organisation
    display = OrganisationName.objects.create(organisation=oxfam, language="fr", name="Aaa Oxfam")
    signatory_list = SignatoryList(letter, "fr")
    assert signatory_list._display_names[oxfam.pk] == "Aaa Oxfam"  # read now, kept by the object
    display.name = "Zzz Oxfam"
    display.save()

    signatory_list._key_missing()

    assert names(letter, "fr") == ["Amnesty International", "Bread for All", "Zonta Club", "Zzz Oxfam"]


def test_when_keys_cannot_be_stored_every_name_is_still_listed_in_order(letter, listed, sign, monkeypatch):
    monkeypatch.setattr(type(SortKey.objects.all()), "store", lambda *args, **kwargs: False)
    sign("Aardvark Alliance")
    sign("Yemen Relief")
    Organisation.objects.filter(name="Oxfam").update(name="Able Oxfam", sort_name="Able Oxfam")

    expected = ["Aardvark Alliance", "Able Oxfam", "Amnesty International", "Bread for All", "Yemen Relief",
                "Zonta Club"]
    assert names(letter) == expected
    assert names(letter, limit=2) == expected[:2]
    assert names(letter, "fr") == expected  # nothing stored in French at all


def test_a_sign_on_approved_while_the_list_is_read_is_listed_in_its_place(letter, listed, sign, monkeypatch):
    key_missing = SignatoryList._key_missing

    def then_sign(self):
        checked = key_missing(self)
        sign("Baobab Network")
        return checked

    monkeypatch.setattr(SignatoryList, "_key_missing", then_sign)

    assert names(letter) == ["Amnesty International", "Baobab Network", "Bread for All", "Oxfam", "Zonta Club"]


def test_saving_a_display_name_unchanged_keeps_the_stored_keys(letter, listed):
    display = OrganisationName.objects.create(organisation=listed["Oxfam"].organisation, language="fr", name="Oxfam")
    version = Signature.objects.get(pk=listed["Oxfam"].pk).name_version
    display.save()
    assert Signature.objects.get(pk=listed["Oxfam"].pk).name_version == version


def test_a_sign_on_deleted_in_raw_sql_takes_its_keys_with_it(letter, listed):
    gone = listed["Oxfam"].pk
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM letters_signatureevent WHERE signature_id = %s", [gone])
        cursor.execute("DELETE FROM letters_signature WHERE id = %s", [gone])

    assert not SortKey.objects.filter(signature_id=gone).exists()


def test_after_an_icu_upgrade_the_scheduler_keys_every_list_again(letter, listed, monkeypatch):
    from django.core.cache import cache

    from letters.ordering import key_changed_lists

    cache.clear()
    languages = letter.versions.count()
    key_changed_lists()
    assert key_changed_lists() == 0

    monkeypatch.setattr(collation, "VERSION", "icu99.9-1")  # the list itself did not change
    assert key_changed_lists() == 4 * languages
    assert set(SortKey.objects.filter(signature__letter=letter).values_list("collation", flat=True)) == {"icu99.9-1"}
    assert names(letter) == ["Amnesty International", "Bread for All", "Oxfam", "Zonta Club"]


def test_the_scheduler_keys_changed_lists_in_every_language_once_per_change(letter, listed, sign):
    from django.core.cache import cache
    from django.core.management import call_command

    from letters.ordering import key_changed_lists

    cache.clear()
    SortKey.objects.all().delete()
    languages = set(letter.versions.values_list("language", flat=True))

    assert key_changed_lists() == 4 * len(languages)
    assert {language: len(stored_versions(letter, language)) for language in languages} == \
        {language: 4 for language in languages}
    assert key_changed_lists() == 0  # nothing changed: the letter is not even read again

    sign("Aardvark Alliance")
    call_command("run_scheduler", "--once")
    assert {language: len(stored_versions(letter, language)) for language in languages} == \
        {language: 5 for language in languages}
