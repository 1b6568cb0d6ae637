"""Splitting a directory record in two: the chosen sign-ons (and spellings, names per language) move to a new
record, recorded on both and on the letters concerned; refused across another coordinator's live letter."""

import pytest
from django.urls import reverse

from letters.exports import SignatoryList
from letters.layouts import render_text
from letters.models import Letter, Organisation, OrganisationChange, Signature, SignatureEvent
from letters.services.directory import MergeRefused, split_organisation
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(letter, coordinator):
    """“Women's Rights Kenya” typed as “Women's Rights Network” on two of the coordinator's three letters."""
    org = OrganisationFactory(name="Women's Rights Network", country="CH")
    org.add_alias("Women’s Rights Kenya", source="typo")
    org.add_alias("WRN Geneva")
    second = LetterFactory(slug="second-letter", coordinators=[coordinator])
    third = LetterFactory(slug="third-letter", coordinators=[coordinator])
    return {
        "org": org,
        "moving": [SignatureFactory(letter=letter, organisation=org, status="approved"),
                   SignatureFactory(letter=second, organisation=org, status="pending")],
        "staying": SignatureFactory(letter=third, organisation=org, status="approved"),
    }


def _state():
    return (sorted(Organisation.objects.values_list("pk", "name")),
            sorted(Signature.objects.values_list("pk", "organisation_id", "name_override")),
            OrganisationChange.objects.count(), SignatureEvent.objects.count(),
            sorted(Letter.objects.values_list("pk", "list_revision", "count_organisations", "count_individuals")))


def _post(client, org, confirmed=True, **data):
    data = {"name": "Women's Rights Kenya", "country": "KE", "kind": "organisation", **data}
    if confirmed:
        data["confirmed"] = "yes"
    return client.post(reverse("manage:organisation_split", args=[org.pk]), data)


def test_the_organisation_page_offers_the_split(coordinator_client, mixed):
    html = coordinator_client.get(reverse("manage:organisation", args=[mixed["org"].pk])).content.decode()
    assert reverse("manage:organisation_split", args=[mixed["org"].pk]) in html


def test_it_previews_first_and_changes_nothing_until_confirmed(coordinator_client, mixed, letter):
    before = _state()
    assert coordinator_client.get(reverse("manage:organisation_split", args=[mixed["org"].pk]),
                                  {"name": "X", "signatures": [mixed["moving"][0].pk], "confirmed": "yes"}
                                  ).status_code == 200
    response = _post(coordinator_client, mixed["org"], confirmed=False,
                     signatures=[s.pk for s in mixed["moving"]])
    html = response.content.decode()
    assert response.status_code == 200 and "split-preview" in html and letter.title in html
    assert 'name="confirmed" value="yes"' in html
    assert _state() == before


def test_it_moves_exactly_the_chosen_sign_ons_and_records_on_both_records(coordinator_client, coordinator, mixed):
    org, moving, staying = mixed["org"], mixed["moving"], mixed["staying"]
    response = _post(coordinator_client, org, signatures=[s.pk for s in moving])
    new = Organisation.objects.get(name="Women's Rights Kenya")
    assert response.status_code == 302 and response.url == reverse("manage:organisation", args=[new.pk])
    assert (new.country.code, new.kind) == ("KE", "organisation")
    assert set(new.signatures.all()) == set(moving)
    assert list(org.signatures.all()) == [staying]
    for signature in moving:
        event = signature.events.get(action="moved")
        assert event.by == coordinator and "Women's Rights Network" in event.reason and "split off" in event.reason
    assert not staying.events.filter(action="moved").exists()
    old_change = OrganisationChange.objects.get(organisation=org)
    new_change = OrganisationChange.objects.get(organisation=new)
    assert (old_change.action, old_change.by, new_change.action, new_change.by) == ("split", coordinator,
                                                                                    "split", coordinator)
    assert old_change.after["split_off"]["id"] == new.pk and "2 sign-ons" in old_change.note
    assert new_change.before["split_from"]["id"] == org.pk and new_change.after["name"] == new.name
    # The record's spelling that is the new name goes: it would keep matching sign-ons of the new organisation.
    assert list(org.aliases.values_list("name", flat=True)) == ["WRN Geneva"]
    # Each letter's dashboard shows the record its sign-on is on now.
    assert list(OrganisationChange.objects.for_letter(moving[0].letter)) == [new_change]
    assert list(OrganisationChange.objects.for_letter(staying.letter)) == [old_change]
    html = coordinator_client.get(reverse("manage:letter", args=[moving[0].letter.slug])).content.decode()
    assert "directory-change" in html and "Split off from" in html


def test_spellings_and_names_per_language_move_only_when_chosen(coordinator, mixed):
    org = mixed["org"]
    french = org.display_names.create(language="fr", name="Réseau des droits des femmes")
    org.display_names.create(language="es", name="Red de derechos de las mujeres")
    geneva = org.aliases.get(name="WRN Geneva")
    new = split_organisation(org, "Women's Rights Kenya", [mixed["moving"][0]], aliases=[geneva],
                             display_names=[french], by=coordinator)
    assert list(new.aliases.values_list("name", flat=True)) == ["WRN Geneva"]
    assert dict(new.display_names.values_list("language", "name")) == {"fr": "Réseau des droits des femmes"}
    assert dict(org.display_names.values_list("language", "name")) == {"es": "Red de derechos de las mujeres"}
    assert not org.aliases.exists()
    change = OrganisationChange.objects.get(organisation=org)
    assert change.before["display_names"] != change.after["display_names"]


