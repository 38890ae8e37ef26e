"""The workbook format, declared: sheets, columns, types, allowed values and natural keys.

Each sheet maps to one model. Columns are inferred from the model's fields (type, whether
required, allowed values, help text), so adding an entity is one small `sheet(...)` call;
references to other rows are by natural key (a review's label, an outcome's name), never by
database id. Sheets are listed in the order they are written (referenced sheets first).
docs/data-format.md describes the same format for people.
"""

from __future__ import annotations

from functools import cache

from appraisal.models import Appraisal, AppraisalSettings, ItemAnswer
from reviews import models as rm
from reviews.prisma.models import COUNT_NAMES
from synthesis.models import (
    ENTERED_FIELDS,
    STUDY_DATA_FIELDS,
    AnalysisSettings,
    Outcome,
    OutcomeDomain,
    OutcomeResult,
    StudyEffect,
)

from .columns import (
    CHOICE,
    CITATION,
    REF,
    REFS,
    TEXT,
    USERS,
    Column,
    Link,
    Sheet,
    cols,
    of_review,
    ref,
    review_child,
    vocabulary,
)


def _sheets() -> list[Sheet]:
    # Records merged into another study are not exported, nor the rows that hang on them.
    active = {"merged_into__isnull": True}
    of_active_study = {"study__merged_into__isnull": True}
    return [
        Sheet(
            "project",
            rm.UmbrellaReview,
            tuple(
                cols(
                    rm.UmbrellaReview,
                    *rm.UmbrellaReview.DESCRIPTION_FIELDS,
                    "reported_primary_studies",
                )
            ),
            (),
            "The umbrella review itself: one row. Its slug is the --project argument.",
            scope="",
        ),
        Sheet(
            "research_questions",
            rm.ResearchQuestion,
            tuple(cols(rm.ResearchQuestion, "code", "text", "kind")),
            ("code",),
            "The umbrella review's research questions.",
        ),
        vocabulary("populations", rm.Population, "Population categories."),
        vocabulary("intervention_formats", rm.InterventionFormat, "Intervention formats."),
        vocabulary("delivery_modes", rm.DeliveryMode, "Delivery modes."),
        vocabulary("exclusion_reasons", rm.ExclusionReason, "Reasons for full-text exclusion."),
        vocabulary("outcome_domains", OutcomeDomain, "Domains of outcomes."),
        Sheet(
            "included_reviews",
            rm.IncludedReview,
            (
                *cols(rm.IncludedReview, "label", "reference_number", "review_type"),
                *cols(rm.IncludedReview, "review_type_note", *CITATION),
                ref("populations", "populations", required=False, many=True),
                ref("formats", "intervention_formats", required=False, many=True),
                ref("delivery_modes", "delivery_modes", required=False, many=True),
                ref("research_questions", "research_questions", required=False, many=True),
                *cols(rm.IncludedReview, *rm.IncludedReview.DETAIL_FIELDS),
            ),
            ("label",),
            "The included reviews; each one's citation is its main report.",
        ),
        of_review(
            "reports",
            rm.Report,
            (
                *cols(rm.Report, "title", "reference_number", *CITATION[:2], *CITATION[3:]),
                *cols(rm.Report, "note"),
            ),
            ("title",),
            "Further papers reporting an included review.",
        ),
        Sheet(
            "excluded_reviews",
            rm.ExcludedReview,
            (
                *cols(rm.ExcludedReview, "title", *CITATION[:2], *CITATION[3:]),
                ref("reason", "exclusion_reasons"),
                *cols(rm.ExcludedReview, "note"),
            ),
            ("title",),
            "Full texts assessed and excluded, with the reason.",
        ),
        Sheet(
            "primary_studies",
            rm.PrimaryStudy,
            tuple(
                cols(
                    rm.PrimaryStudy,
                    "label",
                    *CITATION,
                    "design",
                    "country",
                    "n_participants",
                    "trial_registration",
                )
            ),
            ("label",),
            "The primary-study registry (records merged into another are not exported).",
            export_filter=active,
        ),
        Sheet(
            "study_reports",
            rm.StudyReport,
            (
                ref("study", "primary_studies"),
                *cols(rm.StudyReport, "title", *CITATION[:2], *CITATION[3:], "note"),
            ),
            ("study", "title"),
            "Further papers of a primary study (its publication thread).",
            scope="study__umbrella",
            export_filter=of_active_study,
        ),
        of_review(
            "inclusions",
            rm.Inclusion,
            (ref("study", "primary_studies"),),
            ("study",),
            "The citation matrix: one row per review including a study.",
            export_filter=of_active_study,
        ),
        Sheet(
            "reported_frequencies",
            rm.ReportedInclusionFrequency,
            tuple(
                cols(rm.ReportedInclusionFrequency, "times_included", "n_primary_studies", "source")
            ),
            ("times_included",),
            "The overlap frequency table as the umbrella review reports it.",
        ),
        Sheet(
            "appraisal_settings",
            AppraisalSettings,
            tuple(cols(AppraisalSettings, "use_adapted_variants")),
            (),
            "The project's AMSTAR 2 settings: one row (blank: the default, true).",
        ),
        Sheet(
            "analysis_settings",
            AnalysisSettings,
            tuple(cols(AnalysisSettings, "conventions", "dependent_r")),
            (),
            "The project's analysis conventions: one row (blank: ours, r = 0.5).",
        ),
        of_review(
            "appraisals",
            Appraisal,
            (
                *cols(Appraisal, "role", "status"),
                Column(
                    "rater",
                    REF,
                    "rater",
                    ref=USERS,
                    path="rater__username",
                    description="The rater's username (an existing account; blank: none).",
                ),
            ),
            ("role",),
            "AMSTAR 2 appraisals (the overall rating and variant are computed from the answers).",
            computed=("overall", "variant"),
        ),
        review_child(
            "appraisal_answers",
            ItemAnswer,
            Link("appraisal", "appraisals", ("review", "role")),
            (CHOICE, "The appraisal's role (with the review, names the appraisal)."),
            (
                *cols(ItemAnswer, "item", required=("item",)),
                *cols(ItemAnswer, "answer", "answer_rct", "answer_nrsi", "justification"),
            ),
            ("item",),
            "One AMSTAR 2 item's answer per row; items 9 and 11 may be answered per design.",
            choices=tuple(Appraisal.Role.values),
        ),
        Sheet(
            "outcomes",
            Outcome,
            (
                *cols(Outcome, "name"),
                ref("domain", "outcome_domains"),
                *cols(Outcome, "direction", "description", "position"),
            ),
            ("name",),
            "The outcomes of the umbrella review.",
        ),
        of_review(
            "outcome_results",
            OutcomeResult,
            (
                *cols(OutcomeResult, "extraction_id", required=("extraction_id",)),
                # The values a researcher enters, in `RESULT_FIELDS`'s order; the outcome,
                # the first of them, is named by its natural key.
                ref("outcome", "outcomes"),
                *cols(OutcomeResult, *(name for name in ENTERED_FIELDS if name != "outcome")),
            ),
            ("extraction_id",),
            "What each included review reports for each outcome (one evidence-table row).",
            computed=("derived_finding", "finding"),
        ),
        review_child(
            "study_effects",
            StudyEffect,
            Link("outcome_result", "outcome_results", ("review", "extraction_id"), False),
            (TEXT, "The outcome result's extraction id (with the review, names it)."),
            (
                *cols(StudyEffect, "label"),
                ref("study", "primary_studies", required=False),
                *cols(StudyEffect, "kind", *STUDY_DATA_FIELDS, "reverse", "multiple_es", "note"),
            ),
            ("label",),
            "One primary study's data behind an outcome result (for the re-analysis); only "
            "the columns of the row's kind are kept.",
        ),
        Sheet(
            "implementation_factors",
            rm.ImplementationFactor,
            (
                *cols(rm.ImplementationFactor, "code", "domain", "construct", "statement"),
                *cols(rm.ImplementationFactor, "valence"),
                ref("reviews", "included_reviews", required=False, many=True),
                *cols(rm.ImplementationFactor, "position", "note"),
            ),
            ("code",),
            "Implementation factors coded to the CFIR domains, with the supporting reviews.",
        ),
        vocabulary("perspectives", rm.Perspective, "Whose experience a subtheme reports."),
        Sheet(
            "experience_themes",
            rm.ExperienceTheme,
            tuple(cols(rm.ExperienceTheme, "name", "description", "position")),
            ("name",),
            "Overarching themes of the experiences synthesis.",
        ),
        Sheet(
            "experience_subthemes",
            rm.ExperienceSubtheme,
            (
                *cols(rm.ExperienceSubtheme, "code"),
                ref("theme", "experience_themes"),
                *cols(rm.ExperienceSubtheme, "statement", "valence"),
                ref("perspectives", "perspectives", required=False, many=True),
                ref("reviews", "included_reviews", required=False, many=True),
                *cols(rm.ExperienceSubtheme, "contrasting", "position", "note"),
            ),
            ("code",),
            "Subthemes (codes unique in the project), whose perspective, and the reviews.",
            scope="theme__umbrella",
        ),
        Sheet(
            "prisma_flow",
            rm.PrismaFlow,
            tuple(cols(rm.PrismaFlow, *COUNT_NAMES, "note")),
            (),
            "The PRISMA 2020 flow counts: one row (blank: not reported). Exclusions by reason "
            "are counted from the excluded_reviews sheet, and must add up to 'excluded'.",
        ),
        Sheet(
            "key_finding_narratives",
            rm.KeyFindingNarrative,
            (ref("research_question", "research_questions"), *cols(rm.KeyFindingNarrative, "text")),
            ("research_question",),
            "A short narrative beside the computed key findings of a research question.",
        ),
    ]


