"""A pure module's labelled values and the model choices derived from them (`choices_of`)."""

import pickle

from appraisal import amstar2
from appraisal.models import AnswerChoice, Confidence, ItemAnswer
from synthesis import findings, study_rows
from synthesis.models import (
    Direction,
    EvidenceType,
    Finding,
    Measure,
    MultipleEs,
    OutcomeResult,
    ReanalysisMethod,
    StudyDataKind,
    StudyEffect,
)


def test_a_labelled_member_is_its_value_and_carries_its_label():
    answer = amstar2.Answer("no_meta_analysis")
    assert answer is amstar2.Answer.NO_META_ANALYSIS
    assert answer == "no_meta_analysis"
    assert str(answer) == "no_meta_analysis"
    assert f"{answer}" == "no_meta_analysis"
    assert answer.label == "No meta-analysis conducted"


def test_derived_choices_keep_the_values_labels_and_order():
    assert AnswerChoice.choices == [
        ("yes", "Yes"),
        ("partial_yes", "Partial yes"),
        ("no", "No"),
        ("no_meta_analysis", "No meta-analysis conducted"),
        ("not_scored", "Not scored"),
    ]
    assert Confidence.choices == [
        ("high", "High"),
        ("moderate", "Moderate"),
        ("low", "Low"),
        ("critically_low", "Critically low"),
    ]
    assert Finding.choices == [
        ("improvement", "Improvement"),
        ("no_effect", "No effect"),
        ("mixed", "Mixed"),
        ("harm", "Harm"),
    ]
    assert Direction.choices == [("higher", "Higher is better"), ("lower", "Lower is better")]
    assert EvidenceType.choices == [("meta_analysis", "Meta-analysis"), ("narrative", "Narrative")]
    # The abbreviations are declared by value alone and labelled by it in capitals.
    assert Measure.choices == [
        ("smd", "SMD"),
        ("hedges_g", "Hedges' g"),
        ("md", "MD"),
        ("rr", "RR"),
        ("or", "OR"),
        ("rd", "RD"),
        ("hr", "HR"),
        ("other", "Other"),
    ]
    assert StudyDataKind.choices == [
        ("binary", "Events / n per arm"),
        ("continuous", "Mean, SD, n per arm"),
        ("estimate", "Estimate (with its CI, SE or arm sizes)"),
    ]
    assert MultipleEs.choices == [
        ("outcomes", "Outcome (same people)"),
        ("groups", "Independent group"),
    ]
    assert ReanalysisMethod.choices == [
        ("REML", "Random effects, REML"),
        ("DL", "Random effects, DerSimonian–Laird"),
        ("PM", "Random effects, Paule–Mandel"),
        ("FE", "Fixed effect (inverse variance)"),
        ("MH", "Fixed effect, Mantel–Haenszel (counts only)"),
    ]


def test_derived_members_equal_the_pure_ones_and_fields_offer_them():
    assert Finding.NO_EFFECT == findings.Finding.NO_EFFECT
    assert Finding.NO_EFFECT.label == "No effect"
    assert Confidence.CRITICALLY_LOW == amstar2.Confidence.CRITICALLY_LOW
    assert ItemAnswer._meta.get_field("answer").choices[:2] == [
        ("yes", "Yes"),
        ("partial_yes", "Partial yes"),
    ]
    assert OutcomeResult._meta.get_field("finding").choices == Finding.choices
    assert Measure.HEDGES_G == findings.Measure.HEDGES_G == "hedges_g"
    assert findings.Measure("rr").label == "RR"
    assert OutcomeResult._meta.get_field("measure").choices == Measure.choices
    assert StudyEffect._meta.get_field("kind").choices == StudyDataKind.choices
    assert StudyEffect._meta.get_field("multiple_es").choices == MultipleEs.choices
    assert (study_rows.BINARY, study_rows.GROUPS) == (StudyDataKind.BINARY, MultipleEs.GROUPS)


def test_derived_members_pickle_as_themselves():
    # Cached values (sessions, the cache framework) pickle choice members by module and name.
    assert Finding.__module__ == "synthesis.models.results"
    assert pickle.loads(pickle.dumps(Finding.HARM)) is Finding.HARM
    assert pickle.loads(pickle.dumps(AnswerChoice.NO)) is AnswerChoice.NO
    assert pickle.loads(pickle.dumps(ReanalysisMethod.PM)) is ReanalysisMethod.PM
