"""The text of a language version as it was at each save once signers could read it: a sign-on is consent to one
revision of one version (Signature.revision), and signers of an earlier revision are told of substantive changes.

Invariant: a version's latest revision holds its current text (title, addressee, date line, body, closing). The
receiver below keeps it so for every save of a version, however it is saved (the version form, the admin, the demo
loader); the version form only adds what kind of change it was and the coordinator's note
(letters.services.revisions.save_version).
"""

from django.conf import settings
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .letters import Letter, LetterVersion

# The fields a signer consents to. The list words (headings, "cannot be named" phrase) are presentation: changing
# them makes no revision.
TEXT_FIELDS = ("title", "addressee", "date_line", "body", "closing")


class LetterVersionRevision(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial text")
        EDITORIAL = "editorial", _("Editorial (typos, formatting)")
        SUBSTANTIVE = "substantive", _("Substantive")

    version = models.ForeignKey(LetterVersion, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=300)
    addressee = models.CharField(_("addressee line"), max_length=500, blank=True)
    date_line = models.CharField(_("date line"), max_length=100, blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    closing = models.CharField(_("closing line"), max_length=200, blank=True)
    kind = models.CharField(_("kind of change"), max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        ordering = ["version", "number"]
        verbose_name = _("text revision")
        verbose_name_plural = _("text revisions")
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="one_revision_number_per_version")]

    def __str__(self):
        return f"{self.version} r{self.number}"

    def text(self):
        return {name: getattr(self, name) for name in TEXT_FIELDS}


def version_text(version):
    return {name: getattr(version, name) for name in TEXT_FIELDS}


def tracks_changes(version):
    """Whether saving `version` records a new revision. Not while the letter is a draft and nobody has signed any
    revision of it: nobody has consented to anything yet, so the draft's text simply *is* revision 1 (updated in
    place), and the history starts when partners can read and sign it."""
    if version.pk is None:
        return False
    if version.letter.status != Letter.Status.DRAFT:
        return True
    from .signatures import Signature

    return Signature.objects.filter(revision__version=version).exists()


@receiver(post_save, sender=LetterVersion, dispatch_uid="letters.revisions.keep_latest")
def keep_latest_revision(sender, instance, created, raw=False, **kwargs):
    """Make the version's latest revision hold the text just saved (see the module docstring).

    The version form sets `instance.revision_meta = (kind, note, user)` before saving; other saves of a letter
    open for sign-on are recorded as editorial without a note, and notify nobody."""
    if raw:
        return
    text = version_text(instance)
    latest = None if created else instance.revisions.order_by("-number").first()
    if latest is not None and latest.text() == text:
        return
    kind, note, by = getattr(instance, "revision_meta", None) or (None, "", None)
    by = by if by is not None and getattr(by, "is_authenticated", False) else None
    if latest is None:
        LetterVersionRevision.objects.create(
            version=instance, number=1, kind=LetterVersionRevision.Kind.INITIAL, created_by=by, **text)
    elif not tracks_changes(instance):
        # A draft: revision 1 follows the text until the letter is opened.
        for name, value in text.items():
            setattr(latest, name, value)
        latest.created_at = timezone.now()
        latest.save()
    else:
        LetterVersionRevision.objects.create(
            version=instance, number=latest.number + 1, kind=kind or LetterVersionRevision.Kind.EDITORIAL,
            note=note[:300], created_by=by, **text)
    instance.revision_meta = None


__all__ = ["LetterVersionRevision", "TEXT_FIELDS", "tracks_changes", "version_text"]
