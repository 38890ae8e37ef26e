"""AMSTAR 2 as data: the answers, the 16 items with their criteria, and the adapted guidance
of the variants for scoping reviews and qualitative syntheses. Pure Python, no Django imports.

`amstar2` holds the rules that read these tables and re-exports `Answer`, `Item` and `ITEMS`:
import them from there. The sources, and why the texts are paraphrases, are in its docstring.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from reviews.labels import LabelledEnum


class Answer(LabelledEnum):
    """An answer to one AMSTAR 2 item."""

    YES = "yes", "Yes"
    PARTIAL_YES = "partial_yes", "Partial yes"
    NO = "no", "No"
    NO_META_ANALYSIS = "no_meta_analysis", "No meta-analysis conducted"
    NOT_SCORED = "not_scored", "Not scored"


YES_NO = (Answer.YES, Answer.NO)
YES_PARTIAL_NO = (Answer.YES, Answer.PARTIAL_YES, Answer.NO)
YES_NO_NMA = (Answer.YES, Answer.NO, Answer.NO_META_ANALYSIS)


@dataclass(frozen=True, slots=True)
class Item:
    """One AMSTAR 2 item.

    ``answers`` are the answers the published instrument offers for the item (never
    ``not_scored``: that one only exists where a :class:`Variant` does not score the item).
    For items asked separately for randomised (RCT) and non-randomised studies (NRSI),
    ``split_by_design`` is true and ``yes_criteria``/``partial_yes_criteria`` hold the RCT
    part followed by the NRSI part, each prefixed ``"RCT: "`` or ``"NRSI: "``.
    """

    number: int
    label: str
    question: str
    critical: bool
    answers: tuple[Answer, ...]
    yes_criteria: tuple[str, ...]
    partial_yes_criteria: tuple[str, ...] = ()
    split_by_design: bool = False

    @property
    def allows_partial_yes(self) -> bool:
        """Whether the instrument offers "Partial Yes" for this item."""
        return Answer.PARTIAL_YES in self.answers


ITEMS: tuple[Item, ...] = (
    Item(
        number=1,
        label="PICO components",
        question=(
            "Are the review question and eligibility criteria framed by population, "
            "intervention, comparator and outcome?"
        ),
        critical=False,
        answers=YES_NO,
        yes_criteria=(
            "All four elements (population, intervention, comparator, outcome) are stated.",
            "Recommended but not required: the follow-up period of interest.",
        ),
    ),
    Item(
        number=2,
        label="Protocol established in advance",
        question=(
            "Were the methods fixed in advance of the review, and are important departures "
            "from that plan explained?"
        ),
        critical=True,
        answers=YES_PARTIAL_NO,
        partial_yes_criteria=(
            "A written protocol or guide predating the review covers the question, the "
            "search strategy, the eligibility criteria and how risk of bias would be judged.",
        ),
        yes_criteria=(
            "Everything needed for Partial Yes, and the protocol was registered.",
            "The protocol also set out the synthesis or meta-analysis plan where one was "
            "appropriate, and how causes of heterogeneity would be explored.",
            "Every departure from the protocol is justified.",
        ),
    ),
    Item(
        number=3,
        label="Choice of study designs explained",
        question="Do the authors give reasons for the study designs they chose to include?",
        critical=False,
        answers=YES_NO,
        yes_criteria=(
            "A rationale is given for including only randomised trials, only non-randomised "
            "studies, or both.",
        ),
    ),
    Item(
        number=4,
        label="Comprehensive literature search",
        question="Was the literature search comprehensive?",
        critical=True,
        answers=YES_PARTIAL_NO,
        partial_yes_criteria=(
            "At least two bibliographic databases relevant to the question were searched.",
            "Search terms or the full strategy are reported.",
            "Any restriction (language, publication type, date) is justified.",
        ),
        yes_criteria=(
            "Everything needed for Partial Yes, and also:",
            "reference lists of the included studies were checked;",
            "trial or study registries were searched;",
            "experts in the field were consulted;",
            "grey literature was searched where relevant;",
            "the search was run no more than 24 months before the review was completed.",
        ),
    ),
    Item(
        number=5,
        label="Study selection in duplicate",
        question="Were studies selected for inclusion by two people working independently?",
        critical=False,
        answers=YES_NO,
        yes_criteria=(
            "Two reviewers screened all records independently and settled disagreements by "
            "consensus; or",
            "two reviewers screened a sample with good agreement (at least 80%) and one "
            "reviewer screened the rest.",
        ),
    ),
    Item(
        number=6,
        label="Data extraction in duplicate",
        question="Were data extracted by two people?",
        critical=False,
        answers=YES_NO,
        yes_criteria=(
            "At least two reviewers reached consensus on the data extracted from the "
            "included studies; or",
            "two reviewers extracted a sample with good agreement (at least 80%) and one "
            "reviewer extracted the rest.",
        ),
    ),
    Item(
        number=7,
        label="Excluded studies listed and justified",
        question="Is there a list of the studies excluded at full text, with reasons?",
        critical=True,
        answers=YES_PARTIAL_NO,
        partial_yes_criteria=(
            "All potentially relevant studies that were read in full and then excluded are listed.",
        ),
        yes_criteria=("Everything needed for Partial Yes, and each exclusion is justified.",),
    ),
    Item(
        number=8,
        label="Included studies described in adequate detail",
        question="Are the included studies described in enough detail?",
        critical=False,
        answers=YES_PARTIAL_NO,
        partial_yes_criteria=(
            "Populations, interventions, comparators, outcomes and study designs are described.",
        ),
        yes_criteria=(
            "All of the above in detail: the population, the intervention (with dose where "
            "relevant), the comparator (with dose where relevant), the setting and the "
            "follow-up period.",
        ),
    ),
    Item(
        number=9,
        label="Risk of bias assessed satisfactorily",
        question=("Was the risk of bias of each included study judged with a satisfactory method?"),
        critical=True,
        answers=YES_PARTIAL_NO,
        split_by_design=True,
        partial_yes_criteria=(
            "RCT: bias from unconcealed allocation and from unblinded participants and "
            "outcome assessors was considered (blinding is not needed for objective "
            "outcomes such as all-cause mortality).",
            "NRSI: bias from confounding and from selection of participants was considered.",
        ),
        yes_criteria=(
            "RCT: everything needed for Partial Yes, and also bias from a sequence that was "
            "not truly random, and from choosing the reported result among several "
            "measurements or analyses of an outcome.",
            "NRSI: everything needed for Partial Yes, and also bias from how exposures and "
            "outcomes were ascertained, and from choosing the reported result among several "
            "measurements or analyses of an outcome.",
        ),
    ),
    Item(
        number=10,
        label="Funding of included studies reported",
        question="Does the review report who funded each included study?",
        critical=False,
        answers=YES_NO,
        yes_criteria=(
            "The funding source of each included study is reported; a review that looked for "
            "it and says where it was not reported also qualifies.",
        ),
    ),
    Item(
        number=11,
        label="Appropriate meta-analytic methods",
        question=(
            "If results were pooled in a meta-analysis, were suitable statistical methods used?"
        ),
        critical=True,
        answers=YES_NO_NMA,
        split_by_design=True,
        yes_criteria=(
            "RCT: pooling is justified; an appropriate weighting method is used; "
            "heterogeneity is allowed for where present and its causes are explored.",
            "NRSI: pooling is justified; an appropriate weighting method is used and "
            "heterogeneity is allowed for; confounder-adjusted estimates are pooled rather "
            "than raw data (or pooling raw data is justified when adjusted estimates are "
            "missing); RCTs and NRSI are summarised separately when both are included.",
        ),
    ),
    Item(
        number=12,
        label="Impact of risk of bias on pooled results assessed",
        question=(
            "If results were pooled, did the authors examine how the included studies' risk "
            "of bias could change the pooled result?"
        ),
        critical=False,
        answers=YES_NO_NMA,
        yes_criteria=(
            "Only randomised trials at low risk of bias were included; or",
            "where studies at varying risk of bias were pooled, analyses (for example "
            "sensitivity or subgroup analyses) examined the effect of risk of bias on the "
            "summary estimate.",
        ),
    ),
    Item(
        number=13,
        label="Risk of bias considered in interpretation",
        question=(
            "Was the risk of bias of the included studies taken into account when the results "
            "were interpreted or discussed?"
        ),
        critical=True,
        answers=YES_NO,
        yes_criteria=(
            "Only randomised trials at low risk of bias were included; or",
            "where trials at moderate or high risk of bias, or non-randomised studies, were "
            "included, the likely effect of that bias on the results is discussed.",
        ),
    ),
    Item(
        number=14,
        label="Heterogeneity explained and discussed",
        question="Is heterogeneity in the results adequately explained and discussed?",
        critical=False,
        answers=YES_NO,
        yes_criteria=(
            "There was no important heterogeneity; or",
            "its possible sources were investigated and its bearing on the results is discussed.",
        ),
    ),
    Item(
        number=15,
        label="Publication bias investigated",
        question=(
            "If there was a quantitative synthesis, were publication bias and small-study "
            "effects investigated, and their likely influence discussed?"
        ),
        critical=True,
        answers=YES_NO_NMA,
        yes_criteria=(
            "Graphical or statistical tests for publication bias were done, and how likely "
            "and how large its influence on the results could be is discussed.",
        ),
    ),
    Item(
        number=16,
        label="Conflicts of interest reported",
        question=(
            "Do the authors report their own potential conflicts of interest, including how "
            "the review was funded?"
        ),
        critical=False,
        answers=YES_NO,
        yes_criteria=(
            "The authors declare no competing interests; or",
            "they describe their funding sources and how any potential conflicts of interest "
            "were managed.",
        ),
    ),
)


# Sources and adapted guidance of the variants (see `amstar2.Variant`).
SHEA_2017 = (
    "Shea BJ, Reeves BC, Wells G, et al. AMSTAR 2: a critical appraisal tool for systematic "
    "reviews that include randomised or non-randomised studies of healthcare interventions, "
    "or both. BMJ 2017;358:j4008."
)
COOPER_2024 = "Cooper et al. BMC Medicine 2024;22:72 (methods and Appendix 3)."
TRICCO_2018 = (
    "Tricco AC, Lillie E, Zarin W, et al. PRISMA Extension for Scoping Reviews (PRISMA-ScR). "
    "Ann Intern Med 2018;169:467-73."
)

SCOPING_GUIDANCE: Mapping[int, str] = MappingProxyType(
    {
        1: (
            "Read PICO as PCC: the question and eligibility criteria state the population, "
            "the concept and the context. Yes when all three are stated."
        ),
        2: (
            "A protocol written before the review and following scoping-review guidance "
            "(PRISMA-ScR, JBI) counts, whether registered (e.g. OSF) or published. It need "
            "not include a risk-of-bias plan or a meta-analysis plan; for Yes it is "
            "registered or published and departures from it are explained."
        ),
        8: (
            "Describe the included sources by population, concept and context (setting, "
            "country, design) rather than by intervention, comparator and dose detail."
        ),
        9: (
            "Not scored: scoping reviews map the literature whatever its risk of bias, and "
            "PRISMA-ScR makes critical appraisal optional. Record an appraisal if one was "
            "done, but it does not affect the rating."
        ),
    }
)

QUALITATIVE_GUIDANCE: Mapping[int, str] = MappingProxyType(
    {
        1: (
            "Read PICO as PICo: the question and eligibility criteria state the population, "
            "the phenomenon of interest and the context. Yes when all three are stated."
        ),
        2: (
            "A protocol written before the review counts when it sets out the question, the "
            "search, the eligibility criteria, how study quality would be appraised and the "
            "synthesis method (e.g. thematic synthesis, meta-ethnography, meta-aggregation). "
            "For Yes it is registered and departures from it are explained."
        ),
        8: (
            "Describe the included studies by participants, phenomenon of interest, context "
            "(setting, country), and methods of data collection and analysis, rather than by "
            "intervention, comparator and dose detail."
        ),
        9: (
            "A recognised qualitative appraisal tool (e.g. the CASP qualitative checklist or "
            "the JBI checklist for qualitative research) counts as a satisfactory technique. "
            "Yes: every included study appraised and the judgements reported per study; "
            "Partial Yes: appraised with such a tool but judgements not reported per study."
        ),
    }
)
