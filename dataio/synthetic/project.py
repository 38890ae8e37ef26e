"""A deterministic synthetic umbrella review, for benchmarks and scale tests.

`generate(size=..., seed=...)` builds one project, clearly named as synthetic and unpublished by
default, with bulk inserts only (no per-row saves): included reviews in the model case's mix of
types, a primary-study registry with a skewed overlap distribution, the citation matrix,
consensus AMSTAR 2 appraisals, outcome results, and CFIR implementation factors and experience
subthemes with their supporting reviews. The registry part is here; the appraisals and outcome
results are in `evidence`, the implementation and experiences part in `qualitative`. The rules
are not duplicated: every overall rating comes from `appraisal.amstar2.overall_confidence`,
every derived finding and p value from `synthesis.findings`.

Overlap distribution: the number of reviews including a study follows P(k) ∝ k^-1.5 for
k = 1..10 (about half the studies in one review, a long tail up to 10), then the counts are
nudged so the number of inclusion links is exact. Reviews differ in size (log-normal weights),
so a few include hundreds of studies and many a handful.

The same seed gives the same rows (and the same `fingerprint`); a different seed different ones.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import transaction

from appraisal.models import Appraisal, ItemAnswer
from reviews.models import (
    DeliveryMode,
    ExperienceSubtheme,
    ImplementationFactor,
    IncludedReview,
    Inclusion,
    InterventionFormat,
    Population,
    PrimaryStudy,
    ResearchQuestion,
    UmbrellaReview,
)
from reviews.project.revisions import changed
from reviews.registry.citations import unique_label
from synthesis.models import DEFAULT_DOMAINS, Outcome, OutcomeDomain, OutcomeResult

from ..relations import many_to_many
from .evidence import appraisals, outcome_results, outcome_rows
from .inserts import BATCH, bulk
from .qualitative import (
    delete_implementation_and_experiences,
    implementation_and_experiences,
)


@dataclass(frozen=True)
class Size:
    reviews: int
    studies: int
    inclusions: int
    outcomes: int
    results: int
    factors: int  # CFIR implementation factors (the model case: 33)
    subthemes: int  # experience subthemes (the model case: 64 in 6 themes)


SIZES = {
    # About the model case (35 reviews, 426 studies; Cooper et al. 2024).
    "small": Size(reviews=35, studies=400, inclusions=1_000, outcomes=24, results=700,
                  factors=33, subthemes=64),
    # 100x the model case: the scale a living umbrella review or an evidence portal reaches.
    "large": Size(reviews=2_000, studies=60_000, inclusions=150_000, outcomes=60, results=40_000,
                  factors=300, subthemes=600),
}  # fmt: skip

# The model case's mix of review types: 13 / 13 / 3 / 6 of 35.
TYPE_MIX = {
    "sr_meta_analysis": 13,
    "sr_no_meta_analysis": 13,
    "sr_qualitative": 3,
    "scoping": 6,
}
MAX_REVIEWS_PER_STUDY = 10

POPULATIONS = [
    "Severe mental illness (SMI)",
    "Common mental disorders",
    "Perinatal",
    "Young people",
    "Older adults",
    "Substance use disorders",
    "Veterans",
    "Carers and families",
    "Mixed or unspecified",
]
FORMATS = ["Individual only", "Group only", "Individual and group"]
MODES = ["In person", "Online", "Telephone"]
QUESTIONS = [
    ("RQ1", "effectiveness", "How effective is peer support?"),
    ("RQ2", "implementation", "What helps or hinders implementation?"),
    ("RQ3", "experiences", "How do people experience peer support?"),
]
SURNAMES = [
    "Adeyemi", "Bauer", "Chen", "Da Silva", "Eriksson", "Fitzgerald", "García", "Hassan",
    "Ito", "Jensen", "Kowalski", "Lindqvist", "Mensah", "Nakamura", "O'Brien", "Patel",
    "Quinn", "Rossi", "Schmidt", "Tanaka", "Usman", "Van Dijk", "Wang", "Xu", "Yilmaz", "Zhou",
]  # fmt: skip
TOPICS = [
    "peer support", "peer-delivered interventions", "mutual help groups", "peer mentoring",
    "online peer communities", "recovery colleges", "peer navigators", "peer-led education",
]  # fmt: skip


class SyntheticExists(Exception):
    """A synthetic project with this size and seed exists (pass replace=True to rebuild it)."""


def slug_for(size: str, seed: int) -> str:
    return f"synthetic-{size}-seed-{seed}"


@dataclass(frozen=True)
class Generated:
    umbrella: UmbrellaReview
    counts: dict[str, int]


def generate(*, size: str, seed: int, publish: bool = False, replace: bool = False) -> Generated:
    """Build the synthetic project `synthetic-<size>-seed-<seed>` in one transaction."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, not {size!r}")
    spec, slug = SIZES[size], slug_for(size, seed)
    with transaction.atomic():
        existing = UmbrellaReview.objects.filter(slug=slug).first()
        if existing and not replace:
            raise SyntheticExists(
                f"The synthetic project '{slug}' already exists; pass --replace to rebuild it."
            )
        if existing:
            delete_project(existing)
        rng = np.random.default_rng(seed)
        umbrella = UmbrellaReview.objects.create(
            title=f"Synthetic umbrella review ({size}, seed {seed})",
            slug=slug,
            question="SYNTHETIC DATA for benchmarks and scale tests: not real evidence.",
            search_start=date(1995, 1, 1),
            search_end=date(2024, 6, 1),
            databases_searched="MEDLINE\nEmbase\nPsycINFO\nCINAHL",
            is_published=publish,
        )
        vocab = _vocabularies(umbrella)
        reviews = _reviews(umbrella, spec, rng, vocab)
        n_links = _studies_and_inclusions(umbrella, spec, rng, reviews)
        n_answers = appraisals(reviews, rng)
        outcomes = outcome_rows(umbrella, spec, vocab["domains"])
        n_results = outcome_results(reviews, outcomes, spec, rng)
        qualitative = implementation_and_experiences(umbrella, reviews, spec, rng)
        changed(umbrella)
    counts = {
        "reviews": len(reviews),
        "studies": spec.studies,
        "inclusions": n_links,
        "appraisals": len(reviews),
        "item_answers": n_answers,
        "outcomes": len(outcomes),
        "results": n_results,
        **qualitative,
    }
    return Generated(umbrella, counts)


