"""Headline findings per research question, for the overview and the home page's cards.

Composed from the key findings (`key_findings.key_findings`), so they never disagree with the
Key findings page; registered with `reviews.project.headlines` from `SynthesisConfig.ready()`.
"""

from django.urls import reverse

from reviews.models import UmbrellaReview
from reviews.project.headlines import Headline

from . import key_findings

MAX_NAMES = 4  # outcomes, factors or themes named per line; the rest counted


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    more = len(names) - MAX_NAMES
    return f"{shown} and {more} more" if more > 0 else shown


def _lines(section: key_findings.Section) -> tuple[str, ...]:
    computed = section.computed
    if section.question.kind == "effectiveness" and isinstance(computed, list):
        return tuple(
            f"{group.category} ({len(group.outcomes)} outcome"
            f"{'' if len(group.outcomes) == 1 else 's'}): "
            f"{_names([str(o.outcome) for o in group.outcomes])}"
            for group in computed
        )
    if section.question.kind == "implementation" and isinstance(computed, list):
        factors = sorted(
            (f for domain in computed for f in domain.factors),
            key=lambda f: (-f.n_reviews, f.code),
        )
        if factors:
            top = [f"{f.statement} ({f.n_reviews} reviews)" for f in factors[:3]]
            return ("Factors backed by most reviews: " + "; ".join(top),)
    if section.question.kind == "experiences" and isinstance(computed, list):
        themes = [h.theme.name for h in computed]
        if themes:
            return (f"Themes: {_names(themes)}",)
    return ()


def compose(umbrella: UmbrellaReview) -> list[Headline]:
    url = reverse("synthesis:key-findings", kwargs={"slug": umbrella.slug})
    return [
        Headline(
            code=section.question.code,
            kind=section.question.get_kind_display(),
            question=section.question.text,
            lines=lines,
            url=f"{url}#rq-{section.question.code}",
        )
        for section in key_findings.cached_key_findings(umbrella)
        if (lines := _lines(section))
    ]
