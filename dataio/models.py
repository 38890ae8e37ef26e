"""Import jobs: one uploaded file on its way through the dry run, confirmation and import."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from reviews.models import UmbrellaReview

from .importers import IMPORTERS, Importer


class ImportJob(models.Model):
    """An upload waiting in the project's upload folder, and what its tasks found.

    The random id is the only handle a page or a task has on it, and every page looks it up
    together with the project and the user who uploaded it (`dataio.views`), so an id alone
    shows nobody else's report.
    """

    class Status(models.TextChoices):
        CHECK_QUEUED = "check_queued", "Waiting for the dry run"
        CHECKING = "checking", "Dry run running"
        CHECKED = "checked", "Dry run done: no problems, waiting for confirmation"
        REFUSED = "refused", "Problems found: nothing written"
        IMPORT_QUEUED = "import_queued", "Waiting to import"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed: nothing written"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired: the upload was deleted"

    RUNNING = (Status.CHECK_QUEUED, Status.CHECKING, Status.IMPORT_QUEUED, Status.IMPORTING)
    # The upload is still needed (for the dry run, the confirmation or the import).
    WAITING = (*RUNNING, Status.CHECKED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    umbrella = models.ForeignKey(UmbrellaReview, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)  # a key of dataio.importers.IMPORTERS
    update = models.BooleanField(default=False)
    name = models.CharField(max_length=255, help_text="The file's name as the user gave it.")
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status, default=Status.CHECK_QUEUED)
    # What the page shows: counts, the first problems and how many there are, or an error.
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"], name="import_job_status_age")]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("dataio:import-status", args=[self.umbrella.slug, self.pk])

    @property
    def importer(self) -> Importer:
        """What the upload is (what its report calls the parts of the file); a job of a kind
        no longer offered is reported in the workbook's words, the report's first ones."""
        return IMPORTERS.get(self.kind, IMPORTERS["workbook"])

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def suffix(self) -> str:
        """The upload's suffix (the stored file keeps it: the readers go by it)."""
        return "." + self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""
