"""Outcomes, the results each included review reports for them, and the study-level data behind
a result. The models live in one module per topic; import them from `synthesis.models`."""

from .analysis_settings import AnalysisSettings, ConventionChoice
from .extraction import ExtractedResult, Extraction
from .outcomes import DEFAULT_DOMAINS, Direction, Outcome, OutcomeDomain
from .results import (
    ENTERED_FIELDS,
    NUMBER_FIELDS,
    RESULT_FIELDS,
    Comparator,
    EvidenceType,
    Finding,
    Grade,
    Measure,
    OutcomeResult,
    PoolingModel,
    ReanalysisMethod,
    ResultField,
    Timepoint,
)
from .selection import SelectionOverride, SelectionRule
from .study_effects import KIND_FIELDS, STUDY_DATA_FIELDS, MultipleEs, StudyDataKind, StudyEffect

__all__ = [
    "DEFAULT_DOMAINS",
    "ENTERED_FIELDS",
    "KIND_FIELDS",
    "NUMBER_FIELDS",
    "RESULT_FIELDS",
    "STUDY_DATA_FIELDS",
    "AnalysisSettings",
    "Comparator",
    "ConventionChoice",
    "Direction",
    "EvidenceType",
    "ExtractedResult",
    "Extraction",
    "Finding",
    "Grade",
    "Measure",
    "MultipleEs",
    "Outcome",
    "OutcomeDomain",
    "OutcomeResult",
    "PoolingModel",
    "ReanalysisMethod",
    "ResultField",
    "SelectionOverride",
    "SelectionRule",
    "StudyDataKind",
    "StudyEffect",
    "Timepoint",
]
