"""Sections of a letter's signatory list ("International organisations", "National organisations", "Individuals")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from letters.text import clean_text

from .letters import Letter


class SectionQuerySet(models.QuerySet):
    def for_kind(self, kind):
        """Sections a new sign-on of `kind` may go to by default: those for that kind, then those for anyone."""
        return self.filter(models.Q(kind=kind) | models.Q(kind="")).order_by(
            models.Case(models.When(kind=kind, then=0), default=1), "position", "pk"
        )


class Section(models.Model):
    """One part of a letter's list, printed under its heading in every language version.

    Headings are stored per language ({"en": "National organisations", "fr": "Organisations nationales"}) because
    a section is the same group of signatories in every version; only its title is translated.
    """

    class Kind(models.TextChoices):
        ANY = "", _("Anyone")
        ORGANISATION = "organisation", _("Organisations")
        INDIVIDUAL = "individual", _("Individuals")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("who goes here"), max_length=20, choices=Kind.choices, blank=True, default="")
    headings = models.JSONField(_("heading per language"), default=dict, blank=True)
    public_choice = models.BooleanField(
        _("offered on the sign-on form"), default=True,
        help_text=_("Signers may choose this section when the letter lets them choose."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["letter", "position", "pk"]
        verbose_name = _("list section")
        verbose_name_plural = _("list sections")

    def __str__(self):
        return self.heading(self.letter.default_language) or f"#{self.position}"

    def save(self, *args, **kwargs):
        self.headings = {
            str(language)[:10]: clean_text(text)[:300] for language, text in (self.headings or {}).items()
            if clean_text(text)
        }
        super().save(*args, **kwargs)

    def heading(self, language, default_language=None):
        """The heading in `language`; else in the letter's default language; else any. "" when none is set."""
        headings = self.headings or {}
        return (
            headings.get(language)
            or headings.get(default_language or self.letter.default_language)
            or next(iter(headings.values()), "")
        )

    def set_heading(self, language, text):
        headings = dict(self.headings or {})
        headings[language] = clean_text(text)
        self.headings = headings


__all__ = ["Section", "SectionQuerySet"]
