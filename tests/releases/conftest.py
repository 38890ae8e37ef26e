"""A small published project to release: two reviews, one outcome, three primary studies."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from releases.services import publish_release
from reviews.models import IncludedReview, Inclusion, Membership, UmbrellaReview
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult


@dataclass
class Project:
    umbrella: UmbrellaReview
    owner: object
    outcome: Outcome
    studies: list

    def add_review(self, label: str, rating: str, estimate: float, studies: list[int]):
        review = IncludedReview.objects.create(
            umbrella=self.umbrella,
            label=label,
            title=f"Peer support review {label}",
            year=int(label[-4:]),
            review_type="sr_meta_analysis",
            published_rating=rating,
        )
        OutcomeResult.objects.create(
            review=review,
            outcome=self.outcome,
            evidence_type="meta_analysis",
            measure="smd",
            k=4,
            n=400,
            estimate=estimate,
            ci_low=round(estimate - 0.2, 2),
            ci_high=round(estimate + 0.2, 2),
        )
        for index in studies:
            Inclusion.objects.create(review=review, study=self.studies[index])
        return review

    def release(self, notes: str = ""):
        return publish_release(umbrella=self.umbrella, user=self.owner, notes=notes)


@pytest.fixture
def small_project(db, make_umbrella, make_study) -> Project:
    umbrella = make_umbrella(title="Peer support: a living umbrella review", slug="living")
    owner = get_user_model().objects.create_user("owner", password="pw")
    Membership.objects.create(umbrella=umbrella, user=owner, role=Membership.Role.OWNER)
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Recovery")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Hope", domain=domain)
    studies = [make_study(umbrella, label=f"Trial {i} 2010") for i in range(1, 4)]
    project = Project(umbrella, owner, outcome, studies)
    project.add_review("Adams 2018", "high", 0.3, [0, 1])
    project.add_review("Baker 2021", "low", -0.05, [1, 2])
    return project


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write as a request commits it: its revision bump (and queued task) after it."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run
