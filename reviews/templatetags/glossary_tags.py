"""Inline explanations from the glossary (reviews/glossary.py).

`{% term "i2" %}` shows the abbreviation as an `<abbr>` that keyboard users can reach (tabindex)
and whose explanation appears beside it on hover or focus and is announced as its description
(aria-describedby), with a link to the glossary entry; `{% glossary_notes "k" "n" %}` adds a
disclosure listing several terms, for table headers whose text is already a sorting link.
"""

import secrets

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from ..glossary import BY_KEY

register = template.Library()


@register.simple_tag
def term(key: str, text: str = "") -> str:
    entry = BY_KEY[key]  # an unknown key is a template bug: fail loudly in tests
    # Unique per rendering: a term may appear many times on a page (and in cached fragments).
    tip_id = f"term-{key}-{secrets.token_hex(4)}"
    return format_html(
        '<span class="term"><abbr title="{}" tabindex="0" aria-describedby="{}">{}</abbr>'
        '<span class="term-tip" role="tooltip" id="{}">{}: {} <a href="{}#{}">Glossary</a></span>'
        "</span>",
        entry.name,
        tip_id,
        text or entry.abbreviation,
        tip_id,
        entry.name,
        entry.definition,
        reverse("reviews:glossary"),
        entry.key,
    )


@register.simple_tag
def glossary_notes(*keys: str) -> str:
    return render_to_string(
        "reviews/_glossary_notes.html", {"terms": [BY_KEY[key] for key in keys]}
    )
