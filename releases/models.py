"""A release: the stored record of one numbered version of a published project."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from reviews.models import UmbrellaReview


class ReleaseChanged(Exception):
    """An attempt to change or delete a stored release: releases are written once."""


class Release(models.Model):
    """Release `number` of `umbrella`: the workbook export as it stood (XLSX bytes, already
    deflate-compressed, with their SHA-256), the computed reader figures (JSON, which the
    change page compares) and the frozen copy that the "as of" pages read."""

    umbrella = models.ForeignKey(UmbrellaReview, on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True, help_text="What changed since the previous release.")
    workbook = models.BinaryField(help_text="The project's workbook export (XLSX) at release.")
    workbook_sha256 = models.CharField(max_length=64)
    workbook_size = models.PositiveIntegerField(help_text="Bytes of the stored workbook.")
    figures = models.JSONField(help_text="The computed reader figures (releases.figures).")
    snapshot = models.OneToOneField(
        UmbrellaReview, on_delete=models.CASCADE, related_name="frozen_release"
    )

    class Meta:
        ordering = ["umbrella", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["umbrella", "number"], name="release_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.umbrella} release {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Written once: the stored bytes and figures are the proof of what was released.
        if not self._state.adding:
            raise ReleaseChanged(f"{self} is stored once and cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "releases:release-detail", kwargs={"slug": self.umbrella.slug, "number": self.number}
        )

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ReleaseChanged(f"{self} is stored once and cannot be deleted.")

    @property
    def workbook_intact(self) -> bool:
        """Do the stored bytes still hash to the digest taken when they were stored?"""
        return hashlib.sha256(bytes(self.workbook)).hexdigest() == self.workbook_sha256


class PublishJob(models.Model):
    """One owner's request to publish the next release, on its way through the task worker
    (`releases.jobs`, `releases.tasks`): publishing a large project outlasts a web request.

    It keeps what the owner asked for (the number they saw, the notes), the state, and the
    outcome: the release it made, or the reasons it was refused. The random id is the handle
    of its status page, which only the project's owners read (`releases.views`).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the publishing worker"
        RUNNING = "running", "Publishing"
        DONE = "done", "Published"
        REFUSED = "refused", "Refused: nothing was released"
        FAILED = "failed", "Failed: nothing was released"
        CANCELLED = "cancelled", "Cancelled: nothing was released"

    PENDING = (Status.QUEUED, Status.RUNNING)
    # Only a queued publish is cancelled: once running, the release is one transaction away.
    CANCELLABLE = (Status.QUEUED,)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    umbrella = models.ForeignKey(
        UmbrellaReview, on_delete=models.CASCADE, related_name="publish_jobs"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(help_text="The release number the owner published.")
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    # Why it was refused (`releases.services.refusal`'s lines) or why it failed, in words.
    reasons = models.JSONField(default=list, blank=True)
    release = models.OneToOneField(
        Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One publish at a time per project, whatever races the page and the worker run.
            models.UniqueConstraint(
                fields=["umbrella"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_pending_publish_per_project",
            )
        ]

    def __str__(self) -> str:
        return f"{self.umbrella} release {self.number} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse(
            "releases:publish-status", kwargs={"slug": self.umbrella.slug, "job": self.pk}
        )

    @property
    def pending(self) -> bool:
        return self.status in self.PENDING

    @property
    def cancellable(self) -> bool:
        return self.status in self.CANCELLABLE