def delete_project(umbrella: UmbrellaReview) -> None:
    """Delete a synthetic project bottom-up with set-based deletes.

    Raw deletes: no per-row collection, signals or audit history. The generator wrote its rows
    with bulk inserts and no history either, and synthetic data is not research data; a
    `large` project's 150,000 links would otherwise each get a "deleted" history record.
    """
    for rows in (
        ItemAnswer.objects.filter(appraisal__review__umbrella=umbrella),
        Appraisal.objects.filter(review__umbrella=umbrella),
        OutcomeResult.objects.filter(review__umbrella=umbrella),
        Inclusion.objects.filter(review__umbrella=umbrella),
        PrimaryStudy.objects.filter(umbrella=umbrella),
    ):
        rows._raw_delete(rows.db)
    Outcome.objects.filter(umbrella=umbrella).delete()  # protects its domain
    delete_implementation_and_experiences(umbrella)
    umbrella.delete()


def _vocabularies(umbrella) -> dict[str, list]:
    def terms(model, names):
        return bulk(
            model, [model(umbrella=umbrella, name=n, position=i) for i, n in enumerate(names)]
        )

    return {
        "populations": terms(Population, POPULATIONS),
        "formats": terms(InterventionFormat, FORMATS),
        "modes": terms(DeliveryMode, MODES),
        "domains": terms(OutcomeDomain, DEFAULT_DOMAINS),
        "questions": bulk(
            ResearchQuestion,
            [ResearchQuestion(umbrella=umbrella, code=c, kind=k, text=t) for c, k, t in QUESTIONS],
        ),
    }


