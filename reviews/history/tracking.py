"""Which models keep an audit history, and how each one reaches its umbrella review.

This app's models are listed here; the apps above register theirs from their
`AppConfig.ready()` (upper apps plug in through ready(): see `reviews/__init__.py`), so the
history page can check access for any of them while this app, the lowest layer, names no
model of the apps above it.
"""

# "app_label.model_name" → ORM path from that model to its umbrella review ("": it is one).
TRACKED: dict[str, str] = {
    "reviews.umbrellareview": "",
    "reviews.researchquestion": "umbrella",
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
