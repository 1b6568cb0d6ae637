"""Issue 10, item 11: staff is not everyone's coordinator. The admin's signatory export (letters.export_signature)
gives a letter's list to anyone who holds it; signers' names and emails only to that letter's coordinators, to
holders of letters.coordinate_all_letters and to superusers."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from letters.demo.loader import ensure_demo_users
from letters.models import Signature
from tests.factories import LetterFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNER = "wanjiru@prn.example"


@pytest.fixture
def letter(coordinator):
    letter = LetterFactory(slug="our-letter", coordinators=[coordinator], languages=["en"])
    SignatureFactory(letter=letter, status=Signature.Status.APPROVED, signer_email=SIGNER, signer_name="Wanjiru Kamau")
    return letter


def exporter(*extra, username="exporter"):
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_signature", "export_signature", *extra]))
    client = Client()
    client.force_login(user)
    return user, client


def export(client, letter, contacts):
    data = {"format": "0", "resource": "0", "letter": letter.pk, "language": "en", "order": "alphabetical"}
    if contacts:
        data["contacts"] = "on"
    return client.post(reverse("admin:letters_signature_export"), data)


def test_export_permission_without_coordinating_the_letter_gives_the_list_but_not_signers_emails(letter):
    _user, client = exporter()

    refused = export(client, letter, contacts=True)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert SIGNER not in page and "Wanjiru Kamau" not in page
    assert "can only be exported by this letter’s coordinators" in page
    listed = export(client, letter, contacts=False)
    assert listed["Content-Type"].startswith("text/csv")
    assert SIGNER not in listed.content.decode()


def test_a_coordinator_of_the_letter_with_the_export_permission_gets_signers_emails(letter):
    user, client = exporter()
    letter.coordinators.add(user)
    assert SIGNER in export(client, letter, contacts=True).content.decode()


def test_the_coordinate_all_letters_permission_gives_signers_emails_of_every_letter(letter):
    _user, client = exporter("coordinate_all_letters")
    assert SIGNER in export(client, letter, contacts=True).content.decode()


def test_a_superuser_gets_signers_emails(letter, admin_user):
    client = Client()
    client.force_login(admin_user)
    assert SIGNER in export(client, letter, contacts=True).content.decode()


def test_the_demo_admin_is_a_superuser_and_coordinates_every_letter():
    _coordinator, admin = ensure_demo_users()
    other = LetterFactory(slug="not-the-demos")
    assert admin.is_superuser and admin.is_staff
    assert other.is_coordinated_by(admin)
