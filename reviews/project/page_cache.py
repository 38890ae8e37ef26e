"""Whole-page caching: anonymous readers of published projects, and members.

Policy readers browse published projects without an account, and every one of them gets the
same HTML for the same address. So their pages are kept, per address and project data
revision (reviews.project.revisions), and served without running the view: one query for the
project instead of a page's worth. A public page is only kept when nothing in it belongs to one
visitor: no CSRF token was issued while rendering it and no message was waiting to be shown.

Logged-in readers (members, and anyone logged in reading a published project) get their pages
kept too, under a key that holds everything a page may differ by between them: the revision,
the address, the user, their role in the project and their staff/superuser flags. The user is
in the key because some pages show one member's own work (a rater's "your appraisal", the
results they entered): two members never share a kept page, so the blinding rules hold by
construction, and a role change or a revoked membership changes the key at once. The per-request
parts are holes filled at serve time: the CSRF token (its secret belongs to the browser, not
the user, so one user's two browsers differ) and the user's name in the header. A waiting
message, a page shown with the previous figures ("Updating…") or a response other than a
rendered 200 is never kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils.crypto import salted_hmac
from django.utils.html import escape

from ..models import UmbrellaReview
from .revisions import CACHE_SECONDS, current_revision
from .warming import figures_updating


def _address(request: HttpRequest) -> str:
    return hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]


def _key(request: HttpRequest, umbrella: UmbrellaReview) -> str:
    return f"public-page:{umbrella.pk}:{current_revision(umbrella)}:{_address(request)}"


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


def _hole(name: str) -> str:
    # Derived from SECRET_KEY: the same on every server sharing the cache, and not a string a
    # visitor could know and type into a field to have it replaced by someone's token.
    return "hole" + salted_hmac("reviews.page_cache.hole", name).hexdigest()[:32]


CSRF_HOLE = _hole("csrf")
USERNAME_HOLE = _hole("username")


class _HoledUser:
    """The request's user as a kept page's template sees it: everything but the name, which is
    a hole filled per request (a user renamed in the admin shows the new name at once)."""

    def __init__(self, user: Any) -> None:
        self._user = user

    def __getattr__(self, name: str) -> Any:
        return getattr(self._user, name)

    def get_username(self) -> str:
        return USERNAME_HOLE


def hole_context(request: HttpRequest) -> dict[str, Any]:
    """Context that renders holes instead of the per-request parts, for a page being kept
    (`UmbrellaAccessMixin.get_context_data` adds it); empty for any other page."""
    if not getattr(request, "page_holes", False):
        return {}
    return {"csrf_token": CSRF_HOLE, "user": _HoledUser(request.user)}


def _fill(content: bytes, request: HttpRequest) -> bytes:
    """The kept page with this request's CSRF token and user name in its holes."""
    if CSRF_HOLE.encode() in content:  # only pages with a form issue a token (and its cookie)
        content = content.replace(CSRF_HOLE.encode(), get_token(request).encode())
    name = escape(request.user.get_username()).encode()
    return content.replace(USERNAME_HOLE.encode(), name)


def _member_key(request: HttpRequest, umbrella: UmbrellaReview, role: str | None) -> str:
    user = request.user
    view = f"{user.pk}:{role or '-'}:{int(user.is_staff)}:{int(user.is_superuser)}"
    return f"member-page:{umbrella.pk}:{current_revision(umbrella)}:{view}:{_address(request)}"


def serve_member_page(
    request: HttpRequest,
    umbrella: UmbrellaReview,
    role: str | None,
    render: Callable[[], HttpResponse],
) -> HttpResponse:
    """The page kept for this logged-in user with this `role`, its holes filled, else
    `render()` with holes (kept for their next request, then filled)."""
    # An unsaved user (the background recomputation's reader) has no page of its own to keep.
    unsaved = request.user.pk is None
    if request.method not in ("GET", "HEAD") or unsaved or len(get_messages(request)):
        return render()
    key = _member_key(request, umbrella, role)
    kept = cache.get(key)
    if kept is not None:
        content, content_type = kept
        return HttpResponse(_fill(content, request), content_type=content_type)
    request.page_holes = True  # type: ignore[attr-defined]
    response = render()
    if not isinstance(response, TemplateResponse):
        if not response.streaming and response.content:  # a plain page built from the context
            response.content = _fill(response.content, request)
        return response

    def keep(rendered: HttpResponse) -> None:
        # A real token issued while rendering (a part that bypassed the holes) is this
        # browser's: such a page is not kept. Nor one showing the previous figures.
        issued = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if rendered.status_code == 200 and not issued and not figures_updating(umbrella):
            cache.set(key, (rendered.content, rendered["Content-Type"]), CACHE_SECONDS)
        rendered.content = _fill(rendered.content, request)

    response.add_post_render_callback(keep)
    return response
