"""The AMSTAR 2 overall-confidence scale (Shea et al. 2017, Box 2): the one vocabulary of the
ratings an included review is given, whether the appraisal app computes it from a consensus
appraisal (`appraisal.amstar2.overall_confidence`) or the umbrella review published it (the
`PublishedRating` choices, which add the level some papers report instead of the last two).
No Django: the pure rules and the models both read it.
"""

from ..labels import LabelledEnum


class Confidence(LabelledEnum):
    """Overall confidence in the results of a review (Shea et al. 2017, Box 2)."""

    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    CRITICALLY_LOW = "critically_low", "Critically low"


# Some umbrella reviews report only "low or critically low" for a group of reviews: a published
# rating, never a computed one (name, then value and label).
LOW_OR_CRITICALLY_LOW = (
    "LOW_OR_CRITICALLY_LOW",
    ("low_or_critically_low", "Low or critically low (not separated)"),
)

# Best first: "low or critically low" ranks between the two levels it does not separate.
RATING_ORDER = ("high", "moderate", "low", "low_or_critically_low", "critically_low")
