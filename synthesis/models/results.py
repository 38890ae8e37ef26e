"""The results each included review reports for an outcome, and the choices they use.

The rules (derived finding, validation, p/CI consistency) live in the pure `findings.py`;
`clean()` applies them with messages naming the field, and check constraints repeat what a
database can check, so rows that bypass forms (fixtures, imports) are refused too.
`RESULT_FIELDS` declares the result's values once, in the order the form, the CSV/XLSX export
and the workbook list them; each of those derives its fields or columns from it.
"""

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from reviews.fields import (
    Versioned,
    account_link,
    choices_of,
    in_order,
    internal_note,
    interval,
    optional_count,
    optional_number,
)
from reviews.models import IncludedReview
from reviews.natural_keys import NaturalKeyed, NaturalKeyManager

from .. import findings, study_data
from ..findings import RATIO_MEASURES
from .outcomes import Outcome

EvidenceType = choices_of(findings.EvidenceType)
Finding = choices_of(findings.Finding)


class Comparator(models.TextChoices):
    TAU = "tau", "Treatment as usual"
    ACTIVE = "active", "Active control"
    WAITLIST = "waitlist", "Waitlist"
    MIXED = "mixed", "Mixed"
    NOT_REPORTED = "not_reported", "Not reported"


class Timepoint(models.TextChoices):
    POST = "post", "Post-intervention"
    FOLLOW_UP = "follow_up", "Follow-up"
    NOT_SPECIFIED = "not_specified", "Not specified"


Measure = choices_of(findings.Measure)


class PoolingModel(models.TextChoices):
    FIXED = "fixed", "Fixed effect"
    RANDOM = "random", "Random effects"


Grade = choices_of(findings.Grade)


ReanalysisMethod = choices_of(study_data.Method, "ReanalysisMethod")


def _new_extraction_id() -> str:
    return f"X-{secrets.token_hex(4)}"


