"""The per-outcome evidence table warns when the reviews behind it share their primary studies."""

from reviews.models import Inclusion
from synthesis.models import Outcome, OutcomeDomain

from .test_evidence_pages import add_results


def outcome_with_reviews(umbrella, make_review, n_reviews=2):
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Depression", domain=domain)
    return outcome, add_results(umbrella, make_review, outcome, n_reviews)


def test_high_overlap_is_warned_on_the_outcome_table(
    client, make_umbrella, make_review, make_study
):
    umbrella = make_umbrella()
    outcome, (first, second) = outcome_with_reviews(umbrella, make_review)
    shared = [make_study(umbrella) for _ in range(2)]
    for review in (first, second):
        for study in shared:
            Inclusion.objects.create(review=review, study=study)
    # Both reviews include the same two studies: N = 4, r = 2, c = 2, CCA = 2 / 2 = 100%.
    response = client.get(outcome.get_absolute_url())
    assert response.context["overlap"].cca == 100
    page = response.content.decode()
    assert "Warning: very high overlap." in page
    assert "corrected covered area 100.0%" in page


def test_slight_overlap_is_noted_without_a_warning(client, make_umbrella, make_review, make_study):
    umbrella = make_umbrella()
    outcome, (first, second) = outcome_with_reviews(umbrella, make_review)
    for review in (first, second):
        for _ in range(10):
            Inclusion.objects.create(review=review, study=make_study(umbrella))
    page = client.get(outcome.get_absolute_url()).content.decode()
    assert "Warning:" not in page
    assert "corrected covered area 0.0% (slight)" in page
