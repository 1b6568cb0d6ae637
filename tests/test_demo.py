"""load_demo: the five published letters, one shared directory, idempotent."""

from pathlib import Path

import pytest
from django.core.management import call_command

from letters.demo.directory import TYPOS
from letters.demo.loader import published_names
from letters.models import Letter, LetterVersion, Organisation, OrganisationAlias, Signature

pytestmark = pytest.mark.django_db


def _state():
    return (
        Organisation.objects.count(),
        OrganisationAlias.objects.count(),
        Letter.objects.count(),
        LetterVersion.objects.count(),
        Signature.objects.count(),
        sorted(Signature.objects.values_list("letter__slug", "organisation__name", "name_override", "status", "position")),
    )


def test_load_demo_twice_changes_nothing():
    call_command("load_demo")
    first = _state()
    call_command("load_demo")
    assert _state() == first
    assert first[2] == 5


def test_seed_000_lists_in_en_es_fr_map_to_the_same_22_organisations():
    call_command("load_demo")
    directory = {}
    for organisation in Organisation.objects.all():
        directory[organisation.normalised_name] = organisation
        for alias in organisation.aliases.all():
            directory[alias.normalised] = organisation
    from letters.text import normalise_name

    per_language = {}
    for language in ("en", "es", "fr"):
        names = [entry.name for entry in published_names("000", language, "lines")]
        per_language[language] = [directory[normalise_name(name)].pk for name in names]
    assert len(per_language["en"]) == 22
    assert len(set(per_language["en"])) == 22
    assert per_language["en"] == per_language["es"] == per_language["fr"]
    letter = Letter.objects.get(slug="hrc-elections-2021-asia-pacific")
    assert sorted(letter.signatures.values_list("organisation_id", flat=True)) == sorted(per_language["en"])


def test_balaod_mindanaw_is_one_organisation_with_the_canonical_spelling():
    call_command("load_demo")
    balaod = Organisation.objects.get(name="BALAOD Mindanaw")
    assert set(balaod.aliases.values_list("name", flat=True)) == {"BALAOOD Mindanaw", "BALAOB Mindanaw"}
    assert not Organisation.objects.filter(name__in=["BALAOOD Mindanaw", "BALAOB Mindanaw"]).exists()
    letter = Letter.objects.get(slug="hrc-elections-2021-asia-pacific")
    shown = {sig.display_name(language) for sig in letter.signatures.filter(organisation=balaod)
             for language in ("en", "es", "fr")}
    assert shown == {"BALAOD Mindanaw"}


def test_organisations_are_shared_across_letters():
    call_command("load_demo")
    amnesty = Organisation.objects.get(name="Amnesty International")
    assert amnesty.signatures.count() == 4
    defend = Organisation.objects.get(name__startswith="DefendDefenders")
    assert set(defend.signatures.values_list("letter__slug", flat=True)) == {
        "hrc-elections-2021-asia-pacific", "hrc-elections-2021-weog", "hrc-members-cooperation-reprisals",
        "hrc43-mutually-beneficial-cooperation", "hrc37-win-win-cooperation",
    }


@pytest.mark.parametrize(
    "seed, slug, language, layout",
    [
        ("000", "hrc-elections-2021-asia-pacific", "fr", "lines"),
        ("001", "hrc-elections-2021-weog", "en", "lines"),
        ("002", "hrc-members-cooperation-reprisals", "en", "numbered"),
        ("004", "hrc37-win-win-cooperation", "en", "name-country"),
    ],
)
def test_each_demo_letter_shows_its_signatories_as_published(seed, slug, language, layout):
    call_command("load_demo")
    letter = Letter.objects.get(slug=slug)
    shown = [s.display_name(language) for s in letter.signatures.with_names().order_by("position")]
    # Misspellings (BALAOOD, "Initiatives", "Center") are corrected to the canonical name; all else as published.
    published = [TYPOS.get(entry.name, entry.name) for entry in published_names(seed, language, layout)]
    assert shown == published


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the published seed letters live in ../shared/seeds (beside the checkout in CI)")
@pytest.mark.parametrize("list_file", sorted((Path(__file__).resolve().parents[1] / "letters/demo/lists").glob("*.txt")),
                         ids=lambda path: path.stem)
def test_demo_lists_are_copied_verbatim_from_the_published_letters(list_file):
    seed = list_file.stem.split("-")[0]
    published = next(SEEDS.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")
    assert list_file.read_text(encoding="utf-8").strip("\n") in published


def test_every_demo_organisation_has_a_contact_to_invite_at_an_address_that_cannot_receive_mail():
    from letters.models import Contact, Organisation

    call_command("load_demo", "--no-users")
    assert Contact.objects.active().values("organisation").distinct().count() == Organisation.objects.count()
    assert all(email.endswith("@demo.invalid") for email in Contact.objects.values_list("email", flat=True))
    assert Contact.objects.filter(language="pt").exists() and Contact.objects.filter(language="fr").exists()


def test_seed_000_is_in_the_six_un_languages_with_its_list_in_each(client):
    """The Arabic, Chinese and Russian versions are ours (summaries, as the others): they print the same names,
    the names keeping their own language, under the version's own words."""
    call_command("load_demo", "--no-users")
    letter = Letter.objects.get(slug="hrc-elections-2021-asia-pacific")
    assert sorted(letter.languages()) == ["ar", "en", "es", "fr", "ru", "zh"]
    for prefix, language, heading in (("ar", "ar", "الموقعون"), ("zh-hans", "zh", "签署方"), ("ru", "ru", "Подписавшие")):
        version = letter.version(language)
        assert version.language == language and version.signatories_label == heading
        page = client.get(f"/{prefix}/letters/{letter.slug}/")
        assert page.status_code == 200
        assert version.title in page.content.decode()
        assert "Asian Forum for Human Rights and Development (FORUM-ASIA)" in page.content.decode()
        # Finalised in every language, like the published ones.
        assert letter.snapshots.filter(language=language).count() == 1


def test_a_demo_loaded_before_the_new_versions_gets_them_on_the_next_load():
    call_command("load_demo", "--no-users")
    letter = Letter.objects.get(slug="hrc-elections-2021-asia-pacific")
    letter.versions.filter(language__in=["ar", "zh", "ru"]).delete()
    letter.snapshots.filter(language__in=["ar", "zh", "ru"]).delete()
    english = list(letter.snapshots.get(language="en").rows)

    call_command("load_demo", "--no-users")

    assert sorted(letter.languages()) == ["ar", "en", "es", "fr", "ru", "zh"]
    arabic = letter.snapshots.get(language="ar").rows
    assert [row["name"] for row in arabic] == [row["name"] for row in english]
