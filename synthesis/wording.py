"""Plain-language statements of a finding: effect size × certainty of the evidence. No Django.

The wording is GRADE's (Santesso N, Glenton C, Dahm P, et al. GRADE guidelines 26:
informative statements to communicate the findings of systematic reviews of interventions.
J Clin Epidemiol 2020;119:126-135, doi:10.1016/j.jclinepi.2019.10.014, Table 3): the verb says
how certain the evidence is (high: "improves"; moderate: "probably improves"; low: "may
improve"; very low: "the evidence is very uncertain"), the qualifier how large the effect is
("a large improvement", "slightly", "little to no difference"). `STATEMENTS` is that table as
data. GRADE speaks of reductions and increases; here the outcome's direction of benefit turns
them into improvement and worsening, which is what a reader needs.

Two inputs come from the recorded figures, not from the paper:

- **Size**: the 95% CI against the null decides "little to no difference" (the CI includes
  the null) versus an effect; for standardised mean differences (SMD, Hedges' g) the size of
  an effect follows Cohen's rule of thumb (0.2 small, 0.5 moderate, 0.8 large; Cochrane
  Handbook §15.5.3.1); other measures, and rows with a finding but no figures, get the
  unqualified verb ("improves").
- **Certainty not assessed**: when the review graded nothing, GRADE has no statement; the
  statement then reports the finding and says the certainty was not assessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

SMD_MEASURES = frozenset({"smd", "hedges_g"})
LARGE, MODERATE_SIZE, SMALL = 0.8, 0.5, 0.2


class Size(StrEnum):
    LARGE = "large"
    MODERATE = "moderate"  # the unqualified verb: an effect of important (or unknown) size
    SMALL = "small"
    LITTLE_OR_NONE = "little_or_none"


class Certainty(StrEnum):
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very_low"
    NOT_ASSESSED = ""


# (certainty, size) → statement; {i} the intervention, {o} the outcome, {better} "improvement"
# or "worsening" ({a_better} with its article), {improves} "improves"/"worsens", {improve}
# "improve"/"worsen".
STATEMENTS: dict[tuple[Certainty, Size], str] = {
    (Certainty.HIGH, Size.LARGE): "{I} results in a large {better} in {o}.",
    (Certainty.HIGH, Size.MODERATE): "{I} {improves} {o}.",
    (Certainty.HIGH, Size.SMALL): "{I} slightly {improves} {o}.",
    (Certainty.HIGH, Size.LITTLE_OR_NONE): "{I} results in little to no difference in {o}.",
    (Certainty.MODERATE, Size.LARGE): "{I} likely results in a large {better} in {o}.",
    (Certainty.MODERATE, Size.MODERATE): "{I} probably {improves} {o}.",
    (Certainty.MODERATE, Size.SMALL): "{I} probably {improves} {o} slightly.",
    (Certainty.MODERATE, Size.LITTLE_OR_NONE): (
        "{I} probably results in little to no difference in {o}."
    ),
    (Certainty.LOW, Size.LARGE): "{I} may result in a large {better} in {o}.",
    (Certainty.LOW, Size.MODERATE): "{I} may {improve} {o}.",
    (Certainty.LOW, Size.SMALL): "{I} may {improve} {o} slightly.",
    (Certainty.LOW, Size.LITTLE_OR_NONE): "{I} may result in little to no difference in {o}.",
    **{
        (Certainty.VERY_LOW, size): "The evidence is very uncertain about the effect of {i} on {o}."
        for size in Size
    },
    # Not GRADE wording: the review reported a finding without grading its certainty.
    **{
        (Certainty.NOT_ASSESSED, size): (
            f"The selected meta-analysis found {found} in {{o}} with {{i}}; "
            "the certainty of the evidence was not assessed."
        )
        for size, found in (
            (Size.LARGE, "a large {better}"),
            (Size.MODERATE, "{a_better}"),
            (Size.SMALL, "a small {better}"),
            (Size.LITTLE_OR_NONE, "little to no difference"),
        )
    },
}


def size_of(
    *, measure: str, estimate: float | None, ci_low: float | None, ci_high: float | None,
    null: float | None, finding: str,
) -> Size | None:  # fmt: skip
    """The size category of an effect; None when neither figures nor a finding say anything
    (a 'mixed' finding, or nothing recorded)."""
    if null is not None and ci_low is not None and ci_high is not None:
        if ci_low <= null <= ci_high:
            return Size.LITTLE_OR_NONE
        if measure in SMD_MEASURES and estimate is not None:
            magnitude = abs(estimate)
            if magnitude >= LARGE:
                return Size.LARGE
            return Size.MODERATE if magnitude >= MODERATE_SIZE else Size.SMALL
        return Size.MODERATE
    if finding == "no_effect":
        return Size.LITTLE_OR_NONE
    if finding in ("improvement", "harm"):
        return Size.MODERATE
    return None


@dataclass(frozen=True)
class Statement:
    text: str
    grade_wording: bool  # False when certainty was not assessed (not GRADE's wording)


def statement(
    *, certainty: str, size: Size | None, harmful: bool, intervention: str, outcome: str
) -> Statement | None:
    """The plain-language statement, or None when the size is unknown (see `size_of`)."""
    if size is None:
        return None
    try:
        level = Certainty(certainty)
    except ValueError:
        level = Certainty.NOT_ASSESSED
    words = {
        "better": "worsening" if harmful else "improvement",
        "a_better": "a worsening" if harmful else "an improvement",
        "improves": "worsens" if harmful else "improves",
        "improve": "worsen" if harmful else "improve",
    }
    text = STATEMENTS[(level, size)].format(
        I=intervention[:1].upper() + intervention[1:], i=intervention, o=_in_sentence(outcome),
        **words,
    )  # fmt: skip
    return Statement(text, level != Certainty.NOT_ASSESSED)


def _in_sentence(name: str) -> str:
    """An outcome's name inside a sentence: lower-case first letter, unless its first word
    has another capital (an acronym or a name: HbA1c, PTSD)."""
    first_word = name.split(" ", 1)[0]
    if any(char.isupper() for char in first_word[1:]):
        return name
    return name[:1].lower() + name[1:]
