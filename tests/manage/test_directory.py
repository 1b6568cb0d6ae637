"""The organisation directory: search, an organisation's page and history, duplicate suggestions, merging."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from letters.models import Invitation, MergeRecord, Organisation, OrganisationChange, Signature
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
def typo(letter, coordinator):
    """A misspelt record that signed two of the coordinator's letters, and the right record that signed a third."""
    right = OrganisationFactory(name="BALAOD Mindanaw", country="PH")
    wrong = OrganisationFactory(name="BALAOOD Mindanaw", country="", email_domains="balaod.org")
    SignatureFactory(letter=letter, organisation=wrong, language="es")
    SignatureFactory(letter=LetterFactory(slug="second-letter", coordinators=[coordinator]), organisation=wrong)
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


# --- a directory edit or merge and the letters of other coordinators (issue 10, item 3) ---------------------------


def _edit(client, org, **changes):
    data = {"name": org.name, "acronym": org.acronym, "kind": org.kind, "sort_name": org.sort_name,
            "country": org.country.code or "", "website": org.website, "affiliation": org.affiliation, **changes}
    return client.post(reverse("manage:organisation_edit", args=[org.pk]), data)


@pytest.fixture
def shared(letter, other_letter):
    """An organisation that signed the coordinator's letter and, live, another coordinator's letter."""
    org = OrganisationFactory(name="Shared Rights Network", acronym="SRN", country="KE")
    SignatureFactory(letter=letter, organisation=org)
    SignatureFactory(letter=other_letter, organisation=org, status="pending")
    return org


@pytest.mark.parametrize("change", [{"name": "Renamed Network"}, {"acronym": "RN"}, {"country": "UG"},
                                    {"kind": "individual"}, {"sort_name": "Network"}, {"affiliation": "Somewhere"}])
def test_an_edit_that_changes_how_an_organisation_appears_on_another_coordinators_live_letter_is_refused(
        coordinator_client, shared, other_letter, change):
    before = (shared.name, shared.acronym, shared.country.code, shared.kind, shared.sort_name, shared.affiliation)
    response = _edit(coordinator_client, shared, **change)
    assert response.status_code == 200
    html = response.content.decode()
    assert "letters you do not coordinate" in html and other_letter.title in html and "Nothing was changed" in html
    shared.refresh_from_db()
    assert (shared.name, shared.acronym, shared.country.code, shared.kind, shared.sort_name,
            shared.affiliation) == before
    assert not OrganisationChange.objects.exists()


def test_the_edit_page_says_beforehand_which_letters_of_others_show_the_record(coordinator_client, shared,
                                                                             other_letter):
    html = coordinator_client.get(reverse("manage:organisation_edit", args=[shared.pk])).content.decode()
    assert "directory-others" in html and other_letter.title in html


def test_an_edit_that_letters_do_not_show_is_allowed_and_recorded(coordinator_client, coordinator, shared):
    response = _edit(coordinator_client, shared, website="srn.example", notes="Met them in Geneva")
    assert response.status_code == 302
    change = OrganisationChange.objects.get()
    assert (change.organisation, change.by, change.action) == (shared, coordinator, "edit")
    assert (change.before["website"], change.after["website"]) == ("", "https://srn.example")
    assert change.after["notes"] == "Met them in Geneva" and not change.shows_on_letters


def test_an_admin_may_change_it_and_the_change_shows_on_every_letter_it_is_on(client, admin_user, shared, letter,
                                                                              other_letter):
    client.force_login(admin_user)
    assert _edit(client, shared, name="Renamed Network").status_code == 302
    shared.refresh_from_db()
    assert shared.name == "Renamed Network"
    change = OrganisationChange.objects.get()
    assert (change.before["name"], change.after["name"], change.by) == ("Shared Rights Network", "Renamed Network",
                                                                        admin_user)
    for on_letter in (letter, other_letter):
        changes = list(OrganisationChange.objects.for_letter(on_letter))
        assert changes == [change]
        html = render_to_string("letters/manage/_directory_changes.html", {"directory_changes": changes})
        assert "Shared Rights Network" in html and "Renamed Network" in html and "admin" in html
    assert not OrganisationChange.objects.for_letter(LetterFactory())
    page = client.get(reverse("manage:organisation", args=[shared.pk])).content.decode()
    assert "directory-change" in page and "Renamed Network" in page


