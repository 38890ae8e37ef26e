"""Small text filters for citations."""

from django import template

register = template.Library()


@register.filter
def full_stop(text) -> str:
    """`text` ending in one full stop: "Moran G, et al." stays as it is, never "et al.."; a title
    ending in "?" or "!" keeps its own mark. Autoescaping applies to the result as usual."""
    text = str(text).rstrip()
    return text if not text or text[-1] in ".?!…" else f"{text}."
