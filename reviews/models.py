"""Every model of the reviews app: the project, its included reviews, primary studies and the rest.

Database constraints back every rule that a fixture, the admin or an import could break
(year range, non-negative counts, one DOI per project), so bad rows never reach the tables.
The models live in the `models` module of each topic's sub-package (project, registry, studies,
overlap, qualitative, prisma); this module imports them all, so Django finds them (app label
`reviews`, tables unchanged) and the rest of the code imports them from `reviews.models`.
"""

from .assignments.models import ReviewAssignment
from .members.models import Invitation
from .overlap.models import ReportedInclusionFrequency
from .prisma.models import COUNT_FIELDS, PrismaFlow
from .project.models import (
    DataRevision,
    DeliveryMode,
    ExclusionReason,
    ExtractionMode,
    InterventionFormat,
    KeyFindingNarrative,
    Membership,
    Population,
    ResearchQuestion,
    UmbrellaReview,
    VocabularyTerm,
)
from .publishing.models import PublicationEvent
from .qualitative.models import (
    CfirDomain,
    ExperienceSubtheme,
    ExperienceTheme,
    ExperienceValence,
    FactorValence,
    ImplementationFactor,
    Perspective,
)
from .registry.models import (
    MAX_YEAR,
    MIN_YEAR,
    Citation,
    ExcludedReview,
    IncludedReview,
    PublishedRating,
    Report,
    ReviewType,
    unique_identifier_constraints,
)
from .studies.models import Inclusion, NotDuplicate, PrimaryStudy, StudyMerge, StudyReport

__all__ = [
    "COUNT_FIELDS",
    "MAX_YEAR",
    "MIN_YEAR",
    "CfirDomain",
    "Citation",
    "DataRevision",
    "DeliveryMode",
    "ExcludedReview",
    "ExclusionReason",
    "ExperienceSubtheme",
    "ExperienceTheme",
    "ExperienceValence",
    "ExtractionMode",
    "FactorValence",
    "ImplementationFactor",
    "IncludedReview",
    "Inclusion",
    "InterventionFormat",
    "Invitation",
    "KeyFindingNarrative",
    "Membership",
    "NotDuplicate",
    "Perspective",
    "Population",
    "PrimaryStudy",
    "PrismaFlow",
    "PublicationEvent",
    "PublishedRating",
    "Report",
    "ReportedInclusionFrequency",
    "ResearchQuestion",
    "ReviewAssignment",
    "ReviewType",
    "StudyMerge",
    "StudyReport",
    "UmbrellaReview",
    "VocabularyTerm",
    "unique_identifier_constraints",
]
