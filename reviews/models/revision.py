"""A project's data revision: the key under which its computed pages are cached."""

from django.db import models

from .project import UmbrellaReview


class DataRevision(models.Model):
    """A counter that only goes up, bumped after every change to a project's research data
    (see `reviews.revisions`). It lives in its own table so that saving or restoring the
    umbrella review row can never set it back to a number whose cache entries are stale."""

    umbrella = models.OneToOneField(
        UmbrellaReview, on_delete=models.CASCADE, primary_key=True, related_name="data_revision"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.umbrella_id}: revision {self.number}"
