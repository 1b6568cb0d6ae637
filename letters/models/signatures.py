"""Sign-ons: one organisation's (or individual's) signature on one letter, and its history."""

from django.conf import settings
import threading
from contextlib import contextmanager

from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from letters.text import clean_multiline, clean_text

from .directory import Organisation, OrganisationName
from .letters import InvalidTransition, Letter, _user_or_none


class SignatureQuerySet(models.QuerySet):
    def listed(self):
        """What appears on the published list: approved sign-ons whose signer agreed to be listed publicly."""
        return self.filter(status=Signature.Status.APPROVED, consent_public=True)

    def unnamed(self):
        """Approved sign-ons that must not be named (security): counted as "and N organisations…"."""
        return self.filter(status=Signature.Status.APPROVED, consent_public=False)

    def signed(self):
        """Everyone who has said yes and not taken it back (whether or not yet confirmed or approved)."""
        return self.filter(status__in=Signature.SIGNED_STATUSES)

    def awaiting_answer(self):
        """Invited organisations that have neither signed nor declined yet."""
        return self.filter(status=Signature.Status.INVITED)

    def answered(self):
        """Everyone who answered an invitation or signed unasked: signed, declined, withdrew or was rejected."""
        return self.filter(status__in=Signature.ANSWERED_STATUSES)

    def unconfirmed(self):
        return self.filter(status=Signature.Status.PENDING)

    def flagged(self):
        return self.filter(
            Q(flag_new_organisation=True) | Q(flag_near_duplicate=True) | Q(flag_domain_mismatch=True)
        )

    def with_names(self):
        """Everything the list needs to render names and countries without a query per row."""
        return self.select_related("organisation").prefetch_related("organisation__display_names")

    def counts_by_status(self):
        counts = dict.fromkeys(Signature.Status.values, 0)
        for row in self.values("status").annotate(n=models.Count("pk")).order_by():
            counts[row["status"]] = row["n"]
        return counts


