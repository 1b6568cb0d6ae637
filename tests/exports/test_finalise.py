"""Finalising freezes the list per language; later changes need a recorded reopen; late sign-ons form an addendum."""

import pytest
from django.utils import timezone

from letters.exports import SignatoryList
from letters.layouts import render_text
from letters.models import InvalidTransition, Letter, ListSnapshot, Signature
from letters.services.finalise import finalise_letter, publish_addendum, reopen_letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(finalisable_letter, sign):
    first = sign("Amnesty International", target=finalisable_letter, country="XI", fr="Amnistie internationale")
    second = sign("Human Rights Watch", target=finalisable_letter, country="US")
    sign("Hidden Group", target=finalisable_letter, consent=False)
    return finalisable_letter, first, second


def test_finalising_snapshots_every_language_with_who_and_when(signed, coordinator):
    letter, _first, _second = signed

    finalise_letter(letter, by=coordinator, reason="sent to the missions")

    letter.refresh_from_db()
    assert letter.status == Letter.Status.FINALISED and letter.finalised_by == coordinator
    snapshots = {s.language: s for s in ListSnapshot.objects.filter(letter=letter, kind="final")}
    assert set(snapshots) == {"en", "fr", "es"}
    assert all(s.created_by == coordinator and s.created_at == letter.finalised_at for s in snapshots.values())
    assert [row["name"] for row in snapshots["fr"].rows if not row.get("unnamed")] == [
        "Amnistie internationale", "Human Rights Watch"]
    assert sum(1 for row in snapshots["fr"].rows if row.get("unnamed")) == 1
    assert letter.events.last().reason == "sent to the missions"


def test_after_finalising_changing_a_signature_does_not_change_the_export(signed, coordinator):
    letter, first, second = signed
    finalise_letter(letter, by=coordinator)
    before = {language: render_text(SignatoryList(letter, language), "name-country") for language in ("en", "fr")}

    first.name_override = "Amnesty (renamed after publication)"
    first.save()
    first.organisation.country = "GB"
    first.organisation.save()
    second.withdraw(reason="changed their mind")

    for language in ("en", "fr"):
        assert render_text(SignatoryList(letter, language), "name-country") == before[language]
    assert "renamed after publication" in render_text(SignatoryList(letter, "en", source="live"), "lines")
    assert before["en"] == "Amnesty International, International\nHuman Rights Watch, United States\n\n" \
        "and 1 organisation that cannot be named for security reasons\n"


def test_the_addendum_lists_exactly_the_late_sign_ons(signed, coordinator, sign):
    letter, _first, _second = signed
    waiting = sign("Waiting Org", target=letter, status=Signature.Status.CONFIRMED)
    finalise_letter(letter, by=coordinator)
    letter.refresh_from_db()

    late = sign("Late Org", target=letter, status=Signature.Status.CONFIRMED)
    late.approve(by=coordinator)
    waiting.approve(by=coordinator)
    sign("Late But Pending", target=letter, status=Signature.Status.PENDING)
    late_hidden = sign("Late Hidden", target=letter, status=Signature.Status.CONFIRMED, consent=False)
    late_hidden.approve(by=coordinator)

    addendum = SignatoryList(letter, "en", source="addendum")
    assert [row.name for row in addendum.rows()] == ["Late Org", "Waiting Org"]
    assert all(row.after_publication for row in addendum.rows())
    assert addendum.unnamed == 1
    assert "Late Org" not in render_text(SignatoryList(letter, "en"), "lines")

    counts = publish_addendum(letter, by=coordinator)
    assert counts == {"en": 2, "fr": 2, "es": 2}
    snapshot = ListSnapshot.objects.get(letter=letter, language="fr", kind="addendum")
    assert [row["name"] for row in snapshot.rows if not row.get("unnamed")] == ["Late Org", "Waiting Org"]


def test_reopening_is_recorded_and_refinalising_takes_the_late_sign_ons_in(signed, coordinator, sign):
    letter, _first, _second = signed
    finalise_letter(letter, by=coordinator)
    letter.refresh_from_db()
    late = sign("Late Org", target=letter, status=Signature.Status.CONFIRMED)
    late.approve(by=coordinator)

    reopen_letter(letter, by=coordinator, reason="two more partners")
    letter.refresh_from_db()
    assert letter.status == Letter.Status.OPEN
    assert letter.events.last().to_status == "open" and letter.events.last().reason == "two more partners"
    assert "Late Org" in render_text(SignatoryList(letter, "en"), "lines")  # live again

    finalise_letter(letter, by=coordinator)
    letter.refresh_from_db()
    assert "Late Org" in render_text(SignatoryList(letter, "en"), "lines")
    assert list(SignatoryList(letter, "en", source="addendum").rows()) == []
    assert ListSnapshot.objects.filter(letter=letter, language="en", kind="final").count() == 2


def test_a_letter_cannot_be_finalised_twice_or_as_a_draft(signed, coordinator):
    letter, _first, _second = signed
    finalise_letter(letter, by=coordinator)
    with pytest.raises(InvalidTransition):
        finalise_letter(letter, by=coordinator)
    draft = Letter.objects.create(slug="draft", title="Draft")
    with pytest.raises(InvalidTransition):
        finalise_letter(draft)
    assert ListSnapshot.objects.filter(letter=letter).count() == 3


def test_a_finalised_export_can_be_reordered_and_keeps_contacts_for_coordinators(signed, coordinator):
    letter, first, second = signed
    finalise_letter(letter, by=coordinator, order="signed")

    assert [row.name for row in SignatoryList(letter, "en", "alphabetical").rows()] == [
        "Amnesty International", "Human Rights Watch"]
    rows = list(SignatoryList(letter, "en", include_contacts=True).rows())
    assert [row.signer_email for row in rows] == [first.signer_email, second.signer_email]
    assert all(row.signer_email == "" for row in SignatoryList(letter, "en").rows())


def test_a_preview_of_the_addendum_skips_names_already_published_and_still_fills_up(signed, coordinator, sign):
    letter, first, _second = signed
    finalise_letter(letter, by=coordinator)
    letter.refresh_from_db()
    # Published, then approved again after publication (as a re-approval after a withdrawal leaves it).
    Signature.objects.filter(pk=first.pk).update(added_after_finalisation=True, approved_at=timezone.now())
    late = sign("Zulu Late", target=letter, status=Signature.Status.CONFIRMED)
    late.approve(by=coordinator)

    assert [row.name for row in SignatoryList(letter, "en", source="addendum").rows()] == ["Zulu Late"]
    assert [row.name for row in SignatoryList(letter, "en", source="addendum", limit=1).rows()] == ["Zulu Late"]
