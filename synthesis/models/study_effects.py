"""Study-level data behind an outcome result, for the app's re-analysis."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from reviews.fields import (
    Versioned,
    account_link,
    choices_of,
    interval,
    optional_count,
    optional_link,
    optional_number,
)

from .. import study_rows
from .results import Measure, OutcomeResult

MultipleEs = choices_of(study_rows.MultipleEs)
StudyDataKind = choices_of(study_rows.Kind, "StudyDataKind")


# The fields each kind of row needs; the other kinds' fields are cleared on save.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    StudyDataKind.BINARY: ("events1", "n1", "events2", "n2"),
    StudyDataKind.CONTINUOUS: ("mean1", "sd1", "n1", "mean2", "sd2", "n2"),
    # Arm sizes on an estimate row give the t quantile, an MD's conversion to g, or an SMD's
    # SE (synthesis.harmonise); the estimate is required, the rest as the measure allows.
    StudyDataKind.ESTIMATE: ("estimate", "ci_low", "ci_high", "se", "n1", "n2", "reported_measure"),
}
STUDY_DATA_FIELDS = ("events1", "n1", "mean1", "sd1", "events2", "n2", "mean2", "sd2",
                     "estimate", "ci_low", "ci_high", "se", "reported_measure")  # fmt: skip
#: What a row of each kind must have (the database's check; the rest is row_problems').
KIND_REQUIRED = {**KIND_FIELDS, StudyDataKind.ESTIMATE: ("estimate",)}


def _arm(name: str) -> tuple[models.Field, ...]:
    """The four values of one arm (events, n, mean, SD); a row uses the ones of its kind."""
    return (
        optional_count(f"events, {name}"),
        optional_count(f"n, {name}"),
        optional_number(f"mean, {name}"),
        optional_number(f"SD, {name}"),
    )


def _complete(kind: str, *rules: Q, name: str, message: str) -> models.CheckConstraint:
    """A row of `kind` has the values its kind requires (KIND_REQUIRED), and obeys the rules."""
    condition = Q(**{f"{field}__isnull": False for field in KIND_REQUIRED[kind]})
    for rule in rules:
        condition &= rule
    return models.CheckConstraint(
        condition=~Q(kind=kind) | condition, name=name, violation_error_message=message
    )


class StudyEffect(Versioned):
    """One primary study's data behind an outcome result, for the app's re-analysis.

    Arm 1 is the intervention, arm 2 the control (docs/methods.md); `reverse` says the source
    had them the other way round. An estimate row is as printed (a ratio, not its log; a lower
    limit printed as 0.00 is kept and noted "rounded"), with its CI, its SE or (SMD/g) its arm
    sizes, on the result's measure or on the one it is `reported_measure`d in
    (synthesis.harmonise converts it and records how).
    Rows of one outcome result linked to the same registry study are combined before pooling
    so that k counts studies: its independent `groups` by their fixed-effect mean, then the
    result with its dependent `outcomes` by the composite (synthesis.study_groups). Derived numbers
    (effect, variance, weight) are not stored: the re-analysis computes them on every view.
    """

    outcome_result = models.ForeignKey(
        OutcomeResult, on_delete=models.CASCADE, related_name="study_effects"
    )
    study = optional_link(
        "reviews.PrimaryStudy",
        models.SET_NULL,
        related_name="study_effects",
        help_text="The study in the primary-study registry, where it is there.",
    )
    label = models.CharField(
        max_length=120, help_text='How the study is shown, e.g. "Sledge 2011".'
    )
    kind = models.CharField("data", max_length=12, choices=StudyDataKind)
    events1, n1, mean1, sd1 = _arm("intervention")
    events2, n2, mean2, sd2 = _arm("control")
    estimate = optional_number()
    ci_low, ci_high = interval("95% CI")
    se = optional_number(
        "SE",
        help_text="The standard error as printed, when the review gives it instead of a CI "
        "(of the log for a ratio).",
    )
    reported_measure = models.CharField(
        "reported as",
        max_length=20,
        choices=[(m.value, m.label) for m in Measure if m != Measure.OTHER],
        blank=True,
        default="",
        help_text="The measure the review prints this study in, when it is not the result's "
        "(MD → g, SMD ↔ OR, HR → RR/OR, RR → HR are converted; Methods, “Harmonising”).",
    )
    reverse = models.BooleanField(
        "reverse direction",
        default=False,
        help_text="The source reports the arms the other way round: the effect's sign is "
        "flipped (a ratio becomes its reciprocal) before pooling.",
    )
    multiple_es = models.CharField(
        "one of several rows of its study",
        max_length=8,
        choices=MultipleEs,
        default=MultipleEs.OUTCOMES,
        help_text="When the study has several rows in this outcome result: outcomes (or time "
        "points) of the same participants are combined by the composite with the project's r; "
        "independent groups by their fixed-effect mean, their cases added up.",
    )
    note = models.CharField(max_length=300, blank=True)
    entered_by = account_link(related_name="entered_study_effects", editable=False)

    class Meta:
        ordering = ["outcome_result", "label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome_result", "label"], name="unique_study_effect_label"
            ),
            _complete(
                StudyDataKind.BINARY,
                Q(n1__gte=1, n2__gte=1),
                Q(events1__lte=F("n1"), events2__lte=F("n2")),
                name="study_binary_complete",
                message="Counts need events ≤ n and n ≥ 1 in both arms.",
            ),
            _complete(
                StudyDataKind.CONTINUOUS,
                # n = 1 and an SD of 0 are accepted, as metafor does (docs/methods.md); what a
                # measure cannot compute from them is refused by study_rows.row_problems.
                Q(n1__gte=1, n2__gte=1, sd1__gte=0, sd2__gte=0),
                name="study_continuous_complete",
                message="Means need SD ≥ 0 and n ≥ 1 in both arms.",
            ),
            _complete(
                StudyDataKind.ESTIMATE,
                Q(ci_low__isnull=True, ci_high__isnull=True)
                | Q(ci_low__lte=F("estimate"), ci_high__gte=F("estimate"), ci_low__lt=F("ci_high")),
                Q(ci_low__isnull=False) | Q(se__isnull=False) | Q(n1__isnull=False),
                Q(se__isnull=True) | Q(se__gt=0),
                name="study_estimate_in_ci",
                message="An estimate needs ci_low ≤ estimate ≤ ci_high, an SE > 0 or arm sizes.",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="study_version_positive"),
        ]

    def __str__(self):
        return f"{self.label} ({self.outcome_result})"

    def save(self, *args, **kwargs):
        self.clear_other_kinds()
        super().save(*args, **kwargs)

    def clear_other_kinds(self) -> None:
        """A row carries one kind of data; stray values of another kind would mislead."""
        keep = set(KIND_FIELDS.get(self.kind, ()))
        for name in STUDY_DATA_FIELDS:
            if name not in keep:
                setattr(self, name, "" if name == "reported_measure" else None)
        if self.reported_measure is None:  # a blank cell read as None (paste, workbook)
            self.reported_measure = ""

    def validate_constraints(self, exclude=None):
        # clean() names the field of every broken rule; only the unique label is left here.
        try:
            super().validate_constraints(
                exclude={*(exclude or ()), *STUDY_DATA_FIELDS, "kind", "version"}
            )
        except ValidationError as error:
            raise ValidationError({"label": error.messages}) from None

    def clean(self):
        super().clean()
        from ..study_data import row_problems  # pure; imported here to keep models.py lean

        self.clear_other_kinds()
        errors: dict[str, list[str]] = {}
        measure = self.outcome_result.measure if self.outcome_result_id else None
        for field_name, message in row_problems(self.as_row(), measure):
            errors.setdefault(field_name, []).append(message)
        if (
            self.study_id
            and self.outcome_result_id
            and self.study.umbrella_id != self.outcome_result.review.umbrella_id
        ):
            errors.setdefault("study", []).append("This study belongs to another umbrella review.")
        if errors:
            raise ValidationError(errors)

    def as_row(self):
        from ..study_data import StudyRow

        return StudyRow(
            label=self.label or "this study",
            kind=self.kind,
            # Rows linked to one registry study are combined (outcomes or groups).
            study=None if self.study_id is None else str(self.study_id),
            reverse=self.reverse,
            multiple_es=self.multiple_es,
            **{name: getattr(self, name) for name in STUDY_DATA_FIELDS},
        )
