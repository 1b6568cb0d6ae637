"""Factories for tests: one per model people talk about."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from letters.models import Contact, Letter, LetterVersion, Organisation, Signature


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pass-word-123")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation number {n}")
    country = "CH"


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Letter
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"letter-{n}")
    title = factory.Sequence(lambda n: f"Joint letter {n}")
    status = Letter.Status.OPEN
    deadline = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=10))

    @factory.post_generation
    def coordinators(self, create, extracted, **kwargs):
        for user in extracted or []:
            self.coordinators.add(user)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        for language in extracted if extracted is not None else ["en"]:
            LetterVersionFactory(letter=self, language=language)


class LetterVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterVersion
        django_get_or_create = ["letter", "language"]

    letter = factory.SubFactory(LetterFactory, languages=[])
    language = "en"
    title = factory.LazyAttribute(lambda v: f"{v.letter.title} [{v.language}]")
    addressee = "To: Member States of the Human Rights Council"
    date_line = "24 November 2026"
    body = "Excellencies,\n\nWe urge you to **act**."
    closing = "Sincerely,"


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    letter = factory.SubFactory(LetterFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = Signature.Status.APPROVED
    signer_name = factory.Faker("name")
    signer_email = factory.Sequence(lambda n: f"signer{n}@ngo{n}.example.org")
    language = "en"
    consent_public = True
    signed_at = factory.LazyFunction(timezone.now)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@partner{n}.example.org")
    language = "en"
