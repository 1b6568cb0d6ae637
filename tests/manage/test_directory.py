"""The organisation directory: search, an organisation's page and history, duplicate suggestions, merging."""

import pytest
from django.urls import reverse

from letters.models import Invitation, MergeRecord, Organisation, Signature
from letters.services.directory import MergeRefused, merge_organisations
from tests.factories import ContactFactory, LetterFactory, OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def test_search_and_filters(coordinator_client, letter, approved, pending):
    OrganisationFactory(name="Human Rights Watch", country="XI")
    url = reverse("manage:directory")
    found = lambda **params: [o.name for o in coordinator_client.get(url, params).context["page"]]  # noqa: E731
    assert found(q="rights") == ["Approved Human Rights Centre", "Human Rights Watch", "Pending Rights Network"]
    assert found(country="KE") == ["Pending Rights Network"]
    assert found(letter=letter.slug) == ["Approved Human Rights Centre", "Pending Rights Network"]


def test_organisation_page_shows_names_aliases_domains_and_history_across_letters(coordinator_client, coordinator,
                                                                                  letter):
    org = OrganisationFactory(name="Fédération internationale pour les droits humains (FIDH)", acronym="FIDH",
                              email_domains="fidh.org", sort_name="FIDH")
    org.display_names.create(language="en", name="International Federation for Human Rights (FIDH)")
    org.add_alias("FIDH International")
    SignatureFactory(letter=letter, organisation=org, status="approved")
    declined = LetterFactory(title="Letter they declined", coordinators=[coordinator])
    SignatureFactory(letter=declined, organisation=org, status="declined")
    unanswered = LetterFactory(title="Letter never answered", coordinators=[coordinator])
    Invitation.objects.create(letter=unanswered, organisation=org, contact=ContactFactory(organisation=org))
    html = coordinator_client.get(reverse("manage:organisation", args=[org.pk])).content.decode()
    for text in ("International Federation for Human Rights (FIDH)", "FIDH International", "fidh.org",
                 "Letter they declined", "Declined", "Letter never answered", "No response", letter.title):
        assert text in html, text


def test_signer_details_show_only_for_letters_the_viewer_coordinates(client, coordinator, other_coordinator,
                                                                     letter, other_letter, admin_user):
    org = OrganisationFactory(name="Shared Organisation")
    SignatureFactory(letter=letter, organisation=org, signer_name="Our Signer", signer_email="ours@shared.example")
    SignatureFactory(letter=other_letter, organisation=org, signer_name="Their Signer",
                     signer_email="theirs@shared.example")
    url = reverse("manage:organisation", args=[org.pk])
    client.force_login(coordinator)
    html = client.get(url).content.decode()
    assert "ours@shared.example" in html and "Our Signer" in html
    assert "theirs@shared.example" not in html and "Their Signer" not in html
    client.force_login(admin_user)
    html = client.get(url).content.decode()
    assert "ours@shared.example" in html and "theirs@shared.example" in html


def test_the_title_of_another_coordinators_draft_is_not_revealed(coordinator_client, other_coordinator, letter):
    org = OrganisationFactory(name="Shared Organisation")
    draft = LetterFactory(title="Secret draft about X", status="draft", coordinators=[other_coordinator])
    SignatureFactory(letter=draft, organisation=org)
    html = coordinator_client.get(reverse("manage:organisation", args=[org.pk])).content.decode()
    assert "Secret draft about X" not in html and "A letter not yet published" in html


def test_duplicates_page_suggests_near_duplicates_and_links_to_merge(coordinator_client, letter):
    a = OrganisationFactory(name="Commonwealth Human Rights Initiative (CHRI)")
    b = OrganisationFactory(name="Commonwealth Human Rights Initiatives (CHRI)")
    OrganisationFactory(name="Human Rights Watch")
    OrganisationFactory(name="Human Rights House Foundation")
    html = coordinator_client.get(reverse("manage:duplicates")).content.decode()
    assert html.count('class="duplicate-pair"') == 1
    assert f"keep={a.pk}&amp;remove={b.pk}" in html or f"keep={b.pk}&amp;remove={a.pk}" in html


@pytest.fixture
def typo(letter, other_letter):
    """A misspelt record that signed two letters, and the right record that signed a third."""
    right = OrganisationFactory(name="BALAOD Mindanaw", country="PH")
    wrong = OrganisationFactory(name="BALAOOD Mindanaw", country="", email_domains="balaod.org")
    SignatureFactory(letter=letter, organisation=wrong, language="es")
    SignatureFactory(letter=other_letter, organisation=wrong)
    SignatureFactory(letter=LetterFactory(), organisation=right)
    ContactFactory(organisation=wrong, email="info@balaod.org")
    return right, wrong


