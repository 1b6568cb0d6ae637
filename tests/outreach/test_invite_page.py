"""The coordinator's invite page: choose by hand, country, region, tag or another letter; preview; send."""

import re

import pytest

from letters.models import Invitation, OutgoingEmail, Signature
from tests.factories import LetterFactory, SignatureFactory
from tests.outreach.helpers import partner

pytestmark = pytest.mark.django_db


def url(letter):
    return f"/manage/letters/{letter.slug}/invite/"


def invited_names(letter):
    return sorted(Invitation.objects.filter(letter=letter).values_list("organisation__name", flat=True).distinct())


@pytest.fixture
def directory():
    return {
        "kenya": partner("Kenya Voices", country="KE", tags=["Women's rights"]),
        "africa": partner("Pan-African Forum", country="XF"),
        "egypt": partner("Cairo Institute", country="EG"),
        "swiss": partner("Geneva Watch", country="CH", tags=["Women's rights"]),
        "silent": partner("No Contact Org", country="KE", languages=[]),
    }


def test_the_preview_shows_who_would_be_invited_and_changes_nothing(coordinator_client, letter, directory):
    response = coordinator_client.get(url(letter), {"regions": ["XF"]})

    assert response.status_code == 200
    preview = response.content.decode()
    assert "Kenya Voices" in preview and "Pan-African Forum" in preview
    assert "Cairo Institute" not in preview  # Egypt belongs to the Middle East and North Africa
    assert "1 has no active contact" in preview
    assert Invitation.objects.count() == 0 and OutgoingEmail.objects.count() == 0


def test_inviting_a_region_includes_its_countries_and_regional_organisations(coordinator_client, letter, directory):
    response = coordinator_client.post(url(letter), {"regions": ["XF"]})
    assert response.status_code == 302
    assert invited_names(letter) == ["Kenya Voices", "Pan-African Forum"]
    assert OutgoingEmail.objects.filter(kind="invitation").count() == 2


def test_inviting_by_country_tag_or_hand_invites_organisations_matching_any_choice(coordinator_client, letter, directory):
    coordinator_client.post(
        url(letter),
        {"countries": ["EG"], "tags": [directory["swiss"].tags.get().pk], "organisations": [directory["africa"].pk]},
    )
    assert invited_names(letter) == ["Cairo Institute", "Geneva Watch", "Kenya Voices", "Pan-African Forum"]


def test_everyone_who_signed_another_letter_can_be_invited(coordinator_client, coordinator, letter, directory):
    earlier = LetterFactory(coordinators=[coordinator])
    SignatureFactory(letter=earlier, organisation=directory["egypt"], status=Signature.Status.PENDING)
    SignatureFactory(letter=earlier, organisation=directory["swiss"], status=Signature.Status.DECLINED)
    coordinator_client.post(url(letter), {"signed_letters": [earlier.pk]})
    assert invited_names(letter) == ["Cairo Institute"]


def test_searching_by_name_offers_organisations_to_tick(coordinator_client, letter, directory):
    response = coordinator_client.get(url(letter), {"q": "geneva"})
    offered = re.findall(r'name="organisations" value="(\d+)"', response.content.decode())
    assert offered == [str(directory["swiss"].pk)]


def test_each_invited_organisation_becomes_invited_but_one_without_contact_does_not(coordinator_client, letter, directory):
    coordinator_client.post(url(letter), {"countries": ["KE"]})
    kenya = Signature.objects.get(letter=letter, organisation=directory["kenya"])
    assert kenya.status == Signature.Status.INVITED
    assert kenya.source == Signature.Source.INVITATION and kenya.invited_at is not None
    assert kenya.events.get().action == "invited"
    assert not Signature.objects.filter(letter=letter, organisation=directory["silent"]).exists()


def test_organisations_that_already_answered_are_not_invited_again_nor_downgraded(coordinator_client, letter, directory):
    SignatureFactory(letter=letter, organisation=directory["kenya"], status=Signature.Status.APPROVED)
    SignatureFactory(letter=letter, organisation=directory["africa"], status=Signature.Status.DECLINED)
    coordinator_client.post(url(letter), {"regions": ["XF"]})
    assert Signature.objects.get(letter=letter, organisation=directory["kenya"]).status == Signature.Status.APPROVED
    assert Signature.objects.get(letter=letter, organisation=directory["africa"]).status == Signature.Status.DECLINED
    assert OutgoingEmail.objects.count() == 0


def test_inviting_again_only_emails_contacts_added_since(coordinator_client, letter, directory):
    coordinator_client.post(url(letter), {"countries": ["KE"]})
    coordinator_client.post(url(letter), {"countries": ["KE"]})
    assert OutgoingEmail.objects.count() == 1
    directory["kenya"].contacts.create(email="new@kenya-voices.example.org", language="es")
    directory["kenya"].contacts.create(email="gone@kenya-voices.example.org", is_active=False)
    coordinator_client.post(url(letter), {"countries": ["KE"]})
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == [
        "kenya-voices-0@kenya-voices.example.org", "new@kenya-voices.example.org",
    ]


def test_sending_without_a_choice_says_what_is_missing(coordinator_client, letter, directory):
    response = coordinator_client.post(url(letter), {})
    assert response.status_code == 200
    assert b"Choose at least one" in response.content
    assert Invitation.objects.count() == 0


def test_a_closed_letter_cannot_be_sent_invitations(coordinator_client, letter, directory):
    letter.close()
    response = coordinator_client.post(url(letter), {"regions": ["XF"]})
    assert b"not open for sign-on" in response.content
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {"q": "x" * 10_000},
        {"organisations": ["abc"]},
        {"organisations": ["999999"]},
        {"organisations": ["9" * 30]},
        {"tags": ["9" * 30], "signed_letters": ["9" * 30]},
        {"regions": ["ZZ"]},
        {"countries": ["<script>"]},
        {"tags": ["-1"]},
        {"signed_letters": ["1 OR 1=1"]},
    ],
)
def test_hostile_choices_get_a_form_error_never_a_500(coordinator_client, letter, directory, data):
    for response in (coordinator_client.get(url(letter), data), coordinator_client.post(url(letter), data)):
        assert response.status_code == 200
    assert Invitation.objects.count() == 0


def test_organisation_names_are_escaped_in_the_html_email_and_plain_in_the_text_one(coordinator_client, letter):
    partner("<script>alert(1)</script> & Co", country="KE")
    coordinator_client.post(url(letter), {"countries": ["KE"]})
    email = OutgoingEmail.objects.get()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in email.body_html
    assert "<script>" not in email.body_html
    assert "<script>alert(1)</script> & Co" in email.body_text


def test_another_coordinator_cannot_see_or_invite_for_this_letter(other_client, letter, directory):
    assert other_client.get(url(letter), {"regions": ["XF"]}).status_code == 404
    assert other_client.post(url(letter), {"regions": ["XF"]}).status_code == 404
    assert Invitation.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client, letter, directory):
    contacts = f"/manage/organisations/{directory['kenya'].pk}/contacts/"
    for path in (url(letter), f"/manage/letters/{letter.slug}/campaign/", contacts):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(url(letter), {"regions": ["XF"]})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Invitation.objects.count() == 0
