"""Letters, their language versions and the letter's own life cycle (draft → open → closed → finalised)."""

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvalidTransition(Exception):
    """A status change that the life cycle does not allow (e.g. approving a declined sign-on)."""

    def __init__(self, obj_label, from_status, to_status):
        self.from_status, self.to_status = from_status, to_status
        super().__init__(
            _("%(obj)s cannot go from “%(from)s” to “%(to)s”.") % {"obj": obj_label, "from": from_status, "to": to_status}
        )


class LetterQuerySet(models.QuerySet):
    def readable(self):
        """Letters that have been opened (everything but drafts): readable by anyone when public, and a
        confidential one by those holding its link (letters.views.public.get_letter_for_public decides)."""
        return self.exclude(status=Letter.Status.DRAFT)

    def public(self):
        """Letters anyone may find: not drafts, and not confidential (until their publication date). The index,
        the API, feeds and the sitemap list only these."""
        return self.readable().exclude(self.confidential_now_q())

    def confidential_now(self):
        return self.readable().filter(self.confidential_now_q())

    @staticmethod
    def confidential_now_q(now=None):
        now = now or timezone.now()
        return models.Q(confidential=True) & (models.Q(publish_at__isnull=True) | models.Q(publish_at__gt=now))

    def open(self):
        return self.filter(status=Letter.Status.OPEN)

    def coordinated_by(self, user):
        """The letters `user` may manage: those they coordinate; all of them for superusers and holders of the
        explicit permission letters.coordinate_all_letters (being staff, i.e. reaching the admin, is not enough)."""
        if not user.is_authenticated:
            return self.none()
        if coordinates_all_letters(user):
            return self
        return self.filter(coordinators=user)


def coordinates_all_letters(user):
    """Superusers, and users (or groups) given letters.coordinate_all_letters, coordinate every letter."""
    return user.is_authenticated and user.is_active and user.has_perm(COORDINATE_ALL_LETTERS)


COORDINATE_ALL_LETTERS = "letters.coordinate_all_letters"


