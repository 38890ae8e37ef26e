"""The registry of an umbrella review: its included reviews, their reports and primary studies.

Database constraints back every rule that a fixture, the admin or an import could break
(year range, non-negative counts, one DOI per project), so bad rows never reach the tables.
The models live in one module per topic; import them from `reviews.models`.
"""

from .citation import MAX_YEAR, MIN_YEAR, Citation, unique_identifier_constraints
from .experiences import ExperienceSubtheme, ExperienceTheme, ExperienceValence, Perspective
from .flow import COUNT_FIELDS, PrismaFlow
from .implementation import CfirDomain, FactorValence, ImplementationFactor
from .key_findings import KeyFindingNarrative
from .project import (
    DeliveryMode,
    ExclusionReason,
    InterventionFormat,
    Membership,
    Population,
    ProjectScopedManager,
    ResearchQuestion,
    UmbrellaReview,
    VocabularyTerm,
)
from .registry import ExcludedReview, IncludedReview, PublishedRating, Report, ReviewType
from .revision import DataRevision
from .studies import (
    Inclusion,
    NotDuplicate,
    PrimaryStudy,
    ReportedInclusionFrequency,
    StudyMerge,
    StudyReport,
)

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
    "FactorValence",
    "ImplementationFactor",
    "IncludedReview",
    "Inclusion",
    "InterventionFormat",
    "KeyFindingNarrative",
    "Membership",
    "NotDuplicate",
    "Perspective",
    "Population",
    "PrimaryStudy",
    "PrismaFlow",
    "ProjectScopedManager",
    "PublishedRating",
    "Report",
    "ReportedInclusionFrequency",
    "ResearchQuestion",
    "ReviewType",
    "StudyMerge",
    "StudyReport",
    "UmbrellaReview",
    "VocabularyTerm",
    "unique_identifier_constraints",
]
