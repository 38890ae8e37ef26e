"""The domains and constructs of the updated Consolidated Framework for Implementation Research.

Pure data, no Django imports. Source: Damschroder LJ, Reardon CM, Widerquist MAO, Lowery J.
The updated Consolidated Framework for Implementation Research based on user feedback.
Implement Sci 2022;17:75 (doi:10.1186/s13012-022-01245-0), Table 3, "CFIR 2.0"; the same list
is on cfirguide.org/constructs. Constructs are listed in the paper's order (A, B, C, …); the
sub-constructs (e.g. Available Resources → Funding, Space, Materials & Equipment) are not
separate codes here: a factor coded to a sub-construct is coded to its construct.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType

SOURCE = (
    "Damschroder LJ, Reardon CM, Widerquist MAO, Lowery J. The updated Consolidated Framework "
    "for Implementation Research based on user feedback. Implement Sci 2022;17:75."
)


class Domain(StrEnum):
    INNOVATION = "innovation"
    OUTER_SETTING = "outer_setting"
    INNER_SETTING = "inner_setting"
    INDIVIDUALS = "individuals"
    IMPLEMENTATION_PROCESS = "implementation_process"


DOMAIN_LABELS = MappingProxyType(
    {
        Domain.INNOVATION: "Innovation",
        Domain.OUTER_SETTING: "Outer setting",
        Domain.INNER_SETTING: "Inner setting",
        Domain.INDIVIDUALS: "Individuals",
        Domain.IMPLEMENTATION_PROCESS: "Implementation process",
    }
)

CONSTRUCTS: MappingProxyType[Domain, tuple[str, ...]] = MappingProxyType(
    {
        Domain.INNOVATION: (
            "Innovation Source",
            "Innovation Evidence-Base",
            "Innovation Relative Advantage",
            "Innovation Adaptability",
            "Innovation Trialability",
            "Innovation Complexity",
            "Innovation Design",
            "Innovation Cost",
        ),
        Domain.OUTER_SETTING: (
            "Critical Incidents",
            "Local Attitudes",
            "Local Conditions",
            "Partnerships & Connections",
            "Policies & Laws",
            "Financing",
            "External Pressure",
        ),
        Domain.INNER_SETTING: (
            "Structural Characteristics",
            "Relational Connections",
            "Communications",
            "Culture",
            "Tension for Change",
            "Compatibility",
            "Relative Priority",
            "Incentive Systems",
            "Mission Alignment",
            "Available Resources",
            "Access to Knowledge & Information",
        ),
        Domain.INDIVIDUALS: (
            # Roles
            "High-level Leaders",
            "Mid-level Leaders",
            "Opinion Leaders",
            "Implementation Facilitators",
            "Implementation Leads",
            "Implementation Team Members",
            "Other Implementation Support",
            "Innovation Deliverers",
            "Innovation Recipients",
            # Characteristics (of any role above)
            "Need",
            "Capability",
            "Opportunity",
            "Motivation",
        ),
        Domain.IMPLEMENTATION_PROCESS: (
            "Teaming",
            "Assessing Needs",
            "Assessing Context",
            "Planning",
            "Tailoring Strategies",
            "Engaging",
            "Doing",
            "Reflecting & Evaluating",
            "Adapting",
        ),
    }
)


def domain_of(construct: str) -> Domain:
    """The domain a construct belongs to; ValueError for a name not in CFIR 2.0."""
    for domain, names in CONSTRUCTS.items():
        if construct in names:
            return domain
    raise ValueError(f"{construct!r} is not a CFIR 2.0 construct")


def construct_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped (domain label, [(construct, construct)]) choices for a select with optgroups."""
    return [
        (DOMAIN_LABELS[domain], [(name, name) for name in names])
        for domain, names in CONSTRUCTS.items()
    ]