def test_a_coordinator_of_every_letter_it_is_on_may_change_it(coordinator_client, coordinator, shared, other_letter):
    other_letter.coordinators.add(coordinator)
    assert _edit(coordinator_client, shared, name="Renamed Network").status_code == 302
    assert OrganisationChange.objects.get().after["name"] == "Renamed Network"


@pytest.mark.parametrize("status", ["invited", "declined", "withdrawn", "rejected"])
def test_a_sign_on_that_is_not_live_does_not_hold_the_record(coordinator_client, letter, other_letter, status):
    org = OrganisationFactory(name="Undecided Network")
    SignatureFactory(letter=letter, organisation=org)
    SignatureFactory(letter=other_letter, organisation=org, status=status)
    assert _edit(coordinator_client, org, name="Decided Network").status_code == 302


def test_a_finalised_letter_does_not_hold_the_record_and_never_changes(coordinator_client, other_coordinator, shared,
                                                                       other_letter):
    from letters.exports import SignatoryList
    from letters.layouts import render_text
    from letters.services.finalise import finalise_letter

    Signature.objects.filter(letter=other_letter).update(status="approved")
    finalise_letter(other_letter, by=other_coordinator)
    assert _edit(coordinator_client, shared, name="Renamed Network", country="UG").status_code == 302
    assert render_text(SignatoryList(other_letter, "en", order="alphabetical"), "name-country") == \
        "Shared Rights Network, Kenya\n"
    assert OrganisationChange.objects.get().after["country"] == "UG"


def test_the_refusal_does_not_reveal_the_title_of_another_coordinators_draft(coordinator_client, other_coordinator,
                                                                              letter):
    org = OrganisationFactory(name="Drafted Network")
    SignatureFactory(letter=letter, organisation=org)
    draft = LetterFactory(title="Secret draft about Z", status="draft", coordinators=[other_coordinator])
    SignatureFactory(letter=draft, organisation=org)
    html = _edit(coordinator_client, org, name="Renamed").content.decode()
    assert "Secret draft about Z" not in html and "1 letter not yet published" in html


def test_merging_a_record_that_signed_another_coordinators_live_letter_is_refused_and_changes_nothing(
        coordinator_client, letter, other_letter):
    keep = OrganisationFactory(name="Asian Legal Resource Centre")
    remove = OrganisationFactory(name="Asian Legal Resource Center")
    SignatureFactory(letter=letter, organisation=keep)
    SignatureFactory(letter=other_letter, organisation=remove)
    before = _state()
    page = coordinator_client.get(reverse("manage:merge"), {"keep": keep.pk, "remove": remove.pk}).content.decode()
    assert "directory-others" in page and other_letter.title in page
    response = coordinator_client.post(reverse("manage:merge"), {"keep": keep.pk, "remove": remove.pk,
                                                                 "keep_names": "on"}, follow=True)
    html = response.content.decode()
    assert "letters you do not coordinate" in html and other_letter.title in html
    assert _state() == before and not OrganisationChange.objects.exists()


def test_a_merge_that_fills_the_kept_records_blanks_is_refused_when_it_shows_on_others_letters(
        coordinator, letter, other_letter):
    keep = OrganisationFactory(name="Asian Legal Resource Centre", acronym="")
    remove = OrganisationFactory(name="Asian Legal Resource Center", acronym="ALRC")
    SignatureFactory(letter=other_letter, organisation=keep)
    SignatureFactory(letter=letter, organisation=remove)
    before = _state()
    with pytest.raises(MergeRefused, match="do not coordinate"):
        merge_organisations(keep, remove, by=coordinator)
    assert _state() == before


def test_a_merge_is_recorded_in_the_kept_records_history_which_takes_over_the_merged_ones(coordinator_client,
                                                                                        coordinator, letter):
    keep = OrganisationFactory(name="Asian Legal Resource Centre", acronym="")
    remove = OrganisationFactory(name="Asian Legal Resource Center", acronym="ALRC")
    SignatureFactory(letter=letter, organisation=remove)
    _edit(coordinator_client, remove, website="alrc.example")
    coordinator_client.post(reverse("manage:merge"), {"keep": keep.pk, "remove": remove.pk, "keep_names": "on"})
    merge, edit = OrganisationChange.objects.filter(organisation=keep)
    assert (merge.action, merge.by, edit.action) == ("merge", coordinator, "edit")
    assert merge.before["merged"]["name"] == "Asian Legal Resource Center"
    assert (merge.before["acronym"], merge.after["acronym"]) == ("", "ALRC")
    assert "1 sign-ons moved" in merge.note
    assert list(OrganisationChange.objects.for_letter(letter)) == [merge, edit]
