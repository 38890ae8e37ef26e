"""The evidence part of a synthetic project (see `dataio.synthetic.project`): consensus AMSTAR 2
appraisals, outcomes and outcome results. The rules are not duplicated: every overall rating
comes from `appraisal.amstar2.overall_confidence`, every derived finding and p value from
`synthesis.findings`. Bulk inserts only.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from appraisal import amstar2
from appraisal.models import Appraisal, ItemAnswer
from synthesis import findings
from synthesis.models import Outcome, OutcomeResult

from .inserts import bulk

if TYPE_CHECKING:
    from .project import Size

OUTCOME_STEMS = {
    "Clinical": ["Depression", "Anxiety", "Psychiatric symptoms", "Suicidal ideation", "Distress"],
    "Recovery": ["Personal recovery", "Hope", "Empowerment", "Self-efficacy", "Quality of life"],
    "Psychosocial": ["Social support", "Loneliness", "Self-stigma", "Functioning", "Wellbeing"],
    "Service use": ["Hospital admissions", "Bed days", "Crisis contacts", "Engagement"],
    "Relational": ["Therapeutic alliance", "Family relationships", "Social network size"],
    "Satisfaction": ["Satisfaction with care", "Acceptability"],
    "Cost": ["Cost per participant", "Cost-effectiveness"],
    "Other": ["Employment", "Housing stability", "Physical health"],
}
LOWER_IS_BETTER = {
    "Depression", "Anxiety", "Psychiatric symptoms", "Suicidal ideation", "Distress",
    "Loneliness", "Self-stigma", "Hospital admissions", "Bed days", "Crisis contacts",
    "Cost per participant",
}  # fmt: skip
QUALIFIERS = ["", " (self-rated)", " (clinician-rated)", " at follow-up"]


def _answer(item: int, review_type: str, quality: float, rng) -> str:
    allowed = amstar2.allowed_answers(item, review_type)
    if amstar2.Answer.NOT_SCORED.value in allowed:
        return amstar2.Answer.NOT_SCORED.value
    if amstar2.Answer.NO_META_ANALYSIS.value in allowed and review_type != "sr_meta_analysis":
        return amstar2.Answer.NO_META_ANALYSIS.value
    draw = rng.random()
    if draw < quality:
        return amstar2.Answer.YES.value
    if amstar2.Answer.PARTIAL_YES.value in allowed and draw < quality + 0.15:
        return amstar2.Answer.PARTIAL_YES.value
    return amstar2.Answer.NO.value


def appraisals(reviews, rng) -> int:
    """A submitted consensus appraisal per review; the rating comes from the AMSTAR 2 rule."""
    appraisals, answer_sets = [], []
    quality = rng.beta(5, 2, size=len(reviews))
    for review, q in zip(reviews, quality, strict=True):
        answers = {n: _answer(n, review.review_type, q, rng) for n in amstar2.ITEM_NUMBERS}
        answer_sets.append(answers)
        appraisals.append(
            Appraisal(
                review=review,
                role=Appraisal.Role.CONSENSUS,
                status=Appraisal.Status.SUBMITTED,
                variant=amstar2.variant_for(review.review_type).code,
                overall=amstar2.overall_confidence(answers, review.review_type),
            )
        )
    appraisals = bulk(Appraisal, appraisals)
    rows = [
        ItemAnswer(appraisal=appraisal, item=n, answer=a)
        for appraisal, answers in zip(appraisals, answer_sets, strict=True)
        for n, a in answers.items()
    ]
    bulk(ItemAnswer, rows)
    return len(rows)


def outcome_rows(umbrella, spec: Size, domains) -> list[Outcome]:
    domain_of = {d.name: d for d in domains}
    names = [
        (domain, stem + qualifier)
        for qualifier in QUALIFIERS
        for domain, stems in OUTCOME_STEMS.items()
        for stem in stems
    ][: spec.outcomes]
    outcomes = [
        Outcome(
            umbrella=umbrella,
            name=name,
            domain=domain_of[domain],
            direction=findings.Direction.LOWER_IS_BETTER
            if name.split(" (")[0].split(" at ")[0] in LOWER_IS_BETTER
            else findings.Direction.HIGHER_IS_BETTER,
            position=i,
        )
        for i, (domain, name) in enumerate(names)
    ]
    return bulk(Outcome, outcomes)


def _meta_analysis(outcome: Outcome, rng) -> dict:
    """Numbers of one pooled result; the finding and p value come from `synthesis.findings`."""
    measure = findings.Measure.SMD if rng.random() < 0.7 else findings.Measure.RR
    k = int(rng.integers(2, 30))
    n = k * int(rng.integers(20, 300))
    effect, se = float(rng.normal(-0.15, 0.3)), float(rng.uniform(0.05, 0.4))
    if measure == findings.Measure.RR:
        estimate = round(math.exp(effect), 2)
        low, high = round(math.exp(effect - 1.96 * se), 2), round(math.exp(effect + 1.96 * se), 2)
        low = max(low, 0.01)
    else:
        estimate, low, high = (
            round(effect, 2),
            round(effect - 1.96 * se, 2),
            round(effect + 1.96 * se, 2),
        )
    p = findings.implied_p(measure, estimate, low, high)
    derived = findings.derive_finding(measure, outcome.direction, low, high)
    i2 = round(float(rng.uniform(0, 95)), 1)
    return {
        "evidence_type": findings.EvidenceType.META_ANALYSIS,
        "measure": measure,
        "k": k,
        "n": n,
        "estimate": estimate,
        "ci_low": low,
        "ci_high": high,
        "p_value": None if p is None else max(round(p, 3), 0.001),
        "pooling_model": "random",
        "i2_percent": i2,
        "tau2": round(float(rng.uniform(0, 0.2)), 3),
        "derived_finding": derived.value if derived else "",
        "finding": derived.value if derived else findings.Finding.MIXED.value,
    }


NARRATIVE_FINDINGS = [f.value for f in findings.Finding]


def outcome_results(reviews, outcomes, spec: Size, rng) -> int:
    per_review = np.bincount(rng.integers(len(reviews), size=spec.results), minlength=len(reviews))
    outcome_weight = rng.lognormal(0, 0.8, size=len(outcomes))
    outcome_p = outcome_weight / outcome_weight.sum()
    timepoints = ["post", "follow_up", "not_specified"]
    comparators = ["tau", "active", "waitlist", "mixed", "not_reported"]
    rows, serial = [], 0
    for review, n in zip(reviews, per_review, strict=True):
        for j in range(int(n)):
            serial += 1
            outcome = outcomes[int(rng.choice(len(outcomes), p=outcome_p))]
            pooled = review.review_type == "sr_meta_analysis" and rng.random() < 0.8
            values = (
                _meta_analysis(outcome, rng)
                if pooled
                else {
                    "evidence_type": findings.EvidenceType.NARRATIVE,
                    "finding": NARRATIVE_FINDINGS[int(rng.choice(4, p=[0.45, 0.35, 0.17, 0.03]))],
                    "narrative_summary": "Synthetic narrative result.",
                }
            )
            rows.append(
                OutcomeResult(
                    review=review,
                    outcome=outcome,
                    extraction_id=f"S{serial:06d}",
                    comparator=comparators[int(rng.integers(len(comparators)))],
                    timepoint=timepoints[j % len(timepoints)],
                    source_location="Synthetic",
                    **values,
                )
            )
    bulk(OutcomeResult, rows)
    return len(rows)
