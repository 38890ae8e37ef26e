"""Reads shared by the release pages, the feed and the banner of the "as of" pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from reviews.models import UmbrellaReview

from .models import Release

# The list, feed and banner never need the stored bytes or figures: they stay in the database.
LIGHT = ("workbook", "figures")


def project_of(umbrella: UmbrellaReview) -> UmbrellaReview:
    """Releases belong to the project: a frozen copy's release pages are its project's."""
    if umbrella.is_frozen:
        raise Http404("Releases are listed on the project's own pages.")
    return umbrella


def releases_of(umbrella: UmbrellaReview) -> QuerySet[Release]:
    """The project's releases, newest first, without their stored bytes and figures."""
    return (
        Release.objects.filter(umbrella=umbrella)
        .defer(*LIGHT)
        .select_related("snapshot", "published_by")
        .order_by("-number")
    )


def release_of(umbrella: UmbrellaReview, number: int, *, light: bool = False) -> Release:
    releases = Release.objects.filter(umbrella=umbrella).select_related("snapshot")
    if light:
        releases = releases.defer(*LIGHT)
    release = releases.filter(number=number).first()
    if release is None:
        raise Http404(f"There is no release {number} of this umbrella review.")
    return release


def as_of_path(path: str, frozen_slug: str, slug: str) -> str:
    """The same page of another version: `/u/<frozen_slug>/…` becomes `/u/<slug>/…`."""
    prefix = f"/u/{frozen_slug}/"
    return f"/u/{slug}/{path[len(prefix) :]}" if path.startswith(prefix) else f"/u/{slug}/"
