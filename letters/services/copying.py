"""Starting a new letter from an earlier one: its settings, texts, list sections and coordinators, as a draft.

What a coalition reuses from one joint letter to the next is the way it runs it, not its outcome: the copy never
takes the earlier letter's sign-ons, finalised snapshots, status history or emails.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from letters.models import Invitation, Letter, LetterVersion, Section, Tag
from letters.models.letters import _user_or_none

# The letter's own settings that a copy keeps. Not the deadline (the earlier letter's date has usually passed, and
# a passed deadline would close the new letter the day it opens), nor anything of its life cycle or list state.
COPIED_SETTINGS = ("default_language", "requires_approval", "list_public_while_open", "accepts_individuals",
                   "reminder_days", "numbering", "offer_sections", "notify", "paper_size", "signers_may_withhold_names",
                   "confidential", "embed_origins")
# Every other field of a letter, and why it is not copied. A test checks that each field of Letter is in one of the
# two lists, so that a setting added later is not silently left out of copies.
NOT_COPIED = ("id", "slug", "title",  # asked for
              "status", "deadline", "finalised_at", "finalised_by", "published_at", "created_at", "updated_at",
              "publish_at",  # a date of the earlier letter, like its deadline
              "access_key",  # a copy of a confidential letter gets a shared link of its own
              *Letter.LIST_STATE_FIELDS)
# A version's texts and its list words. Not its date line: that is the date the earlier letter was sent.
COPIED_VERSION_FIELDS = ("title", "addressee", "body", "closing", "signatories_label", "organisations_label",
                         "individuals_label", "unnamed_label")
TAG_NAME_LENGTH = Tag._meta.get_field("name").max_length


@dataclass
class LetterCopy:
    letter: Letter
    invitees: Tag | None = None  # the tag on the organisations invited to the earlier letter, if asked for
    invited: int = 0  # how many organisations carry it


def copy_letter(source, slug, title, by=None, with_invitees=False):
    """A new draft letter `slug` from `source`: its settings, language versions (texts and list words), list
    sections and coordinators (plus `by`, who must be able to run what they created). Returns a LetterCopy.

    `with_invitees`: the organisations invited to `source` are tagged in the directory, ready to be chosen on
    the new letter's invite page once it is open (see _tag_invitees for why not as invitations). The slug must be
    free (callers validate it with letters.forms.copying.LetterCopyForm; the database refuses a duplicate).
    """
    with transaction.atomic():
        letter = Letter(slug=slug, title=title, status=Letter.Status.DRAFT,
                        **{name: getattr(source, name) for name in COPIED_SETTINGS})
        letter.save(force_insert=True)
        # One save per version (a handful), not bulk_create: each save gives the copy its revision 1, so the
        # first sign-ons on the new letter record which text they signed (letters/models/revisions.py).
        for version in source.versions.order_by("language"):
            LetterVersion(letter=letter, language=version.language,
                          **{name: getattr(version, name) for name in COPIED_VERSION_FIELDS}).clean_texts().save()
        Section.objects.bulk_create([
            Section(letter=letter, position=section.position, kind=section.kind, headings=dict(section.headings),
                    public_choice=section.public_choice)
            for section in source.sections.order_by("position", "pk")
        ])
        coordinators = list(source.coordinators.all())
        if _user_or_none(by) is not None:
            coordinators.append(by)
        letter.coordinators.add(*coordinators)
        copied = LetterCopy(letter)
        if with_invitees:
            copied.invitees, copied.invited = _tag_invitees(source, letter)
    return copied


def _tag_invitees(source, letter):
    """Tag the organisations invited to `source` so that the new letter's invite page can pick them ("By tag").

    Why a tag and not Invitation rows on the new letter: an Invitation is an invitation *sent* (the outbox queues an
    email for every invitation without one, reminders chase them, it makes the organisation "invited" and shows its
    contacts to the letter's coordinators), and it would keep the invite page from ever inviting that contact for
    real. A draft cannot be invited to anyway (the invite page needs an open letter). A tag is the existing
    pre-selection of the invite page: it waits until the letter opens, the coordinators can prune it in the
    directory first, and inviting still goes through every check (answered, unsubscribed, no contact). The invite
    page invites every reachable contact of a chosen organisation, so it is organisations that are carried over.
    """
    name = _("Invited to %(source)s, for %(letter)s") % {"source": source.slug, "letter": letter.slug}
    tag, _created = Tag.objects.get_or_create(name=name[:TAG_NAME_LENGTH])
    organisation_ids = set(Invitation.objects.filter(letter=source).values_list("organisation_id", flat=True))
    tag.organisations.add(*organisation_ids)
    return tag, len(organisation_ids)
