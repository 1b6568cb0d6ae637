"""Saving a language version's text as a new revision, the word-level diff between revisions, and telling the
signers of an earlier revision when a change is substantive."""

import difflib
import re

from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe

from letters.models import LetterVersion, LetterVersionRevision, Signature
from letters.models.revisions import TEXT_FIELDS, version_text

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old, new):
    """HTML of `new` against `old`, word by word: deletions in <del>, insertions in <ins>, every text escaped
    (a body may contain "<script>": it is shown as text). Whitespace, line breaks included, is kept; a lone space
    never anchors a match (it is "junk" to difflib), so a rewritten sentence reads as one deletion and insertion
    instead of word confetti."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(str.isspace, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    # Line breaks shown as such (the page's CSP allows no inline style for white-space: pre-wrap).
    return mark_safe("".join(parts).replace("\n", "<br>\n"))  # noqa: S308 - every text above is escaped


def field_label(name):
    return LetterVersion._meta.get_field(name).verbose_name


def diff_texts(old, new):
    """[(field label, diff HTML)] of the text fields that differ between two texts ({field: text})."""
    return [(field_label(name), word_diff(old.get(name, ""), new.get(name, "")))
            for name in TEXT_FIELDS if (old.get(name) or "") != (new.get(name) or "")]


def as_saved(cleaned):
    """The text fields of a version form's cleaned data as saving will store them (LetterVersion.clean_texts:
    one kind of line break, no control characters), so that a diff or "did the text change" sees what will be kept."""
    draft = LetterVersion(**{name: cleaned.get(name) or "" for name in TEXT_FIELDS}).clean_texts()
    return {name: getattr(draft, name).replace("\r\n", "\n").replace("\r", "\n") for name in TEXT_FIELDS}


def latest_revision(version):
    return version.revisions.order_by("-number").first()


def current_text(version):
    """The text as last recorded: the latest revision's (a version copied in bulk may have none yet)."""
    current = latest_revision(version)
    return current.text() if current else version_text(version)


def text_changed(version, cleaned):
    """Whether a form's cleaned data changes the text a signer consents to (not only the list words)."""
    current = current_text(version)
    new = as_saved(cleaned)
    return any(new[name] != (current.get(name) or "") for name in TEXT_FIELDS if name in cleaned)


def earlier_signers(version, revision):
    """Sign-ons still standing (pending, confirmed, approved) on an earlier revision of `version`."""
    return (Signature.objects.signed().filter(revision__version=version, revision__number__lt=revision.number)
            .select_related("letter", "organisation", "revision"))


def signers_of(version):
    """Sign-ons still standing on any revision of `version`: those a new substantive revision would tell."""
    return Signature.objects.signed().filter(revision__version=version)


def save_version(form, kind, note, by):
    """Save the version form as a revision of `kind` with the coordinator's note. A substantive change tells every
    signer of an earlier revision, once each, in their language (through the outbox, after commit). Returns
    (version, new revision or None, number of signers told)."""
    from letters.emails.revisions import send_text_changed

    with transaction.atomic():
        before = latest_revision(form.instance) if form.instance.pk else None
        form.instance.revision_meta = (kind, note, by)
        version = form.save()
        after = latest_revision(version)
        revision = after if after is not None and (before is None or after.number > before.number) else None
        told = 0
        if revision is not None and revision.kind == LetterVersionRevision.Kind.SUBSTANTIVE:
            for signature in earlier_signers(version, revision):
                if send_text_changed(signature, revision):
                    told += 1
    return version, revision, told
