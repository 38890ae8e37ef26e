"""Overlap charts built on the server; tests read `fig.data`, never pixels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go
from scipy.cluster.hierarchy import leaves_list, linkage
from scipy.spatial.distance import squareform

from .cca import OverlapBand, overlap_band

# Pieper et al. 2014 bands, light to dark; dark text stays readable on each (WCAG AA).
BAND_COLOURS = {
    OverlapBand.SLIGHT: "#ffffcc",
    OverlapBand.MODERATE: "#fed976",
    OverlapBand.HIGH: "#feb24c",
    OverlapBand.VERY_HIGH: "#fc7b4a",
}
BANDS = list(BAND_COLOURS)


def cluster_order(pairwise: npt.NDArray[np.float64]) -> list[int]:
    """Review positions ordered by average-linkage clustering on 1 - CCA (undefined pairs as
    no overlap), so reviews that share studies sit together on the heatmap."""
    c = pairwise.shape[0]
    if c < 3:
        return list(range(c))
    distance = 1.0 - np.nan_to_num(pairwise, nan=0.0) / 100.0
    np.fill_diagonal(distance, 0.0)
    return [int(i) for i in leaves_list(linkage(squareform(distance, checks=False), "average"))]


def _discrete_colourscale() -> list[list]:
    scale = []
    for i, band in enumerate(BANDS):
        scale += [[i / len(BANDS), BAND_COLOURS[band]], [(i + 1) / len(BANDS), BAND_COLOURS[band]]]
    return scale


def _pair_cell(
    labels: Sequence[str],
    pairwise: npt.NDArray[np.float64],
    shared: npt.NDArray[np.int64],
    i: int,
    j: int,
) -> tuple[float | None, str, str]:
    """One cell of the heatmap: its colour code (the band), its text and its hover text."""
    value = pairwise[i, j]
    if i == j or np.isnan(value):
        what = "same review" if i == j else "CCA undefined"
        return None, "", f"{labels[i]}<br>{what}<br>{shared[i, j]} studies"
    band = overlap_band(float(value))
    hover = (
        f"{labels[i]} × {labels[j]}<br>CCA {value:.1f}% ({band})"
        f"<br>{shared[i, j]} shared {'study' if shared[i, j] == 1 else 'studies'}"
    )
    return BANDS.index(OverlapBand(band)) + 0.5, f"{value:.0f}", hover


def pairwise_heatmap(
    labels: Sequence[str],
    pairwise: npt.NDArray[np.float64],
    shared: npt.NDArray[np.int64],
    order: Sequence[int] | None = None,
) -> go.Figure:
    """Pairwise CCA heatmap: colour = Pieper band, cell text = per cent, hover names the band
    and the number of shared studies. The diagonal and undefined pairs are left blank."""
    order = list(order) if order is not None else list(range(len(labels)))
    names = [labels[i] for i in order]
    cells = [[_pair_cell(labels, pairwise, shared, i, j) for j in order] for i in order]
    z, text, hover = ([[cell[part] for cell in row] for row in cells] for part in range(3))
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=names,
            y=names,
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=_discrete_colourscale(),
            zmin=0,
            zmax=len(BANDS),
            xgap=1,
            ygap=1,
            colorbar={
                "title": {"text": "Pairwise CCA"},
                "tickvals": [i + 0.5 for i in range(len(BANDS))],
                "ticktext": ["slight ≤5%", "moderate 5–10%", "high 10–15%", "very high >15%"],
            },
        )
    )
    size = max(360, 28 * len(names) + 160)
    fig.update_layout(
        height=size,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        plot_bgcolor="#ffffff",
        xaxis={"tickangle": -45, "side": "top"},
        yaxis={"autorange": "reversed"},
    )
    return fig


def frequency_bar(frequency: Mapping[int, int]) -> go.Figure:
    """Number of studies by the number of reviews including them (the '300 / 72 / 18' table)."""
    ks = sorted(frequency)
    fig = go.Figure(
        go.Bar(
            x=[str(k) for k in ks],
            y=[frequency[k] for k in ks],
            text=[frequency[k] for k in ks],
            textposition="outside",
            marker_color="#3b6ea5",
            hovertemplate="%{y} studies in %{x} review(s)<extra></extra>",
        )
    )
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        xaxis_title="Number of reviews including the study",
        yaxis_title="Primary studies",
        xaxis_type="category",
    )
    return fig
