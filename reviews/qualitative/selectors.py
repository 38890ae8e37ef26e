"""Read models of the implementation (CFIR) and experience-theme tables.

Each function takes an already filtered queryset and reads it in a fixed number of queries
(the rows, their many-to-many links, the reviews with their AMSTAR 2 ratings), however many
rows there are. The unit counted is the review: a review behind two factors counts once.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from ..models import (
    CfirDomain,
    ExperienceSubtheme,
    ExperienceTheme,
    FactorValence,
    ImplementationFactor,
    IncludedReview,
    Perspective,
    UmbrellaReview,
)
from ..registry.ratings import RATING_LABELS, with_ratings


@dataclass(frozen=True)
class ReviewRating:
    """A supporting review with the rating shown everywhere (consensus, else published)."""

    label: str
    url: str
    rating: str
    source: str  # "computed", "published" or ""

    @property
    def rating_label(self) -> str:
        return RATING_LABELS.get(self.rating, "")


def rated_reviews() -> Prefetch:
    """Prefetch of `reviews` annotated by `registry.ratings.with_ratings`, in label order."""
    queryset = with_ratings(IncludedReview.objects.select_related("umbrella")).order_by("label")
    return Prefetch("reviews", queryset=queryset)


def review_ratings(obj) -> list[ReviewRating]:
    return [
        ReviewRating(
            label=review.label,
            url=review.get_absolute_url(),
            rating=review.rating or "",
            source="computed" if review.computed_rating else "published" if review.rating else "",
        )
        for review in obj.reviews.all()
    ]


# --------------------------------------------------------------------------------------
# Implementation
# --------------------------------------------------------------------------------------

VALENCE_COLUMNS = [FactorValence.FACILITATOR, FactorValence.BARRIER, FactorValence.BOTH]


@dataclass(frozen=True)
class FactorRow:
    factor: ImplementationFactor
    reviews: list[ReviewRating]


@dataclass
class DomainSection:
    domain: str
    label: str
    facilitators: list[FactorRow] = field(default_factory=list)
    barriers: list[FactorRow] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[FactorRow | None, FactorRow | None]]:
        """Facilitators and barriers side by side, one pair per table row."""
        n = max(len(self.facilitators), len(self.barriers))
        pad = [None] * n
        return list(zip((self.facilitators + pad)[:n], (self.barriers + pad)[:n], strict=True))


@dataclass(frozen=True)
class MatrixRow:
    label: str
    counts: list[int]  # in VALENCE_COLUMNS order
    total: int


@dataclass(frozen=True)
class ImplementationTable:
    sections: list[DomainSection]
    matrix: list[MatrixRow]
    totals: MatrixRow
    n_factors: int
    n_reviews: int


def implementation_table(factors: QuerySet[ImplementationFactor]) -> ImplementationTable:
    """Domains in CFIR order; a factor coded "both" is listed under facilitators and barriers."""
    rows = [
        FactorRow(factor, review_ratings(factor))
        for factor in factors.prefetch_related(rated_reviews()).order_by("position", "code")
    ]
    sections = {value: DomainSection(value, label) for value, label in CfirDomain.choices}
    counts: dict[str, Counter] = defaultdict(Counter)
    reviews: set[str] = set()
    for row in rows:
        section = sections[row.factor.domain]
        if row.factor.valence in (FactorValence.FACILITATOR, FactorValence.BOTH):
            section.facilitators.append(row)
        if row.factor.valence in (FactorValence.BARRIER, FactorValence.BOTH):
            section.barriers.append(row)
        counts[row.factor.domain][row.factor.valence] += 1
        reviews.update(review.label for review in row.reviews)
    matrix = [
        MatrixRow(
            label,
            [counts[value][v] for v in VALENCE_COLUMNS],
            sum(counts[value].values()),
        )
        for value, label in CfirDomain.choices
    ]
    totals = MatrixRow(
        "All domains",
        [sum(row.counts[i] for row in matrix) for i in range(len(VALENCE_COLUMNS))],
        len(rows),
    )
    shown = [s for s in sections.values() if s.facilitators or s.barriers]
    return ImplementationTable(shown, matrix, totals, len(rows), len(reviews))


# --------------------------------------------------------------------------------------
# Experiences
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubthemeRow:
    subtheme: ExperienceSubtheme
    perspectives: list[str]
    reviews: list[ReviewRating]


@dataclass
class PerspectiveGroup:
    perspective: str
    rows: list[SubthemeRow] = field(default_factory=list)

    @property
    def n_reviews(self) -> int:
        return len({review.label for row in self.rows for review in row.reviews})


@dataclass
class ThemeSection:
    theme: ExperienceTheme
    groups: list[PerspectiveGroup]
    n_subthemes: int
    n_reviews: int


@dataclass(frozen=True)
class ThemeMatrixRow:
    theme: str
    cells: list[tuple[int, int]]  # (subthemes, distinct reviews) per perspective
    n_subthemes: int
    n_reviews: int


@dataclass(frozen=True)
class ExperienceTable:
    sections: list[ThemeSection]
    perspectives: list[str]
    matrix: list[ThemeMatrixRow]
    n_subthemes: int
    n_reviews: int


NO_PERSPECTIVE = "Perspective not recorded"


def experience_table(
    umbrella: UmbrellaReview, subthemes: QuerySet[ExperienceSubtheme]
) -> ExperienceTable:
    """Themes → perspectives → subthemes; a subtheme with several perspectives is listed under
    each (its reviews count once per theme and overall)."""
    perspectives = [p.name for p in Perspective.objects.filter(umbrella=umbrella)]
    themes = list(ExperienceTheme.objects.filter(umbrella=umbrella))
    rows = [
        SubthemeRow(s, [p.name for p in s.perspectives.all()], review_ratings(s))
        for s in subthemes.select_related("theme")
        .prefetch_related("perspectives", rated_reviews())
        .order_by("position", "code")
    ]
    by_theme: dict[int, dict[str, PerspectiveGroup]] = defaultdict(dict)
    for row in rows:
        for name in row.perspectives or [NO_PERSPECTIVE]:
            groups = by_theme[row.subtheme.theme_id]
            groups.setdefault(name, PerspectiveGroup(name)).rows.append(row)
    order = {name: i for i, name in enumerate([*perspectives, NO_PERSPECTIVE])}
    sections, matrix = [], []
    for theme in themes:
        theme_rows = [row for row in rows if row.subtheme.theme_id == theme.pk]
        if not theme_rows:
            continue
        ordered = sorted(by_theme[theme.pk].values(), key=lambda g: order[g.perspective])
        n_reviews = len({r.label for row in theme_rows for r in row.reviews})
        sections.append(ThemeSection(theme, ordered, len(theme_rows), n_reviews))
        cells = []
        for name in perspectives:
            group = by_theme[theme.pk].get(name)
            cells.append((len(group.rows), group.n_reviews) if group else (0, 0))
        matrix.append(ThemeMatrixRow(theme.name, cells, len(theme_rows), n_reviews))
    n_reviews = len({r.label for row in rows for r in row.reviews})
    return ExperienceTable(sections, perspectives, matrix, len(rows), n_reviews)
