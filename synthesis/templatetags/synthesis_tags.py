"""Number formatting and the review page's outcome-results block."""

from django import template

from ..models import OutcomeResult

register = template.Library()


@register.filter
def est(value) -> str:
    """An estimate as printed: at least two decimals (0.10, −0.34), more if stored (0.042)."""
    if value is None or value == "":
        return ""
    number = float(value)
    text = f"{number:.2f}" if round(number, 2) == number else f"{number:g}"
    return text.replace("-", "−")


@register.filter
def num(value) -> str:
    """A number without trailing zeros (38, 0.5, 12); blank when missing."""
    if value is None or value == "":
        return ""
    return f"{float(value):g}"


@register.inclusion_tag("synthesis/_review_results.html", takes_context=True)
def review_outcome_results(context, review):
    results = (
        OutcomeResult.objects.filter(review=review)
        .select_related("outcome__umbrella", "checked_by")
        .order_by("outcome__name", "timepoint", "pk")
    )
    return {
        "review": review,
        "umbrella": review.umbrella,
        "results": results,
        "can_write": context.get("can_write", False),
        "user": context.get("user"),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def shown_effect(study, analysis) -> str:
    """A study's effect and 95% CI on the printed scale (ratios exponentiated), 2 decimals."""
    if study.yi != study.yi:  # NaN: a double-zero table has no study-level ratio
        return "no study-level effect"
    low, high = study.ci
    values = [analysis.shown(x) for x in (study.yi, low, high)]
    return "{:.2f} [{:.2f}, {:.2f}]".format(*values).replace("-", "−")
