"""The permission matrix: for every coordinator URL and action, another coordinator gets 404 (or 403), an anonymous
visitor is sent to the login page, and nothing changes. Superusers and holders of letters.coordinate_all_letters
see every letter; being staff (reaching the admin), even with every admin permission, is not enough."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from letters.models import (Invitation, Letter, LetterEvent, LetterVersion, ListSnapshot, MergeRecord, Organisation,
                            OrganisationAlias, OutgoingEmail, Signature, SignatureEvent)
from tests.factories import OrganisationFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(letter, pending, approved, other_letter):
    """Our letter with two sign-ons; another coordinator's letter; two directory records one could merge."""
    twin = OrganisationFactory(name="Pending Rights Network (PRN)")
    SignatureFactory(letter=other_letter, organisation=twin)
    return {"letter": letter, "pending": pending, "approved": approved, "twin": twin}


def letter_requests(w):
    """(method, url, data) for every page and action of one letter in the workspace."""
    slug, sig = w["letter"].slug, w["pending"].pk
    text = "Alpha Group\nBeta Group"
    return [
        ("get", reverse("manage:letter", args=[slug]), None),
        ("get", reverse("manage:letter", args=[slug]) + "?status=pending&q=rights", None),
        ("get", reverse("manage:letter_settings", args=[slug]), None),
        ("post", reverse("manage:letter_settings", args=[slug]), {"title": "Hijacked", "default_language": "en"}),
        ("post", reverse("manage:letter_status", args=[slug]), {"action": "close"}),
        ("get", reverse("manage:version_create", args=[slug]), None),
        ("post", reverse("manage:version_create", args=[slug]), {"language": "ar", "title": "Hijacked"}),
        ("get", reverse("manage:version_edit", args=[slug, "en"]), None),
        ("post", reverse("manage:version_edit", args=[slug, "en"]), {"title": "Hijacked"}),
        ("get", reverse("manage:signature", args=[slug, sig]), None),
        ("post", reverse("manage:signature_action", args=[slug, sig, "approve"]), {}),
        ("post", reverse("manage:signature_action", args=[slug, sig, "reject"]), {"reason": "spam"}),
        ("post", reverse("manage:signature_action", args=[slug, sig, "withdraw"]), {}),
        ("post", reverse("manage:signature_action", args=[slug, sig, "lead"]), {}),
        ("post", reverse("manage:signature_rename", args=[slug, sig]), {"name_override": "Hijacked"}),
        ("post", reverse("manage:signature_move", args=[slug, sig]), {"direction": "up"}),
        ("post", reverse("manage:bulk", args=[slug]), {"action": "approve", "signatures": [sig]}),
        ("get", reverse("manage:signature_add", args=[slug]), None),
        ("post", reverse("manage:signature_add", args=[slug]), {"name": "Gamma Group", "language": "en",
                                                                "consent_public": "on"}),
        ("get", reverse("manage:paste", args=[slug]), None),
        ("post", reverse("manage:paste", args=[slug]), {"language": "en", "layout": "auto", "text": text}),
        ("post", reverse("manage:paste_import", args=[slug]), {"language": "en", "layout": "auto", "text": text,
                                                               "row_count": "2"}),
        # Exports and finalising (issue 5) and invitations (issue 6) hang off the same letter.
        ("get", reverse("exports:letter", args=[slug]), None),
        ("get", reverse("exports:download", args=[slug]) + "?language=en&format=csv&contacts=on", None),
        ("post", reverse("exports:finalise", args=[slug]), {"confirm": "on", "order": "alphabetical"}),
        ("post", reverse("exports:reopen", args=[slug]), {"reason": "hijack"}),
        ("post", reverse("exports:addendum", args=[slug]), {}),
        ("get", reverse("invitations:invite", args=[slug]), None),
        ("post", reverse("invitations:invite", args=[slug]), {"organisations": [w["twin"].pk]}),
        ("get", reverse("invitations:campaign", args=[slug]), None),
        ("post", reverse("invitations:settings", args=[slug]), {"reminder_days": "1", "notify": "each"}),
        ("post", reverse("invitations:retry", args=[slug]), {}),
    ]


def directory_requests(w):
    keep, remove = w["pending"].organisation, w["twin"]
    return [
        ("get", reverse("manage:directory"), None),
        ("get", reverse("manage:duplicates"), None),
        ("get", reverse("manage:paste_pick"), None),
        ("get", reverse("manage:letter_create"), None),
        ("post", reverse("manage:letter_create"), {"title": "New", "slug": "new-one", "languages": ["en"],
                                                   "default_language": "en"}),
        ("get", reverse("manage:organisation", args=[keep.pk]), None),
        ("get", reverse("manage:organisation_edit", args=[keep.pk]), None),
        ("post", reverse("manage:organisation_edit", args=[keep.pk]), {"name": "Hijacked", "kind": "organisation"}),
        ("get", reverse("manage:merge") + f"?keep={keep.pk}&remove={remove.pk}", None),
        ("post", reverse("manage:merge"), {"keep": keep.pk, "remove": remove.pk, "keep_names": "on"}),
    ]


