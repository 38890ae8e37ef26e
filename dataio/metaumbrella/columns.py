"""metaumbrella's "well-formatted dataset": its column names, measures and the conventions of
our mapping (docs/exchange.md), as plain values (no Django imports).

Source: the R package metaumbrella (Gosling, Solanes, Fusar-Poli & Radua; CRAN), manual
section "Well-formatted dataset" of `metaumbrella-package` and its `df.SMD` / `df.OR`
example data sets. Column names are metaumbrella's, spelled exactly as it spells them.
"""

from __future__ import annotations

import math
import re

# The columns we write, in this order: metaumbrella's mandatory ones, then those of its
# documented columns for which the app holds data (docs/exchange.md lists the others).
MANDATORY = ("meta_review", "factor", "author", "year", "measure")
COLUMNS = (
    *MANDATORY,
    "value",
    "ci_lo",
    "ci_up",
    "se",
    "n_cases",
    "n_controls",
    "n_cases_exp",
    "n_cases_nexp",
    "n_controls_exp",
    "n_controls_nexp",
    "n_exp",
    "n_nexp",
    "mean_cases",
    "sd_cases",
    "mean_controls",
    "sd_controls",
    "rob",
    "amstar",
    # Rows of one study (same author and year in a factor): what each is, and for outcomes
    # the correlation the composite assumes (metaumbrella's names; docs/exchange.md).
    "multiple_es",
    "r",
)
TEXT_COLUMNS = frozenset({*MANDATORY, "rob", "multiple_es"})
NUMBER_COLUMNS = frozenset(COLUMNS) - TEXT_COLUMNS
COUNT_COLUMNS = frozenset(c for c in COLUMNS if c.startswith("n_"))

# Our effect measures (synthesis.findings.Measure values) as metaumbrella spells them.
MEASURES = {"smd": "SMD", "hedges_g": "G", "md": "MD", "or": "OR", "rr": "RR", "hr": "HR"}
FROM_MEASURE = {spelt: ours for ours, spelt in MEASURES.items()}
# metaumbrella's log-scale spellings: read (the value and CI are exponentiated), never written.
LOG_MEASURES = {"logOR": "or", "logRR": "rr", "logHR": "hr"}
# metaumbrella measures with no counterpart among ours: named in the import's error.
OTHER_MEASURES = ("SMC", "MC", "R", "Z", "IRR", "logIRR")
RATIOS = frozenset({"or", "rr", "hr"})
# metaumbrella's risk-of-bias vocabulary (its check_data accepts these, any case).
ROB_VALUES = frozenset({"high", "unclear", "some", "low"})

# The AMSTAR 2 overall confidence as a number for metaumbrella's numeric `amstar` column
# (higher is better, as its "Personalized" criteria read it). A published "low or critically
# low" (not separated) sits between the two.
AMSTAR_CODES = {
    "high": 4.0,
    "moderate": 3.0,
    "low": 2.0,
    "low_or_critically_low": 1.5,
    "critically_low": 1.0,
}
AMSTAR_RATINGS = {code: rating for rating, code in AMSTAR_CODES.items()}

NO_YEAR = "n.d."  # metaumbrella needs a year; a study label without one is written so
_LABEL = re.compile(r"^(?P<author>.*?\S)[\s,]*\(?(?P<year>(?:1[5-9]|20)\d\d[a-z]?)\)?$")


def split_label(label: str, study_year: int | None = None) -> tuple[str, str]:
    """A study label as metaumbrella's `author` and `year`: "Sledge 2011" → ("Sledge", "2011");
    "Sledge (2011b)" → ("Sledge", "2011b"). A label with no year at its end keeps it whole
    and takes the linked primary study's year, else "n.d."."""
    match = _LABEL.match(label.strip())
    if match:
        return match["author"], match["year"]
    return label.strip(), str(study_year) if study_year else NO_YEAR


def join_label(author: str, year: str) -> str:
    """The study label an imported row gets back: "Sledge" + "2011" → "Sledge 2011"."""
    author, year = author.strip(), year.strip()
    return author if year in ("", NO_YEAR) else f"{author} {year}"


def factor_name(outcome: str, review: str, extraction_id: str, *, shared: bool, twice: bool) -> str:
    """The `factor` of one outcome result: every row of a factor is pooled together by
    metaumbrella, so each outcome result gets its own. The outcome's name alone when it is
    the only exported result of that outcome; with the review's label when other reviews
    report the outcome (`shared`); with its extraction id too when the review reports the
    outcome more than once (`twice`: e.g. two time points)."""
    if twice:
        return f"{outcome} ({review}, {extraction_id})"
    if shared:
        return f"{outcome} ({review})"
    return outcome


def parse_factor(factor: str, review: str) -> tuple[str, str]:
    """`factor_name` undone: (outcome name, extraction id or "")."""
    suffix = f" ({review})"
    if factor.endswith(suffix) and len(factor) > len(suffix):
        return factor[: -len(suffix)], ""
    match = re.match(rf"^(?P<outcome>.+) \({re.escape(review)}, (?P<id>[^()]+)\)$", factor)
    if match:
        return match["outcome"], match["id"]
    return factor, ""


def number_text(value: float | int | None) -> str:
    """A number as the file writes it: whole numbers without a decimal point, others with the
    shortest text that reads back to the same float (Python's repr), so a file read and
    written again is byte-identical."""
    if value is None:
        return ""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"Cannot write the non-finite number {value!r}.")
    return str(int(value)) if value.is_integer() else repr(value)
