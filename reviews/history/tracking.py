"""Which models keep an audit history, and how each one reaches its umbrella review.

Each app registers its own models from its `AppConfig.ready()` (upper apps plug in through
ready(): see `reviews/__init__.py`), so the history page can check access for any of them
while this app, the lowest layer, names no model of the apps above it.
"""

# "app_label.model_name" → ORM path from that model to its umbrella review ("": it is one).
TRACKED: dict[str, str] = {}


def track(paths: dict[str, str]) -> None:
    """Keep the history page open for these models ("app_label.model_name" → ORM path)."""
    TRACKED.update(paths)
