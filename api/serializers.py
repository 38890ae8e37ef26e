"""What each API resource holds. Every field is named here: research data and public labels,
never internal notes (issue 18 separates public from internal notes), the account of who
entered or checked a row, or members' e-mail addresses."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from appraisal.models import Appraisal, ItemAnswer
from reviews.models import (
    ExperienceSubtheme,
    ImplementationFactor,
    IncludedReview,
    PrismaFlow,
    Report,
    UmbrellaReview,
)
from synthesis.models import RESULT_FIELDS, Outcome, OutcomeResult, StudyEffect
from synthesis.selectors.ratings import rating_for

CITATION = ["authors", "year", "title", "journal", "volume", "pages", "doi", "pmid"]


class ProjectSerializer(serializers.ModelSerializer[UmbrellaReview]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = UmbrellaReview
        fields = ["slug", *UmbrellaReview.DESCRIPTION_FIELDS, "is_published", "url"]

    def get_url(self, project: UmbrellaReview) -> str:
        request = self.context.get("request")
        path = f"/api/v1/projects/{project.slug}/"
        return request.build_absolute_uri(path) if request is not None else path


class NamedSerializer(serializers.Serializer[Any]):
    """A vocabulary term a review is linked to (population, format, delivery mode)."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class QuestionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    text = serializers.CharField()


class ReportSerializer(serializers.ModelSerializer[Report]):
    class Meta:
        model = Report
        fields = ["id", *CITATION, "reference_number"]


class ReviewSerializer(serializers.ModelSerializer[IncludedReview]):
    rating = serializers.SerializerMethodField(
        help_text="AMSTAR 2: the submitted consensus appraisal's, else the published rating."
    )
    reports = ReportSerializer(many=True)
    research_questions = QuestionSerializer(many=True)
    populations = NamedSerializer(many=True)
    formats = NamedSerializer(many=True)
    delivery_modes = NamedSerializer(many=True)

    class Meta:
        model = IncludedReview
        fields = [
            "id",
            "label",
            *CITATION,
            "reference_number",
            "review_type",
            # The review's own details as the form and the workbook list them, less notes.
            *(name for name in IncludedReview.DETAIL_FIELDS if "note" not in name),
            "rating",
            "reports",
            "research_questions",
            "populations",
            "formats",
            "delivery_modes",
        ]

    def get_rating(self, review: IncludedReview) -> str:
        return getattr(review, "rating", None) or ""


class AnswerSerializer(serializers.ModelSerializer[ItemAnswer]):
    class Meta:
        model = ItemAnswer
        fields = ["item", "answer", "answer_rct", "answer_nrsi", "justification"]


class AppraisalSerializer(serializers.ModelSerializer[Appraisal]):
    review = serializers.IntegerField(source="review_id")
    review_label = serializers.CharField(source="review.label")
    rater = serializers.SerializerMethodField(
        help_text="The rater's username: for the project's appraisers only, else null."
    )
    answers = AnswerSerializer(many=True)

    class Meta:
        model = Appraisal
        fields = [
            "id",
            "review",
            "review_label",
            "role",
            "status",
            "variant",
            "overall",
            "rater",
            "created_at",
            "updated_at",
            "answers",
        ]

    def get_rater(self, appraisal: Appraisal) -> str | None:
        rater: Any = appraisal.rater  # the user model (django-stubs sees a type variable)
        if not self.context.get("usernames") or rater is None:
            return None
        return str(rater.get_username())


class OutcomeSerializer(serializers.ModelSerializer[Outcome]):
    domain = serializers.CharField(source="domain.name")

    class Meta:
        model = Outcome
        fields = ["id", "name", "domain", "direction", "description", "position"]


# Every value `synthesis.models.RESULT_FIELDS` declares (the form's, the export's and the
# workbook's), less the outcome (given as id and name) and the notes (see above).
RESULT_VALUES = [f.name for f in RESULT_FIELDS if f.name not in {"outcome", "note"}]


class ResultSerializer(serializers.ModelSerializer[OutcomeResult]):
    review = serializers.IntegerField(source="review_id")
    review_label = serializers.CharField(source="review.label")
    outcome = serializers.IntegerField(source="outcome_id")
    outcome_name = serializers.CharField(source="outcome.name")
    consistency_warning = serializers.CharField(read_only=True)
    rating = serializers.SerializerMethodField(help_text="The review's AMSTAR 2 rating.")
    checked = serializers.SerializerMethodField(help_text="Checked by a second person.")

    class Meta:
        model = OutcomeResult
        fields = [
            *("id", "review", "review_label", "outcome", "outcome_name"),
            *RESULT_VALUES,
            *("rating", "checked"),
        ]

    def get_rating(self, result: OutcomeResult) -> str:
        return rating_for(result)

    def get_checked(self, result: OutcomeResult) -> bool:
        return result.checked_at is not None


class StudyEffectSerializer(serializers.ModelSerializer[StudyEffect]):
    result = serializers.IntegerField(source="outcome_result_id")
    study = serializers.IntegerField(source="study_id", allow_null=True)

    class Meta:
        model = StudyEffect
        fields = [
            "id",
            "result",
            "study",
            "label",
            "kind",
            "events1",
            "n1",
            "mean1",
            "sd1",
            "events2",
            "n2",
            "mean2",
            "sd2",
            "estimate",
            "ci_low",
            "ci_high",
            "se",
            "reported_measure",
            "reverse",
            "multiple_es",
        ]


class FactorSerializer(serializers.ModelSerializer[ImplementationFactor]):
    reviews: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ImplementationFactor
        fields = [
            "id",
            "code",
            "domain",
            "construct",
            "statement",
            "valence",
            "position",
            "reviews",
        ]


class SubthemeSerializer(serializers.ModelSerializer[ExperienceSubtheme]):
    theme = serializers.IntegerField(source="theme_id")
    theme_name = serializers.CharField(source="theme.name")
    reviews: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    perspectives: Any = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = ExperienceSubtheme
        fields = [
            "id",
            "theme",
            "theme_name",
            "code",
            "statement",
            "valence",
            "contrasting",
            "position",
            "perspectives",
            "reviews",
        ]


# The flow's counts (its free-text note is left out with the other notes).
PRISMA_COUNTS = [
    field.name
    for field in PrismaFlow._meta.get_fields()
    if field.concrete and field.name not in {"id", "version", "umbrella", "note"}
]