def test_merge_moves_signatures_keeps_the_old_name_as_alias_and_is_recorded(coordinator_client, coordinator, typo,
                                                                              letter):
    right, wrong = typo
    response = coordinator_client.post(reverse("manage:merge"), {"keep": right.pk, "remove": wrong.pk,
                                                                 "keep_names": "on"})
    assert response["Location"] == reverse("manage:organisation", args=[right.pk])
    assert not Organisation.objects.filter(pk=wrong.pk).exists()
    assert right.signatures.count() == 3
    assert list(right.aliases.values_list("name", flat=True)) == ["BALAOOD Mindanaw"]
    assert right.contacts.get().email == "info@balaod.org"
    right.refresh_from_db()
    assert right.email_domains == "balaod.org" and right.country == "PH"
    record = MergeRecord.objects.get()
    assert (record.kept, record.removed_name, record.moved_signatures, record.by) == (right, "BALAOOD Mindanaw", 2,
                                                                                     coordinator)
    # The letter keeps showing what it showed; the move is in the sign-on's history.
    moved = letter.signatures.get()
    assert moved.display_name() == "BALAOOD Mindanaw"
    assert moved.events.get().action == "moved"


def test_merge_can_correct_the_name_on_letters(coordinator_client, typo, letter):
    right, wrong = typo
    coordinator_client.post(reverse("manage:merge"), {"keep": right.pk, "remove": wrong.pk})
    assert letter.signatures.get().display_name() == "BALAOD Mindanaw"


def _state():
    return (list(Organisation.objects.order_by("pk").values_list("pk", "name")),
            list(Signature.objects.order_by("pk").values_list("pk", "organisation_id", "status")),
            MergeRecord.objects.count())


def test_merge_refuses_when_both_signed_the_same_letter_and_changes_nothing(coordinator_client, letter):
    keep = OrganisationFactory(name="Asian Legal Resource Centre")
    remove = OrganisationFactory(name="Asian Legal Resource Center")
    SignatureFactory(letter=letter, organisation=keep)
    SignatureFactory(letter=letter, organisation=remove)
    before = _state()
    response = coordinator_client.post(reverse("manage:merge"), {"keep": keep.pk, "remove": remove.pk}, follow=True)
    assert "Both organisations signed" in response.content.decode()
    assert _state() == before


def test_merge_with_an_explicit_choice_keeps_the_chosen_sign_on(coordinator_client, letter):
    keep = OrganisationFactory(name="Asian Legal Resource Centre")
    remove = OrganisationFactory(name="Asian Legal Resource Center")
    SignatureFactory(letter=letter, organisation=keep, status="pending")
    chosen = SignatureFactory(letter=letter, organisation=remove, status="approved", signer_email="a@alrc.example")
    coordinator_client.post(reverse("manage:merge"), {"keep": keep.pk, "remove": remove.pk,
                                                      f"conflict_{letter.pk}": "remove"})
    only = letter.signatures.get()
    assert (only.pk, only.organisation, only.status) == (chosen.pk, keep, "approved")
    details = MergeRecord.objects.get().details
    assert details["conflicts"][0]["dropped_status"] == "pending"


def test_merge_conflict_on_a_letter_one_does_not_coordinate_is_refused(other_letter, coordinator):
    keep = OrganisationFactory(name="Alpha")
    remove = OrganisationFactory(name="Alpha Group")
    SignatureFactory(letter=other_letter, organisation=keep)
    SignatureFactory(letter=other_letter, organisation=remove)
    before = _state()
    with pytest.raises(MergeRefused, match="do not coordinate"):
        merge_organisations(keep, remove, by=coordinator, resolutions={other_letter.pk: "keep"},
                            may_resolve=lambda letter: False)
    assert _state() == before


def test_merging_an_organisation_with_itself_is_refused(coordinator_client, approved):
    org = approved.organisation
    response = coordinator_client.get(reverse("manage:merge"), {"keep": org.pk, "remove": org.pk}, follow=True)
    assert "two different organisations" in response.content.decode()


def test_editing_the_directory_record(coordinator_client, approved):
    org = approved.organisation
    coordinator_client.post(reverse("manage:organisation_edit", args=[org.pk]), {
        "name": "The Approved Centre", "kind": "organisation", "sort_name": "Approved Centre", "country": "CH",
        "website": "ahrc.example"})
    org.refresh_from_db()
    assert (org.name, org.sort_name, org.website) == ("The Approved Centre", "Approved Centre", "https://ahrc.example")


def test_the_merge_page_does_not_reveal_another_coordinators_draft(coordinator_client, other_coordinator, letter):
    keep = OrganisationFactory(name="Asian Legal Resource Centre")
    remove = OrganisationFactory(name="Asian Legal Resource Center")
    draft = LetterFactory(title="Secret draft about Y", status="draft", coordinators=[other_coordinator])
    SignatureFactory(letter=draft, organisation=keep)
    SignatureFactory(letter=draft, organisation=remove)
    html = coordinator_client.get(reverse("manage:merge"), {"keep": keep.pk, "remove": remove.pk}).content.decode()
    assert "Secret draft about Y" not in html and "A letter not yet published" in html
