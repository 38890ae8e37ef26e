"""Read model of the re-analysis page and of the evidence tables' credibility column.

Study rows are turned into plain `StudyRow`s and handed to the pure `study_data.reanalyse`;
nothing derived is stored, so every view shows the current rows' analysis.
"""

from dataclasses import dataclass

from reviews.models import UmbrellaReview

from .. import stats
from ..models import AnalysisSettings, OutcomeResult, ReanalysisMethod, StudyEffect
from ..reported import (
    Comparison,
    ReportedCredibility,
    Status,
    compare,
    reported_criteria,
)
from ..study_data import Reanalysis, reanalyse


@dataclass(frozen=True)
class Attempt:
    analysis: Reanalysis | None
    error: str


def project_conventions(umbrella: UmbrellaReview) -> stats.Conventions:
    """The project's analysis conventions (the defaults when it saved none): one query per
    request, kept on the umbrella object, since a page may show classes from two selectors."""
    cached: stats.Conventions | None = getattr(umbrella, "_analysis_conventions", None)
    if cached is None:
        saved = AnalysisSettings.objects.filter(umbrella=umbrella).first()
        cached = saved.as_conventions() if saved else stats.OURS
        umbrella._analysis_conventions = cached  # type: ignore[attr-defined]  # a per-request memo
    return cached


def analyse(
    result: OutcomeResult,
    effects: list[StudyEffect],
    method: str,
    conventions: stats.Conventions = stats.OURS,
) -> Attempt:
    """The re-analysis of these rows, or the reason there is none."""
    if not effects:
        return Attempt(None, "")
    rows = [e.as_row() for e in effects]
    try:
        return Attempt(reanalyse(rows, result.measure, method, conventions), "")
    except (ValueError, RuntimeError) as error:
        return Attempt(None, str(error))


def chosen_method(result: OutcomeResult, requested: str | None) -> str:
    """A valid ?method= overrides the result's saved method for this view only."""
    if requested is not None and requested in ReanalysisMethod.values:
        return requested
    return result.reanalysis_method or ReanalysisMethod.REML


def comparisons(result: OutcomeResult, analysis: Reanalysis) -> list[Comparison]:
    """Reported vs re-analysed, on the printed scale; flags follow reported.compare."""
    pooled = analysis.pooled
    if pooled is None:
        return []
    shown = analysis.shown
    rows = [
        Comparison(
            "Studies (k)", result.k, pooled.k, result.k is not None and result.k != pooled.k
        ),
        compare("Estimate", result.estimate, shown(pooled.estimate)),
        compare("95% CI lower", result.ci_low, shown(pooled.ci_low)),
        compare("95% CI upper", result.ci_high, shown(pooled.ci_high)),
        compare("I² (%)", result.i2_percent, pooled.i2),
    ]
    if result.tau2 is not None:
        rows.append(compare("τ²", result.tau2, pooled.tau2))
    return rows


#: How a page names the conventions beside a class (stats.Conventions.name → words).
CONVENTION_LABELS = {
    stats.OURS.name: "our conventions",
    stats.METAUMBRELLA.name: "metaumbrella conventions",
}


@dataclass(frozen=True)
class CredibilityCell:
    """One evidence-table cell: a class from study-level data, or the reported criteria."""

    grade: str  # "I".."IV", "ns", or "" when not assessable
    source: str  # "study-level data" | "reported figures" | ""
    reported: ReportedCredibility | None = None
    error: str = ""
    conventions: str = ""  # whose conventions graded a class from study-level data

    @property
    def conventions_label(self) -> str:
        return CONVENTION_LABELS.get(self.conventions, "")

    @property
    def label(self) -> str:
        if not self.grade:
            return "not assessable"
        return "ns" if self.grade == "ns" else f"Class {self.grade}"

    @property
    def met(self) -> list[str]:
        return self._names(Status.MET)

    @property
    def not_met(self) -> list[str]:
        return self._names(Status.NOT_MET)

    @property
    def not_assessable(self) -> list[str]:
        return self._names(Status.NOT_ASSESSABLE)

    def _names(self, status: Status) -> list[str]:
        if self.reported is None:
            return []
        return [c.name for c in self.reported.criteria if c.status == status]


