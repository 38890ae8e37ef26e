"""Every per-study check names its study and says why, word for word (synthesis/_validation.py
``raise_first``): the messages users see when a row is refused."""

from __future__ import annotations

import math
import re

import pytest

from synthesis.stats import binary_effect, from_confidence_interval, hedges_g, mean_difference, pool

CASES = [
    (lambda: pool([0.1, math.nan], [0.1, 0.1]), "study 1: yi must be finite (got nan)"),
    (lambda: pool([0.1, 0.2], [0.1, 0.0]), "study 1: vi must be > 0 (got 0.0)"),
    (lambda: pool([0.1, 1e51], [0.1, 0.1]),
     "study 1: yi = 1e+51 is outside the range computed reliably (|yi| <= 1e+50); "
     "rescale the effects"),
    (lambda: pool([0.1, 0.2], [0.1, 1e-61]),
     "study 1: vi = 1e-61 is outside the range computed reliably [1e-60, 1e+60]; "
     "rescale the effects"),
    (lambda: binary_effect([3, 2], [10, 0], [1, 1], [10, 10], "OR"),
     "study 1: n1 must be >= 1 (got 0.0)"),
    (lambda: binary_effect([3, 2.5], [10, 10], [1, 1], [10, 10], "OR"),
     "study 1: e1 must be a whole number (got 2.5)"),
    (lambda: binary_effect([3, 12], [10, 10], [1, 1], [10, 10], "RR"),
     "study 1: e1 (12.0) must not exceed n1 (10.0)"),
    (lambda: hedges_g([1, 1], [1, 1], [10, 1], [0, 0], [1, 1], [10, 2]),
     "study 1: n1 + n2 must be >= 4 for a standardised mean difference (got 3.0): Hedges' "
     "correction needs n1 + n2 - 2 >= 2 degrees of freedom"),
    (lambda: hedges_g([1, 1], [1, 0], [10, 10], [0, 0], [1, 0], [10, 10]),
     "study 1: the pooled SD is 0 (no spread in either arm): a standardised mean difference "
     "is undefined"),
    (lambda: mean_difference([1, 1], [1, 0], [10, 10], [0, 0], [1, 0], [10, 10]),
     "study 1: sd1 and sd2 are both 0: the mean difference has variance 0"),
    (lambda: from_confidence_interval([0.5, 0.5], [0.1, 0.9], [0.9, 0.1], ratio=False),
     "study 1: ci_low (0.9) must be below ci_high (0.1)"),
    (lambda: from_confidence_interval([0.5, 1.5], [0.1, 0.2], [0.9, 0.9], ratio=False),
     "study 1: estimate (1.5) lies outside its interval [0.2, 0.9]"),
    (lambda: from_confidence_interval([2.0, 1.5], [1.0, 0.0], [3.0, 2.0], ratio=True),
     "study 1: ci_low must be > 0 (got 0.0)"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "message"), CASES, ids=[m.split(": ")[1][:30] for _, m in CASES])
def test_each_check_raises_its_message_for_the_first_bad_study(call, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call()
