"""Sign-ons a coordinator adds (by hand or a pasted list) record the text revision current when they were added, so a
later substantive change tells those signers too; the finalised list and its addenda name the revision they stand
under."""

import pytest
from django.urls import reverse

from letters.models import ListSnapshot, OutgoingEmail, Signature
from letters.services.finalise import finalise_letter, publish_addendum
from letters.services.imports import build_preview, import_rows
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

FORM = {"title": "Open letter on civic space", "addressee": "To: Member States of the Human Rights Council",
        "date_line": "24 November 2026", "body": "Excellencies,\n\nWe urge you to **act**.", "closing": "Sincerely,"}


def _edit(client, letter, language="en", **changes):
    return client.post(reverse("manage:version_edit", args=[letter.slug, language]), {**FORM, **changes})


def test_a_pasted_list_records_the_revision_current_in_its_language(open_letter, coordinator):
    french = open_letter.versions.get(language="fr")
    french.body += " Encore."
    french.save()
    import_rows(build_preview(open_letter, "Alpha Defenders\nBeta Rights Watch", "fr"), by=coordinator)
    numbers = set(Signature.objects.filter(letter=open_letter).values_list(
        "revision__version__language", "revision__number"))
    assert numbers == {("fr", 2)}


def test_a_sign_on_added_by_hand_is_told_of_a_later_substantive_change(coordinator_client, open_letter):
    response = coordinator_client.post(reverse("manage:signature_add", args=[open_letter.slug]), {
        "name": "Gamma Coalition", "country": "KE", "signer_name": "Grace", "signer_email": "grace@gamma.example.org",
        "language": "en", "consent_public": "on", "note": "", "choice": ""})
    assert response.status_code == 302
    signature = Signature.objects.get(signer_email="grace@gamma.example.org")
    assert signature.revision.number == 1 and signature.revision.version.language == "en"
    _edit(coordinator_client, open_letter, body="A new ask.", change_kind="substantive", change_note="New", confirm="1")
    assert list(OutgoingEmail.objects.filter(kind="text-changed").values_list("to", flat=True)) == [
        "grace@gamma.example.org"]


def test_finalised_list_and_addendum_name_the_revision_of_each_language(open_letter, coordinator):
    SignatureFactory(letter=open_letter)
    english = open_letter.versions.get(language="en")
    english.body += " Amended."
    english.save()  # revision 2 in English; French and Spanish stay at 1
    finalise_letter(open_letter, by=coordinator)
    finals = dict(ListSnapshot.objects.filter(letter=open_letter, kind="final").values_list("language", "revision_number"))
    assert finals == {"en": 2, "fr": 1, "es": 1}
    SignatureFactory(letter=open_letter, added_after_finalisation=True)
    publish_addendum(open_letter, by=coordinator)
    addenda = dict(ListSnapshot.objects.filter(letter=open_letter, kind="addendum").values_list(
        "language", "revision_number"))
    assert addenda == {"en": 2, "fr": 1, "es": 1}


def test_json_export_of_a_finalised_list_names_the_revision_it_was_published_under(open_letter, coordinator):
    import json

    from letters.exports import SignatoryList
    from letters.resources import iter_json

    SignatureFactory(letter=open_letter)
    finalise_letter(open_letter, by=coordinator)
    english = open_letter.versions.get(language="en")
    english.body += " Typo fixed after publication."
    english.save()  # revision 2, after the list was published under revision 1
    exported = json.loads("".join(iter_json(SignatoryList(open_letter, "en", "alphabetical"))))
    assert exported["revision"]["number"] == 1
