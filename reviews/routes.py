"""Shapes of URL patterns that every app's URL conf uses."""

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import URLPattern, path


def per_format(
    route: str, view: Callable[..., Any], name: str, formats: Iterable[str], kwarg: str = "format"
) -> list[URLPattern]:
    """One pattern per file format of a download: `{fmt}` in `route` and `name` is the format,
    which the view receives as `kwarg`."""
    return [
        path(route.format(fmt=fmt), view, {kwarg: fmt}, name=name.format(fmt=fmt))
        for fmt in formats
    ]


def add_and_edit(
    route: str, view: Callable[..., Any], name: str, pk: str = "pk"
) -> list[URLPattern]:
    """`<route>add/` (name `<name>-add`) and `<route><pk>/edit/` (name `<name>-edit`), for a view
    that adds a row or edits the row `pk`."""
    return [
        path(f"{route}add/", view, name=f"{name}-add"),
        path(f"{route}<int:{pk}>/edit/", view, name=f"{name}-edit"),
    ]