def _resolve_paths(sheets: list[Sheet]) -> list[Sheet]:
    """Fill `{sheet}` placeholders in reference paths with that sheet's key field."""
    by_name = {s.name: s for s in sheets}
    resolved = []
    for s in sheets:
        columns = []
        for c in s.columns:
            if c.ref and "{" in c.path:
                (target_key,) = by_name[c.ref].key
                c = Column(**{**c.__dict__, "path": c.path.replace(f"{{{c.ref}}}", target_key)})
            columns.append(c)
        resolved.append(Sheet(**{**s.__dict__, "columns": tuple(columns)}))
    return resolved


@cache
def sheets() -> tuple[Sheet, ...]:
    return tuple(_resolve_paths(_sheets()))


def sheet_by_name() -> dict[str, Sheet]:
    return {s.name: s for s in sheets()}


def list_targets() -> set[str]:
    """Sheets named in list columns: their keys may not contain the list separator."""
    return {c.ref for s in sheets() for c in s.columns if c.kind == REFS}


# Entities of the project not (yet) in the workbook; docs/data-format.md lists them too.
NOT_COVERED = (
    "user accounts themselves (an appraisal's rater names an existing account)",
    "result checks (entered_by / checked_by)",
    "de-duplication history (merged records, StudyMerge, NotDuplicate)",
    "memberships and publication status",
)
