"""Assertion helpers for comparisons with published (rounded) reference output."""

from __future__ import annotations

import math


def assert_printed(value: float, printed: float, decimals: int = 4, *, slack: float = 0.0) -> None:
    """``value`` rounds to ``printed`` at ``decimals`` places (|diff| <= half a unit).

    ``slack`` widens the window for references that are themselves only approximate (e.g.
    metafor's ``uniroot`` tolerance for confidence-interval bounds).
    """
    half_unit = 0.5 * 10.0 ** (-decimals)
    assert math.isfinite(value), f"{value!r} is not finite"
    assert abs(value - printed) <= half_unit + slack + 1e-12, (
        f"{value!r} does not match the published {printed} (to {decimals} decimals)"
    )