def test_public_lists_show_the_new_record_at_once(coordinator, mixed, letter):
    org, moved = mixed["org"], mixed["moving"][0]
    letter.refresh_from_db()
    revision, organisations = letter.list_revision, letter.count_organisations
    assert "Women's Rights Network" in render_text(SignatoryList(letter, "en", order="alphabetical"), "name-country")
    split_organisation(org, "Jane Doe", [moved], country="KE", kind="individual", by=coordinator)
    letter.refresh_from_db()
    assert letter.list_revision > revision
    assert (letter.count_organisations, letter.count_individuals) == (organisations - 1, 1)
    text = render_text(SignatoryList(letter, "en", order="alphabetical"), "name-country")
    assert "Jane Doe" in text and "Women's Rights Network" not in text


def test_a_name_the_letter_kept_from_a_merge_gives_way_to_the_new_records_own(coordinator, mixed):
    moved = mixed["moving"][0]
    Signature.objects.filter(pk=moved.pk).update(name_override="Women’s Rights Kenya")
    split_organisation(mixed["org"], "Women's Rights Kenya", [moved], by=coordinator)
    moved.refresh_from_db()
    assert moved.name_override == "" and moved.display_name() == "Women's Rights Kenya"


def test_moving_a_sign_on_of_another_coordinators_live_letter_is_refused_and_changes_nothing(
        coordinator_client, mixed, other_letter):
    theirs = SignatureFactory(letter=other_letter, organisation=mixed["org"], status="approved")
    before = _state()
    preview = _post(coordinator_client, mixed["org"], confirmed=False, signatures=[theirs.pk]).content.decode()
    assert "directory-others" in preview and other_letter.title in preview
    response = _post(coordinator_client, mixed["org"], signatures=[theirs.pk, mixed["moving"][0].pk])
    html = response.content.decode()
    assert response.status_code == 200 and "letters you do not coordinate" in html and "Nothing was changed" in html
    assert _state() == before


def test_moving_names_per_language_is_refused_when_the_record_is_on_another_coordinators_live_letter(
        coordinator, mixed, other_letter):
    SignatureFactory(letter=other_letter, organisation=mixed["org"], status="pending")
    french = mixed["org"].display_names.create(language="fr", name="Réseau")
    before = _state()
    with pytest.raises(MergeRefused, match="do not coordinate"):
        split_organisation(mixed["org"], "Women's Rights Kenya", [mixed["moving"][0]], display_names=[french],
                           by=coordinator)
    assert _state() == before and french.organisation_id == mixed["org"].pk


def test_moving_only_ones_own_sign_ons_is_allowed_while_the_record_is_on_others_letters(
        coordinator_client, mixed, other_letter):
    SignatureFactory(letter=other_letter, organisation=mixed["org"], status="approved")
    assert _post(coordinator_client, mixed["org"], signatures=[mixed["moving"][0].pk]).status_code == 302


def test_an_admin_may_split_across_any_letter(client, admin_user, mixed, other_letter):
    theirs = SignatureFactory(letter=other_letter, organisation=mixed["org"], status="approved")
    client.force_login(admin_user)
    assert _post(client, mixed["org"], signatures=[theirs.pk]).status_code == 302
    assert Signature.objects.get(pk=theirs.pk).organisation.name == "Women's Rights Kenya"


def test_a_failure_half_way_keeps_everything_as_it_was(coordinator, mixed, monkeypatch):
    calls = []

    def failing_record(self, action, by=None, reason=""):
        calls.append(self.pk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original_record(self, action, by=by, reason=reason)

    original_record = Signature.record
    monkeypatch.setattr(Signature, "record", failing_record)
    before = _state()
    aliases = list(mixed["org"].aliases.order_by("pk").values_list("pk", "organisation_id", "name"))
    with pytest.raises(RuntimeError):
        split_organisation(mixed["org"], "Women's Rights Kenya", mixed["moving"],
                           aliases=list(mixed["org"].aliases.all()), by=coordinator)
    assert _state() == before
    assert list(mixed["org"].aliases.order_by("pk").values_list("pk", "organisation_id", "name")) == aliases


def test_the_new_name_must_differ_and_sign_ons_must_be_this_records(coordinator_client, mixed, approved):
    before = _state()
    response = _post(coordinator_client, mixed["org"], name="women’s rights network",
                     signatures=[mixed["moving"][0].pk])
    assert response.status_code == 200 and "different from this record" in response.content.decode()
    response = _post(coordinator_client, mixed["org"], signatures=[approved.pk])
    assert response.status_code == 200 and response.context["form"].errors.get("signatures")
    assert _state() == before


def test_someone_who_coordinates_no_letter_may_not_split(client, mixed):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="stranger"))
    assert _post(client, mixed["org"], signatures=[mixed["moving"][0].pk]).status_code == 403
    assert not OrganisationChange.objects.exists()
