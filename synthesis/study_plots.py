"""The study-level forest plot of a re-analysis (plotly; tested on fig.data, not pixels).

Squares are sized by pooling weight, whiskers are 95% CIs, the pooled estimate is a diamond
spanning its CI, the prediction interval a line under it, and a dotted line marks no effect.
Ratios are drawn on a log axis (values exponentiated back from the analysis scale).
"""

import math

import plotly.graph_objects as go

from .plots import LAYOUT
from .study_data import Reanalysis

STUDY_COLOUR = "#2f5f8a"
POOLED_COLOUR = "#1d2430"
POOLED_LABEL = "Pooled"
PI_LABEL = "Prediction interval"


def square_size(weight_percent: float | None, largest: float) -> float:
    """Marker area proportional to weight (side 6–26 px); excluded studies get the smallest."""
    if not weight_percent or largest <= 0:
        return 6.0
    return 6.0 + 20.0 * math.sqrt(weight_percent / largest)


def study_forest_plot(analysis: Reanalysis, *, measure_label: str) -> go.Figure:
    shown = analysis.shown
    studies = analysis.studies
    pooled = analysis.pooled
    included = [s for s in studies if s.weight_percent is not None]
    largest = max((s.weight_percent or 0.0 for s in included), default=0.0)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[shown(s.yi) for s in included],
            y=[s.label for s in included],
            mode="markers",
            name="Studies (size = weight)",
            marker={
                "symbol": "square",
                "color": STUDY_COLOUR,
                "size": [square_size(s.weight_percent or 0.0, largest) for s in included],
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [shown(s.ci[1]) - shown(s.yi) for s in included],
                "arrayminus": [shown(s.yi) - shown(s.ci[0]) for s in included],
                "color": STUDY_COLOUR,
            },
            hovertext=[
                f"{s.label}<br>{measure_label} {shown(s.yi):.2f} "
                f"[{shown(s.ci[0]):.2f}, {shown(s.ci[1]):.2f}]<br>weight {s.weight_percent:.1f}%"
                for s in included
            ],
            hoverinfo="text",
        )
    )
    labels = [s.label for s in included]
    if pooled is not None:
        est, lo, hi = shown(pooled.estimate), shown(pooled.ci_low), shown(pooled.ci_high)
        fig.add_trace(
            go.Scatter(
                x=[lo, est, hi, est, lo],
                y=[0.0, 0.35, 0.0, -0.35, 0.0],
                yaxis="y2",
                fill="toself",
                mode="lines",
                line={"color": POOLED_COLOUR},
                fillcolor=POOLED_COLOUR,
                name=f"{POOLED_LABEL} ({analysis.method})",
                hovertext=f"Pooled {measure_label} {est:.2f} [{lo:.2f}, {hi:.2f}]",
                hoverinfo="text",
            )
        )
        if pooled.prediction_interval is not None:
            pi_lo, pi_hi = (shown(x) for x in pooled.prediction_interval)
            fig.add_trace(
                go.Scatter(
                    x=[pi_lo, pi_hi],
                    y=[-0.7, -0.7],
                    yaxis="y2",
                    mode="lines+markers",
                    marker={"symbol": "line-ns-open", "size": 10, "color": POOLED_COLOUR},
                    line={"color": POOLED_COLOUR, "width": 2},
                    name=PI_LABEL,
                    hovertext=f"95% prediction interval {pi_lo:.2f} to {pi_hi:.2f}",
                    hoverinfo="text",
                )
            )
    null = 1 if analysis.ratio else 0
    # Across both strips (studies and pooled rows), not only the studies' axis.
    fig.add_shape(
        type="line",
        x0=null,
        x1=null,
        y0=0,
        y1=1,
        xref="x",
        yref="paper",
        line={"dash": "dot", "color": POOLED_COLOUR},
    )
    # Studies on the top part of the figure; the pooled rows in a strip below them.
    studies_height = 28 * max(len(labels), 1)
    strip = 70
    total = studies_height + strip
    fig.update_layout(
        yaxis={
            "domain": [strip / total, 1.0],
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": labels,
        },
        yaxis2={
            "domain": [0.0, strip / total * 0.9],
            "range": [-1.0, 0.6],
            "tickvals": [0.0, -0.7],
            "ticktext": [POOLED_LABEL, PI_LABEL],
            "showgrid": False,
            "zeroline": False,
        },
        xaxis={"anchor": "y2"},
        height=120 + total,
        legend={"orientation": "h", "y": 0, "yanchor": "top", "yref": "container"},
        **LAYOUT,
    )
    fig.update_xaxes(
        type="log" if analysis.ratio else "linear",
        title_text=f"{measure_label} (95% CI); null = {null}",
    )
    return fig