class Letter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for sign-on")
        CLOSED = "closed", _("Closed")
        FINALISED = "finalised", _("Finalised")

    # The one place that says which letter status changes are allowed. Moving back to "open" is a reopen.
    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED, Status.FINALISED, Status.DRAFT},
        Status.CLOSED: {Status.OPEN, Status.FINALISED},
        Status.FINALISED: {Status.OPEN, Status.CLOSED},
    }

    class Notify(models.TextChoices):
        NONE = "none", _("No notifications")
        EACH = "each", _("An email per new sign-on")
        DIGEST = "digest", _("A daily digest")

    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("Used in the letter's public address."))
    title = models.CharField(_("internal title"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    deadline = models.DateTimeField(_("sign-on deadline"), null=True, blank=True)
    default_language = models.CharField(
        _("default language"), max_length=10, choices=settings.LETTER_LANGUAGES, default="en"
    )
    requires_approval = models.BooleanField(
        _("sign-ons need approval"), default=True, help_text=_("A coordinator approves each sign-on before it is listed.")
    )
    list_public_while_open = models.BooleanField(
        _("signatory list public while open"), default=True, help_text=_("Show who has signed on the public page.")
    )
    accepts_individuals = models.BooleanField(
        _("accepts individuals"), default=False, help_text=_('Individuals may sign "for identification purposes only".')
    )
    reminder_days = models.CharField(
        _("reminder days before deadline"), max_length=50, blank=True, default="7,2",
        help_text=_("Comma-separated numbers of days before the deadline, e.g. 7,2. Empty: no reminders."),
    )
    class Numbering(models.TextChoices):
        CONTINUOUS = "continuous", _("Continuous across sections")
        PER_SECTION = "section", _("Restart in each section")

    numbering = models.CharField(
        _("numbering of the list"), max_length=20, choices=Numbering.choices, default=Numbering.CONTINUOUS,
        help_text=_("For lists with sections: number 1, 2, 3… through the whole list, or from 1 in each section."),
    )
    offer_sections = models.BooleanField(
        _("signers choose a section"), default=False,
        help_text=_("The sign-on form asks which section of the list the signatory belongs in."),
    )
    signers_may_withhold_names = models.BooleanField(
        _("signers may ask not to be named"), default=True,
        help_text=_("The sign-on form offers to list a signatory as “an organisation that cannot be named for "
                    "security reasons” (or a person who cannot be named): counted on the letter, named only to its "
                    "coordinators."),
    )
    class PaperSize(models.TextChoices):
        A4 = "a4", _("A4 (210 × 297 mm)")
        LETTER = "letter", _("US Letter (8.5 × 11 in)")

    paper_size = models.CharField(
        _("paper size"), max_length=10, choices=PaperSize.choices, default=PaperSize.A4,
        help_text=_("Page size of the letter's PDF and Word documents."),
    )
    # Confidential until published: reachable only through personal invitation links or the shared link
    # (access_key, which a coordinator can rotate), never listed or indexed; public from publish_at, or when a
    # coordinator publishes it (letters.services.confidential).
    confidential = models.BooleanField(
        _("confidential until published"), default=False,
        help_text=_("Only people with a personal invitation link or the letter's shared link can read and sign it; "
                    "it is not listed, not indexed and not in the API or feeds until it is published."),
    )
    publish_at = models.DateTimeField(
        _("publish on"), null=True, blank=True,
        help_text=_("A confidential letter becomes public at this date and time. Empty: when a coordinator "
                    "publishes it."),
    )
    access_key = models.CharField(_("shared link key"), max_length=64, blank=True, default="", editable=False)
    embed_origins = models.TextField(
        _("sites that may embed this letter"), blank=True, default="",
        help_text=_("One web address a line, e.g. https://partner.example.org. Only these sites may show the "
                    "sign-on widget in a frame; the script widget works anywhere."),
    )
    notify = models.CharField(_("coordinator notifications"), max_length=10, choices=Notify.choices, default=Notify.NONE)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_letters", verbose_name=_("coordinators")
    )
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("first finalised"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # What the public page shows about the list, kept on write (letters.models.signatures.list_changed, in the
    # transaction of each change) so that a page view reads this one row instead of counting every sign-on.
    count_organisations = models.PositiveIntegerField(_("organisations signed"), default=0, editable=False)
    count_individuals = models.PositiveIntegerField(_("individuals signed"), default=0, editable=False)
    count_unnamed = models.PositiveIntegerField(_("signed, not named"), default=0, editable=False)
    list_revision = models.PositiveBigIntegerField(_("list revision"), default=0, editable=False)
    list_changed_at = models.DateTimeField(_("list changed"), null=True, blank=True, editable=False)

    objects = LetterQuerySet.as_manager()

    # Written only by list_changed() (an UPDATE of their own): a save() of a Letter loaded earlier must not put
    # back the counts it loaded.
    LIST_STATE_FIELDS = ("count_organisations", "count_individuals", "count_unnamed", "list_revision",
                         "list_changed_at")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        permissions = [("coordinate_all_letters", "Can coordinate every letter (and see all signers' contacts)")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from letters.text import clean_text

        self.title = clean_text(self.title)
        self.reminder_days = clean_text(self.reminder_days)
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.attname for field in self._meta.concrete_fields
                if not field.primary_key and field.attname not in self.LIST_STATE_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("public:letter", kwargs={"slug": self.slug})

    @property
    def is_open(self):
        return self.status == self.Status.OPEN and not self.deadline_passed

    @property
    def is_confidential_now(self):
        """Confidential and not yet past its publication date: only invited readers and coordinators see it."""
        return self.confidential and not (self.publish_at and self.publish_at <= timezone.now())

    @property
    def embed_origin_list(self):
        return [line.strip().rstrip("/") for line in self.embed_origins.splitlines() if line.strip()]

    @property
    def deadline_passed(self):
        return bool(self.deadline and self.deadline < timezone.now())

    @property
    def reminder_day_list(self):
        days = []
        for part in self.reminder_days.split(","):
            if part.strip().isdigit():
                days.append(int(part.strip()))
        return sorted(set(days), reverse=True)

    def version(self, language):
        """The version in `language` (an interface language such as zh-hans reads as its letter language, zh),
        falling back to the default language, then any version."""
        versions = {v.language: v for v in self.versions.all()}
        return versions.get(version_language(language)) or versions.get(self.default_language) or next(iter(versions.values()), None)

    def languages(self):
        return [v.language for v in self.versions.all()]

    def missing_texts(self):
        """What stops this letter from being opened: no version at all, or versions without a title or body
        ([(language name, [missing field names])]). Partners must never be asked to sign an empty text."""
        if not self.versions.exists():
            return [(str(_("any language")), [str(_("a language version"))])]
        missing = []
        for version in self.versions.all():
            fields = [str(LetterVersion._meta.get_field(name).verbose_name) for name in ("title", "body")
                      if not getattr(version, name).strip()]
            if fields:
                missing.append((version.get_language_display(), fields))
        return missing

    def is_coordinated_by(self, user):
        return user.is_authenticated and (
            coordinates_all_letters(user) or self.coordinators.filter(pk=user.pk).exists()
        )

    # --- life cycle -----------------------------------------------------------------------------------------

    def change_status(self, to_status, by=None, reason=""):
        """Move the letter to `to_status`, recording who, when and why. Raises InvalidTransition."""
        if to_status not in self.TRANSITIONS.get(self.status, set()):
            raise InvalidTransition(_("This letter"), self.get_status_display(), self.Status(to_status).label)
        with transaction.atomic():
            from_status = self.status
            self.status = to_status
            if to_status == self.Status.FINALISED:
                self.finalised_at = timezone.now()
                self.finalised_by = by if by and by.is_authenticated else None
                self.published_at = self.published_at or self.finalised_at
            self.save()
            self.events.create(from_status=from_status, to_status=to_status, by=_user_or_none(by), reason=reason)

    def open(self, by=None, reason=""):
        self.change_status(self.Status.OPEN, by=by, reason=reason)

    def close(self, by=None, reason=""):
        self.change_status(self.Status.CLOSED, by=by, reason=reason)

    def reopen(self, by=None, reason=""):
        """Take a closed or finalised letter back to open; the finalised snapshot stays for the record."""
        self.change_status(self.Status.OPEN, by=by, reason=reason)


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


class LetterEvent(models.Model):
    """One change of a letter's status: who, when, from, to, why. A confidential letter's publication and the
    rotation of its shared link are recorded here too, as an event whose status stays the same (`action`)."""

    class Action(models.TextChoices):
        STATUS = "status", _("Status changed")
        PUBLISHED = "published", _("Made public")
        CONFIDENTIAL = "confidential", _("Made confidential")
        LINK_ROTATED = "link_rotated", _("Shared link replaced")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=Letter.Status.choices)
    to_status = models.CharField(max_length=20, choices=Letter.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, default=Action.STATUS)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("letter status change")
        verbose_name_plural = _("letter status changes")

    def __str__(self):
        return f"{self.letter}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        from letters.text import clean_multiline

        self.reason = clean_multiline(self.reason)
        super().save(*args, **kwargs)


class LetterVersion(models.Model):
    """The letter in one language. One version is authoritative (the default language); others are translations."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=10, choices=settings.LETTER_LANGUAGES)
    title = models.CharField(_("title"), max_length=300)
    addressee = models.CharField(_("addressee line"), max_length=500, blank=True, help_text=_('e.g. "To: Member States of the Asia Pacific Group"'))
    date_line = models.CharField(_("date line"), max_length=100, blank=True, help_text=_('As it appears, e.g. "25th May 2021"'))
    body = models.TextField(_("body (Markdown)"), blank=True)
    closing = models.CharField(_("closing line"), max_length=200, blank=True, help_text=_('e.g. "Sincerely,"'))
    # The list's own words in this version, for languages the interface has no translation for (Italian, Farsi…)
    # or when the coalition words them differently. Empty: the interface's translation, else English.
    signatories_label = models.CharField(
        _("heading of the list"), max_length=200, blank=True, help_text=_('e.g. "Firmatari"'))
    organisations_label = models.CharField(
        _("heading for organisations"), max_length=200, blank=True, help_text=_('e.g. "Organizzazioni"'))
    individuals_label = models.CharField(
        _("heading for individuals"), max_length=200, blank=True,
        help_text=_('e.g. "Individui (affiliazione solo a fini identificativi)"'))
    unnamed_label = models.CharField(
        _("organisations that cannot be named"), max_length=300, blank=True,
        help_text=_('Use {count} for the number, e.g. "e {count} organizzazioni che non possono essere nominate '
                    'per motivi di sicurezza"'))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["letter", "language"]
        verbose_name = _("language version")
        verbose_name_plural = _("language versions")
        constraints = [models.UniqueConstraint(fields=["letter", "language"], name="one_version_per_language")]

    def __str__(self):
        return f"{self.title} [{self.language}]"

    @property
    def is_rtl(self):
        from django.utils.translation import get_language_info

        try:
            return bool(get_language_info(self.language).get("bidi"))
        except KeyError:
            return self.language in ("ar", "fa", "he", "ur", "ps", "ckb", "ug", "yi", "dv")

    SINGLE_LINE_FIELDS = ("title", "date_line", "closing", "signatories_label", "organisations_label",
                          "individuals_label", "unnamed_label")
    MULTI_LINE_FIELDS = ("addressee", "body")  # an addressee may be "To: …" and "Cc: …" on two lines

    def clean_texts(self):
        """Every text field cleaned in place (no control, zero-width or direction-override characters); returns
        self. save() calls it; documents call it too for versions saved before this rule."""
        from letters.text import clean_attributes, clean_multiline, clean_text

        clean_attributes(self, self.SINGLE_LINE_FIELDS, clean_text)
        return clean_attributes(self, self.MULTI_LINE_FIELDS, clean_multiline)

    def save(self, *args, **kwargs):
        self.clean_texts()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.utils.translation import override

        with override(self.language if self.language in dict(settings.LANGUAGES) else None):
            return reverse("public:letter", kwargs={"slug": self.letter.slug})


class ListSnapshot(models.Model):
    """The signatory list exactly as exported when a letter was finalised (or an addendum after it)."""

    class Kind(models.TextChoices):
        FINAL = "final", _("Finalised list")
        ADDENDUM = "addendum", _("Addendum")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="snapshots")
    language = models.CharField(max_length=10, choices=settings.LETTER_LANGUAGES)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FINAL)
    rows = models.JSONField(default=list)
    # The text revision of this language's version the list was published under (None: no version in it).
    revision_number = models.PositiveIntegerField(_("text revision"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("list snapshot")
        verbose_name_plural = _("list snapshots")
        indexes = [models.Index(fields=["letter", "language", "kind"])]

    def __str__(self):
        return f"{self.letter} [{self.language}] {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


__all__ = ["InvalidTransition", "Letter", "LetterEvent", "LetterQuerySet", "LetterVersion", "ListSnapshot"]


def version_language(language):
    """The letter language of an interface language: letter versions use two-letter codes ("zh" for the
    interface's "zh-hans"); any other code is returned as it is."""
    return "zh" if (language or "").lower().startswith("zh") else language


def interface_language(language):
    """The interface language (whose catalogue translates export words and emails) of a letter language:
    "zh" → "zh-hans"; any other code is returned as it is (Django falls back to English where it has none)."""
    return "zh-hans" if (language or "").lower() in ("zh", "zh-cn", "zh-sg") else language
