from django import template
from django.utils.html import format_html

from reviews.registry.ratings import RATING_LABELS, rating_field

from ..models import Appraisal
from ..visibility import RATER_ROLES, sees, viewer

register = template.Library()


SHORT_ANSWERS = {"yes": "Y", "partial_yes": "PY", "no": "N", "no_meta_analysis": "NMA"}


@register.simple_tag
def short_answer(answer: str, scored: bool = True):
    """One cell of the AMSTAR 2 table, as `appraisal/_answer.html` with short=True renders it:
    the letters carry the meaning, the colour only repeats it. In Python because the table
    renders 16 per row, which as template includes dominated the page's time."""
    if not scored:
        answer = "not_scored"
    if not answer:
        return format_html('<span class="muted">–</span>')
    return format_html(
        '<span class="answer answer-{}">{}</span>', answer, SHORT_ANSWERS.get(answer, "NS")
    )


@register.filter
def lookup(mapping, key):
    return mapping.get(key, "")


@register.inclusion_tag("reviews/_rating.html")
def rating_badge(review):
    """The rating badge of a review annotated by `reviews.registry.ratings.with_ratings`."""
    rating = review.rating or ""
    source = "computed" if review.computed_rating else "published" if rating else ""
    return {"rating": rating, "label": RATING_LABELS.get(rating, ""), "source": source}


@register.inclusion_tag("reviews/_rating.html")
def result_rating_badge(result):
    """The rating badge of a row that reaches its review through `review__` (an outcome result),
    annotated by `reviews.registry.ratings.with_ratings(..., review_path="review__")`."""
    rating = getattr(result, rating_field("review__")) or ""
    source = "computed" if result.review_computed_rating else "published" if rating else ""
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
    raters = [appraisals.get(role) for role in RATER_ROLES]
    both_submitted = all(a is not None and a.is_submitted for a in raters)
    who = viewer(user, review.umbrella)

    def visible(appraisal: Appraisal | None) -> bool:
        return appraisal is not None and sees(
            who,
            role=appraisal.role,
            status=appraisal.status,
            rater_id=appraisal.rater_id,
            both_submitted=both_submitted,
        )

    return {
        "review": review,
        "rating": rating,
        "rating_label": RATING_LABELS.get(rating, ""),
        "source": source,
        "consensus": consensus,
        "can_appraise": who.appraiser,
        "user": user,
        "slots": [
            (role, Appraisal.Role(role).label, appraisal, visible(appraisal))
            for role, appraisal in zip(RATER_ROLES, raters, strict=True)
        ],
        "both_submitted": both_submitted,
    }
