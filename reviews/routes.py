"""Shapes of URL patterns that every app's URL conf uses."""

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import URLPattern, path

View = Callable[..., Any]


def per_format(
    route: str, view: View, name: str, formats: Iterable[str], kwarg: str = "format"
) -> list[URLPattern]:
    """One pattern per file format of a download: `{fmt}` in `route` and `name` is the format,
    which the view receives as `kwarg`."""
    return [
        path(route.format(fmt=fmt), view, {kwarg: fmt}, name=name.format(fmt=fmt))
        for fmt in formats
    ]


def per_action(route: str, name: str, **views: View) -> list[URLPattern]:
    """`<route><action>/` (name `<name>-<action>`) for each action's view."""
    return [
        path(f"{route}{action}/", view, name=f"{name}-{action}") for action, view in views.items()
    ]


def add_and_edit(
    route: str, view: View, name: str, pk: str = "pk", **row_actions: View
) -> list[URLPattern]:
    """`<route>add/` (name `<name>-add`) and `<route><pk>/edit/` (name `<name>-edit`), for a view
    that adds a row or edits the row `pk`; then `<route><pk>/<action>/` (name `<name>-<action>`)
    for each further action on the row (`delete=`...)."""
    return [
        path(f"{route}add/", view, name=f"{name}-add"),
        *per_action(f"{route}<int:{pk}>/", name, edit=view, **row_actions),
    ]