class OutcomeResult(NaturalKeyed, Versioned):
    """What one included review reports for one outcome (one row of an evidence table)."""

    review = models.ForeignKey(
        IncludedReview, on_delete=models.CASCADE, related_name="outcome_results"
    )
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="results")
    extraction_id = models.CharField(
        max_length=40,
        blank=True,
        help_text="A stable id of the extraction row (e.g. O028); made up when left blank.",
    )
    evidence_type = models.CharField(max_length=20, choices=EvidenceType)
    population_note = models.CharField(max_length=300, blank=True)
    format_note = models.CharField("intervention-format note", max_length=300, blank=True)
    comparator = models.CharField(
        max_length=20, choices=Comparator, default=Comparator.NOT_REPORTED
    )
    timepoint = models.CharField(max_length=20, choices=Timepoint, default=Timepoint.NOT_SPECIFIED)
    months_from = optional_number()
    months_to = optional_number()
    timepoint_note = models.CharField(max_length=200, blank=True)
    k = optional_count("studies (k)")
    n = optional_count("participants (n)")
    measure = models.CharField("effect measure", max_length=20, choices=Measure, blank=True)
    estimate = optional_number()
    ci_low, ci_high = interval("95% CI")
    p_value = optional_number("p value")
    pooling_model = models.CharField("model", max_length=10, choices=PoolingModel, blank=True)
    tau2 = optional_number("τ²")
    i2_percent = optional_number("I² (%)")
    i2_ci_low, i2_ci_high = interval("I² CI", unit=" (%)")
    q = optional_number("Q")
    df = optional_count("df of Q")
    p_q = optional_number("p for Q")
    pi_low, pi_high = interval("prediction interval")
    grade_certainty = models.CharField(
        "GRADE certainty",
        max_length=10,
        choices=Grade,
        blank=True,
        help_text="Blank: not assessed.",
    )
    finding = models.CharField(
        max_length=20,
        choices=Finding,
        blank=True,
        help_text="Leave blank on a meta-analysis with a CI to use the derived finding.",
    )
    derived_finding = models.CharField(max_length=20, choices=Finding, blank=True, editable=False)
    finding_override_reason = models.TextField(
        blank=True, help_text="Required when the finding differs from the derived one; shown."
    )
    narrative_summary = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text="E.g. a disagreement between sources.")
    source_location = models.CharField(
        max_length=200, blank=True, help_text="Table, figure or page in the review."
    )
    # Not one of RESULT_FIELDS: never in the public exports, the workbook or dual extraction.
    internal_note = internal_note()
    entered_by = account_link(related_name="entered_results", editable=False)
    checked_by = account_link(related_name="checked_results", editable=False)
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    reanalysis_method = models.CharField(
        "re-analysis method",
        max_length=4,
        choices=ReanalysisMethod,
        default=ReanalysisMethod.REML,
        help_text="How the app re-pools the study-level data (Mantel–Haenszel for counts).",
    )

    objects = NaturalKeyManager()
    natural_key_fields = ("review__umbrella__slug", "review__label", "extraction_id")

    # What `apply_derived_finding` last derived the finding from (None: not derived yet).
    _derived_from: tuple[object, ...] | None = None

    class Meta:
        ordering = ["outcome", "timepoint", "review__label"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "extraction_id"], name="unique_result_extraction_id"
            ),
            models.CheckConstraint(
                condition=Q(i2_percent__isnull=True) | Q(i2_percent__gte=0, i2_percent__lte=100),
                name="result_i2_0_100",
                violation_error_message="I² must lie between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(p_value__isnull=True) | Q(p_value__gte=0, p_value__lte=1),
                name="result_p_0_1",
                violation_error_message="The p value must lie between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=Q(p_q__isnull=True) | Q(p_q__gte=0, p_q__lte=1),
                name="result_p_q_0_1",
                violation_error_message="The p value of Q must lie between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=~Q(evidence_type=EvidenceType.META_ANALYSIS)
                | Q(k__isnull=True)
                | Q(k__gte=2),
                name="result_meta_analysis_k_2",
                violation_error_message="A meta-analysis pools at least 2 studies.",
            ),
            models.CheckConstraint(
                condition=Q(k__isnull=True) | Q(n__isnull=True) | Q(n__gte=F("k")),
                name="result_n_at_least_k",
                violation_error_message="There cannot be fewer participants than studies.",
            ),
            in_order(
                "ci_low",
                "ci_high",
                name="result_ci_ordered",
                message="The lower CI limit must not exceed the upper.",
            ),
            models.CheckConstraint(
                condition=Q(estimate__isnull=True)
                | Q(ci_low__isnull=True)
                | Q(ci_high__isnull=True)
                | Q(ci_low__lte=F("estimate"), ci_high__gte=F("estimate")),
                name="result_ci_contains_estimate",
                violation_error_message="The CI must contain the estimate.",
            ),
            models.CheckConstraint(
                condition=~Q(measure__in=sorted(m.value for m in RATIO_MEASURES))
                | (
                    (Q(estimate__isnull=True) | Q(estimate__gt=0))
                    & (Q(ci_low__isnull=True) | Q(ci_low__gt=0))
                    & (Q(ci_high__isnull=True) | Q(ci_high__gt=0))
                ),
                name="result_ratio_positive",
                violation_error_message="Ratio measures and their CIs must be positive.",
            ),
            models.CheckConstraint(
                condition=Q(tau2__isnull=True) | Q(tau2__gte=0),
                name="result_tau2_not_negative",
                violation_error_message="τ² cannot be negative.",
            ),
            in_order(
                "months_from",
                "months_to",
                name="result_months_ordered",
                message="The timepoint cannot start after it ends.",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="result_version_positive",
            ),
        ]

    def __str__(self):
        return f"{self.review} – {self.outcome} ({self.get_timepoint_display().lower()})"

    def save(self, *args, **kwargs):
        if not self.extraction_id:
            self.extraction_id = _new_extraction_id()
        self.apply_derived_finding()
        super().save(*args, **kwargs)

    @classmethod
    def on_update_resets(cls) -> dict[str, None]:
        """What any update clears (`reviews.versioning`, the workbook writer): the second
        person checked the old figures, so a changed result needs checking again."""
        return {"checked_by": None, "checked_at": None}

    def validate_constraints(self, exclude=None):
        # The check constraints repeat clean()'s rules, whose messages name the field; only
        # the unique constraint is left to check here, so no message is shown twice.
        unique = [c for c in self._meta.constraints if isinstance(c, models.UniqueConstraint)]
        errors = {}
        for constraint in unique:
            try:
                constraint.validate(self.__class__, self, exclude=exclude)
            except ValidationError as error:
                errors.setdefault("extraction_id", []).extend(error.messages)
        if errors:
            raise ValidationError(errors)

    # -- rules -------------------------------------------------------------------------------

    def result_values(self) -> findings.ResultValues:
        return findings.ResultValues(
            evidence_type=self.evidence_type,
            measure=self.measure,
            **{name: getattr(self, name) for name in NUMBER_FIELDS},
        )

    def compute_derived_finding(self) -> str:
        if self.evidence_type != EvidenceType.META_ANALYSIS or not self.outcome_id:
            return ""
        derived = findings.derive_finding(
            self.measure, self.outcome.direction, self.ci_low, self.ci_high
        )
        return derived.value if derived else ""

    def _derivation_inputs(self) -> tuple[object, ...]:
        return (self.evidence_type, self.measure, self.outcome_id, self.ci_low, self.ci_high)

    def apply_derived_finding(self) -> None:
        """Store the derived finding; a blank finding takes it.

        It is derived once for the values it depends on: `clean()` derives it to check the
        finding, and `save()` derives it again only if those values changed since (or if no
        `clean()` ran, as for fixtures and the admin's bulk paths).
        """
        inputs = self._derivation_inputs()
        if inputs != self._derived_from:
            self.derived_finding = self.compute_derived_finding()
            self._derived_from = inputs
        if not self.finding and self.derived_finding:
            self.finding = self.derived_finding

    def clean(self):
        super().clean()
        errors: dict[str, list[str]] = {}
        for problem in findings.validate(self.result_values()):
            errors.setdefault(problem.field, []).append(problem.message)
        if (
            self.review_id
            and self.outcome_id
            and self.review.umbrella_id != self.outcome.umbrella_id
        ):
            errors.setdefault("outcome", []).append(
                "This outcome belongs to another umbrella review."
            )
        if not errors:
            self.apply_derived_finding()
            if not self.finding:
                errors["finding"] = [
                    "Record the finding: it cannot be derived without a 95% CI and a "
                    "difference or ratio measure."
                ]
            elif (
                self.derived_finding
                and self.finding != self.derived_finding
                and not self.finding_override_reason.strip()
            ):
                derived = Finding(self.derived_finding).label.lower()
                errors["finding_override_reason"] = [
                    f"The numbers give '{derived}'; to record "
                    f"'{Finding(self.finding).label.lower()}' instead, give a reason."
                ]
        if errors:
            raise ValidationError(errors)

    # -- display -----------------------------------------------------------------------------

    @property
    def is_overridden(self) -> bool:
        return bool(self.derived_finding) and self.finding != self.derived_finding

    @property
    def consistency(self) -> findings.ConsistencyCheck | None:
        return findings.check_p_consistency(
            self.measure, self.estimate, self.ci_low, self.ci_high, self.p_value
        )

    @property
    def consistency_warning(self) -> str:
        check = self.consistency
        return check.message if check and not check.consistent else ""

    @property
    def is_ratio(self) -> bool:
        return self.measure in RATIO_MEASURES

    @property
    def timepoint_label(self) -> str:
        label = self.get_timepoint_display()
        if self.months_from is not None or self.months_to is not None:
            label += f" ({_months(self.months_from, self.months_to)})"
        return label


