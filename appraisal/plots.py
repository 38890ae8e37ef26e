"""Plotly figures of the AMSTAR 2 table. Built on the server; tests read `fig.data`."""

from collections import Counter

import plotly.graph_objects as go

from . import amstar2
from .models import AnswerChoice
from .selectors import AppraisalRow

LABELS = dict(AnswerChoice.choices)
# Each answer has a colour AND a text label in the cell; colour is never the only signal.
ANSWER_STYLE = {
    "yes": (4, "#1b7f3b"),
    "partial_yes": (3, "#d9b300"),
    "no": (2, "#a61b1b"),
    "no_meta_analysis": (1, "#9aa3b0"),
    "not_scored": (0, "#d9dee6"),
}
SHORT = {"yes": "Y", "partial_yes": "PY", "no": "N", "no_meta_analysis": "NMA", "not_scored": "NS"}


def _colorscale() -> list[tuple[float, str]]:
    """A stepped scale so each answer code maps to exactly one colour."""
    steps = sorted(ANSWER_STYLE.values())
    top = len(steps) - 1
    scale = []
    for code, colour in steps:
        scale += [
            ((code - 0.5) / top if code else 0.0, colour),
            (min((code + 0.5) / top, 1.0), colour),
        ]
    return [(max(0.0, p), c) for p, c in scale]


def traffic_light(rows: list[AppraisalRow]) -> go.Figure:
    """Reviews × items, one cell per consensus answer, with the answer written in the cell."""
    rated = [row for row in rows if row.rating_source == "computed"]
    z, text, hover = [], [], []
    for row in rated:
        codes, labels, tips = [], [], []
        for item, answer, scored in row.cells():
            answer = answer if scored and answer else "not_scored"
            codes.append(ANSWER_STYLE[answer][0])
            labels.append(SHORT[answer])
            tips.append(f"{row.review.label}<br>Item {item}: {LABELS[answer]}")
        z.append(codes)
        text.append(labels)
        hover.append(tips)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"Item {n}" for n in amstar2.ITEM_NUMBERS],
            y=[row.review.label for row in rated],
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hoverinfo="text",
            zmin=0,
            zmax=4,
            colorscale=_colorscale(),
            showscale=False,
            xgap=2,
            ygap=2,
        )
    )
    fig.update_yaxes(autorange="reversed")
    return fig.update_layout(
        height=120 + 28 * max(len(rated), 1),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"side": "top"},
    )


def answers_by_item(counts: dict[int, Counter]) -> go.Figure:
    """A stacked bar per item: how many consensus appraisals gave each answer."""
    fig = go.Figure()
    for answer in ("yes", "partial_yes", "no", "no_meta_analysis", "not_scored"):
        fig.add_bar(
            name=LABELS[answer],
            x=[f"Item {n}" for n in amstar2.ITEM_NUMBERS],
            y=[counts[n][answer] for n in amstar2.ITEM_NUMBERS],
            marker_color=ANSWER_STYLE[answer][1],
        )
    return fig.update_layout(
        barmode="stack",
        height=380,
        margin={"l": 40, "r": 10, "t": 30, "b": 40},
        yaxis_title="Reviews",
        legend={"orientation": "h", "y": -0.2},
    )
