"""What every API view shares: the project's access check, conditional GET, paging and
JSON errors (throttling: `api.throttling`).

Access is the pages' (`reviews.access.get_umbrella`): a published project is open to everyone,
an unpublished one is a 404 to outsiders. A release's frozen copy (issue 20) is no project of
its own here: its slug answers 404, naming the release's page and workbook to those who may read
it (the project list leaves copies out too). Responses of one project carry an `ETag` built from
its data revision (`reviews.project.revisions`), who is asking and the full URL, so a client
repeating a request with `If-None-Match` gets a 304 until the project's data changes. They also
carry `Last-Modified`, the time of the project's last change; `If-Modified-Since` alone earns a
304 for anonymous clients only, since what a member sees also depends on their role, which the
date does not follow (the ETag does).
"""

from __future__ import annotations

import hashlib
import time
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe, quote_etag
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from reviews.access import get_umbrella, member_role
from reviews.models import UmbrellaReview
from reviews.project.revisions import current_revision, last_changed

# Part of every ETag: a release that changes what a resource holds retires clients' copies.
REPRESENTATION = "1"


class Pagination(PageNumberPagination):
    """`?page=N`, and `?page_size=` up to MAX_PAGE_SIZE rows."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class KeysFirstPagination(Pagination):
    """The same pages, cut from the rows' keys alone, then read in full by key.

    On a large project most of a page's time went into sorting every matching row with all its
    columns and joined values (40,000 results: every column of the result, its review, outcome,
    domain and rating) to keep 50. Sorting the keys and the sort columns only, then reading the
    50 rows by primary key, gives the same rows in the same order for one more small query."""

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        keys = super().paginate_queryset(queryset.values_list("pk", flat=True), request, view)
        if keys is None:
            return None
        rows = {row.pk: row for row in queryset.filter(pk__in=keys).order_by()}
        return [rows[pk] for pk in keys]


class NotModified(exceptions.APIException):
    """The client's copy is current: a 304 with no body (`ProjectView` adds the ETag)."""

    status_code = 304


def json_errors(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, keeping the access helper's own messages, with the status in the body."""
    if isinstance(exc, NotModified):
        return Response(status=304)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        response.data.setdefault("status", response.status_code)
    return response


def etag_for(request: Request, umbrella: UmbrellaReview) -> str:
    """The project's data revision, the viewer (blinding differs per user) and the URL."""
    user = request.user
    role = member_role(user, umbrella) or ""
    parts = [
        REPRESENTATION,
        str(umbrella.pk),
        str(current_revision(umbrella)),
        str(user.pk) if user.is_authenticated else "anonymous",
        role,
        request.get_full_path(),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def last_modified_for(umbrella: UmbrellaReview) -> datetime | None:
    """The project's last change, as a Last-Modified date may state it.

    HTTP dates count whole seconds: a copy made in the same second as a change could miss a
    second change in that second and still look current by its date, so such a copy states no
    date (its ETag still validates it)."""
    changed = last_changed(umbrella)
    if changed is None or int(changed.timestamp()) >= int(time.time()):
        return None
    return changed


def _still_current(request: Request, etag: str, last_modified: datetime | None) -> bool:
    asked = request.headers.get("If-None-Match")
    if asked is not None:  # RFC 9110 13.2.2: If-None-Match wins over If-Modified-Since
        tags = parse_etags(asked)
        return quote_etag(etag) in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return (
        since is not None
        and last_modified is not None
        and not request.user.is_authenticated
        and int(last_modified.timestamp()) <= since
    )


def _frozen_copy_detail(request: Request, copy: UmbrellaReview) -> str:
    """Where a release is read: the copy stands for a release, which the API does not serve
    as a project (a client would take it for a second project with the same data)."""
    project = copy.frozen_from
    assert project is not None
    page = reverse(
        "releases:release-detail", kwargs={"slug": project.slug, "number": copy.frozen_number}
    )
    workbook = reverse(
        "releases:workbook", kwargs={"slug": project.slug, "number": copy.frozen_number}
    )
    return (
        f"'{copy.slug}' is release {copy.frozen_number} of the project '{project.slug}', not a "
        f"project: read it at {request.build_absolute_uri(page)}, its data at "
        f"{request.build_absolute_uri(workbook)}."
    )


class ProjectView(APIView):
    """A read of one project (`<slug>` in the URL): its access check, then conditional GET."""

    umbrella: UmbrellaReview
    etag: str = ""
    last_modified: datetime | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, throttling
        # The Django request carries the API's user too (DRF sets it on authentication).
        self.umbrella = get_umbrella(request._request, kwargs["slug"])
        if self.umbrella.is_frozen:
            raise exceptions.NotFound(_frozen_copy_detail(request, self.umbrella))
        self.etag = etag_for(request, self.umbrella)
        self.last_modified = last_modified_for(self.umbrella)
        if _still_current(request, self.etag, self.last_modified):
            raise NotModified

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.etag and response.status_code in (200, 304):
            response["ETag"] = quote_etag(self.etag)
            if self.last_modified is not None:
                response["Last-Modified"] = http_date(self.last_modified.timestamp())
            # Revalidate every time: the ETag makes that a 304 without the body.
            response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response
