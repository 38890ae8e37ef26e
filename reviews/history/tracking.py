"""Which models keep an audit history, and how each one reaches its umbrella review.

This app's models are listed here; the apps above register theirs from their
`AppConfig.ready()` (upper apps plug in through ready(): see `reviews/__init__.py`), so the
history page can check access for any of them while this app, the lowest layer, names no
model of the apps above it.
"""

from typing import Any

from django.db.models import Model

# "app_label.model_name" → ORM path from that model to its umbrella review ("": it is one).
TRACKED: dict[str, str] = {
    "reviews.umbrellareview": "",
    "reviews.researchquestion": "umbrella",
    "reviews.population": "umbrella",
    "reviews.interventionformat": "umbrella",
    "reviews.deliverymode": "umbrella",
    "reviews.exclusionreason": "umbrella",
    "reviews.perspective": "umbrella",
    "reviews.includedreview": "umbrella",
    "reviews.report": "review__umbrella",
    "reviews.excludedreview": "umbrella",
    "reviews.primarystudy": "umbrella",
    "reviews.studyreport": "study__umbrella",
    "reviews.inclusion": "review__umbrella",
    "reviews.reportedinclusionfrequency": "umbrella",
    "reviews.implementationfactor": "umbrella",
    "reviews.experiencetheme": "umbrella",
    "reviews.experiencesubtheme": "theme__umbrella",
    "reviews.prismaflow": "umbrella",
    "reviews.keyfindingnarrative": "umbrella",
}


def track(paths: dict[str, str]) -> None:
    """Keep the history page open for these models ("app_label.model_name" → ORM path)."""
    TRACKED.update(paths)


def umbrella_id_of(instance: Model) -> int:
    """The umbrella review a tracked row belongs to, following its registered path.

    Attributes are followed, not queried, so a row not yet saved works too (its foreign keys
    set); a relation not loaded yet costs one query.
    """
    label = instance._meta.label_lower
    if label not in TRACKED:
        raise LookupError(f"{label} has no registered path to its umbrella review: track() it.")
    *hops, last = TRACKED[label].split("__") if TRACKED[label] else ["pk"]
    target: Any = instance
    for hop in hops:
        target = getattr(target, hop)
    return int(getattr(target, "pk" if last == "pk" else f"{last}_id"))
