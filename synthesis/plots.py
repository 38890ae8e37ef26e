"""Plotly figures of the evidence pages, built from plain values (tested on fig.data).

Colour is never the only signal: the rating or finding is in each trace's legend name and in
every hover text, and each plot sits next to the table it draws.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from reviews.models import PublishedRating

from .findings import Finding

RATING_COLOURS = {
    PublishedRating.HIGH: "#1b7f3b",
    PublishedRating.MODERATE: "#8a6d00",
    PublishedRating.LOW: "#b35900",
    PublishedRating.LOW_OR_CRITICALLY_LOW: "#d46a6a",
    PublishedRating.CRITICALLY_LOW: "#a61b1b",
    "": "#5b6473",
}
FINDING_COLOURS = {
    Finding.IMPROVEMENT: "#1b7f3b",
    Finding.NO_EFFECT: "#5b6473",
    Finding.MIXED: "#8a6d00",
    Finding.HARM: "#a61b1b",
}
FINDING_SYMBOLS = {
    Finding.IMPROVEMENT: "circle",
    Finding.NO_EFFECT: "square",
    Finding.MIXED: "diamond",
    Finding.HARM: "x",
}
LAYOUT = {"template": "plotly_white", "margin": {"l": 10, "r": 10, "t": 40, "b": 40}}


@dataclass(frozen=True)
class ForestPoint:
    label: str  # review label, plus timepoint when a review has several rows
    estimate: float
    ci_low: float
    ci_high: float
    rating: str  # rating value, '' when unrated
    rating_label: str
    n: int | None = None
    k: int | None = None
    i2_percent: float | None = None
    measure: str = ""


def marker_size(n: int | None, largest: int) -> float:
    """Marker area grows with n (sqrt scale, 8–24 px); unknown n gets the smallest size."""
    if not n or largest <= 0:
        return 8.0
    return 8.0 + 16.0 * (n / largest) ** 0.5


def _hover(point: ForestPoint) -> str:
    k = "NR" if point.k is None else str(point.k)
    n = "NR" if point.n is None else str(point.n)
    i2 = "NR" if point.i2_percent is None else f"{point.i2_percent:g}%"
    return (
        f"{point.label}<br>{point.measure} {point.estimate:g} "
        f"[{point.ci_low:g}, {point.ci_high:g}]<br>k = {k}, n = {n}, I² = {i2}"
        f"<br>AMSTAR 2: {point.rating_label}"
    )


def forest_plot(points: Sequence[ForestPoint], *, ratio: bool, title: str = "") -> go.Figure:
    """Reviews' pooled estimates with 95% CIs, one trace per AMSTAR 2 rating.

    Ratios use a log axis with the null line at 1; differences a linear axis with it at 0.
    Rows keep the given order, top to bottom.
    """
    largest = max((p.n or 0 for p in points), default=0)
    fig = go.Figure()
    for rating, colour in RATING_COLOURS.items():
        group = [p for p in points if p.rating == rating]
        if not group:
            continue
        fig.add_scatter(
            x=[p.estimate for p in group],
            y=[p.label for p in group],
            mode="markers",
            name=f"AMSTAR 2: {group[0].rating_label}",
            marker={
                "color": colour,
                "size": [marker_size(p.n, largest) for p in group],
                "symbol": "square",
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [p.ci_high - p.estimate for p in group],
                "arrayminus": [p.estimate - p.ci_low for p in group],
                "color": colour,
            },
            hovertext=[_hover(p) for p in group],
            hoverinfo="text",
        )
    null = 1 if ratio else 0
    fig.add_vline(x=null, line_dash="dot", line_color="#1d2430")
    measure = points[0].measure if points else ""
    fig.update_xaxes(
        type="log" if ratio else "linear",
        title_text=f"{measure} (95% CI); null = {null}" if measure else f"null = {null}",
    )
    fig.update_yaxes(
        autorange="reversed", categoryorder="array", categoryarray=[p.label for p in points]
    )
    height = 120 + 32 * len(points)
    return fig.update_layout(title=title, height=height, legend_title_text="", **LAYOUT)


@dataclass(frozen=True)
class MapCell:
    outcome: str
    population: str
    n_reviews: int
    finding: str  # predominant finding

    @property
    def finding_label(self) -> str:
        return self.finding.replace("_", " ")


def evidence_map(cells: Sequence[MapCell]) -> go.Figure:
    """Outcomes × population categories; bubble size = reviews, colour = predominant finding."""
    largest = max((c.n_reviews for c in cells), default=0)
    fig = go.Figure()
    for finding in Finding:
        group = [c for c in cells if c.finding == finding]
        if not group:
            continue
        label = finding.value.replace("_", " ")
        fig.add_scatter(
            x=[c.population for c in group],
            y=[c.outcome for c in group],
            mode="markers+text",
            name=f"Mostly {label}",
            text=[str(c.n_reviews) for c in group],
            textposition="middle center",
            textfont={"color": "#ffffff", "size": 11},
            marker={
                "color": FINDING_COLOURS[finding],
                "symbol": FINDING_SYMBOLS[finding],
                "size": [12 + 28 * (c.n_reviews / largest) ** 0.5 for c in group],
                "sizemode": "diameter",
            },
            hovertext=[
                f"{c.outcome} · {c.population}<br>{c.n_reviews} review"
                f"{'' if c.n_reviews == 1 else 's'}; mostly {label}"
                for c in group
            ],
            hoverinfo="text",
        )
    outcomes = list(dict.fromkeys(c.outcome for c in sorted(cells, key=lambda c: c.outcome)))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=outcomes)
    fig.update_xaxes(tickangle=-30)
    height = 220 + 30 * len(outcomes)
    return fig.update_layout(height=height, **LAYOUT)
