"""The data model's promises: one signature per organisation and letter, allowed transitions, names per language."""

import pytest
from django.db import IntegrityError, transaction

from letters.models import InvalidTransition, Letter, Organisation, Signature
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_second_signature_of_same_organisation_on_same_letter():
    signature = SignatureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(letter=signature.letter, organisation=signature.organisation)
    assert Signature.objects.count() == 1


def test_same_organisation_may_sign_different_letters():
    organisation = OrganisationFactory()
    SignatureFactory(organisation=organisation)
    SignatureFactory(organisation=organisation)
    assert organisation.signatures.count() == 2


def test_disallowed_status_transition_raises_a_clear_error():
    signature = SignatureFactory(status=Signature.Status.DECLINED)
    with pytest.raises(InvalidTransition) as error:
        signature.transition(Signature.Status.CONFIRMED)
    assert "Declined" in str(error.value) and "Confirmed" in str(error.value)
    signature.refresh_from_db()
    assert signature.status == Signature.Status.DECLINED
    assert not signature.events.exists()


def test_every_transition_is_recorded_with_who_when_and_why():
    coordinator = UserFactory()
    signature = SignatureFactory(status=Signature.Status.PENDING)
    signature.confirm()
    signature.approve(by=coordinator, reason="checked by phone")
    signature.withdraw(reason="asked by email")
    events = list(signature.events.values_list("from_status", "to_status", "by__username", "reason"))
    assert events == [
        ("pending", "confirmed", None, ""),
        ("confirmed", "approved", coordinator.username, "checked by phone"),
        ("approved", "withdrawn", None, "asked by email"),
    ]
    signature.refresh_from_db()
    assert signature.confirmed_at and signature.approved_at and signature.withdrawn_at


def test_confirming_twice_is_harmless():
    signature = SignatureFactory(status=Signature.Status.PENDING)
    assert signature.confirm() is True
    assert signature.confirm() is False
    assert signature.events.count() == 1


def test_confirmation_approves_at_once_when_the_letter_needs_no_approval():
    letter = LetterFactory(requires_approval=False)
    signature = SignatureFactory(letter=letter, status=Signature.Status.PENDING)
    signature.confirm()
    assert signature.status == Signature.Status.APPROVED
    assert Signature.objects.listed().filter(pk=signature.pk).exists()


def test_listed_excludes_unapproved_and_those_who_did_not_consent():
    letter = LetterFactory()
    listed = SignatureFactory(letter=letter)
    SignatureFactory(letter=letter, status=Signature.Status.CONFIRMED)
    SignatureFactory(letter=letter, status=Signature.Status.WITHDRAWN)
    unnamed = SignatureFactory(letter=letter, consent_public=False)
    assert list(letter.signatures.listed()) == [listed]
    assert list(letter.signatures.unnamed()) == [unnamed]


def test_letter_life_cycle_is_recorded_and_reopen_is_allowed():
    user = UserFactory()
    letter = LetterFactory(status=Letter.Status.DRAFT)
    letter.open(by=user)
    letter.close(by=user)
    letter.change_status(Letter.Status.FINALISED, by=user)
    assert letter.finalised_at and letter.finalised_by == user
    letter.reopen(by=user, reason="late sign-on from a partner")
    assert letter.status == Letter.Status.OPEN
    assert [e.to_status for e in letter.events.all()] == ["open", "closed", "finalised", "open"]
    assert letter.events.last().reason == "late sign-on from a partner"


def test_a_draft_cannot_be_finalised_directly():
    letter = LetterFactory(status=Letter.Status.DRAFT)
    with pytest.raises(InvalidTransition):
        letter.change_status(Letter.Status.FINALISED)


@pytest.mark.parametrize(
    "name, sort_name",
    [
        ("The Egyptian Initiative for Personal Rights", "Egyptian Initiative for Personal Rights"),
        ("La Strada International", "Strada International"),
        ("L'Observatoire", "Observatoire"),
        ("El Centro de Derechos", "Centro de Derechos"),
        ("Theatre for Change", "Theatre for Change"),
    ],
)
def test_sort_name_defaults_to_the_name_without_a_leading_article(name, sort_name):
    assert Organisation.objects.create(name=name).sort_name == sort_name


def test_hand_set_sort_name_survives_a_rename_but_automatic_one_follows():
    automatic = Organisation.objects.create(name="The Rights Practice")
    chosen = Organisation.objects.create(name="The African Centre", sort_name="The African Centre")
    automatic.name = "The Rights Practice UK"
    automatic.save()
    chosen.name = "The African Centre (ACDHRS)"
    chosen.save()
    assert automatic.sort_name == "Rights Practice UK"
    assert chosen.sort_name == "The African Centre"


def test_name_shown_on_a_letter_is_override_then_language_name_then_canonical():
    organisation = OrganisationFactory(name="International Federation for Human Rights (FIDH)")
    organisation.display_names.create(language="fr", name="Fédération internationale pour les droits humains (FIDH)")
    signature = SignatureFactory(organisation=organisation)
    assert signature.display_name("en") == "International Federation for Human Rights (FIDH)"
    assert signature.display_name("fr") == "Fédération internationale pour les droits humains (FIDH)"
    signature.name_override = "FIDH"
    assert signature.display_name("fr") == "FIDH"


def test_names_are_stored_without_control_or_direction_override_characters():
    organisation = Organisation.objects.create(name="Evil\u202eCorp\x00  \n Ltd")
    assert organisation.name == "EvilCorp Ltd"


def test_email_domain_ownership_includes_subdomains():
    organisation = OrganisationFactory(email_domains="amnesty.org, @AMNESTY.org.uk")
    assert organisation.domains == ["amnesty.org", "amnesty.org.uk"]
    assert organisation.owns_email("jane@amnesty.org")
    assert organisation.owns_email("jane@fr.amnesty.org")
    assert not organisation.owns_email("amnesty.org@gmail.com")
