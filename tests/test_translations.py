"""The interface is translated into the other five UN languages: no string may be left untranslated or fuzzy."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["fr", "es", "ar", "ru", "zh_Hans"]
SOURCES = ["letters", "templates", "coalition"]


def parse_po(path):
    """[(msgid, [msgstr…], flags)] for every entry of a .po file except the header (entries are blank-line separated)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        msgid, msgstrs, flags, field = "", [], "", None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                flags = line
            elif line.startswith("#"):
                continue
            elif line.startswith("msgid "):
                field, msgid = "msgid", _unquote(line[6:])
            elif line.startswith("msgid_plural "):
                field = "plural"
            elif line.startswith("msgstr"):
                field = "msgstr"
                msgstrs.append(_unquote(line.split(" ", 1)[1]))
            elif line.startswith('"'):
                if field == "msgid":
                    msgid += _unquote(line)
                elif field == "msgstr":
                    msgstrs[-1] += _unquote(line)
        if msgid:
            entries.append((msgid, msgstrs, flags))
    return entries


def _unquote(text):
    return text.strip()[1:-1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(language):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    entries = parse_po(po)
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstrs, _flags in entries if not all(msgstrs)]
    fuzzy = [msgid for msgid, _msgstrs, flags in entries if "fuzzy" in flags]
    assert untranslated == [], f"untranslated in {language}: {untranslated[:20]}"
    assert fuzzy == [], f"fuzzy in {language}: {fuzzy[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_covers_every_translatable_string_in_the_code(language, tmp_path):
    if not shutil.which("xgettext"):
        pytest.fail("gettext is needed to check the catalogues: apt-get install gettext (make test installs it)")
    for source in SOURCES:
        shutil.copytree(ROOT / source, tmp_path / source, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", language, "--no-location", "--no-wrap"],
        cwd=tmp_path, check=True, capture_output=True,
    )
    in_code = {msgid for msgid, _s, _f in parse_po(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po")}
    committed = {msgid for msgid, _s, _f in parse_po(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")}
    missing = sorted(in_code - committed)
    assert missing == [], f"strings in the code but not in locale/{language} (run `make messages`): {missing[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language, tmp_path):
    if not shutil.which("msgfmt"):
        pytest.fail("gettext is needed to check the catalogues: apt-get install gettext (make test installs it)")
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(po)], check=True)
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), "run `make messages` to recompile"


@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_statistics_count_no_untranslated_and_no_fuzzy_string(language):
    """What a translator's tool reports: `msgfmt --statistics` says "N translated messages." and nothing else."""
    if not shutil.which("msgfmt"):
        pytest.fail("gettext is needed to check the catalogues: apt-get install gettext (make test installs it)")
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
                            capture_output=True, text=True, check=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages\.", statistics), statistics
    assert int(statistics.split()[0]) > 900
