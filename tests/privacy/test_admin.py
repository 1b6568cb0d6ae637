"""The admin's "Personal data" page and actions: superusers and holders of letters.manage_personal_data only."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from letters.models import Signature
from tests.factories import UserFactory
from tests.privacy.conftest import ANA_EMAIL, ANA_LOOKUP, ANA_NAME

pytestmark = pytest.mark.django_db

PAGE = "admin:letters_signature_personal_data"


@pytest.fixture
def staff_coordinator(coordinator):
    """A coordinator who reaches the admin and coordinates every letter, but lacks the permission."""
    coordinator.is_staff = True
    coordinator.save()
    coordinator.user_permissions.add(Permission.objects.get(codename="coordinate_all_letters"),
                                     Permission.objects.get(codename="view_signature"))
    return coordinator


@pytest.fixture
def officer(db):
    user = UserFactory(username="privacy_officer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="manage_personal_data"),
                              Permission.objects.get(codename="view_signature"),
                              Permission.objects.get(codename="view_contact"))
    return user


def test_the_page_is_refused_without_the_permission(client, staff_coordinator, traces):
    client.force_login(staff_coordinator)

    assert client.get(reverse(PAGE)).status_code == 403
    assert client.post(reverse(PAGE), {"email": ANA_EMAIL, "step": "erase", "confirmed": "yes"}).status_code == 403
    assert Signature.objects.get(pk=traces.signature.pk).signer_email == ANA_EMAIL
    changelist = client.get(reverse("admin:letters_signature_changelist"))
    assert "personal_data_action" not in changelist.content.decode()


def test_a_coordinator_who_is_not_staff_never_reaches_it(coordinator_client):
    response = coordinator_client.get(reverse(PAGE))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_officer_finds_downloads_and_erases(client, officer, traces):
    client.force_login(officer)
    assert client.get(reverse(PAGE)).status_code == 200

    found = client.post(reverse(PAGE), {"email": ANA_LOOKUP, "step": "find"})
    assert found.status_code == 200
    assert "Sign-ons" in found.content.decode() and "Women&#x27;s Rights Forum" in found.content.decode()

    download = client.post(reverse(PAGE), {"email": ANA_LOOKUP, "step": "download"})
    assert download["Content-Disposition"].startswith('attachment; filename="personal-data-')
    assert json.loads(download.content)["signatures"][0]["signer_name"] == ANA_NAME

    confirm = client.post(reverse(PAGE), {"email": ANA_LOOKUP, "step": "erase"})
    assert "Yes, erase it" in confirm.content.decode()
    assert Signature.objects.get(pk=traces.signature.pk).signer_email == ANA_EMAIL  # not before confirming

    erased = client.post(reverse(PAGE), {"email": ANA_LOOKUP, "step": "erase", "confirmed": "yes"}, follow=True)
    assert "Erased:" in erased.content.decode()
    assert Signature.objects.get(pk=traces.signature.pk).signer_name == "[erased]"
    assert traces.signature.events.get(action="personal data erased").by == officer


def test_the_action_on_sign_ons_opens_the_page_for_the_selected_signer(admin_client, traces):
    response = admin_client.post(reverse("admin:letters_signature_changelist"), {
        "action": "personal_data_action", "_selected_action": [traces.signature.pk, traces.bob_signature.pk],
    })

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Found for {ANA_EMAIL}" in page and "bob.keller@other.example" in page  # Bob: a button to look up


def test_the_action_on_contacts_and_the_list_button(client, officer, traces):
    client.force_login(officer)

    response = client.post(reverse("admin:letters_contact_changelist"), {
        "action": "personal_data_action", "_selected_action": [traces.contact.pk],
    })
    assert "Found for ana.perez@example.org" in response.content.decode()
    changelist = client.get(reverse("admin:letters_contact_changelist")).content.decode()
    assert reverse("admin:letters_contact_personal_data") in changelist


def test_the_sign_on_list_links_to_the_page_only_for_those_allowed(admin_client, client, staff_coordinator):
    assert reverse(PAGE) in admin_client.get(reverse("admin:letters_signature_changelist")).content.decode()
    client.force_login(staff_coordinator)
    assert reverse(PAGE) not in client.get(reverse("admin:letters_signature_changelist")).content.decode()
