"""The glossary: every abbreviation and rating shown to readers, in plain words, with its source.

One place for the words: the /glossary/ page lists these entries and the `{% term %}` template
tag (reviews/templatetags/glossary_tags.py) explains them inline, so a page and the glossary can
never disagree. No Django imports.
"""

from dataclasses import dataclass

HANDBOOK = (
    "Higgins JPT et al. (eds). Cochrane Handbook for Systematic Reviews of Interventions, "
    "version 6.5, 2024"
)
AMSTAR2 = "Shea BJ et al. AMSTAR 2. BMJ 2017;358:j4008"
GRADE = (
    "Balshem H et al. GRADE guidelines: 3. Rating the quality of evidence. "
    "J Clin Epidemiol 2011;64:401-6"
)
CREDIBILITY = (
    "Fusar-Poli P, Radua J. Ten simple rules for conducting umbrella reviews. "
    "Evid Based Ment Health 2018;21:95-100"
)


@dataclass(frozen=True)
class Term:
    key: str  # the anchor on the glossary page and the name templates use
    abbreviation: str  # as it appears on the pages
    name: str
    definition: str
    source: str


TERMS: tuple[Term, ...] = (
    Term(
        "as-published",
        "AS PUBLISHED",
        "Rating as published",
        "The AMSTAR 2 rating the umbrella review's authors published for this review; this "
        "project has not recorded its own item-by-item appraisal of it.",
        "This site's convention",
    ),
    Term(
        "amstar2",
        "AMSTAR 2",
        "A MeaSurement Tool to Assess systematic Reviews, version 2",
        "A 16-item checklist for judging how far a systematic review's results can be trusted. "
        "Seven items are critical; the overall rating follows from the flaws found.",
        AMSTAR2,
    ),
    Term(
        "amstar2-high",
        "High",
        "AMSTAR 2: high confidence",
        "No or one non-critical weakness: the review gives an accurate and comprehensive summary.",
        AMSTAR2,
    ),
    Term(
        "amstar2-moderate",
        "Moderate",
        "AMSTAR 2: moderate confidence",
        "More than one non-critical weakness, no critical flaw: the review may give an accurate "
        "summary.",
        AMSTAR2,
    ),
    Term(
        "amstar2-low",
        "Low",
        "AMSTAR 2: low confidence",
        "One critical flaw: the review may not give an accurate and comprehensive summary.",
        AMSTAR2,
    ),
    Term(
        "amstar2-critically-low",
        "Critically low",
        "AMSTAR 2: critically low confidence",
        "More than one critical flaw: the review should not be relied on to summarise the studies.",
        AMSTAR2,
    ),
    Term(
        "amstar2-low-or-critically-low",
        "Low or critically low (not separated)",
        "AMSTAR 2: low or critically low, not separated",
        "The umbrella review reported these two ratings together, so which one applies is not "
        "known; the site treats the review as at most low.",
        "This site's convention, after " + AMSTAR2,
    ),
    Term(
        "grade",
        "GRADE",
        "Grading of Recommendations Assessment, Development and Evaluation",
        "The certainty of a body of evidence for one outcome: high, moderate, low or very low.",
        GRADE,
    ),
    Term(
        "grade-high",
        "High certainty",
        "GRADE: high",
        "Very confident that the true effect lies close to the estimate.",
        GRADE,
    ),
    Term(
        "grade-moderate",
        "Moderate certainty",
        "GRADE: moderate",
        "Moderately confident: the true effect is likely close to the estimate but may be "
        "substantially different.",
        GRADE,
    ),
    Term(
        "grade-low",
        "Low certainty",
        "GRADE: low",
        "Limited confidence: the true effect may be substantially different from the estimate.",
        GRADE,
    ),
    Term(
        "grade-very-low",
        "Very low certainty",
        "GRADE: very low",
        "Very little confidence: the true effect is likely to be substantially different.",
        GRADE,
    ),
    Term(
        "credibility",
        "Class I–IV",
        "Credibility class",
        "How convincing a meta-analysis' result is, from its size, significance, heterogeneity, "
        "small-study effects and excess significance: class I (convincing), II (highly "
        "suggestive), III (suggestive), IV (weak); otherwise not significant.",
        CREDIBILITY,
    ),
    Term(
        "k",
        "k",
        "Number of studies",
        "How many primary studies a meta-analysis pooled.",
        HANDBOOK + ", chapter 10",
    ),
    Term(
        "n",
        "n",
        "Number of participants",
        "How many people took part in the studies pooled.",
        HANDBOOK + ", chapter 10",
    ),
    Term(
        "ci",
        "CI",
        "Confidence interval",
        "The range of effects compatible with the data; a 95% CI that crosses the line of no "
        "effect means the result could be due to chance.",
        HANDBOOK + ", section 15.3",
    ),
    Term(
        "pi",
        "PI",
        "Prediction interval",
        "The range in which the effect in a new setting like those studied is expected to fall; "
        "wider than the CI when studies disagree.",
        "Riley RD, Higgins JPT, Deeks JJ. Interpretation of random effects meta-analyses. "
        "BMJ 2011;342:d549",
    ),
    Term(
        "i2",
        "I²",
        "I-squared (heterogeneity)",
        "The share of the variation between studies' results that is due to real differences "
        "rather than chance: 0–40% might not be important, 75–100% is considerable.",
        HANDBOOK + ", section 10.10.2",
    ),
    Term(
        "tau2",
        "τ²",
        "Tau-squared",
        "The variance of the true effects between studies in a random-effects meta-analysis.",
        HANDBOOK + ", section 10.10.4",
    ),
    Term(
        "kappa",
        "κ",
        "Cohen's kappa",
        "Agreement between two raters beyond what chance would give: 1 is perfect agreement, "
        "0 no more than chance.",
        "Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas 1960;20:37-46",
    ),
    Term(
        "cca",
        "CCA",
        "Corrected covered area",
        "How much the reviews share the same primary studies: slight (0–5%), moderate (6–10%), "
        "high (11–15%) or very high (over 15%). High overlap means their findings are not "
        "independent.",
        "Pieper D et al. Systematic review finds overlapping reviews were not mentioned in every "
        "other overview. J Clin Epidemiol 2014;67:368-75",
    ),
    Term(
        "smd",
        "SMD",
        "Standardised mean difference",
        "The difference between groups' means divided by their standard deviation, so scales "
        "can be combined; Hedges' g is one. About 0.2 is small, 0.5 moderate, 0.8 large.",
        HANDBOOK + ", section 6.5.1.2",
    ),
    Term(
        "md",
        "MD",
        "Mean difference",
        "The difference between the groups' average scores, on the scale measured.",
        HANDBOOK + ", section 6.5.1.1",
    ),
    Term(
        "rr",
        "RR",
        "Risk ratio",
        "The risk of an event with the intervention divided by the risk without it; 1 means no "
        "difference.",
        HANDBOOK + ", section 6.4.1.2",
    ),
    Term(
        "or",
        "OR",
        "Odds ratio",
        "The odds of an event with the intervention divided by the odds without it; 1 means no "
        "difference.",
        HANDBOOK + ", section 6.4.1.3",
    ),
    Term(
        "rd",
        "RD",
        "Risk difference",
        "The risk of an event with the intervention minus the risk without it; 0 means no "
        "difference.",
        HANDBOOK + ", section 6.4.1.4",
    ),
    Term(
        "hr",
        "HR",
        "Hazard ratio",
        "How much faster (or slower) events happen with the intervention over time; 1 means no "
        "difference.",
        HANDBOOK + ", section 6.8",
    ),
    Term(
        "cfir",
        "CFIR",
        "Consolidated Framework for Implementation Research",
        "Domains of what helps or hinders putting an intervention into practice: the "
        "innovation, outer setting, inner setting, individuals and the implementation process.",
        "Damschroder LJ et al. The updated Consolidated Framework for Implementation Research. "
        "Implement Sci 2022;17:75",
    ),
    Term(
        "prisma",
        "PRISMA",
        "Preferred Reporting Items for Systematic reviews and Meta-Analyses",
        "The reporting guideline whose flow diagram shows how records were found, screened and "
        "included.",
        "Page MJ et al. The PRISMA 2020 statement. BMJ 2021;372:n71",
    ),
    Term(
        "sof",
        "SoF",
        "Summary of findings",
        "One row per outcome with the selected meta-analysis, its effect, certainty and a "
        "plain-language statement.",
        "Guyatt GH et al. GRADE guidelines: 12. Preparing summary of findings tables. "
        "J Clin Epidemiol 2013;66:158-72",
    ),
)

BY_KEY: dict[str, Term] = {term.key: term for term in TERMS}
