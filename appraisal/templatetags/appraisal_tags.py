from django import template

from reviews.access import can_appraise

from ..models import Appraisal
from ..tables import RATING_LABELS

register = template.Library()


@register.filter
def lookup(mapping, key):
    return mapping.get(key, "")


@register.inclusion_tag("appraisal/_rating.html")
def rating_badge(review):
    """The rating badge of a review annotated by `tables.with_ratings`."""
    rating = review.rating or ""
    source = "computed" if review.computed_rating else "published" if rating else ""
    return {"rating": rating, "label": RATING_LABELS.get(rating, ""), "source": source}


@register.inclusion_tag("appraisal/_rating.html")
def result_rating_badge(result):
    """The rating badge of an outcome result annotated by `synthesis.ratings.with_rating_rank`."""
    rating = result.review_rating or ""
    source = "computed" if result.review_rating_computed else "published" if rating else ""
    return {"rating": rating, "label": RATING_LABELS.get(rating, ""), "source": source}


@register.inclusion_tag("appraisal/_review_appraisal.html", takes_context=True)
def review_appraisal(context, review):
    """The AMSTAR 2 block of a review page: its rating and, for appraisers, their next step."""
    appraisals = {a.role: a for a in review.appraisals.select_related("rater")}
    consensus = appraisals.get(Appraisal.Role.CONSENSUS)
    if consensus and consensus.is_submitted:
        rating, source = consensus.overall, "computed"
    elif review.published_rating:
        rating, source = review.published_rating, "published"
    else:
        rating, source = "", ""
    user = context["request"].user
    raters = [appraisals.get(role) for role in (Appraisal.Role.FIRST, Appraisal.Role.SECOND)]
    both_submitted = all(a is not None and a.is_submitted for a in raters)
    return {
        "review": review,
        "rating": rating,
        "rating_label": RATING_LABELS.get(rating, ""),
        "source": source,
        "consensus": consensus,
        "can_appraise": can_appraise(user, review.umbrella),
        "user": user,
        "slots": [
            (role, Appraisal.Role(role).label, appraisals.get(role))
            for role in (Appraisal.Role.FIRST, Appraisal.Role.SECOND)
        ],
        "both_submitted": both_submitted,
    }
