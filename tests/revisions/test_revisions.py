"""A sign-on is consent to a specific text: each save of an open letter's text is a revision, substantive changes
are announced to earlier signers (once, in their language) who may withdraw, and anyone can read the history."""

import importlib
import re

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.urls import reverse

from letters.emails.core import deliver
from letters.models import Letter, LetterVersionRevision, OutgoingEmail, Signature
from letters.services.revisions import word_diff
from tests.factories import LetterFactory, SignatureFactory

from .conftest import signed_first_text

pytestmark = pytest.mark.django_db

FORM = {"title": "Open letter on civic space", "addressee": "To: Member States of the Human Rights Council",
        "date_line": "24 November 2026", "body": "Excellencies,\n\nWe urge you to **act**.", "closing": "Sincerely,"}


def edit(client, letter, language="en", **changes):
    url = reverse("manage:version_edit", args=[letter.slug, language])
    return client.post(url, {**FORM, **changes})


def _prepare(letter):
    """Give the English version the form's text as revision 1 (the factory's title differs)."""
    version = letter.versions.get(language="en")
    for name, value in FORM.items():
        setattr(version, name, value)
    version.save()
    version.revisions.all().delete()
    from letters.models.revisions import keep_latest_revision

    keep_latest_revision(None, version, created=True)
    return version


def test_every_version_starts_with_revision_1(open_letter):
    for version in open_letter.versions.all():
        assert [(r.number, r.kind) for r in version.revisions.all()] == [(1, "initial")]
        assert version.revisions.get().body == version.body


def test_a_substantive_change_is_confirmed_on_a_diff_page_before_anything_is_saved(coordinator_client, open_letter):
    version = _prepare(open_letter)
    signed_first_text(open_letter, "en")
    response = edit(coordinator_client, open_letter, body="Excellencies,\n\nWe urge you to act now.",
                    change_kind="substantive", change_note="Stronger ask")
    html = response.content.decode()
    assert response.status_code == 200 and 'name="confirm"' in html
    assert "<del>**act**.</del>" in html and "<ins>act now.</ins>" in html
    assert "1 signer of the current text will be emailed" in html
    assert version.revisions.count() == 1 and not OutgoingEmail.objects.exists()


def test_a_substantive_change_tells_each_earlier_signer_once_in_their_language(coordinator_client, open_letter):
    _prepare(open_letter)
    english = signed_first_text(open_letter, "en", signer_email="en@ngo.example.org")
    french = signed_first_text(open_letter, "en", signer_email="fr@ngo.example.org")
    Signature.objects.filter(pk=french.pk).update(language="fr")  # read the English text in the French interface
    signed_first_text(open_letter, "en", status="withdrawn", signer_email="gone@ngo.example.org")
    signed_first_text(open_letter, "fr", signer_email="other-version@ngo.example.org")
    changes = {"body": "Excellencies,\n\nWe urge you to act now.", "change_kind": "substantive",
               "change_note": "Stronger ask", "confirm": "1"}
    response = edit(coordinator_client, open_letter, **changes)
    assert response.status_code == 302
    revision = open_letter.versions.get(language="en").revisions.get(number=2)
    assert (revision.kind, revision.note) == ("substantive", "Stronger ask")
    emails = {e.to: e for e in OutgoingEmail.objects.filter(kind="text-changed")}
    assert sorted(emails) == ["en@ngo.example.org", "fr@ngo.example.org"]
    assert emails["en@ngo.example.org"].language == "en" and "has changed" in emails["en@ngo.example.org"].subject
    # In French: the French interface's links, and its catalogue (the new sentences await their translators).
    french_email = emails["fr@ngo.example.org"]
    assert french_email.language == "fr" and "/fr/letters/open-letter/revisions/2/" in french_email.body_text
    assert "Bonjour" in french_email.body_text
    # The diff link from their revision, and their own page (to withdraw).
    body = emails["en@ngo.example.org"].body_text
    assert "/en/letters/open-letter/revisions/2/?version=en&from=1" in body and "/my-sign-on/" in body
    # Saving the same text again changes nothing and tells nobody twice.
    edit(coordinator_client, open_letter, **changes)
    assert OutgoingEmail.objects.filter(kind="text-changed").count() == 2
    assert open_letter.versions.get(language="en").revisions.count() == 2


def test_the_email_goes_through_the_outbox_and_the_signer_can_withdraw_from_its_link(
        coordinator_client, client, open_letter):
    _prepare(open_letter)
    signed_first_text(open_letter, "en", signer_email="en@ngo.example.org")
    mail.outbox = []
    edit(coordinator_client, open_letter, body="Other text.", change_kind="substantive", change_note="New ask",
         confirm="1")
    assert mail.outbox == []  # nothing is sent in the request
    email = OutgoingEmail.objects.get(kind="text-changed")
    deliver(email.pk)
    assert len(mail.outbox) == 1
    manage_url = re.search(r"http://\S+/my-sign-on/\S+/", mail.outbox[0].body).group(0)
    diff_url = re.search(r"http://\S+/revisions/2/\S+", mail.outbox[0].body).group(0)
    client.logout()
    assert "<ins>Other text.</ins>" in client.get(diff_url).content.decode()
    page = client.get(manage_url).content.decode()
    assert "Revision 1 of" in page and "The text has changed since" in page
    withdraw = re.search(r'action="([^"]+/withdraw/)"', page).group(1)
    client.post(withdraw)
    assert Signature.objects.get(signer_email="en@ngo.example.org").status == "withdrawn"


