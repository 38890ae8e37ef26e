"""The API's entry point (what there is and where) and its JSON 404."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

# The resources of one project, below /api/v1/projects/<slug>/ (see docs/api.md).
PROJECT_RESOURCES = [
    "reviews",
    "appraisals",
    "outcomes",
    "results",
    "study-effects",
    "overlap",
    "cfir-factors",
    "experience-themes",
    "key-findings",
    "prisma",
    "summary-of-findings",
]


class RootView(APIView):
    """The list of resources, the schema and the docs page."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        def url(name: str, **kwargs: str) -> str:
            return request.build_absolute_uri(reverse(name, kwargs=kwargs or None))

        project = url("api:project", slug="SLUG")
        return Response(
            {
                "projects": url("api:projects"),
                "project": project,
                "project_resources": {name: f"{project}{name}/" for name in PROJECT_RESOURCES},
                "schema": url("api:schema"),
                "docs": url("api:docs"),
                "authentication": "Authorization: Token <token> (create one at "
                + url("tokens:list")
                + ")",
            }
        )


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return JsonResponse(
        {"detail": f"No API resource at {request.path}: see /api/v1/.", "status": 404},
        status=404,
    )
