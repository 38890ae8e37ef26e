"""The registry of an umbrella review: its included reviews, their reports and primary studies.

Database constraints back every rule that a fixture, the admin or an import could break
(year range, non-negative counts, one DOI per project), so bad rows never reach the tables.
The models live in one module per topic; import them from `reviews.models`.
"""

from .citation import MAX_YEAR, MIN_YEAR, Citation, unique_identifier_constraints
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
from .studies import (
    Inclusion,
    NotDuplicate,
    PrimaryStudy,
    ReportedInclusionFrequency,
    StudyMerge,
    StudyReport,
)

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "Citation",
    "DeliveryMode",
    "ExcludedReview",
    "ExclusionReason",
    "IncludedReview",
    "Inclusion",
    "InterventionFormat",
    "Membership",
    "NotDuplicate",
    "Population",
    "PrimaryStudy",
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
