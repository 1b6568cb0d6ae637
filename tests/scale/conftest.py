"""Fixtures for the scale tests: a clean cache per test and a public letter with many sign-ons."""

import pytest
from django.core.cache import cache

from letters.models import Organisation, OrganisationName, Signature, list_changed


@pytest.fixture(autouse=True)
def _scale_settings(signon_settings):
    signon_settings.SIGNON_RATE_PER_IP = 1000
    signon_settings.SIGNON_RATE_PER_EMAIL = 1000


def add_signatories(letter, count, start=0, individuals=0, unnamed=0):
    """`count` approved sign-ons in three bulk queries (as the import does), then the letter's list recounted."""
    orgs = Organisation.objects.bulk_create([
        Organisation(
            name=f"Signatory {start + i:05d}", normalised_name=f"signatory {start + i:05d}",
            sort_name=f"Signatory {start + i:05d}",
            kind=Organisation.Kind.INDIVIDUAL if i < individuals else Organisation.Kind.ORGANISATION,
        )
        for i in range(count)
    ])
    OrganisationName.objects.bulk_create(
        [OrganisationName(organisation=org, language="fr", name=f"{org.name} (fr)") for org in orgs[::3]]
    )
    Signature.objects.bulk_create([
        Signature(letter=letter, organisation=org, status=Signature.Status.APPROVED,
                  signer_email=f"signer{start + i}@example.org", signer_name=f"Signer Person {start + i}",
                  consent_public=not (individuals <= i < individuals + unnamed))
        for i, org in enumerate(orgs)
    ])
    list_changed(letter.pk)  # bulk writes skip Signature.save(): they recount the letter's list themselves
    return orgs
