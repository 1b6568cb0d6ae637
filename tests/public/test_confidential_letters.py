"""Confidential letters: readable only through a personal invitation, the shared link or a signer's own link, until
published on a date or by a coordinator; never listed, indexed or cached for others; every change in the history."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from letters.models import Contact, Invitation, Letter, LetterEvent, Signature
from letters.services import confidential
from letters.services.signon import MANAGE, make_token
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory
from tests.public.helpers import form_data

pytestmark = pytest.mark.django_db

PAGES = ["", "signatories/", "signatories/signatories.txt", "signatories/signatories.csv", "revisions/",
         "revisions/1/", "thanks/"]


@pytest.fixture
def secret_letter(coordinator, signon_settings):
    letter = LetterFactory(slug="secret", title="Embargoed statement", coordinators=[coordinator],
                           confidential=True)
    letter.versions.update(title="Embargoed statement on the crackdown")
    confidential.ensure_access_key(letter)
    SignatureFactory(letter=letter, organisation=OrganisationFactory(name="Visible Rights Network"))
    return letter


def _get(client, path):
    return client.get(f"/en/letters/secret/{path}")


def test_confidential_letter_is_404_on_every_public_page_without_a_link(client, secret_letter):
    for page in PAGES:
        response = _get(client, page)
        assert response.status_code == 404, page
        assert b"Embargoed" not in response.content and b"Visible Rights" not in response.content


def test_signing_a_confidential_letter_without_a_link_is_refused_and_records_nothing(client, secret_letter):
    response = client.post("/en/letters/secret/", form_data())
    assert response.status_code == 404
    assert not Signature.objects.filter(signer_email="amina@ccv.example.org").exists()


def test_shared_link_lets_the_browser_in_and_drops_the_key_from_the_address(client, secret_letter):
    response = client.get(f"/en/letters/secret/?key={secret_letter.access_key}")
    assert response.status_code == 302 and response["Location"] == "/en/letters/secret/"
    page = client.get("/en/letters/secret/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Embargoed statement on the crackdown" in html
    assert '<meta name="robots" content="noindex, nofollow, noarchive">' in html
    assert "Confidential letter." in html
    assert page["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    for other in PAGES[1:-2]:
        assert _get(client, other).status_code == 200, other


def test_a_wrong_shared_key_is_404(client, secret_letter):
    assert client.get("/en/letters/secret/?key=guessed").status_code == 404
    assert client.get("/en/letters/secret/").status_code == 404


def test_a_reader_with_the_link_can_sign_and_the_sign_on_is_recorded(client, secret_letter):
    client.get(f"/en/letters/secret/?key={secret_letter.access_key}")
    response = client.post("/en/letters/secret/", form_data())
    assert response.status_code == 302 and response["Location"].endswith("/letters/secret/thanks/")
    assert Signature.objects.filter(letter=secret_letter, signer_email="amina@ccv.example.org").exists()


def test_page_seen_by_a_reader_with_the_link_is_never_served_to_another_visitor(client, secret_letter, django_user_model):
    from django.test import Client

    client.get(f"/en/letters/secret/?key={secret_letter.access_key}")
    assert client.get("/en/letters/secret/").status_code == 200
    stranger = Client()
    assert stranger.get("/en/letters/secret/").status_code == 404
    assert stranger.get("/en/letters/secret/signatories/").status_code == 404


def test_replacing_the_shared_link_shuts_out_whoever_had_the_old_one(client, secret_letter, coordinator):
    old_key = secret_letter.access_key
    client.get(f"/en/letters/secret/?key={old_key}")
    assert client.get("/en/letters/secret/").status_code == 200  # the letter is in the page cache now
    confidential.rotate_link(secret_letter, coordinator)
    assert client.get("/en/letters/secret/").status_code == 404
    assert client.get(f"/en/letters/secret/?key={old_key}").status_code == 404
    assert client.get(f"/en/letters/secret/?key={secret_letter.access_key}").status_code == 302
    assert client.get("/en/letters/secret/").status_code == 200
    event = secret_letter.events.get(action=LetterEvent.Action.LINK_ROTATED)
    assert event.by == coordinator


def test_a_personal_invitation_link_opens_the_confidential_letter(client, secret_letter):
    contact = Contact.objects.create(organisation=OrganisationFactory(name="Invited Org"), name="Ana",
                                     email="ana@invited.example.org")
    invitation = Invitation.objects.create(letter=secret_letter, organisation=contact.organisation, contact=contact)
    assert client.get(f"/en/invite/{invitation.token}/").status_code == 302
    page = client.get("/en/letters/secret/")
    assert page.status_code == 200 and 'value="ana@invited.example.org"' in page.content.decode()


def test_an_invitation_to_another_letter_does_not_open_it(client, secret_letter):
    other = LetterFactory(slug="other")
    contact = Contact.objects.create(organisation=OrganisationFactory(), name="Bo", email="bo@x.example.org")
    invitation = Invitation.objects.create(letter=other, organisation=contact.organisation, contact=contact)
    client.get(f"/en/invite/{invitation.token}/")
    assert client.get("/en/letters/secret/").status_code == 404


def test_coordinators_read_their_confidential_letter_and_others_do_not(client, secret_letter, coordinator,
                                                                      other_coordinator):
    client.force_login(other_coordinator)
    assert client.get("/en/letters/secret/").status_code == 404
    client.force_login(coordinator)
    assert client.get("/en/letters/secret/").status_code == 200


def test_a_signers_own_link_works_but_a_tampered_one_does_not_show_the_title(client, secret_letter):
    from django.test import Client

    signature = secret_letter.signatures.get()
    token = make_token(signature, MANAGE)
    refused = client.get(f"/en/letters/secret/my-sign-on/{token[:-3]}xyz/")
    assert refused.status_code == 404 and b"Embargoed" not in refused.content
    assert client.get(f"/en/letters/secret/my-sign-on/{token}/").status_code == 200
    # Having opened their own link, the signer reads the letter's text history in this browser; nobody else does.
    assert client.get("/en/letters/secret/revisions/").status_code == 200
    assert Client().get("/en/letters/secret/revisions/").status_code == 404


def test_the_text_changed_email_link_of_a_confidential_letter_opens_the_changes(client, secret_letter, coordinator):
    from letters.emails import ensure_rendered
    from letters.emails.revisions import send_text_changed
    from letters.models import LetterVersionRevision

    signature = secret_letter.signatures.get()
    version = secret_letter.versions.get()
    signature.revision = version.revisions.get()
    signature.save()
    version.body += " And more."
    version.save()
    revision = version.revisions.order_by("-number").first()
    LetterVersionRevision.objects.filter(pk=revision.pk).update(kind="substantive")
    body = ensure_rendered(send_text_changed(signature, revision)).body_text
    diff_link = next(word for word in body.split() if "/revisions/" in word and "signer=" in word)
    assert client.get(diff_link.split("testserver", 1)[-1]).status_code == 200


def test_confidential_letter_is_absent_from_the_index_and_public_queries(client, secret_letter):
    LetterFactory(slug="open-one", title="Open letter for all")
    home = client.get("/en/").content.decode()
    assert "Open letter for all" in home and "Embargoed" not in home
    assert list(Letter.objects.public().values_list("slug", flat=True)) == ["open-one"]


def test_publication_date_makes_it_public_without_waiting_for_the_scheduler(client, secret_letter):
    Letter.objects.filter(pk=secret_letter.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    page = client.get("/en/letters/secret/")
    assert page.status_code == 200 and "X-Robots-Tag" not in page
    assert "secret" in Letter.objects.public().values_list("slug", flat=True)


def test_scheduler_records_the_publication_once(secret_letter):
    Letter.objects.filter(pk=secret_letter.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    assert confidential.publish_due() == 1
    assert confidential.publish_due() == 0
    call_command("run_scheduler", "--once")
    events = secret_letter.events.filter(action=LetterEvent.Action.PUBLISHED)
    assert events.count() == 1 and "Publication date reached" in events.get().reason
    secret_letter.refresh_from_db()
    assert not secret_letter.confidential


def test_a_future_publication_date_keeps_it_confidential(client, secret_letter):
    Letter.objects.filter(pk=secret_letter.pk).update(publish_at=timezone.now() + timedelta(days=1))
    assert confidential.publish_due() == 0
    assert client.get("/en/letters/secret/").status_code == 404


def test_coordinator_publishes_from_the_dashboard_and_it_is_recorded(client, secret_letter, coordinator):
    client.force_login(coordinator)
    dashboard = client.get("/manage/letters/secret/").content.decode()
    assert f"?key={secret_letter.access_key}" in dashboard and "Publish now" in dashboard
    client.post("/manage/letters/secret/visibility/publish/")
    client.logout()
    assert client.get("/en/letters/secret/").status_code == 200
    event = secret_letter.events.get(action=LetterEvent.Action.PUBLISHED)
    assert event.by == coordinator
    client.force_login(coordinator)
    assert "Made public" in client.get("/manage/letters/secret/").content.decode()


def test_other_coordinators_cannot_publish_or_rotate(client, secret_letter, other_coordinator):
    client.force_login(other_coordinator)
    assert client.post("/manage/letters/secret/visibility/publish/").status_code == 404
    assert client.post("/manage/letters/secret/visibility/rotate-link/").status_code == 404
    secret_letter.refresh_from_db()
    assert secret_letter.confidential


def test_making_a_letter_confidential_in_settings_is_recorded_with_a_new_shared_link(coordinator_client, letter):
    data = {"title": letter.title, "default_language": "en", "deadline": "", "reminder_days": "7,2",
            "notify": "none", "paper_size": "a4", "confidential": "on", "publish_at": "", "embed_origins": "",
            "requires_approval": "on", "list_public_while_open": "on"}
    response = coordinator_client.post(f"/manage/letters/{letter.slug}/settings/", data)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.confidential and len(letter.access_key) >= 24
    assert letter.events.filter(action=LetterEvent.Action.CONFIDENTIAL).count() == 1
    data.pop("confidential")
    coordinator_client.post(f"/manage/letters/{letter.slug}/settings/", data)
    assert letter.events.filter(action=LetterEvent.Action.PUBLISHED).count() == 1


def test_settings_refuse_a_site_address_that_is_not_an_origin_and_keep_the_clean_ones(coordinator_client, letter):
    data = {"title": letter.title, "default_language": "en", "deadline": "", "reminder_days": "7,2",
            "notify": "none", "paper_size": "a4", "publish_at": "", "requires_approval": "on",
            "list_public_while_open": "on", "embed_origins": "https://Partner.example.org/\nx; script-src *"}
    response = coordinator_client.post(f"/manage/letters/{letter.slug}/settings/", data)
    assert response.status_code == 200 and "is not a site address" in response.content.decode()
    data["embed_origins"] = "https://Partner.example.org/\n\nhttps://other.example.org:8443"
    assert coordinator_client.post(f"/manage/letters/{letter.slug}/settings/", data).status_code == 302
    letter.refresh_from_db()
    assert letter.embed_origins == "https://partner.example.org\nhttps://other.example.org:8443"
