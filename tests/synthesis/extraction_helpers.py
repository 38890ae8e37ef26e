"""A dual-extraction project for the extraction tests: one review, one outcome, two
extractors, and helpers that extract a result through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from reviews.models import IncludedReview, Membership, UmbrellaReview
from synthesis.extraction import services
from synthesis.models import ExtractedResult, Extraction, Outcome, OutcomeDomain

VALUES: dict[str, Any] = {
    "evidence_type": "meta_analysis",
    "comparator": "tau",
    "timepoint": "post",
    "k": 5,
    "n": 497,
    "measure": "rr",
    "estimate": 0.86,
    "ci_low": 0.66,
    "ci_high": 1.13,
    "i2_percent": 38.0,
}


@dataclass
class DualProject:
    umbrella: UmbrellaReview
    review: IncludedReview
    outcome: Outcome
    owner: Any
    one: Any  # extractor 1
    two: Any  # extractor 2

    def extract(self, user: Any, slot: str, **changes: Any) -> ExtractedResult:
        extraction = services.open_extraction(review=self.review, slot=slot, user=user)
        row = ExtractedResult(
            extraction=extraction, **{"outcome": self.outcome, **VALUES, **changes}
        )
        row.full_clean()
        return services.save_row(row, expected_version=None, user=user).instance

    def submit(self, user: Any, slot: str) -> Extraction:
        extraction = Extraction.objects.get(review=self.review, slot=slot)
        return services.submit_extraction(
            extraction, expected_version=extraction.version, user=user
        )


def member(umbrella: UmbrellaReview, name: str, role: str = "researcher") -> Any:
    user = get_user_model().objects.create_user(name, password="pw")
    Membership.objects.create(umbrella=umbrella, user=user, role=role)
    return user


def dual_project(make_umbrella: Any, make_review: Any, **umbrella: Any) -> DualProject:
    project = make_umbrella(extraction_mode="dual", **umbrella)
    review = make_review(umbrella=project, label="White 2020")
    domain = OutcomeDomain.objects.create(umbrella=project, name="Service use")
    outcome = Outcome.objects.create(
        umbrella=project, name="Hospitalisation", domain=domain, direction="lower"
    )
    return DualProject(
        project,
        review,
        outcome,
        member(project, "owner", "owner"),
        member(project, "ext-one"),
        member(project, "ext-two"),
    )
