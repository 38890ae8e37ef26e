"""The warning of an import that adds final outcome results to a project in dual extraction.

In dual extraction a final result is made by reconciling two blinded extractions, and typing
one in directly is refused (`synthesis.services.refuse_direct_entry`). The workbook and the
metaumbrella imports add final results all the same, on purpose: they bring in results
extracted and reconciled outside the application (docs/extraction.md, "Who may create a final
result"). So they are not refused, but their dry run says so before the import is confirmed,
and their report says so afterwards: the Import data page's status page and the two import
commands alike.
"""

from __future__ import annotations

from collections.abc import Mapping

from reviews.models import UmbrellaReview

from .workbook.write import Counts

RESULTS = "outcome_results"  # the counts' name of final results, in both importers


def final_results_warning(
    umbrella: UmbrellaReview | None, counts: Mapping[str, Counts], *, dry_run: bool
) -> str | None:
    """What to say when the import adds (`dry_run`: will add) final results to `umbrella`
    while it extracts in duplicate; None otherwise (single entry, no result added, or a
    project the import creates, which starts in single entry)."""
    created = counts[RESULTS].created if RESULTS in counts else 0
    if umbrella is None or not umbrella.dual_extraction or not created:
        return None
    one = created == 1
    subject = f"{created:,} outcome result{'' if one else 's'}"
    verb = "will be added" if dry_run else ("was added" if one else "were added")
    what = "a final result" if one else "final results"
    advice = (
        "Import only results already extracted twice and reconciled outside this application; "
        "results still to be extracted belong on each review's extraction pages."
        if dry_run
        else "Their history names this import as their source."
    )
    return (
        f"{subject} {verb} as {what} without dual extraction (this project uses dual "
        f"extraction). {advice}"
    )
