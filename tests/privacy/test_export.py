"""Exporting one person's data finds every kind of trace, whichever variant of their address was used."""

import json

import pytest

from letters.services import personal_data
from tests.privacy.conftest import ANA_EMAIL, ANA_LOOKUP, ANA_NAME, BOB_EMAIL

pytestmark = pytest.mark.django_db


def test_it_finds_every_kind_of_trace(traces):
    counts = personal_data.find(ANA_LOOKUP).counts()

    assert counts == {
        "signatures": 1, "mentions": 1, "contacts": 1, "invitations": 1, "emails": 2, "signature_events": 2,
        "letter_events": 1, "organisation_changes": 1, "organisation_notes": 1, "merges": 0, "suppressions": 1,
        "throttles": 1, "snapshots": 1, "export_jobs": 1, "admin_log": 1, "task_results": 1,
    }


def test_the_export_has_the_documented_structure(traces):
    data = personal_data.export(ANA_LOOKUP)

    assert list(data) == ["email", "generated_at", "signatures", "contacts", "invitations", "emails", "history",
                          "other"]
    own = [s for s in data["signatures"] if s["own"]]
    assert own[0]["signer_name"] == ANA_NAME and own[0]["signer_email"] == ANA_EMAIL
    assert own[0]["letter"] == "privacy-letter" and own[0]["status"] == "approved"
    assert "ana.perez@example.org" in own[0]["message"]
    mention = [s for s in data["signatures"] if not s["own"]][0]
    assert mention["signer_email"] == "" and "ANA.PEREZ@example.org" in mention["message"]  # Bob's address stays out
    assert data["contacts"][0]["email"] == "ana.perez@example.org"
    assert data["invitations"][0]["contact_email"] == "ana.perez@example.org"
    to_her = [e for e in data["emails"] if e["to_this_person"]]
    assert to_her[0]["body_text"].startswith(f"Dear {ANA_NAME}")
    assert {h["kind"] for h in data["history"]} == {"sign-on", "letter", "directory", "admin"}
    assert {o["kind"] for o in data["other"]} == {"organisation notes", "unsubscribed", "sign-on limit",
                                                  "list snapshot", "background export", "task"}
    snapshot = [o for o in data["other"] if o["kind"] == "list snapshot"][0]
    assert [row["signer_email"] for row in snapshot["rows"]] == [ANA_EMAIL]
    json.dumps(data)  # serialisable as it is


def test_gmail_variants_are_one_mailbox(db):
    from tests.factories import SignatureFactory

    SignatureFactory(signer_email="j.doe+petition@googlemail.com")
    SignatureFactory(signer_email="jdoe@gmail.com")
    SignatureFactory(signer_email="jdoe2@gmail.com")

    assert len(personal_data.find("J.Doe@Gmail.com").signatures) == 2


def test_another_persons_export_holds_nothing_of_hers(traces):
    text = personal_data.export_json(BOB_EMAIL)

    assert ANA_NAME not in text and ANA_EMAIL not in text


def test_nothing_found_for_an_unknown_address(traces):
    assert personal_data.find("nobody@nowhere.example").total == 0
