"""Invitations, the email outbox, directory merges and abuse throttles."""

import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .directory import Contact, Organisation
from .letters import Letter
from .signatures import Signature


class Invitation(models.Model):
    """One contact invited to sign one letter. The personal link carries `token`."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="invitations")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["letter", "contact"], name="one_invitation_per_contact")]

    def __str__(self):
        return f"{self.contact} → {self.letter}"


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(state=OutgoingEmail.State.QUEUED, next_attempt_at__lte=now, lease_until__isnull=True)

    def claimed(self):
        """Queued emails a worker is sending right now (or was, when it died: see emails.core.sweep_expired_claims)."""
        return self.filter(state=OutgoingEmail.State.QUEUED, lease_until__isnull=False)


class OutgoingEmail(models.Model):
    """The outbox: every email is written here first, then sent by a background task.

    Because the row is committed with the sign-on, an SMTP outage only delays the email; the task retries
    with back-off and the state (queued, sent, failed + error) is visible to coordinators.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    language = models.CharField(max_length=10, default="en")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Unique when set: "reminder 7 days before, for this invitation" is sent once, even if two jobs race.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    letter = models.ForeignKey(Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails")
    signature = models.ForeignKey(Signature, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails")
    # Extra message headers, e.g. List-Unsubscribe on invitations and reminders (RFC 2369 / RFC 8058).
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    # Delivery across crashes (emails.core.send_one): a worker claims a queued email with a lease and commits
    # before talking to SMTP; `lease_until` set means "claimed". The Message-ID is chosen once and reused on every
    # retry; `handed_over_at` is written just before the message's last bytes go to the mail server.
    message_id = models.CharField(max_length=255, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    handed_over_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outbox")

    def __str__(self):
        return f"{self.kind} → {self.to} ({self.state})"

    def save(self, *args, **kwargs):
        from letters.text import clean_text

        # One line: a name with a line break in a subject would make every send attempt fail (header injection).
        self.subject = clean_text(self.subject)
        super().save(*args, **kwargs)


class EmailSuppressionQuerySet(models.QuerySet):
    def of(self, email):
        return self.filter(email=(email or "").strip().lower())


class EmailSuppression(models.Model):
    """An address that asked for no more invitations or reminders, whichever organisation it was listed under.

    Kept apart from Contact rows on purpose: contacts are deleted with their organisation or folded away by a
    directory merge, and an unsubscribe must outlive them. Emails people ask for themselves (the confirmation of
    their own sign-on) are still sent.
    """

    class Source(models.TextChoices):
        LINK = "link", _("Unsubscribe link")
        ONE_CLICK = "one-click", _("One-click unsubscribe from the mail program")
        CONTACT = "contact", _("Contact marked as unsubscribed")

    email = models.EmailField(_("email"), max_length=254, unique=True)
    at = models.DateTimeField(_("unsubscribed"), default=timezone.now)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.LINK)

    objects = EmailSuppressionQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("unsubscribed address")
        verbose_name_plural = _("unsubscribed addresses")

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        from letters.text import clean_text

        self.email = clean_text(self.email).lower()
        super().save(*args, **kwargs)

    @classmethod
    def is_suppressed(cls, email):
        return cls.objects.of(email).exists()


class MergeRecord(models.Model):
    """A directory merge: `removed_name` was folded into `kept`. Kept for the record and for undoing by hand."""

    kept = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="merges")
    removed_name = models.CharField(max_length=300)
    removed_id = models.PositiveBigIntegerField()
    moved_signatures = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self):
        return f"{self.removed_name} → {self.kept}"


class Throttle(models.Model):
    """A token bucket in the database.

    Written by hand because django-ratelimit needs a shared cache with atomic increments (Redis/Memcached)
    and silently undercounts with the local-memory or database cache; a row locked with SELECT … FOR UPDATE
    counts correctly across gunicorn workers on PostgreSQL.
    """

    key = models.CharField(max_length=200, unique=True)
    tokens = models.FloatField()
    updated_at = models.DateTimeField()

    @classmethod
    def allow(cls, key, capacity, per_seconds=3600):
        """Take one token from bucket `key` (capacity tokens refilled over per_seconds); False when empty."""
        now = timezone.now()
        rate = capacity / per_seconds
        with transaction.atomic():
            bucket, created = cls.objects.select_for_update().get_or_create(
                key=key, defaults={"tokens": capacity - 1, "updated_at": now}
            )
            if created:
                return True
            tokens = min(capacity, bucket.tokens + (now - bucket.updated_at).total_seconds() * rate)
            if tokens < 1:
                return False
            cls.objects.filter(pk=bucket.pk).update(tokens=tokens - 1, updated_at=now)
            return True

    @classmethod
    def prune(cls, older_than_seconds=86400):
        cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
        return cls.objects.filter(updated_at__lt=cutoff).delete()[0]


__all__ = ["EmailSuppression", "Invitation", "MergeRecord", "OutgoingEmail", "Throttle"]