@dataclass(frozen=True)
class ResultField:
    """One value of an outcome result, as the form, the CSV/XLSX export and the workbook list it."""

    name: str  # the model field (or, for a computed value, the attribute the export reads)
    legend: str  # the form's fieldset; "" for a value the app computes: exported, never entered
    column: str = ""  # the export's column name, where it is not `name`

    @property
    def export_column(self) -> str:
        return self.column or self.name


_WHAT, _WHEN, _POOLED, _HETEROGENEITY, _FINDING = (
    "What was measured", "When", "Pooled result", "Heterogeneity", "Finding"
)  # fmt: skip

# OutcomeResult's values in the one order every surface lists them: the form's fieldsets
# (synthesis/forms.py), the export's columns (synthesis/exports.py) and the workbook's
# outcome_results sheet (dataio/workbook/spec.py). The export's and the workbook's column names
# and order are published (docs/evidence-tables.md, docs/data-format.md): add new values at
# the end, never rename or reorder.
RESULT_FIELDS = (
    ResultField("outcome", _WHAT),
    ResultField("evidence_type", _WHAT),
    ResultField("population_note", _WHAT),
    ResultField("format_note", _WHAT),
    ResultField("comparator", _WHAT),
    ResultField("timepoint", _WHEN),
    ResultField("months_from", _WHEN),
    ResultField("months_to", _WHEN),
    ResultField("timepoint_note", _WHEN),
    ResultField("k", _POOLED),
    ResultField("n", _POOLED),
    ResultField("measure", _POOLED),
    ResultField("estimate", _POOLED),
    ResultField("ci_low", _POOLED),
    ResultField("ci_high", _POOLED),
    ResultField("p_value", _POOLED),
    ResultField("pooling_model", _POOLED, column="model"),
    ResultField("tau2", _HETEROGENEITY),
    ResultField("i2_percent", _HETEROGENEITY),
    ResultField("i2_ci_low", _HETEROGENEITY),
    ResultField("i2_ci_high", _HETEROGENEITY),
    ResultField("q", _HETEROGENEITY),
    ResultField("df", _HETEROGENEITY),
    ResultField("p_q", _HETEROGENEITY),
    ResultField("pi_low", _HETEROGENEITY),
    ResultField("pi_high", _HETEROGENEITY),
    ResultField("grade_certainty", _FINDING),
    ResultField("finding", _FINDING),
    ResultField("derived_finding", ""),
    ResultField("finding_override_reason", _FINDING),
    ResultField("consistency_warning", ""),
    ResultField("narrative_summary", _FINDING),
    ResultField("note", _FINDING),
    ResultField("source_location", _FINDING),
)
# What a researcher enters, in order: the form's fields and the workbook's columns.
ENTERED_FIELDS = [f.name for f in RESULT_FIELDS if f.legend]
# The numbers among them (the model's field types say which), as `findings.ResultValues` has.
NUMBER_FIELDS = [
    name
    for name in ENTERED_FIELDS
    if isinstance(OutcomeResult._meta.get_field(name), models.FloatField | models.IntegerField)
]


def _number(value: float) -> str:
    return f"{value:g}"


def _months(start: float | None, end: float | None) -> str:
    if start is not None and end is not None:
        if start == end:
            return f"{_number(start)} months"
        return f"{_number(start)}–{_number(end)} months"
    if start is not None:
        return f"over {_number(start)} months"
    return f"up to {_number(end)} months" if end is not None else ""
