"""Plots are embedded as JSON data, never as inline script, and their labels stay inert."""

import json
import re

import plotly.graph_objects as go
from django.template import Context, Template

EVIL = '<script>alert(1)</script> "quoted"'


def render(figure) -> str:
    template = Template('{% load plotly_tags %}{% plotly_figure figure "A chart" %}')
    return template.render(Context({"figure": figure}))


def test_labels_with_markup_are_escaped_in_the_embedded_figure():
    figure = go.Figure(go.Bar(x=[EVIL], y=[1], name=EVIL, hovertext=[EVIL]))
    html = render(figure)
    assert "<script>alert(1)</script>" not in html
    data_block = re.search(
        r'<script id="(plot-[0-9a-f]+-data)" type="application/json">(.*?)</script>', html
    )
    spec = json.loads(data_block.group(2))
    assert spec["data"][0]["x"] == [EVIL]  # the label arrives intact, as data
    container = re.search(
        r'<div class="plot-target[^"]*" id="(plot-[0-9a-f]+)" data-figure="([^"]+)"', html
    )
    assert container.group(2) == data_block.group(1)


def test_no_inline_script_is_emitted():
    html = render(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])))
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == [scripts[0]]
    assert 'type="application/json"' in scripts[0]


def test_a_missing_figure_renders_nothing():
    assert render(None) == ""


def test_every_page_forbids_inline_scripts_and_framing(client, db):
    response = client.get("/")
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