class Signature(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Rejected")

    # The one place that says which sign-on status changes are allowed.
    # Coordinators may approve sign-ons received by email without an email confirmation (pending → approved),
    # and may reinstate a withdrawn or rejected one; signers may sign again after declining or withdrawing.
    TRANSITIONS = {
        Status.INVITED: {Status.PENDING, Status.CONFIRMED, Status.APPROVED, Status.DECLINED, Status.REJECTED},
        Status.PENDING: {Status.CONFIRMED, Status.APPROVED, Status.WITHDRAWN, Status.REJECTED, Status.DECLINED},
        Status.CONFIRMED: {Status.APPROVED, Status.WITHDRAWN, Status.REJECTED},
        Status.APPROVED: {Status.WITHDRAWN, Status.REJECTED},
        Status.DECLINED: {Status.INVITED, Status.PENDING, Status.APPROVED},
        Status.WITHDRAWN: {Status.PENDING, Status.APPROVED},
        Status.REJECTED: {Status.PENDING, Status.APPROVED},
    }
    SIGNED_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.APPROVED)
    # Every status but "invited": the organisation has answered, so it is neither invited nor reminded again.
    ANSWERED_STATUSES = (*SIGNED_STATUSES, Status.DECLINED, Status.WITHDRAWN, Status.REJECTED)
    # Which timestamp each status sets.
    TIMESTAMPS = {
        Status.INVITED: "invited_at",
        Status.PENDING: "signed_at",
        Status.CONFIRMED: "confirmed_at",
        Status.APPROVED: "approved_at",
        Status.DECLINED: "declined_at",
        Status.WITHDRAWN: "withdrawn_at",
        Status.REJECTED: "rejected_at",
    }

    class Source(models.TextChoices):
        WEB = "web", _("Web form")
        COORDINATOR = "coordinator", _("Added by a coordinator")
        IMPORT = "import", _("Imported list")
        INVITATION = "invitation", _("Invitation")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="signatures")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="signatures")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    name_override = models.CharField(
        _("name on this letter"), max_length=300, blank=True,
        help_text=_("Only if this letter must show a different name from the directory's."),
    )
    # This letter's name in one language only ({"es": "BALAOB Mindanaw"}): a version's list printed as received.
    names = models.JSONField(_("name per language on this letter"), default=dict, blank=True)
    # Moved on by the database itself (PostgreSQL triggers, migration 0017) whenever the name shown may have changed:
    # a stored collation key (SortKey) is used only while this still reads as when the key was computed.
    name_version = models.PositiveIntegerField(default=0, editable=False)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    signer_email = models.EmailField(_("signer's email"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LETTER_LANGUAGES, default="en")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.WEB)
    position = models.PositiveIntegerField(_("position"), null=True, blank=True, help_text=_("Manual order."))
    is_lead = models.BooleanField(_("lead organisation"), default=False)
    consent_public = models.BooleanField(_("agrees to be listed publicly"), default=True)
    message = models.TextField(_("message to the coordinators"), blank=True)
    section = models.ForeignKey(
        "letters.Section", null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures",
        verbose_name=_("section"),
    )
    # A region written where a country would stand ("Global", "Latinoamérica"), printed back as written.
    region = models.CharField(_("region as listed"), max_length=100, blank=True)
    # An individual's title/organisation on this letter (people change jobs; the directory keeps the latest).
    affiliation = models.CharField(_("affiliation on this letter"), max_length=300, blank=True)
    note = models.CharField(_("description from the list"), max_length=500, blank=True,
                            help_text=_("A description column of a received list; never printed in the name."))
    # The text signed: the revision of the version read (the signer's language) current when they signed.
    # RESTRICT (PROTECT that still lets a whole letter be deleted with its sign-ons): a sign-on is consent to this
    # text, so the record of what was signed must not silently become "unknown" (SET_NULL) while the sign-on exists.
    revision = models.ForeignKey(
        "letters.LetterVersionRevision", null=True, blank=True, on_delete=models.RESTRICT, related_name="signatures",
        verbose_name=_("text revision signed"),
    )

    # Flags for the coordinator, set when a sign-on is matched to the directory.
    flag_new_organisation = models.BooleanField(_("new organisation"), default=False)
    flag_near_duplicate = models.BooleanField(_("near-duplicate"), default=False)
    flag_domain_mismatch = models.BooleanField(_("email domain mismatch"), default=False)
    match_note = models.CharField(_("matching note"), max_length=500, blank=True)
    submitted_name = models.CharField(_("name as submitted"), max_length=300, blank=True)
    added_after_finalisation = models.BooleanField(_("after publication"), default=False)

    invited_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["letter", "position", "pk"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            # The database, not the form, guarantees one sign-on per organisation and letter.
            models.UniqueConstraint(fields=["letter", "organisation"], name="one_signature_per_org_per_letter")
        ]
        indexes = [models.Index(fields=["letter", "status"]), models.Index(fields=["signer_email"])]
        # django-import-export checks this (settings: IMPORT_EXPORT_EXPORT_PERMISSION_CODE) instead of admin access.
        permissions = [("export_signature", _("Can export signatory lists"))]

    def __str__(self):
        return f"{self.display_name()} → {self.letter}"

    def save(self, *args, **kwargs):
        self.clean_texts()
        if not self._changes_public_list(kwargs.get("update_fields")):
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            super().save(*args, **kwargs)
            list_changed(self.letter_id, *([self._loaded_letter_id] if self._loaded_letter_id else []))
        self._remember_listing()

    def clean_texts(self):
        """Every text field fit to store and publish (also called before bulk_create, which skips save())."""
        self.name_override = clean_text(self.name_override)
        self.signer_name = clean_text(self.signer_name)
        self.region = clean_text(self.region)
        self.affiliation = clean_text(self.affiliation)
        self.note = clean_text(self.note)
        self.submitted_name = clean_text(self.submitted_name)
        self.match_note = clean_text(self.match_note)
        self.message = clean_multiline(self.message)
        if isinstance(self.names, dict) and self.names:
            names = ((str(language), clean_text(name)) for language, name in self.names.items())
            self.names = {language: name for language, name in names if name}
        self.signer_email = clean_text(self.signer_email).lower()

    # --- keeping the letter's list state (counts, revision) on write --------------------------------------------

    # Saving only these never changes what the public list shows.
    UNLISTED_FIELDS = frozenset({
        "signer_name", "signer_email", "message", "flag_new_organisation", "flag_near_duplicate",
        "flag_domain_mismatch", "match_note", "submitted_name", "note", "invited_at", "opened_at", "signed_at",
        "confirmed_at", "declined_at", "withdrawn_at", "rejected_at", "updated_at", "language", "source",
    })
    _loaded_approved = False
    _loaded_letter_id = None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_listing()
        return instance

    def _remember_listing(self):
        """What the row in the database says, as far as the public list is concerned (set on load and save)."""
        if "status" in self.__dict__:
            self._loaded_approved = self.status == self.Status.APPROVED
        if "letter_id" in self.__dict__:
            self._loaded_letter_id = self.letter_id

    def _changes_public_list(self, update_fields):
        """Whether this save may change the letter's public list or its counts: the sign-on is approved (a name,
        section, order or consent change shows), or was approved when loaded (it leaves the list)."""
        if update_fields is not None and set(update_fields) <= self.UNLISTED_FIELDS:
            return False
        return self.status == self.Status.APPROVED or self._loaded_approved

    def delete(self, *args, **kwargs):
        if not (self.status == self.Status.APPROVED or self._loaded_approved):
            return super().delete(*args, **kwargs)
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            list_changed(self.letter_id)
        return result

    def display_name(self, language=None):
        """The name as it appears on this letter in `language`: this letter's name in that language → override →
        per-language directory name → canonical name."""
        if self.names and (language or self.language) in self.names:
            return self.names[language or self.language]
        if self.name_override:
            return self.name_override
        return self.organisation.name_in(language or self.language)

    @property
    def is_listed(self):
        return self.status == self.Status.APPROVED and self.consent_public

    # --- status changes ------------------------------------------------------------------------------------

    def can_become(self, to_status):
        return to_status in self.TRANSITIONS.get(self.status, set())

    def transition(self, to_status, by=None, reason="", action=""):
        """Change status, stamp the time, and record who/when/why. Raises InvalidTransition if not allowed."""
        if not self.can_become(to_status):
            raise InvalidTransition(_("This sign-on"), self.get_status_display(), self.Status(to_status).label)
        now = timezone.now()
        with transaction.atomic():
            from_status = self.status
            self.status = to_status
            setattr(self, self.TIMESTAMPS[to_status], now)
            if to_status == self.Status.APPROVED and self.letter.status == Letter.Status.FINALISED:
                self.added_after_finalisation = True
            self.save()
            self.events.create(
                from_status=from_status, to_status=to_status, by=_user_or_none(by), reason=reason,
                action=action or to_status, at=now,
            )

    def confirm(self, by=None):
        """The signer confirmed their email. Harmless if already confirmed or approved.

        On letters that do not need approval, a confirmed sign-on is approved at once (recorded as automatic).
        """
        if self.status in (self.Status.CONFIRMED, self.Status.APPROVED):
            return False
        self.transition(self.Status.CONFIRMED, by=by)
        if not self.letter.requires_approval:
            self.transition(self.Status.APPROVED, reason="automatic: letter does not need approval")
        return True

    def approve(self, by, reason=""):
        self.transition(self.Status.APPROVED, by=by, reason=reason)

    def reject(self, by, reason=""):
        self.transition(self.Status.REJECTED, by=by, reason=reason)

    def withdraw(self, by=None, reason=""):
        """Take the organisation off the letter (by the signer through their link, or by a coordinator)."""
        self.transition(self.Status.WITHDRAWN, by=by, reason=reason)

    def decline(self, by=None, reason=""):
        self.transition(self.Status.DECLINED, by=by, reason=reason)

    def record(self, action, by=None, reason=""):
        """Record a change that is not a status change (renamed, marked lead, moved) in the same history."""
        self.events.create(
            from_status=self.status, to_status=self.status, by=_user_or_none(by), reason=reason, action=action
        )