def test_an_editorial_change_notifies_nobody(coordinator_client, open_letter):
    _prepare(open_letter)
    signed_first_text(open_letter, "en")
    response = edit(coordinator_client, open_letter, title="Open letter on civic space.", change_kind="editorial")
    assert response.status_code == 302
    revision = open_letter.versions.get(language="en").revisions.get(number=2)
    assert revision.kind == "editorial" and revision.title == "Open letter on civic space."
    assert not OutgoingEmail.objects.filter(kind="text-changed").exists()


def test_a_text_change_is_editorial_unless_said_otherwise_and_a_substantive_one_needs_a_note(
        coordinator_client, open_letter):
    _prepare(open_letter)
    form = coordinator_client.get(reverse("manage:version_edit", args=[open_letter.slug, "en"])).content.decode()
    assert 'value="editorial"' in form and 'value="substantive"' in form
    response = edit(coordinator_client, open_letter, body="Changed.", change_kind="substantive")
    assert "Say in a few words what changed" in response.content.decode()
    assert edit(coordinator_client, open_letter, body="Changed.").status_code == 302
    assert open_letter.versions.get(language="en").revisions.get(number=2).kind == "editorial"


def test_a_draft_letters_saves_update_revision_1_and_notify_nobody(coordinator_client, coordinator):
    letter = LetterFactory(slug="draft", status=Letter.Status.DRAFT, coordinators=[coordinator], languages=["en"])
    response = edit(coordinator_client, letter, body="First draft.")
    assert response.status_code == 302
    response = edit(coordinator_client, letter, body="Second draft.")
    version = letter.versions.get()
    assert [(r.number, r.kind, r.body) for r in version.revisions.all()] == [(1, "initial", "Second draft.")]
    assert not OutgoingEmail.objects.exists()


def test_the_sign_on_records_the_revision_of_the_version_read(client, open_letter):
    version = open_letter.versions.get(language="fr")
    version.body = "Nouveau texte."
    version.save()  # outside the form: an editorial revision 2
    client.post("/fr/letters/open-letter/", {
        "organisation_name": "Civic Voices", "signer_name": "Ana", "signer_email": "ana@civic.example.org",
        "consent_public": "on", "kind": "organisation", "country": "KE", "started": _started(client)})
    signature = Signature.objects.get(signer_email="ana@civic.example.org")
    assert signature.revision == version.revisions.get(number=2)


def _started(client):
    html = client.get("/fr/letters/open-letter/").content.decode()
    return re.search(r'name="started" value="([^"]+)"', html).group(1)


def test_the_public_history_shows_the_diff_escaped(client, open_letter):
    version = open_letter.versions.get(language="en")
    version.revision_meta = ("substantive", "Adds a demand", None)
    version.body = "Excellencies,\n\nWe urge you to **act** <script>alert(1)</script> today."
    version.save()
    letter_page = client.get("/en/letters/open-letter/").content.decode()
    assert "Text last changed on" in letter_page and "/en/letters/open-letter/revisions/?version=en" in letter_page
    history = client.get("/en/letters/open-letter/revisions/?version=en").content.decode()
    assert "Revision 2 of" in history and "Adds a demand" in history and "Revision 1 of" in history
    page = client.get("/en/letters/open-letter/revisions/2/?version=en").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; today.</ins>" in page
    assert "<script>alert(1)" not in page
    assert client.get("/en/letters/open-letter/revisions/3/?version=en").status_code == 404


def test_drafts_have_no_public_history(client):
    LetterFactory(slug="secret", status=Letter.Status.DRAFT)
    assert client.get("/en/letters/secret/revisions/").status_code == 404


def test_word_diff_escapes_and_marks_words():
    assert word_diff("a <b> c", "a <i> c") == "a <del>&lt;b&gt;</del><ins>&lt;i&gt;</ins> c"


def test_the_data_migration_gives_existing_versions_revision_1_and_points_sign_ons_at_it(open_letter):
    signature = SignatureFactory(letter=open_letter, language="fr")
    other = SignatureFactory(letter=open_letter, language="it")  # no Italian version: the default language's
    LetterVersionRevision.objects.all().delete()
    migration = importlib.import_module("letters.migrations.0015_letter_text_revisions")
    migration.initial_revisions(apps, connection.schema_editor())
    for version in open_letter.versions.all():
        assert [(r.number, r.kind, r.body) for r in version.revisions.all()] == [(1, "initial", version.body)]
    signature.refresh_from_db(), other.refresh_from_db()
    assert signature.revision.version.language == "fr" and other.revision.version.language == "en"


def test_documents_name_the_revision_once_the_text_has_changed(open_letter):
    from letters.documents import document_context
    from letters.exports import SignatoryList

    assert document_context(SignatoryList(open_letter, "en"))["revision_line"] == ""
    version = open_letter.versions.get(language="en")
    version.body = "Changed."
    version.save()
    line = document_context(SignatoryList(open_letter, "en"))["revision_line"]
    assert line.startswith("Text: revision 2 of ")


def test_the_json_export_names_the_text_revision_its_list_signed(coordinator_client, open_letter):
    import json

    from letters.exports import SignatoryList
    from letters.resources import iter_json

    _prepare(open_letter)
    edit(coordinator_client, open_letter, body="Excellencies,\n\nWe urge you to act.", change_kind="editorial")
    version = open_letter.versions.get(language="en")
    latest = version.revisions.order_by("-number").first()

    data = json.loads("".join(iter_json(SignatoryList(open_letter, "en"))))

    assert latest.number == 2
    assert data["revision"] == {"number": 2, "saved": latest.created_at.isoformat()}
