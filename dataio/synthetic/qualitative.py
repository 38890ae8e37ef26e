"""The implementation and experiences part of a synthetic project (see `dataio.synthetic.project`).

As in the model case, a minority of reviews address each question (9 of 35 reviews fed the
CFIR factors, 11 the experience themes); each factor or subtheme is supported by one review or
a few, with a long tail (P(k) ∝ k^-1.5, up to 12 reviews), so the key-findings ranking and the
tables meet the skew they meet in real data. Bulk inserts only.
"""

from __future__ import annotations

import numpy as np

from reviews import models as rm

from .inserts import bulk

MAX_SUPPORT = 12
IMPLEMENTATION_SHARE = 9 / 35  # of the reviews, as in the model case
EXPERIENCES_SHARE = 11 / 35
THEMES = [
    "Relationships built on shared experience", "Role clarity and boundaries",
    "Organisational support", "Recovery and hope", "Training and supervision",
    "Stigma and disclosure", "Access and reach", "Wellbeing of peer workers",
]  # fmt: skip
PERSPECTIVES = ["Peer support workers", "Service users", "Staff and managers", "Carers"]
FACTOR_VALENCES = [rm.FactorValence.FACILITATOR, rm.FactorValence.BARRIER, rm.FactorValence.BOTH]
THEME_VALENCES = [
    rm.ExperienceValence.POSITIVE,
    rm.ExperienceValence.NEGATIVE,
    rm.ExperienceValence.MIXED,
]


def _support(n_items: int, pool: list[rm.IncludedReview], rng) -> list[list[rm.IncludedReview]]:
    """For each item, the distinct reviews supporting it (skewed counts, at least one)."""
    k = np.arange(1, MAX_SUPPORT + 1)
    p = k**-1.5 / (k**-1.5).sum()
    sizes = np.minimum(rng.choice(k, size=n_items, p=p), len(pool))
    return [[pool[i] for i in rng.choice(len(pool), size=n, replace=False)] for n in sizes]


def _subset(reviews: list[rm.IncludedReview], share: float, rng) -> list[rm.IncludedReview]:
    n = max(1, round(len(reviews) * share))
    return [reviews[i] for i in sorted(rng.choice(len(reviews), size=n, replace=False))]


def implementation_and_experiences(
    umbrella: rm.UmbrellaReview, reviews: list[rm.IncludedReview], spec, rng
) -> dict[str, int]:
    """Create `spec.factors` factors and `spec.subthemes` subthemes; return the counts."""
    domains = list(rm.CfirDomain.values)
    factors = bulk(
        rm.ImplementationFactor,
        [
            rm.ImplementationFactor(
                umbrella=umbrella,
                code=f"F{i + 1:04d}",
                domain=domains[i % len(domains)],
                statement=f"Synthetic implementation factor {i + 1}",
                valence=FACTOR_VALENCES[int(rng.integers(len(FACTOR_VALENCES)))],
                position=i // len(domains),
            )
            for i in range(spec.factors)
        ],
    )
    factor_links = [
        rm.ImplementationFactor.reviews.through(implementationfactor=factor, includedreview=review)
        for factor, support in zip(
            factors,
            _support(len(factors), _subset(reviews, IMPLEMENTATION_SHARE, rng), rng),
            strict=True,
        )
        for review in support
    ]
    bulk(rm.ImplementationFactor.reviews.through, factor_links)

    perspectives = bulk(
        rm.Perspective,
        [rm.Perspective(umbrella=umbrella, name=n, position=i) for i, n in enumerate(PERSPECTIVES)],
    )
    themes = bulk(
        rm.ExperienceTheme,
        [rm.ExperienceTheme(umbrella=umbrella, name=n, position=i) for i, n in enumerate(THEMES)],
    )
    subthemes = bulk(
        rm.ExperienceSubtheme,
        [
            rm.ExperienceSubtheme(
                theme=themes[i % len(themes)],
                code=f"E{i + 1:04d}",
                statement=f"Synthetic experience subtheme {i + 1}",
                valence=THEME_VALENCES[int(rng.integers(len(THEME_VALENCES)))],
                position=i // len(themes),
            )
            for i in range(spec.subthemes)
        ],
    )
    support = _support(len(subthemes), _subset(reviews, EXPERIENCES_SHARE, rng), rng)
    Through = rm.ExperienceSubtheme.reviews.through
    theme_links = [
        Through(experiencesubtheme=subtheme, includedreview=review)
        for subtheme, reviews_of in zip(subthemes, support, strict=True)
        for review in reviews_of
    ]
    bulk(Through, theme_links)
    PerspectiveLink = rm.ExperienceSubtheme.perspectives.through
    bulk(
        PerspectiveLink,
        [
            PerspectiveLink(
                experiencesubtheme=subtheme,
                perspective=perspectives[int(rng.integers(len(perspectives)))],
            )
            for subtheme in subthemes
        ],
    )
    return {
        "implementation_factors": len(factors),
        "factor_review_links": len(factor_links),
        "experience_subthemes": len(subthemes),
        "subtheme_review_links": len(theme_links),
    }


def delete_implementation_and_experiences(umbrella: rm.UmbrellaReview) -> None:
    """Raw set-based deletes of the above (see `project.delete_project`), links first."""
    for rows in (
        rm.ImplementationFactor.reviews.through.objects.filter(
            implementationfactor__umbrella=umbrella
        ),
        rm.ImplementationFactor.objects.filter(umbrella=umbrella),
        rm.ExperienceSubtheme.reviews.through.objects.filter(
            experiencesubtheme__theme__umbrella=umbrella
        ),
        rm.ExperienceSubtheme.perspectives.through.objects.filter(
            experiencesubtheme__theme__umbrella=umbrella
        ),
        rm.ExperienceSubtheme.objects.filter(theme__umbrella=umbrella),
        rm.ExperienceTheme.objects.filter(umbrella=umbrella),
    ):
        rows._raw_delete(rows.db)
