"""The Atom feed of a project's releases (Django's syndication framework)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from reviews.access import get_umbrella
from reviews.models import UmbrellaReview

from .models import Release
from .selectors import project_of

FEED_LENGTH = 50


class ReleaseFeed(Feed):
    """Newest releases first, each with its notes; readable by whoever may read the project."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> UmbrellaReview:
        return project_of(get_umbrella(request, slug))

    def title(self, obj: UmbrellaReview) -> str:
        return f"Releases of {obj.title}"

    def link(self, obj: UmbrellaReview) -> str:
        return reverse("releases:release-list", kwargs={"slug": obj.slug})

    def subtitle(self, obj: UmbrellaReview) -> str:
        return "Each numbered release of this living umbrella review and what changed in it."

    def items(self, obj: UmbrellaReview) -> list[Release]:
        releases = Release.objects.filter(umbrella=obj).select_related("umbrella")
        return list(releases.defer("workbook", "figures").order_by("-number")[:FEED_LENGTH])

    def item_title(self, item: Release) -> str:
        return f"Release {item.number} of {item.published_at:%d %B %Y}"

    def item_description(self, item: Release) -> str:
        return item.notes

    def item_link(self, item: Release) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Release) -> datetime:
        return item.published_at

    def item_updateddate(self, item: Release) -> datetime:
        return item.published_at