def credibility_cell(
    result: OutcomeResult, umbrella: UmbrellaReview | None = None
) -> CredibilityCell:
    """Uses `result.study_effects.all()` (prefetch it for tables). A class from study-level
    data is graded under `umbrella`'s conventions (`project_conventions`, read once per page
    and only when some result has study rows); ours without an umbrella."""
    effects = list(result.study_effects.all())
    if effects:
        conventions = project_conventions(umbrella) if umbrella is not None else stats.OURS
        attempt = analyse(result, effects, ReanalysisMethod.REML, conventions)
        if attempt.analysis and attempt.analysis.credibility:
            grade = attempt.analysis.credibility.grade
            return CredibilityCell(grade, "study-level data", conventions=conventions.name)
        return CredibilityCell("", "", error=attempt.error or "no study to pool")
    if result.evidence_type != "meta_analysis" or result.estimate is None:
        return CredibilityCell("", "")
    reported = reported_criteria(result.result_values())
    return CredibilityCell(reported.grade or "", "reported figures", reported)


def _fmt(value: float | None, digits: int = 4) -> str:
    if value is None:
        return "–"
    if value != value:  # NaN
        return "not defined"
    if value != 0 and abs(value) < 10**-digits:
        return f"{value:.2e}".replace("-", "−")
    return f"{value:.{digits}f}".replace("-", "−")


def _p(value: float | None) -> str:
    if value is None or value != value:
        return "not defined"
    return f"{value:.2e}".replace("-", "−") if value < 1e-4 else f"{value:.4f}"


def _interval(pair, shown=lambda x: x, digits: int = 4) -> str:
    if pair is None:
        return "not computed"
    return f"{_fmt(shown(pair[0]), digits)} to {_fmt(shown(pair[1]), digits)}"


def pooled_rows(analysis: Reanalysis, measure_label: str) -> list[tuple[str, str]]:
    """Every field of the Pooled result as (name, printed value); ratios also on the log scale."""
    p = analysis.pooled
    if p is None:
        return []
    s = analysis.shown
    rows = [("Studies pooled (k)", str(p.k))]
    left_out = [st.label for st in analysis.studies if st.weight_percent is None]
    if left_out:
        # Mantel–Haenszel keeps double-zero tables in its estimate (metafor rma.mh).
        name = (
            "Out of Q and I² (double zero)" if analysis.method == "MH" else "Left out (double zero)"
        )
        rows.append((name, ", ".join(left_out)))
    rows += [
        (f"Pooled {measure_label}", _fmt(s(p.estimate))),
        ("95% CI (standard, normal)", _interval((p.ci_low, p.ci_high), s)),
    ]
    if analysis.ratio:
        rows += [
            (f"log {measure_label}", _fmt(p.estimate)),
            (f"95% CI of log {measure_label}", _interval((p.ci_low, p.ci_high))),
        ]
    rows += [("SE (analysis scale)", _fmt(p.se)), ("z", _fmt(p.z)), ("p", _p(p.p))]
    if p.hksj is not None:
        h = p.hksj
        rows += [
            ("HKSJ 95% CI", _interval((h.ci_low, h.ci_high), s)),
            ("HKSJ SE, t, df", f"{_fmt(h.se)}, {_fmt(h.t)}, {h.df}"),
            ("HKSJ p", _p(h.p)),
        ]
    else:
        rows.append(("HKSJ 95% CI", "not computed (fixed-effect method)"))
    rows += [
        ("τ²", _fmt(p.tau2)),
        ("τ² 95% CI (Q-profile)", _interval(p.tau2_ci)),
    ]
    if p.tau2_se is not None:
        rows.append(("SE of τ² (REML)", _fmt(p.tau2_se)))
    rows += [
        ("Q (df)", f"{_fmt(p.q)} ({p.df})"),
        ("p for Q", _p(p.q_p)),
        ("I²", f"{_fmt(p.i2, 1)}%"),
        ("I² 95% CI", _interval(p.i2_ci, digits=1) + ("%" if p.i2_ci else "")),
        ("H²", _fmt(p.h2)),
    ]
    if p.prediction_interval is not None:
        rows.append(("95% prediction interval", _interval(p.prediction_interval, s)))
    else:
        why = "k < 3" if p.k < 3 else "fixed-effect method"
        rows.append(("95% prediction interval", f"not computed ({why})"))
    return rows