def snapshot():
    """Everything a workspace action could change."""
    return (
        list(Letter.objects.order_by("pk").values_list("title", "status", "default_language")),
        list(LetterVersion.objects.order_by("pk").values_list("language", "title")),
        list(Signature.objects.order_by("pk").values_list("organisation_id", "status", "name_override", "position",
                                                          "is_lead")),
        list(Organisation.objects.order_by("pk").values_list("name", "country")),
        SignatureEvent.objects.count(), LetterEvent.objects.count(), MergeRecord.objects.count(),
        OrganisationAlias.objects.count(),
        ListSnapshot.objects.count(), Invitation.objects.count(), OutgoingEmail.objects.count(),
        list(Letter.objects.order_by("pk").values_list("reminder_days", "notify")),
    )


def _send(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data or {})


def test_another_coordinator_gets_not_found_for_every_page_and_action_of_a_letter_and_nothing_changes(
        client, world, other_coordinator):
    client.force_login(other_coordinator)
    before = snapshot()
    for method, url, data in letter_requests(world):
        response = _send(client, method, url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_login_for_every_workspace_url_and_nothing_changes(client, world):
    before = snapshot()
    for method, url, data in letter_requests(world) + directory_requests(world):
        response = _send(client, method, url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("login") + "?next="), (method, url)
    assert snapshot() == before


def test_a_logged_in_user_who_coordinates_nothing_is_refused_the_directory_and_nothing_changes(client, world):
    client.force_login(UserFactory(username="stranger"))
    before = snapshot()
    for method, url, data in letter_requests(world):
        assert _send(client, method, url, data).status_code == 404, (method, url)
    for method, url, data in directory_requests(world):
        assert _send(client, method, url, data).status_code == 403, (method, url)
    assert snapshot() == before


def test_the_overview_lists_only_the_letters_one_coordinates(client, world, other_coordinator):
    client.force_login(other_coordinator)
    page = client.get(reverse("manage:letters")).content.decode()
    assert world["letter"].title not in page
    assert "their-letter" in page or Letter.objects.get(slug="their-letter").title in page


def test_superusers_see_and_act_on_every_letter(client, world, admin_user):
    client.force_login(admin_user)
    for method, url, data in letter_requests(world)[:3] + directory_requests(world)[:2]:
        assert _send(client, method, url, data).status_code == 200, url
    response = client.post(reverse("manage:signature_action", args=[world["letter"].slug, world["pending"].pk,
                                                                    "approve"]))
    assert response.status_code == 302
    world["pending"].refresh_from_db()
    assert world["pending"].status == Signature.Status.APPROVED


def test_a_sign_on_of_another_letter_cannot_be_reached_through_ones_own_letter(client, world, coordinator):
    theirs = Signature.objects.get(organisation=world["twin"])
    client.force_login(coordinator)
    slug = world["letter"].slug
    assert client.get(reverse("manage:signature", args=[slug, theirs.pk])).status_code == 404
    assert client.post(reverse("manage:signature_action", args=[slug, theirs.pk, "reject"]),
                       {"reason": "x"}).status_code == 404
    response = client.post(reverse("manage:bulk", args=[slug]), {"action": "reject", "reason": "x",
                                                                "signatures": [theirs.pk]})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == Signature.Status.APPROVED


def test_actions_must_be_posted(client, world, coordinator):
    client.force_login(coordinator)
    slug, sig = world["letter"].slug, world["pending"].pk
    for url in (reverse("manage:signature_action", args=[slug, sig, "approve"]),
                reverse("manage:letter_status", args=[slug]), reverse("manage:bulk", args=[slug]),
                reverse("manage:paste_import", args=[slug])):
        assert client.get(url).status_code == 405
    world["pending"].refresh_from_db()
    assert world["pending"].status == Signature.Status.PENDING


def test_the_letters_own_coordinator_reaches_every_url_of_the_matrix(client, world, coordinator):
    """So that the refusals above are refusals, not broken URLs."""
    client.force_login(coordinator)
    for method, url, data in letter_requests(world) + directory_requests(world):
        response = _send(client, method, url, data)
        assert response.status_code in (200, 302), (method, url, response.status_code)


@pytest.mark.parametrize("huge", ["99999999999999999999999", "-1", "1e5", "０"])
def test_hostile_ids_are_refused_without_an_error(client, world, coordinator, huge):
    client.force_login(coordinator)
    slug = world["letter"].slug
    before = snapshot()
    responses = [
        client.get(f"/manage/letters/{slug}/signatures/{huge}/"),
        client.post(f"/manage/letters/{slug}/signatures/{huge}/approve/"),
        client.get(f"/manage/directory/{huge}/"),
        client.get(reverse("manage:merge"), {"keep": huge, "remove": huge}),
        client.post(reverse("manage:bulk", args=[slug]), {"action": "approve", "signatures": [huge]}),
        client.post(reverse("manage:paste_import", args=[slug]), {
            "language": "en", "layout": "auto", "text": "Alpha", "row_count": "1", "choice_0": f"org:{huge}"}),
        client.post(reverse("manage:paste_import", args=[slug]), {
            "language": "en", "layout": "auto", "text": "Alpha", "row_count": "1", "other_0": f"#{huge}"}),
        client.post(reverse("manage:signature_move", args=[slug, world["pending"].pk]), {"position": huge}),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404, 404, 302, 200, 200, 302]
    assert snapshot() == before


# --- who coordinates every letter (issue 10, item 11) --------------------------------------------------------------


def coordinate_all_permission():
    return Permission.objects.get(content_type__app_label="letters", codename="coordinate_all_letters")


def staff_with_every_letters_permission_but_coordinating_all():
    user = UserFactory(username="busy-staff", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="letters")
                              .exclude(codename="coordinate_all_letters"))
    return user


