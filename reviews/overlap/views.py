"""The overlap page (overall and for any set of reviews) and the citation-matrix download."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.views.generic import TemplateView

from ..access import UmbrellaAccessMixin, get_umbrella
from ..csvfiles import csv_bytes
from ..formulas import escape_formula
from .cca import overlap_band
from .plots import cluster_order, frequency_bar, pairwise_heatmap
from .selectors import Overlap, cached_overlap_for_reviews, matrix_rows, reported_frequency

ORDERS = {"year": "publication year", "cluster": "clustering (similar reviews together)"}
TOP_PAIRS = 50


def _top_pairs(overlap: Overlap) -> list[dict[str, Any]]:
    """The pairs with the highest pairwise CCA: the heatmap's accessible, text-only twin."""
    pairs: list[dict[str, Any]] = []
    reviews = overlap.pairwise_reviews
    for i in range(len(reviews)):
        for j in range(i + 1, len(reviews)):
            value = float(overlap.pairwise[i, j])
            if math.isnan(value):
                continue
            pairs.append(
                {
                    "a": reviews[i].label,
                    "b": reviews[j].label,
                    "cca": value,
                    "shared": int(overlap.shared[i, j]),
                    "band": overlap_band(value),
                }
            )
    pairs.sort(key=lambda p: (-p["cca"], -p["shared"], p["a"], p["b"]))
    return pairs[:TOP_PAIRS]


def overlap_context(umbrella, review_ids: Iterable[int] | None = None, order: str = "year"):
    """Everything `reviews/_overlap_section.html` shows; other apps call this for a subset of
    reviews (e.g. those contributing to one outcome) and include the partial."""
    overlap = cached_overlap_for_reviews(umbrella, review_ids)
    context = {"overlap": overlap, "order": order if order in ORDERS else "year"}
    if overlap.is_empty:
        return context
    # Built lazily: the page caches the rendered section (reviews.project.revisions), so on a cache
    # hit the figures are never built.
    if overlap.cca is not None:
        clustered = context["order"] == "cluster"

        def heatmap():
            positions = cluster_order(overlap.pairwise) if clustered else None
            labels = [r.label for r in overlap.pairwise_reviews]
            return pairwise_heatmap(labels, overlap.pairwise, overlap.shared, positions)

        context["heatmap"] = SimpleLazyObject(heatmap)
        context["top_pairs"] = SimpleLazyObject(lambda: _top_pairs(overlap))
    context["frequency_chart"] = SimpleLazyObject(lambda: frequency_bar(overlap.frequency))
    return context


class OverlapView(UmbrellaAccessMixin, TemplateView):
    template_name = "reviews/overlap.html"
    nav_section = "overlap"
    shows_figures = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.request.GET.get("order", "year")
        chosen = self.request.GET.getlist("review")
        review_ids = [int(pk) for pk in chosen if pk.isdigit()] or None
        context |= overlap_context(self.umbrella, review_ids, order)
        context["orders"] = ORDERS
        context["subset"] = review_ids
        if context["overlap"].is_empty and review_ids is None:
            context["reported"] = reported_frequency(self.umbrella)
        return context


def matrix_csv(request, slug):
    """The citation matrix as CSV in the layout ccaR reads (1 / 0 / blank = structurally
    missing), one row per study included at least once; labels are formula-escaped."""
    umbrella = get_umbrella(request, slug)
    header, rows = matrix_rows(umbrella)
    escaped = [[escape_formula(cell) for cell in row] for row in [header, *rows]]
    # ccaR's users read it with R's read.csv: no byte-order mark (reviews.csvfiles).
    response = HttpResponse(csv_bytes(escaped, bom=False), content_type="text/csv; charset=utf-8")
    filename = f"{slugify(umbrella.slug)}-citation-matrix.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
