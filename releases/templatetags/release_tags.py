"""The "as of release N" banner on every page of a release's frozen copy, and the releases
line of a project's overview."""

from __future__ import annotations

from typing import Any

from django import template

from reviews.models import UmbrellaReview

from ..selectors import as_of_path, releases_of

register = template.Library()


@register.inclusion_tag("releases/_banner.html", takes_context=True)
def release_banner(context: template.Context) -> dict[str, Any]:
    """On a frozen copy's page: which release this is, and the same page in the latest release
    and in the current draft (three queries; none on a project's own pages)."""
    umbrella = context.get("umbrella")
    request = context.get("request")
    if not isinstance(umbrella, UmbrellaReview) or not umbrella.is_frozen or request is None:
        return {"release": None}
    project = umbrella.frozen_from
    assert project is not None  # is_frozen
    release = releases_of(project).get(snapshot=umbrella)
    latest = releases_of(project).first() or release
    return {
        "release": release,
        "project": project,
        "latest": latest if latest.number != release.number else None,
        "latest_url": as_of_path(request.path, umbrella.slug, latest.snapshot.slug),
        "draft_url": as_of_path(request.path, umbrella.slug, project.slug),
    }


@register.inclusion_tag("releases/_summary.html")
def release_summary(umbrella: UmbrellaReview) -> dict[str, Any]:
    """The overview's line: the latest release, the list and the feed (one query)."""
    return {"umbrella": umbrella, "latest": releases_of(umbrella).first()}
