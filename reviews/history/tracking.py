"""Which models keep an audit history, and how each one reaches its umbrella review.

This app's models are listed here; the apps above register theirs from their
`AppConfig.ready()` (upper apps plug in through ready(): see `reviews/__init__.py`), so the
history page can check access for any of them while this app, the lowest layer, names no
model of the apps above it.

An app whose rows are not all visible to every member (the AMSTAR 2 appraisals, blinded until
both raters have submitted) registers, with its models, the rule that decides who may read a
record's history (`visible`), and whether an old version may be restored at all (`restore`).
"""

from collections.abc import Callable
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
    "reviews.reviewassignment": "review__umbrella",
}


# (user, umbrella review, the record's newest historical row) → may the user read its history?
VisibilityRule = Callable[[Any, Any, Model], bool]
VISIBLE_IF: dict[str, VisibilityRule] = {}
# "app_label.model_name" → why its old versions are not restored (its changes go elsewhere).
NOT_RESTORED: dict[str, str] = {}


def track(
    paths: dict[str, str],
    *,
    visible: VisibilityRule | None = None,
    not_restored: str = "",
) -> None:
    """Keep the history page open for these models ("app_label.model_name" → ORM path).

    `visible`: who may read a record's history, for models not open to every member (a
    hidden record answers 404, like one that does not exist); `not_restored`: why restoring
    their old versions is refused.
    """
    TRACKED.update(paths)
    for label in paths:
        if visible is not None:
            VISIBLE_IF[label] = visible
        if not_restored:
            NOT_RESTORED[label] = not_restored


def history_visible(label: str, user: Any, umbrella: Any, newest: Model) -> bool:
    """The registered rule for `label` (every member may read, where none is registered)."""
    rule = VISIBLE_IF.get(label)
    return rule is None or rule(user, umbrella, newest)


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