def _type_sequence(n: int, rng) -> list[str]:
    """Review types in the model case's proportions (largest remainder), shuffled."""
    total = sum(TYPE_MIX.values())
    quotas = {t: n * share // total for t, share in TYPE_MIX.items()}
    by_remainder = sorted(TYPE_MIX, key=lambda t: -(n * TYPE_MIX[t] % total))
    for t in by_remainder[: n - sum(quotas.values())]:
        quotas[t] += 1
    types = [t for t, q in quotas.items() for _ in range(q)]
    return [types[i] for i in rng.permutation(n)]


def _reviews(umbrella, spec: Size, rng, vocab) -> list[IncludedReview]:
    types = _type_sequence(spec.reviews, rng)
    years = rng.integers(2005, 2025, size=spec.reviews)
    lag = rng.integers(0, 2, size=spec.reviews)  # search in the year of publication or before
    reviews = []
    for i in range(spec.reviews):
        surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
        topic = TOPICS[int(rng.integers(len(TOPICS)))]
        year = int(years[i])
        has_search = rng.random() < 0.7
        reviews.append(
            IncludedReview(
                umbrella=umbrella,
                label=f"{surname} {year}-{i + 1:04d}",
                reference_number=i + 1,
                authors=f"{surname} A, {SURNAMES[(i * 7) % len(SURNAMES)]} B, et al.",
                year=year,
                title=f"Synthetic review {i + 1}: {topic} for mental health ({types[i]})",
                journal="Journal of Synthetic Evidence",
                volume=str(year - 1990),
                pages=f"{i + 1}",
                doi=f"10.5555/synthetic.review.{i + 1}",
                review_type=types[i],
                n_participants=int(rng.integers(40, 20_000)),
                search_date=date(year - int(lag[i]), 1 + i % 12, 1) if has_search else None,
                grade_used=bool(rng.random() < 0.3),
                lived_experience_involvement=bool(rng.random() < 0.2),
                notes="Synthetic record.",
            )
        )
    reviews = bulk(IncludedReview, reviews)
    links: dict[str, list[tuple[int, int]]] = {
        "populations": [],
        "formats": [],
        "delivery_modes": [],
        "research_questions": [],
    }
    pools = {
        "populations": vocab["populations"],
        "formats": vocab["formats"],
        "delivery_modes": vocab["modes"],
        "research_questions": vocab["questions"],
    }
    for review in reviews:
        for name, pool in pools.items():
            how_many = 1 + int(rng.integers(0, 2 if name != "populations" else 3))
            chosen = rng.choice(len(pool), size=min(how_many, len(pool)), replace=False)
            links[name] += [(review.pk, pool[int(j)].pk) for j in sorted(chosen)]
    for name, pairs in links.items():
        m2m = many_to_many(IncludedReview, name)
        through, target = m2m.through, m2m.target
        bulk(through, [through(includedreview_id=r, **{f"{target}_id": t}) for r, t in pairs])
    return reviews


def reviews_per_study(n_studies: int, n_links: int) -> np.ndarray:
    """How many reviews include each study: counts ∝ k^-1.5, nudged to exactly `n_links`."""
    k = np.arange(1, MAX_REVIEWS_PER_STUDY + 1)
    p = k**-1.5 / (k**-1.5).sum()
    counts = np.floor(p * n_studies).astype(int)
    counts[0] += n_studies - counts.sum()
    # Move studies between "in one review" and "in two" until the links add up.
    excess = int((counts * k).sum()) - n_links
    step = min(abs(excess), counts[1] if excess > 0 else counts[0])
    counts[0] += step if excess > 0 else -step
    counts[1] -= step if excess > 0 else -step
    return np.repeat(k, counts)


def _choose_reviews(per_study: np.ndarray, weights: np.ndarray, rng) -> list[np.ndarray]:
    """Distinct reviews for each study, drawn by review weight (redrawn on a repeat)."""
    cumulative = np.cumsum(weights / weights.sum())
    n_reviews = len(weights)
    chosen: list[np.ndarray] = [np.empty(0, dtype=int)] * len(per_study)
    for k in np.unique(per_study):
        rows = np.flatnonzero(per_study == k)
        draws = np.minimum(np.searchsorted(cumulative, rng.random((len(rows), k))), n_reviews - 1)
        while True:
            ordered = np.sort(draws, axis=1)
            repeated = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1) if k > 1 else None
            if repeated is None or not repeated.any():
                break
            bad = np.flatnonzero(repeated)
            redraw = np.searchsorted(cumulative, rng.random((len(bad), k)))
            draws[bad] = np.minimum(redraw, n_reviews - 1)
        for row, reviews in zip(rows, draws, strict=True):
            chosen[row] = reviews
    return chosen


