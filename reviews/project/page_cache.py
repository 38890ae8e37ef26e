"""Whole-page caching for the public: anonymous readers of a published project.

Policy readers browse published projects without an account, and every one of them gets the
same HTML for the same address. So their pages are kept, per address and project data
revision (reviews.project.revisions), and served without running the view: one query for the project
instead of a page's worth. Members always get a freshly rendered page (their pages show edit
links, roles and messages). A page is only kept when nothing in it belongs to one visitor:
no CSRF token was issued while rendering it and no message was waiting to be shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from ..models import UmbrellaReview
from .revisions import CACHE_SECONDS, current_revision
from .warming import figures_updating


def _key(request: HttpRequest, umbrella: UmbrellaReview) -> str:
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"public-page:{umbrella.pk}:{current_revision(umbrella)}:{address}"


def _cacheable(request: HttpRequest, umbrella: UmbrellaReview) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and umbrella.is_published
        and not request.user.is_authenticated
        and not len(get_messages(request))
    )


def serve_public_page(
    request: HttpRequest, umbrella: UmbrellaReview, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The kept page for an anonymous reader, else `render()` (kept for the next one)."""
    if not _cacheable(request, umbrella):
        return render()
    key = _key(request, umbrella)
    kept = cache.get(key)
    if kept is not None:
        content, content_type = kept
        return HttpResponse(content, content_type=content_type)
    response = render()
    if isinstance(response, TemplateResponse) and response.status_code == 200:

        def keep(rendered: HttpResponse) -> None:
            # A page shown with the previous figures (recomputing) is not kept as current.
            if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not figures_updating(umbrella):
                cache.set(key, (rendered.content, rendered["Content-Type"]), CACHE_SECONDS)

        response.add_post_render_callback(keep)
    return response
