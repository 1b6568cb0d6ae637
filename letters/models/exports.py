"""Background exports: a big list requested from the exports page is written by the worker (letters.tasks)."""

import logging

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .letters import Letter

logger = logging.getLogger(__name__)


class ExportJobQuerySet(models.QuerySet):
    def prune(self, now=None, days=None):
        """Delete the jobs requested EXPORT_JOB_KEEP_DAYS ago or more, with their files (0: keep them all); a job
        still queued or running by then has died with its worker. The scheduler runs it hourly. Returns how many."""
        days = settings.EXPORT_JOB_KEEP_DAYS if days is None else days
        if days <= 0:
            return 0
        cutoff = (now or timezone.now()) - timezone.timedelta(days=days)
        deleted, _by_model = self.filter(created_at__lte=cutoff).delete()
        if deleted:
            logger.info("export files pruned: %s", deleted)
        return deleted


class ExportJob(models.Model):
    """One export of a letter's list written in the background, and the file it produced.

    The file is kept in the database (`content`), not under MEDIA_ROOT: the worker that writes it and the web
    replicas that serve it share the database and nothing else (no common volume behind `--scale web=3`), and a
    few MB per job, pruned after EXPORT_JOB_KEEP_DAYS, is small next to the list itself. It may hold signers'
    emails: only the letter's coordinators may download it (views.exports.job_download).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="export_jobs")
    language = models.CharField(_("language"), max_length=10)
    layout = models.CharField(_("layout"), max_length=20)
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    content = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("background export")
        verbose_name_plural = _("background exports")

    def __str__(self):
        return f"{self.letter.slug} {self.layout} {self.language} ({self.status})"

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return min(99, int(100 * self.progress / self.total)) if self.total else 0

    @property
    def is_pending(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
