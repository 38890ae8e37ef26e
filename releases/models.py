"""A release: the stored record of one numbered version of a published project."""

from __future__ import annotations

import hashlib
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
