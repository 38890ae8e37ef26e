"""Counting reviews and writing summary sentences (synthesis/summary.py)."""

from synthesis.findings import EvidenceType, Finding
from synthesis.summary import Fact, count_reviews, predominant_finding, summary_sentence

MA, NARRATIVE = EvidenceType.META_ANALYSIS, EvidenceType.NARRATIVE
IMPROVEMENT, NO_EFFECT = Finding.IMPROVEMENT, Finding.NO_EFFECT

RECOVERY = [
    Fact("Lloyd-Evans", MA, IMPROVEMENT, "low_or_critically_low"),
    Fact("Lloyd-Evans", MA, IMPROVEMENT, "low_or_critically_low"),  # follow-up row: same review
    Fact("Lyons", MA, IMPROVEMENT, "low_or_critically_low"),
    Fact("Peck", MA, IMPROVEMENT, "low_or_critically_low"),
    Fact("White", MA, IMPROVEMENT, "low_or_critically_low"),
    Fact("Wang", MA, IMPROVEMENT, "low_or_critically_low"),
    Fact("Chien", MA, NO_EFFECT, "high"),
    Fact("Sun", MA, NO_EFFECT, "low_or_critically_low"),
]


def test_reviews_are_counted_once_per_finding():
    counts = count_reviews(RECOVERY, MA)
    assert counts.total == 7
    assert counts[IMPROVEMENT] == 5
    assert counts[NO_EFFECT] == 2
    assert counts[Finding.HARM] == 0


def test_summary_names_the_quality_of_the_reviews_finding_an_improvement():
    assert summary_sentence(RECOVERY) == (
        "5 of 7 meta-analyses found an improvement; none from a review rated high or moderate."
    )


def test_summary_counts_high_or_moderate_reviews_and_narrative_syntheses():
    facts = [
        Fact("A", MA, IMPROVEMENT, "high"),
        Fact("B", MA, Finding.HARM, "low"),
        Fact("C", NARRATIVE, Finding.MIXED, ""),
    ]
    assert summary_sentence(facts) == (
        "1 of 2 meta-analyses found an improvement; 1 from a review rated high or moderate; "
        "1 found harm. 0 of 1 narrative synthesis reported an improvement."
    )


def test_summary_of_nothing():
    assert summary_sentence([]) == "No results recorded."


def test_predominant_finding_and_ties():
    assert predominant_finding(RECOVERY) == IMPROVEMENT
    tie = [Fact("A", MA, IMPROVEMENT), Fact("B", MA, NO_EFFECT)]
    assert predominant_finding(tie) == Finding.MIXED
    assert predominant_finding([]) is None
