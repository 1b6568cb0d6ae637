"""manage.py export_signatories and finalise_letter."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from letters.models import Letter, ListSnapshot

pytestmark = pytest.mark.django_db


def export(*args):
    out = io.StringIO()
    call_command("export_signatories", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def listed(letter, sign):
    sign("Cairo Institute for Human Rights Studies", country="CH", minutes_ago=3, position=2)
    sign("Amnesty International", country="XI", minutes_ago=9, position=1, es="Amnistía Internacional")
    return letter


def test_text_layouts_go_to_standard_output(listed):
    assert export(listed.slug, "--language", "es", "--format", "numbered") == (
        "1. Amnistía Internacional\n2. Cairo Institute for Human Rights Studies\n")
    assert export(listed.slug, "--language", "fr", "--format", "name-country", "--order", "manual") == (
        "Amnesty International, International\nCairo Institute for Human Rights Studies, Suisse\n")
    assert json.loads(export(listed.slug, "--language", "en", "--format", "json"))["rows"][0]["name"] == \
        "Amnesty International"


def test_files_are_written_with_output(listed, tmp_path):
    for layout in ("xlsx", "docx", "pdf", "csv", "lines"):
        target = tmp_path / f"list.{layout}"
        export(listed.slug, "--language", "en", "--format", layout, "--output", str(target))
        assert target.stat().st_size > 0
    assert (tmp_path / "list.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "list.csv").read_text(encoding="utf-8").startswith("\ufeffNo.,Name,")


def test_binary_formats_need_an_output_file_and_errors_are_clear(listed):
    with pytest.raises(CommandError, match="--output"):
        export(listed.slug, "--language", "en", "--format", "pdf")
    with pytest.raises(CommandError, match="No letter"):
        export("no-such-letter", "--language", "en", "--format", "lines")
    with pytest.raises(CommandError, match="Unknown language"):
        export(listed.slug, "--language", "xx", "--format", "lines")


def test_finalise_letter_freezes_every_language(listed):
    out = io.StringIO()
    call_command("finalise_letter", listed.slug, stdout=out)

    assert Letter.objects.get(pk=listed.pk).status == Letter.Status.FINALISED
    assert ListSnapshot.objects.filter(letter=listed, kind="final").count() == 3
    assert "[fr]: 2 names frozen" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("finalise_letter", listed.slug, stdout=io.StringIO())
