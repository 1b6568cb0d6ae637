"""The organisation directory: one canonical record per organisation (or individual), rendered per language."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from letters.text import clean_multiline, clean_text, default_sort_name, email_domain, normalise_name


class Tag(models.Model):
    """A label coordinators use to pick organisations to invite ("LGBTI", "Asia network")."""

    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        super().save(*args, **kwargs)


class OrganisationQuerySet(models.QuerySet):
    def organisations(self):
        return self.filter(kind=Organisation.Kind.ORGANISATION)

    def individuals(self):
        return self.filter(kind=Organisation.Kind.INDIVIDUAL)

    def search(self, query):
        query = clean_text(query)
        if not query:
            return self
        key = normalise_name(query)
        return self.filter(
            Q(name__icontains=query)
            | Q(acronym__iexact=query)
            | Q(normalised_name__contains=key)
            | Q(aliases__normalised__contains=key)
            | Q(display_names__name__icontains=query)
        ).distinct()

    def needing_review(self):
        return self.filter(needs_review=True)


class Organisation(models.Model):
    """A signatory in the directory: usually an organisation, sometimes an individual.

    The canonical `name` is what every letter shows unless the organisation has a display name in the letter's
    language or a signature overrides it for one letter. Individuals sign "for identification purposes only"
    with an `affiliation`.
    """

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        INDIVIDUAL = "individual", _("Individual")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    name = models.CharField(_("name"), max_length=300, help_text=_("As the organisation wants it shown."))
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    sort_name = models.CharField(
        _("sort name"),
        max_length=300,
        blank=True,
        help_text=_('Used for alphabetical order. Empty: the name without a leading article ("The", "La", "El"…).'),
    )
    normalised_name = models.CharField(max_length=300, db_index=True, editable=False)
    country = CountryField(_("country"), blank=True, help_text=_('A country, "International" or a region.'))
    website = models.URLField(_("website"), max_length=300, blank=True)
    email_domains = models.CharField(
        _("known email domains"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated, e.g. amnesty.org, amnesty.org.uk. Used to recognise sign-ons."),
    )
    affiliation = models.CharField(
        _("affiliation"), max_length=300, blank=True, help_text=_("Individuals only: shown for identification.")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="organisations", verbose_name=_("tags"))
    needs_review = models.BooleanField(
        _("needs review"), default=False, help_text=_("Created by a public sign-on; not yet checked by a coordinator.")
    )
    notes = models.TextField(_("internal notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["acronym", "country"])]
        # django-import-export checks these (settings: IMPORT_EXPORT_*_PERMISSION_CODE) instead of admin access.
        permissions = [
            ("import_organisation", _("Can import the organisation directory")),
            ("export_organisation", _("Can export the organisation directory")),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_name = instance.__dict__.get("name")
        return instance

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        self.acronym = clean_text(self.acronym)
        self.sort_name = clean_text(self.sort_name)
        self.affiliation = clean_text(self.affiliation)
        self.website = clean_text(self.website)
        self.email_domains = clean_text(self.email_domains)
        self.notes = clean_multiline(self.notes)
        self.normalised_name = normalise_name(self.name)
        # Keep an automatic sort name in step with renames; leave a hand-set one alone.
        loaded = getattr(self, "_loaded_name", None)
        if not self.sort_name or (loaded and self.sort_name == default_sort_name(loaded)):
            self.sort_name = default_sort_name(self.name)
        self.email_domains = ", ".join(self.domains)
        super().save(*args, **kwargs)
        self._loaded_name = self.name

    @property
    def domains(self):
        parts = self.email_domains.replace(";", ",").replace(" ", ",").split(",")
        return [part.strip().lower().lstrip("@") for part in parts if part.strip()]

    def owns_email(self, email):
        domain = email_domain(email)
        return bool(domain) and any(domain == d or domain.endswith("." + d) for d in self.domains)

    @property
    def is_individual(self):
        return self.kind == self.Kind.INDIVIDUAL

    def name_in(self, language):
        """The name to show in `language`: a per-language display name if there is one, else the canonical name.

        Uses prefetched `display_names` when available so list pages stay at a constant query count.
        """
        for display in self.display_names.all():
            if display.language == language:
                return display.name
        return self.name

    def add_alias(self, name, source=""):
        name = clean_text(name)
        if not name or normalise_name(name) == self.normalised_name:
            return None
        alias, _created = self.aliases.get_or_create(
            normalised=normalise_name(name), defaults={"name": name, "source": source}
        )
        return alias


class OrganisationName(models.Model):
    """How an organisation's name is shown in one language (some coalitions translate names)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="display_names")
    language = models.CharField(_("language"), max_length=10, choices=settings.LETTER_LANGUAGES)
    name = models.CharField(_("name in this language"), max_length=300)

    class Meta:
        verbose_name = _("display name")
        verbose_name_plural = _("display names per language")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "language"], name="one_display_name_per_language")
        ]

    def __str__(self):
        return f"{self.name} [{self.language}]"

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        super().save(*args, **kwargs)


class OrganisationAlias(models.Model):
    """Another spelling of an organisation's name: kept after a merge or a correction so it is recognised again."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=300)
    normalised = models.CharField(max_length=300, db_index=True, editable=False)
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("e.g. merged, typo in a letter"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [models.UniqueConstraint(fields=["organisation", "normalised"], name="unique_alias_per_org")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        self.source = clean_text(self.source)
        self.normalised = normalise_name(self.name)
        super().save(*args, **kwargs)


class ContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, unsubscribed_at__isnull=True)


class Contact(models.Model):
    """A person at an organisation whom coordinators invite and remind."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LETTER_LANGUAGES, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [models.UniqueConstraint(fields=["organisation", "email"], name="unique_contact_email_per_org")]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        self.email = clean_text(self.email).lower()
        super().save(*args, **kwargs)