_batch = threading.local()


def list_changed(*letter_ids):
    """The public list of these letters changed: recount what the page shows (approved organisations,
    individuals, and those not named) and move the list revision on, in the caller's transaction.

    Every write that can change a public list calls this (Signature.save/delete do it themselves; bulk writes
    call it once). The first UPDATE takes the letters' row locks; the recount is a second statement so that, on
    PostgreSQL, it sees every sign-on committed by a transaction that held the lock before us. Inside
    batched_list_changes() the letters are only noted, and recounted once when the batch ends.
    """
    ids = sorted({int(pk) for pk in letter_ids if pk})
    if not ids:
        return
    pending = getattr(_batch, "letters", None)
    if pending is not None:
        pending.update(ids)
        return
    from django.utils import timezone

    with transaction.atomic():
        letters = Letter.objects.filter(pk__in=ids)
        letters.update(list_revision=F("list_revision") + 1, list_changed_at=timezone.now())
        approved = Signature.objects.filter(letter=OuterRef("pk"), status=Signature.Status.APPROVED).order_by()

        def count(queryset):
            counted = queryset.values("letter").annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(counted), Value(0))

        letters.update(
            count_organisations=count(approved.filter(organisation__kind=Organisation.Kind.ORGANISATION)),
            count_individuals=count(approved.filter(organisation__kind=Organisation.Kind.INDIVIDUAL)),
            count_unnamed=count(approved.filter(consent_public=False)),
        )