def _studies_and_inclusions(umbrella, spec: Size, rng, reviews) -> int:
    per_study = rng.permutation(reviews_per_study(spec.studies, spec.inclusions))
    weights = rng.lognormal(mean=0.0, sigma=1.0, size=len(reviews))
    chosen = _choose_reviews(per_study, weights, rng)
    search_years = np.array(
        [r.search_date.year if r.search_date else r.year for r in reviews], dtype=int
    )
    designs = [d for d, _ in PrimaryStudy.Design.choices]
    design_p = np.array([0.45, 0.08, 0.12, 0.1, 0.2, 0.05])
    design_of = rng.choice(len(designs), size=spec.studies, p=design_p)
    age = rng.geometric(0.18, size=spec.studies)  # years before the earliest including search
    surname_of = rng.integers(len(SURNAMES), size=spec.studies)
    n_of = rng.lognormal(4.5, 1.0, size=spec.studies).astype(int) + 10
    studies: list[PrimaryStudy] = []
    labels: set[str] = set()
    for i in range(spec.studies):
        year = max(1980, int(search_years[chosen[i]].min()) - int(age[i]) + 1)
        studies.append(
            PrimaryStudy(
                umbrella=umbrella,
                # Labels are unique per project: "Smith 2019", "Smith 2019b", …
                label=unique_label(f"{SURNAMES[surname_of[i]]} {year}", labels),
                title=f"Synthetic primary study {i + 1}",
                authors=f"{SURNAMES[surname_of[i]]} C, et al.",
                year=year,
                journal="Synthetic Trials",
                doi=f"10.5555/synthetic.study.{i + 1}" if i % 10 < 7 else "",
                design=designs[design_of[i]],
                n_participants=int(n_of[i]),
            )
        )
    studies = bulk(PrimaryStudy, studies)
    inclusions = [
        Inclusion(review_id=reviews[int(r)].pk, study_id=study.pk)
        for study, chosen_reviews in zip(studies, chosen, strict=True)
        for r in chosen_reviews
    ]
    bulk(Inclusion, inclusions)
    # "As reported" study counts: what the registry holds for each review.
    counts = np.bincount(np.concatenate(chosen), minlength=len(reviews))
    for review, count in zip(reviews, counts, strict=True):
        review.n_primary_studies = int(count)
    IncludedReview.objects.bulk_update(reviews, ["n_primary_studies"], batch_size=BATCH)
    return len(inclusions)


def fingerprint(umbrella: UmbrellaReview) -> dict[str, str | int]:
    """Counts and checksums of key fields, to compare two generations."""

    def digest(rows) -> str:
        h = hashlib.sha256()
        for row in rows:
            h.update(repr(row).encode())
        return h.hexdigest()[:16]

    reviews = IncludedReview.objects.filter(umbrella=umbrella)
    return {
        "reviews": reviews.count(),
        "studies": PrimaryStudy.objects.filter(umbrella=umbrella).count(),
        "inclusions": Inclusion.objects.filter(review__umbrella=umbrella).count(),
        "item_answers": ItemAnswer.objects.filter(appraisal__review__umbrella=umbrella).count(),
        "results": OutcomeResult.objects.filter(review__umbrella=umbrella).count(),
        "reviews_sha": digest(
            reviews.order_by("label").values_list("label", "year", "review_type", "search_date")
        ),
        "inclusions_sha": digest(
            Inclusion.objects.filter(review__umbrella=umbrella)
            .order_by("review__label", "study__title")
            .values_list("review__label", "study__title", "study__year")
        ),
        "ratings_sha": digest(
            Appraisal.objects.filter(review__umbrella=umbrella)
            .order_by("review__label")
            .values_list("review__label", "overall")
        ),
        "results_sha": digest(
            OutcomeResult.objects.filter(review__umbrella=umbrella)
            .order_by("extraction_id")
            .values_list("extraction_id", "outcome__name", "estimate", "finding")
        ),
        "qualitative_sha": digest(
            [
                *ImplementationFactor.reviews.through.objects.filter(
                    implementationfactor__umbrella=umbrella
                )
                .order_by("implementationfactor__code", "includedreview__label")
                .values_list("implementationfactor__code", "includedreview__label"),
                *ExperienceSubtheme.reviews.through.objects.filter(
                    experiencesubtheme__theme__umbrella=umbrella
                )
                .order_by("experiencesubtheme__code", "includedreview__label")
                .values_list("experiencesubtheme__code", "includedreview__label"),
            ]
        ),
    }
