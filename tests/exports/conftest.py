"""Fixtures for exports: a letter in en/fr/es and a helper that signs organisations onto it."""

import pytest
from django.utils import timezone

from letters.models import Letter, Organisation, OrganisationName, Signature
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory


@pytest.fixture
def sign(letter):
    """sign("Name", country="CH", fr="Nom", override="", …): an approved, listed sign-on on `letter`."""
    counter = {"n": 0}

    def _sign(name, *, country="CH", target=None, kind=Organisation.Kind.ORGANISATION, sort_name="",
              affiliation="", override="", consent=True, status=Signature.Status.APPROVED, lead=False,
              position=None, minutes_ago=None, email=None, **display_names):
        counter["n"] += 1
        organisation = OrganisationFactory(name=name, country=country, kind=kind, sort_name=sort_name,
                                           affiliation=affiliation)
        for language, shown in display_names.items():
            OrganisationName.objects.create(organisation=organisation, language=language, name=shown)
        minutes = minutes_ago if minutes_ago is not None else 1000 - counter["n"]
        signed = timezone.now() - timezone.timedelta(minutes=minutes)
        return SignatureFactory(
            letter=target or letter, organisation=organisation, name_override=override, consent_public=consent,
            status=status, is_lead=lead, position=position, signed_at=signed,
            signer_email=email or f"person{counter['n']}@ngo{counter['n']}.example.org",
        )

    return _sign


@pytest.fixture
def finalisable_letter(coordinator):
    return LetterFactory(slug="to-finalise", coordinators=[coordinator], languages=["en", "fr", "es"],
                         status=Letter.Status.OPEN)