@pytest.mark.parametrize("make_staff", [
    lambda: UserFactory(username="plain-staff", is_staff=True),
    staff_with_every_letters_permission_but_coordinating_all,
], ids=["staff", "staff-with-every-admin-permission"])
def test_staff_who_do_not_coordinate_a_letter_get_not_found_and_nothing_changes(client, world, make_staff):
    client.force_login(make_staff())
    before = snapshot()
    for method, url, data in letter_requests(world):
        response = _send(client, method, url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    assert snapshot() == before
    assert world["letter"].title not in client.get(reverse("manage:letters")).content.decode()


def test_plain_staff_are_refused_the_directory_like_anyone_who_coordinates_nothing(client, world):
    client.force_login(UserFactory(username="plain-staff", is_staff=True))
    before = snapshot()
    for method, url, data in directory_requests(world):
        assert _send(client, method, url, data).status_code == 403, (method, url)
    assert snapshot() == before


def test_staff_who_coordinate_a_letter_reach_that_letter_only(client, world, other_letter):
    staff = UserFactory(username="coordinating-staff", is_staff=True)
    world["letter"].coordinators.add(staff)
    client.force_login(staff)
    assert client.get(reverse("manage:letter", args=[world["letter"].slug])).status_code == 200
    assert client.get(reverse("manage:letter", args=[other_letter.slug])).status_code == 404


@pytest.mark.parametrize("how", ["user", "group"])
def test_the_coordinate_all_letters_permission_reaches_every_url_of_the_matrix(client, world, how):
    user = UserFactory(username=f"all-letters-{how}")  # not staff, not superuser: the permission is what counts
    if how == "user":
        user.user_permissions.add(coordinate_all_permission())
    else:
        group = Group.objects.create(name="Secretariat")
        group.permissions.add(coordinate_all_permission())
        user.groups.add(group)
    client.force_login(user)
    for method, url, data in letter_requests(world) + directory_requests(world):
        response = _send(client, method, url, data)
        assert response.status_code in (200, 302), (method, url, response.status_code)


def test_an_inactive_user_with_the_permission_coordinates_nothing(world):
    user = UserFactory(username="left-the-coalition", is_active=False)
    user.user_permissions.add(coordinate_all_permission())
    assert not Letter.objects.coordinated_by(user).exists()
    assert not world["letter"].is_coordinated_by(user)


def test_who_coordinates_a_letter(world, coordinator, other_coordinator, admin_user):
    letter = world["letter"]
    granted = UserFactory(username="granted")
    granted.user_permissions.add(coordinate_all_permission())
    granted = type(granted).objects.get(pk=granted.pk)  # permissions are cached per user object
    assert letter.is_coordinated_by(coordinator) and letter.is_coordinated_by(admin_user)
    assert letter.is_coordinated_by(granted)
    assert not letter.is_coordinated_by(other_coordinator)
    assert not letter.is_coordinated_by(UserFactory(username="staff-only", is_staff=True))
    assert set(Letter.objects.coordinated_by(granted)) == set(Letter.objects.all())


def test_contacts_are_visible_to_staff_only_with_the_permission(client, world):
    from letters.access import organisations_with_visible_contacts

    organisation = world["twin"]  # signed another coordinator's letter only
    staff = UserFactory(username="plain-staff", is_staff=True)
    assert not organisations_with_visible_contacts(staff).filter(pk=organisation.pk).exists()
    staff.user_permissions.add(coordinate_all_permission())
    staff = type(staff).objects.get(pk=staff.pk)
    assert organisations_with_visible_contacts(staff).filter(pk=organisation.pk).exists()

