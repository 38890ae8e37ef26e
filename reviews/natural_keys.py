"""Declaring what a model's natural key depends on, in a form a type checker accepts.

Django's serializers order fixtures by the ``dependencies`` attribute of a model's
``natural_key`` method (see "Dependencies during serialization" in Django's docs). Setting
that attribute after the ``def`` is the documented idiom, but mypy cannot type an attribute
added to a function; this decorator sets it in one place instead.
"""

from collections.abc import Callable
from typing import TypeVar

Method = TypeVar("Method", bound=Callable[..., tuple[object, ...]])


def depends_on(*models: str) -> Callable[[Method], Method]:
    """Mark a ``natural_key`` method as needing these models ("app_label.model") first."""

    def mark(natural_key: Method) -> Method:
        # A function attribute mypy cannot see: Django reads it with getattr.
        natural_key.dependencies = list(models)  # type: ignore[attr-defined]
        return natural_key

    return mark
