"""A letter's list sections: create, rename per language, reorder, delete, and move sign-ons between them.

Every change that moves a sign-on is recorded in its history; finalised lists do not change (they print their
snapshot, which keeps each row's section heading as it was).
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from letters.models import Letter, Section, Signature
from letters.models.signatures import list_changed
from letters.text import clean_text


def _touch(letter_id):
    """Headings and order are part of how the letter prints: mark the letter changed (public page caches key on it)."""
    Letter.objects.filter(pk=letter_id).update(updated_at=timezone.now())
    list_changed(letter_id)


def create(letter, heading, language, kind=""):
    """A new section at the end of the list, with its heading in `language`."""
    with transaction.atomic():
        Letter.objects.select_for_update().filter(pk=letter.pk).first()
        last = letter.sections.aggregate(last=Max("position"))["last"] or 0
        _touch(letter.pk)
        return Section.objects.create(letter=letter, position=last + 1, kind=kind or "",
                                      headings={language: clean_text(heading)})


def rename(section, headings, kind=None, public_choice=None):
    """Set the headings given ({language: text}; an empty text removes that language's heading) and, when given,
    who goes in the section and whether signers may choose it."""
    merged = dict(section.headings or {})
    for language, text in headings.items():
        text = clean_text(text)
        if text:
            merged[language] = text
        else:
            merged.pop(language, None)
    section.headings = merged
    if kind is not None and kind in Section.Kind.values:
        section.kind = kind
    if public_choice is not None:
        section.public_choice = public_choice
    section.save(update_fields=["headings", "kind", "public_choice"])
    _touch(section.letter_id)


def move(section, direction):
    """One step up or down in the list; positions are renumbered 1..N."""
    with transaction.atomic():
        Letter.objects.select_for_update().filter(pk=section.letter_id).first()
        sections = list(Section.objects.filter(letter_id=section.letter_id).order_by("position", "pk"))
        index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
        new = max(0, index - 1) if direction == "up" else min(len(sections) - 1, index + 1)
        sections.insert(new, sections.pop(index))
        for number, item in enumerate(sections, start=1):
            item.position = number
        Section.objects.bulk_update(sections, ["position"])
        _touch(section.letter_id)
        return new != index


def delete(section, by=None):
    """Remove a section; its sign-ons stay on the letter without a section (recorded in their history)."""
    with transaction.atomic():
        signatures = list(section.signatures.all())
        heading = str(section)
        _touch(section.letter_id)
        section.delete()
        for signature in signatures:
            signature.record("section", by=by, reason=_("section “%(old)s” deleted") % {"old": heading})
        return len(signatures)


def assign(letter, signatures, section, by=None):
    """Put sign-ons of `letter` in `section` (None: no section). Returns how many changed."""
    if section is not None and section.letter_id != letter.pk:
        raise ValueError("section of another letter")
    changed = 0
    with transaction.atomic():
        locked = Signature.objects.select_for_update(of=("self",)).filter(
            letter=letter, pk__in=[s.pk for s in signatures])
        for signature in locked.select_related("section", "section__letter"):
            if signature.section_id == (section.pk if section else None):
                continue
            old = str(signature.section) if signature.section else _("no section")
            signature.section = section
            signature.save(update_fields=["section", "updated_at"])
            new = str(section) if section else _("no section")
            signature.record("section", by=by, reason=_("“%(old)s” → “%(new)s”") % {"old": old, "new": new})
            changed += 1
    return changed
