"""Render plotly figures without inline JavaScript.

A figure goes into the page as a JSON data block (`json_script`, which escapes `<`, `>` and `&`)
next to an empty container; `static/js/plots.js` draws every such container with plotly.js. No
inline script means the Content-Security-Policy can forbid inline scripts altogether, and no
figure markup is ever marked safe by hand.
"""

import json
import secrets

import plotly.graph_objects as go
from django import template
from django.utils.html import format_html, json_script

register = template.Library()


@register.simple_tag
def plotly_figure(figure: go.Figure | None, label: str = ""):
    """A container and the figure's JSON; `label` names the chart for screen readers.

    The container is a labelled figure, not an image: plotly draws its toolbar buttons inside
    it, and an image may not hold controls."""
    if figure is None:
        return ""
    # Unique across processes too: a cached fragment rendered elsewhere may share the page.
    element_id = f"plot-{secrets.token_hex(6)}"
    spec = json.loads(figure.to_json())
    return format_html(
        '<div class="plot-target plotly-graph-div" id="{}" data-figure="{}-data" role="figure" '
        'aria-label="{}">'
        "</div>{}",
        element_id,
        element_id,
        label or "Chart; the table on this page holds the same data",
        json_script(spec, f"{element_id}-data"),
    )
