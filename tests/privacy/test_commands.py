"""export_personal_data and erase_personal_data on the command line."""

import json

import pytest
from django.core.management import CommandError, call_command

from letters.models import Signature
from tests.privacy.conftest import ANA_EMAIL, ANA_LOOKUP, ANA_NAME

pytestmark = pytest.mark.django_db


def test_export_writes_json_to_stdout(traces, capsys):
    call_command("export_personal_data", ANA_LOOKUP)

    data = json.loads(capsys.readouterr().out)
    assert data["email"] == ANA_LOOKUP and data["signatures"][0]["signer_name"] == ANA_NAME


def test_export_writes_a_file_and_counts_per_kind(traces, tmp_path, capsys):
    target = tmp_path / "ana.json"

    call_command("export_personal_data", ANA_LOOKUP, "--output", str(target))

    assert json.loads(target.read_text(encoding="utf-8"))["contacts"][0]["name"] == ANA_NAME
    err = capsys.readouterr().err
    assert "sign-ons: 1" in err and "outbox emails: 2" in err and f"Written to {target}" in err


def test_erase_dry_run_prints_counts_and_changes_nothing(traces, capsys):
    call_command("erase_personal_data", ANA_LOOKUP, "--dry-run")

    out = capsys.readouterr().out
    assert f"Found for {ANA_LOOKUP}:" in out and "  sign-ons: 1" in out and "  contacts: 1" in out
    assert "Dry run: nothing was changed." in out
    assert Signature.objects.get(pk=traces.signature.pk).signer_email == ANA_EMAIL


def test_erase_with_yes_erases_and_records_the_user(traces, coordinator, capsys):
    call_command("erase_personal_data", ANA_LOOKUP, "--yes", "--user", coordinator.username)

    out = capsys.readouterr().out
    assert "Erased:" in out and "  sign-on limit buckets: 1" in out and "Done." in out
    assert traces.signature.events.get(action="personal data erased").by == coordinator
    call_command("erase_personal_data", ANA_LOOKUP, "--yes")
    assert f"Nothing found for {ANA_LOOKUP}." in capsys.readouterr().out


def test_erase_asks_first_and_stops_without_yes(traces, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError):
        call_command("erase_personal_data", ANA_LOOKUP)

    assert Signature.objects.get(pk=traces.signature.pk).signer_email == ANA_EMAIL


def test_a_non_address_is_refused(db):
    with pytest.raises(CommandError):
        call_command("export_personal_data", "ana")