@contextmanager
def batched_list_changes():
    """One transaction in which list_changed() only notes letters; they are recounted once at the end (bulk
    moderation: one recount for 500 approvals, and the letter's row lock taken after the sign-ons' locks)."""
    if getattr(_batch, "letters", None) is not None:  # already batching: the outer batch recounts
        with transaction.atomic():
            yield
        return
    with transaction.atomic():
        _batch.letters = set()
        try:
            yield
            letters = _batch.letters
        finally:
            _batch.letters = None
        list_changed(*letters)


def letters_showing(organisation_id):
    """The letters whose public list shows this organisation (an approved sign-on)."""
    return Signature.objects.filter(organisation_id=organisation_id, status=Signature.Status.APPROVED).values_list(
        "letter_id", flat=True)


def _organisation_saved(sender, instance, created, raw=False, **kwargs):
    """A directory edit (name, kind, country, affiliation…) shows on every letter the organisation signed."""
    if not created and not raw:
        list_changed(*letters_showing(instance.pk))


def _display_name_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        list_changed(*letters_showing(instance.organisation_id))


post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="letters-list-organisation")
post_save.connect(_display_name_changed, sender=OrganisationName, dispatch_uid="letters-list-name-saved")
post_delete.connect(_display_name_changed, sender=OrganisationName, dispatch_uid="letters-list-name-deleted")


class SignatureEvent(models.Model):
    """One entry of a sign-on's history: a status change or another coordinator action."""

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40, blank=True)
    from_status = models.CharField(max_length=20, choices=Signature.Status.choices)
    to_status = models.CharField(max_length=20, choices=Signature.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("sign-on history entry")
        verbose_name_plural = _("sign-on history")

    def __str__(self):
        return f"{self.action}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        self.reason = clean_multiline(self.reason)
        super().save(*args, **kwargs)
