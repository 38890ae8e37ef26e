"""The headline findings that lead the project overview and the home page's project cards.

They are computed from the evidence (the synthesis app's key findings, a layer above this
one), so the synthesis app registers the function that composes them from its
`AppConfig.ready()` (`register_headlines`) and this module never imports it. Without a
registered composer there are no headlines, and the pages show their counts alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..models import UmbrellaReview
from .revisions import cached_for_project


@dataclass(frozen=True)
class Headline:
    """One research question's computed findings, as short plain lines."""

    code: str  # "RQ1"
    kind: str  # "Effectiveness"
    question: str
    lines: tuple[str, ...]
    url: str  # where the full findings are


Composer = Callable[[UmbrellaReview], list[Headline]]
_composer: Composer | None = None


def register_headlines(composer: Composer) -> None:
    """Called once, from the synthesis app's `AppConfig.ready()`."""
    global _composer
    _composer = composer


def headlines(umbrella: UmbrellaReview) -> list[Headline]:
    """The project's headlines, cached until its data changes."""
    composer = _composer
    if composer is None:
        return []
    return cached_for_project(umbrella, "headlines", "", lambda: composer(umbrella))
