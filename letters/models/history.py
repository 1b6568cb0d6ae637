"""The directory's own history: every edit, merge or split of an organisation record, with what it looked like
before and after. Letters show these (their dashboards) because a directory record is shared by every letter."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .directory import Organisation

# How an organisation appears on letters: a change to any of these changes every letter it is on.
APPEARANCE_FIELDS = ("name", "acronym", "country", "display_names", "sort_name", "kind", "affiliation")
FIELD_LABELS = {
    "name": _("name"), "acronym": _("acronym"), "country": _("country"),
    "display_names": _("display names per language"),
    "sort_name": _("sort name"), "kind": _("kind"), "affiliation": _("affiliation"), "website": _("website"),
    "email_domains": _("known email domains"), "needs_review": _("needs review"), "notes": _("internal notes"),
    "tags": _("tags"),
}


class OrganisationChangeQuerySet(models.QuerySet):
    def for_letter(self, letter, limit=20):
        """The latest changes (newest first, at most `limit`) to organisations that have a sign-on on `letter`."""
        from .signatures import Signature

        on_letter = Signature.objects.filter(letter=letter).values("organisation_id")
        return (self.filter(organisation__in=on_letter).select_related("organisation", "by")
                .order_by("-at", "-pk")[:limit])


class OrganisationChange(models.Model):
    """One change to a directory record: who, when, what it was (`before`) and what it became (`after`)."""

    class Action(models.TextChoices):
        EDIT = "edit", _("Edited")
        MERGE = "merge", _("Merged")
        SPLIT = "split", _("Split")

    # Kept when the record is deleted: the history outlives it (a merge moves it to the record that stays).
    organisation = models.ForeignKey(
        Organisation, null=True, on_delete=models.SET_NULL, related_name="changes", verbose_name=_("organisation"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.EDIT)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    objects = OrganisationChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("directory change")
        verbose_name_plural = _("directory changes")

    def __str__(self):
        return f"{self.get_action_display()}: {self.organisation or self.before.get('name', '')}"

    def save(self, *args, **kwargs):
        from letters.text import clean_multiline

        self.note = clean_multiline(self.note)
        super().save(*args, **kwargs)

    def changed_fields(self):
        """[(label, before, after, shows on letters)] for every field whose value changed, in a stable order."""
        keys = [key for key in FIELD_LABELS if key in self.before or key in self.after]
        changes = []
        for key in keys:
            old, new = self.before.get(key, ""), self.after.get(key, "")
            if old != new:
                changes.append((FIELD_LABELS[key], _display(old), _display(new), key in APPEARANCE_FIELDS))
        return changes

    @property
    def shows_on_letters(self):
        return self.action != self.Action.EDIT or any(shown for *_rest, shown in self.changed_fields())


def _display(value):
    if isinstance(value, dict):
        return "; ".join(f"{key}: {text}" for key, text in sorted(value.items())) or "—"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    if isinstance(value, bool):
        return _("yes") if value else "—"
    return str(value) if value not in (None, "") else "—"


__all__ = ["APPEARANCE_FIELDS", "OrganisationChange", "OrganisationChangeQuerySet"]
