"""Starting a new letter from an earlier one: what is copied (settings, versions, sections, coordinators, and on
request whom it invited), what never is (sign-ons, snapshots, history, emails), who may copy, and the CLI."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from letters.models import (
    Invitation, Letter, LetterEvent, ListSnapshot, OutgoingEmail, Section, Signature, Tag,
)
from letters.services.copying import copy_letter
from tests.factories import ContactFactory, LetterFactory, OrganisationFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def earlier(coordinator, other_coordinator):
    """A finalised letter with everything a letter gathers: texts in two languages, sections, sign-ons,
    invitations, a snapshot, status changes and emails."""
    letter = LetterFactory(
        slug="hrc-59", title="HRC59 letter", coordinators=[coordinator, other_coordinator], languages=["en", "fr"],
        default_language="fr", requires_approval=False, list_public_while_open=False, accepts_individuals=True,
        reminder_days="5,1", numbering=Letter.Numbering.PER_SECTION, offer_sections=True, notify=Letter.Notify.DIGEST,
        paper_size="letter",
    )
    letter.versions.filter(language="fr").update(
        title="Lettre HRC59", body="Excellences,", signatories_label="Signataires", organisations_label="Organisations",
        individuals_label="Personnes", unnamed_label="et {count} organisations anonymes")
    Section.objects.create(letter=letter, position=1, kind="organisation",
                           headings={"en": "National organisations", "fr": "Organisations nationales"})
    Section.objects.create(letter=letter, position=2, kind="individual", public_choice=False,
                           headings={"en": "Individuals", "fr": "Personnes"})
    SignatureFactory(letter=letter, status=Signature.Status.APPROVED)
    SignatureFactory(letter=letter, status=Signature.Status.PENDING)
    for name in ("Invited Network", "Invited Centre"):
        contact = ContactFactory(organisation=OrganisationFactory(name=name))
        Invitation.objects.create(letter=letter, organisation=contact.organisation, contact=contact)
    ListSnapshot.objects.create(letter=letter, language="en", rows=[])
    LetterEvent.objects.create(letter=letter, from_status="draft", to_status="open")
    OutgoingEmail.objects.create(kind="invitation", to="someone@example.org", subject="Please sign", body_text=".",
                                 letter=letter)
    return letter


def copy_page(client, slug="hrc-59"):
    return client.get(reverse("manage:letter_copy", kwargs={"slug": slug}))


def post_copy(client, slug="hrc-59", **data):
    data = {"slug": "hrc-60", "title": "HRC60 letter", **data}
    return client.post(reverse("manage:letter_copy", kwargs={"slug": slug}), data)


def test_the_dashboard_and_the_settings_page_offer_to_copy_the_letter(coordinator_client, earlier):
    url = reverse("manage:letter_copy", kwargs={"slug": "hrc-59"})
    assert url in coordinator_client.get(reverse("manage:letter", kwargs={"slug": "hrc-59"})).content.decode()
    assert url in coordinator_client.get(reverse("manage:letter_settings", kwargs={"slug": "hrc-59"})).content.decode()


def test_the_copy_form_suggests_a_title_and_an_address(coordinator_client, earlier):
    html = copy_page(coordinator_client).content.decode()
    assert "Copy of HRC59 letter" in html and 'value="hrc-59-copy"' in html and "with_invitees" in html


def test_copying_makes_a_draft_with_the_settings_and_leads_to_its_dashboard(coordinator_client, earlier):
    response = post_copy(coordinator_client)
    assert response.status_code == 302 and response.url == reverse("manage:letter", kwargs={"slug": "hrc-60"})
    copy = Letter.objects.get(slug="hrc-60")
    assert (copy.title, copy.status, copy.deadline, copy.finalised_at, copy.published_at) == (
        "HRC60 letter", Letter.Status.DRAFT, None, None, None)
    for name in ("default_language", "requires_approval", "list_public_while_open", "accepts_individuals",
                 "reminder_days", "numbering", "offer_sections", "notify", "paper_size"):
        assert getattr(copy, name) == getattr(earlier, name), name


def test_versions_keep_their_texts_and_list_words(coordinator_client, earlier):
    post_copy(coordinator_client)
    copy = Letter.objects.get(slug="hrc-60")
    assert sorted(copy.languages()) == ["en", "fr"]
    french, original = copy.versions.get(language="fr"), earlier.versions.get(language="fr")
    for name in ("title", "addressee", "body", "closing", "signatories_label", "organisations_label",
                 "individuals_label", "unnamed_label"):
        assert getattr(french, name) == getattr(original, name), name
    assert french.title == "Lettre HRC59" and french.unnamed_label == "et {count} organisations anonymes"
    assert french.date_line == ""  # the date the earlier letter was sent


def test_sections_keep_headings_order_kind_and_choice(coordinator_client, earlier):
    post_copy(coordinator_client)
    copy = Letter.objects.get(slug="hrc-60")
    copied = [(s.position, s.kind, s.headings, s.public_choice) for s in copy.sections.order_by("position")]
    assert copied == [
        (1, "organisation", {"en": "National organisations", "fr": "Organisations nationales"}, True),
        (2, "individual", {"en": "Individuals", "fr": "Personnes"}, False),
    ]
    assert set(copy.sections.values_list("pk", flat=True)).isdisjoint(earlier.sections.values_list("pk", flat=True))


def test_coordinators_are_copied_and_the_copying_user_is_one(client, earlier, coordinator, other_coordinator):
    maria = UserFactory(username="maria")
    maria.user_permissions.add(Permission.objects.get(codename="coordinate_all_letters"))
    client.force_login(maria)
    post_copy(client)
    copy = Letter.objects.get(slug="hrc-60")
    assert set(copy.coordinators.all()) == {coordinator, other_coordinator, maria}


def test_sign_ons_snapshots_events_and_emails_are_never_copied(coordinator_client, earlier):
    post_copy(coordinator_client, with_invitees="on")
    copy = Letter.objects.get(slug="hrc-60")
    assert not copy.signatures.exists() and not copy.snapshots.exists()
    assert not copy.events.exists() and not copy.emails.exists()
    assert (copy.count_organisations, copy.count_individuals, copy.count_unnamed) == (0, 0, 0)
    assert earlier.signatures.count() == 2 and earlier.snapshots.count() == 1  # the earlier letter is untouched


def test_invitees_are_not_copied_unless_asked(coordinator_client, earlier):
    post_copy(coordinator_client)
    assert not Tag.objects.exists()
    assert not Invitation.objects.filter(letter__slug="hrc-60").exists()


def test_invitees_are_tagged_for_the_invite_page_without_inviting_anyone(coordinator_client, earlier):
    response = post_copy(coordinator_client, with_invitees="on")
    copy = Letter.objects.get(slug="hrc-60")
    tag = Tag.objects.get()
    assert sorted(tag.organisations.values_list("name", flat=True)) == ["Invited Centre", "Invited Network"]
    assert "hrc-59" in tag.name and "hrc-60" in tag.name
    # Nothing is sent, nor recorded as sent: the new letter's invite page still invites them for real.
    assert not Invitation.objects.filter(letter=copy).exists() and not copy.signatures.exists()
    assert OutgoingEmail.objects.count() == 1
    page = coordinator_client.get(response.url).content.decode()
    assert tag.name in page


def test_the_invite_page_of_the_opened_copy_offers_the_invitees(coordinator_client, earlier):
    post_copy(coordinator_client, with_invitees="on")
    copy = Letter.objects.get(slug="hrc-60")
    copy.open()
    tag = Tag.objects.get()
    html = coordinator_client.get(reverse("invitations:invite", kwargs={"slug": "hrc-60"}),
                                  {"tags": tag.pk}).content.decode()
    assert "Invited Network" in html and "Invited Centre" in html


def test_a_slug_in_use_is_refused(coordinator_client, earlier):
    LetterFactory(slug="hrc-60")
    response = post_copy(coordinator_client)
    assert response.status_code == 200 and Letter.objects.filter(slug="hrc-60").count() == 1
    assert not Letter.objects.filter(title="HRC60 letter").exists()


def test_only_coordinators_of_the_letter_may_copy_it(client, earlier):
    outsider = UserFactory(username="outsider")
    LetterFactory(slug="their-own", coordinators=[outsider])
    client.force_login(outsider)
    assert copy_page(client).status_code == 404
    assert post_copy(client).status_code == 404
    assert not Letter.objects.filter(slug="hrc-60").exists()


def test_anonymous_visitors_are_sent_to_log_in(client, earlier):
    response = post_copy(client)
    assert response.status_code == 302 and "login" in response.url
    assert not Letter.objects.filter(slug="hrc-60").exists()


def test_staff_without_the_permission_may_not_copy(client, earlier):
    client.force_login(UserFactory(username="staff", is_staff=True))
    assert post_copy(client).status_code == 404


def test_the_service_can_copy_without_a_user(earlier, coordinator, other_coordinator):
    copied = copy_letter(earlier, "hrc-61", "HRC61")
    assert copied.invitees is None and set(copied.letter.coordinators.all()) == {coordinator, other_coordinator}


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_command_copies_a_letter(earlier, coordinator):
    maria = UserFactory(username="maria")
    out = run("copy_letter", "hrc-59", "hrc-62", "--title", "HRC62 letter", "--by", "maria")
    copy = Letter.objects.get(slug="hrc-62")
    assert (copy.title, copy.status) == ("HRC62 letter", Letter.Status.DRAFT)
    assert sorted(copy.languages()) == ["en", "fr"] and copy.sections.count() == 2
    assert maria in copy.coordinators.all() and coordinator in copy.coordinators.all()
    assert not copy.signatures.exists() and not Tag.objects.exists()
    assert "hrc-62" in out


def test_the_command_copies_invitees_on_request_and_titles_the_copy_by_default(earlier):
    out = run("copy_letter", "hrc-59", "hrc-63", "--with-invitees")
    copy = Letter.objects.get(slug="hrc-63")
    assert copy.title == "Copy of HRC59 letter"
    assert Tag.objects.get().organisations.count() == 2 and "2" in out


@pytest.mark.parametrize("args, message", [
    (["no-such-letter", "new"], "no-such-letter"),
    (["hrc-59", "bad slug!"], "slug"),
    (["hrc-59", "hrc-59"], "slug"),
    (["hrc-59", "new", "--by", "nobody"], "nobody"),
])
def test_the_command_refuses_what_the_screen_refuses(earlier, args, message):
    with pytest.raises(CommandError, match=message):
        run("copy_letter", *args)
    assert Letter.objects.count() == 1


def test_every_field_of_a_letter_is_either_copied_or_known_not_to_be():
    from letters.services.copying import COPIED_SETTINGS, NOT_COPIED

    fields = {field.attname.removesuffix("_id") for field in Letter._meta.concrete_fields}
    assert fields == {*COPIED_SETTINGS, *NOT_COPIED}


def test_each_copied_version_starts_its_own_text_history(coordinator_client, earlier):
    post_copy(coordinator_client)
    copy = Letter.objects.get(slug="hrc-60")
    for version in copy.versions.all():
        (revision,) = version.revisions.all()
        assert (revision.number, revision.body) == (1, version.body)
