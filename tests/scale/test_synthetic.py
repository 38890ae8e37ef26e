"""The synthetic umbrella review: deterministic, realistic in shape, built by the real rules."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from appraisal import amstar2
from appraisal.models import Appraisal, ItemAnswer
from dataio.synthetic.project import SIZES, delete_project, fingerprint, generate, reviews_per_study
from reviews.models import (
    ExperienceSubtheme,
    ImplementationFactor,
    IncludedReview,
    Inclusion,
    PrimaryStudy,
    UmbrellaReview,
)
from synthesis import findings
from synthesis.models import OutcomeResult
from synthesis.selectors.key_findings import key_findings

pytestmark = pytest.mark.django_db


@pytest.fixture
def small():
    return generate(size="small", seed=7).umbrella


def test_same_seed_gives_the_same_project_and_another_seed_a_different_one(small):
    first = fingerprint(small)
    delete_project(small)
    assert not UmbrellaReview.objects.filter(slug="synthetic-small-seed-7").exists()
    second = fingerprint(generate(size="small", seed=7).umbrella)
    other = fingerprint(generate(size="small", seed=8).umbrella)
    assert first == second
    # Same sizes (the spec fixes them), different rows.
    assert {k: other[k] for k in ("reviews", "studies", "inclusions")} == {
        k: first[k] for k in ("reviews", "studies", "inclusions")
    }
    for key in ("reviews_sha", "inclusions_sha", "ratings_sha", "results_sha", "qualitative_sha"):
        assert first[key] != other[key], key


def test_small_has_the_model_case_size_and_is_named_and_kept_unpublished(small):
    spec = SIZES["small"]
    assert small.slug == "synthetic-small-seed-7"
    assert "Synthetic" in small.title
    assert not small.is_published
    assert fingerprint(small) | {} == fingerprint(small)
    counts = fingerprint(small)
    assert (counts["reviews"], counts["studies"]) == (35, 400)
    assert counts["inclusions"] == spec.inclusions == 1_000
    assert counts["item_answers"] == 35 * 16
    assert counts["results"] == spec.results


def test_factors_and_subthemes_have_skewed_support_from_a_minority_of_reviews(small):
    factors = ImplementationFactor.objects.filter(umbrella=small).annotate(n=Count("reviews"))
    subthemes = ExperienceSubtheme.objects.filter(theme__umbrella=small).annotate(
        n=Count("reviews")
    )
    assert (factors.count(), subthemes.count()) == (33, 64)  # the model case's numbers
    support = [f.n for f in factors] + [s.n for s in subthemes]
    assert min(support) >= 1
    assert max(support) <= 12
    assert Counter(support).most_common(1)[0][0] == 1  # most are backed by a single review
    backing = IncludedReview.objects.filter(umbrella=small, implementation_factors__isnull=False)
    assert 1 <= backing.distinct().count() <= 9  # drawn from 9 of 35 reviews, as in the model case
    # The key findings page ranks them like the model case's.
    kinds = {section.question.kind: section.computed for section in key_findings(small)}
    assert kinds["implementation"]
    assert kinds["experiences"]


def test_review_types_follow_the_model_case_mix(small):
    types = Counter(
        IncludedReview.objects.filter(umbrella=small).values_list("review_type", flat=True)
    )
    # Cooper et al. 2024: 13 with and 13 without meta-analysis, 3 qualitative, 6 scoping.
    assert types == {
        "sr_meta_analysis": 13,
        "sr_no_meta_analysis": 13,
        "sr_qualitative": 3,
        "scoping": 6,
    }


def test_overlap_is_skewed_with_a_tail_up_to_ten(small):
    per_study = Counter(
        Inclusion.objects.filter(review__umbrella=small).values_list("study_id", flat=True)
    )
    assert len(per_study) == PrimaryStudy.objects.filter(umbrella=small).count()
    frequency = Counter(per_study.values())
    assert max(frequency) <= 10
    assert frequency[1] == max(frequency.values())  # one review is the commonest
    assert frequency[1] > frequency[2] > frequency[3]


def test_overlap_counts_add_up_exactly_at_large_size():
    counts = reviews_per_study(60_000, 150_000)
    assert len(counts) == 60_000
    assert counts.sum() == 150_000
    assert counts.max() == 10
    assert (counts == 1).mean() > 0.45


def test_included_studies_predate_the_including_reviews_search(small):
    rows = Inclusion.objects.filter(review__umbrella=small).values_list(
        "study__year", "review__search_date", "review__year"
    )
    for study_year, search_date, review_year in rows:
        assert study_year <= (search_date.year if search_date else review_year)


def test_every_rating_is_the_amstar2_rule_applied_to_the_stored_answers(small):
    appraisals = Appraisal.objects.filter(review__umbrella=small).select_related("review")
    assert appraisals.count() == 35
    answers = {}
    for appraisal_id, item, answer in ItemAnswer.objects.filter(
        appraisal__in=appraisals
    ).values_list("appraisal_id", "item", "answer"):
        answers.setdefault(appraisal_id, {})[item] = answer
    for appraisal in appraisals:
        assert appraisal.role == "consensus"
        assert appraisal.status == "submitted"
        expected = amstar2.overall_confidence(answers[appraisal.pk], appraisal.review.review_type)
        assert appraisal.overall == expected


def test_results_are_valid_and_findings_derived_by_the_synthesis_rules(small):
    results = OutcomeResult.objects.filter(review__umbrella=small).select_related("outcome")
    pooled = 0
    for result in results:
        result.full_clean()  # the model's own validation: numbers, CIs, findings
        if result.evidence_type == "meta_analysis":
            pooled += 1
            derived = findings.derive_finding(
                result.measure, result.outcome.direction, result.ci_low, result.ci_high
            )
            assert result.derived_finding == derived.value == result.finding
    assert pooled > 0
    assert results.values("outcome").distinct().count() == SIZES["small"].outcomes


def test_the_command_refuses_to_rebuild_unless_told_to_replace(small):
    with pytest.raises(CommandError, match="already exists; pass --replace"):
        call_command("generate_synthetic", size="small", seed=7)
    out = StringIO()
    call_command(
        "generate_synthetic", "--size=small", "--seed=7", "--replace", "--publish", stdout=out
    )
    assert "Generated 'synthetic-small-seed-7' (published)" in out.getvalue()
    assert "1,000 inclusions" in out.getvalue()
    assert UmbrellaReview.objects.get(slug="synthetic-small-seed-7").is_published
    assert UmbrellaReview.objects.filter(slug__startswith="synthetic-").count() == 1


def test_overlap_of_many_reviews_limits_the_heatmap_and_counts_missing_cells_exactly(
    small, settings, monkeypatch, client, django_assert_max_num_queries
):
    """Above PAIRWISE_LIMIT reviews the heatmap covers the largest ones; the overall figures
    (and the structurally missing count, now counted rather than listed) stay exact."""
    from reviews.overlap import selectors as overlap_data
    from reviews.overlap.cca import corrected_covered_area

    full = overlap_data.overlap_for_reviews(small)  # 35 reviews: below the limit
    reviews, matrix, years = full.reviews, {}, {}
    for review_id, study_id, year in Inclusion.objects.filter(review__umbrella=small).values_list(
        "review_id", "study_id", "study__year"
    ):
        matrix.setdefault(review_id, []).append(study_id)
        years[study_id] = year
    matrix = {r.pk: matrix.get(r.pk, []) for r in reviews}
    listed = overlap_data.structurally_missing(reviews, years)
    assert full.n_missing_cells == len({c for c in listed if c[1] not in set(matrix[c[0]])})
    assert full.cca_adjusted == pytest.approx(corrected_covered_area(matrix, listed))

    monkeypatch.setattr(overlap_data, "PAIRWISE_LIMIT", 10)
    limited = overlap_data.overlap_for_reviews(small)
    assert limited.pairwise_limited
    assert len(limited.pairwise_reviews) == 10
    assert (limited.cca, limited.cca_adjusted, limited.n_missing_cells) == (
        full.cca,
        full.cca_adjusted,
        full.n_missing_cells,
    )
    index = {r.pk: i for i, r in enumerate(full.reviews)}
    for i, a in enumerate(limited.pairwise_reviews):  # same pairwise values as the full matrix
        for j, b in enumerate(limited.pairwise_reviews):
            if i != j:
                assert limited.pairwise[i, j] == pytest.approx(
                    full.pairwise[index[a.pk], index[b.pk]], nan_ok=True
                )
    small.is_published = True
    small.save()
    with django_assert_max_num_queries(9):
        response = client.get(f"/u/{small.slug}/overlap/")
    assert "the 10 reviews that include the most studies, of 35" in response.content.decode()


def test_overlap_cache_follows_writes(small):
    from reviews.overlap import selectors as overlap_data
    from reviews.project.revisions import bump_revision

    before = overlap_data.cached_overlap_for_reviews(small)
    Inclusion.objects.filter(review__umbrella=small).order_by("pk").first().delete()
    # Until the write is announced, the cached value stands ...
    assert overlap_data.cached_overlap_for_reviews(small).n_inclusions == before.n_inclusions
    # ... and a bump (the middleware's after every web write) retires it.
    bump_revision(UmbrellaReview.objects.filter(pk=small.pk))
    small = UmbrellaReview.objects.select_related("data_revision").get(pk=small.pk)
    after = overlap_data.cached_overlap_for_reviews(small)
    assert after.n_inclusions == before.n_inclusions - 1


def test_the_outcome_tables_cca_summary_matches_the_full_overlap(small):
    from reviews.overlap.selectors import cca_summary, overlap_for_reviews

    outcome = OutcomeResult.objects.filter(review__umbrella=small).first().outcome
    one_outcome = set(outcome.results.values_list("review_id", flat=True))
    every_review = set(IncludedReview.objects.filter(umbrella=small).values_list("pk", flat=True))
    for ids in (one_outcome, every_review):
        full, summary = overlap_for_reviews(small, ids), cca_summary(small, ids)
        assert (summary.n_studies, summary.n_inclusions) == (full.n_studies, full.n_inclusions)
        assert summary.cca == pytest.approx(full.cca)
        assert summary.cca_band == full.cca_band


def test_study_labels_are_unique_so_the_export_imports_back(small, tmp_path):
    from dataio.workbook.export import export_workbook
    from dataio.workbook.service import import_workbook

    labels = list(PrimaryStudy.objects.filter(umbrella=small).values_list("label", flat=True))
    assert len(labels) == len(set(labels))
    assert any(label[-1].isalpha() and label[-2].isdigit() for label in labels)  # "Smith 2019b"
    export_workbook(small, tmp_path / "small.xlsx")
    result = import_workbook(tmp_path / "small.xlsx", slug="copy-of-small", dry_run=True)
    assert result.problems == []
    assert result.counts["primary_studies"].created == len(labels)


def test_the_summary_of_findings_runs_fixed_queries_and_its_cca_matches_the_overlap(
    small, client, django_assert_max_num_queries
):
    from reviews.overlap.selectors import cca_summary

    small.is_published = True
    small.save()
    with django_assert_max_num_queries(16):
        response = client.get(f"/u/{small.slug}/evidence/summary/", {"rule": "k,n"})
    rows = response.context["sof"].rows
    assert (
        len(rows)
        == OutcomeResult.objects.filter(review__umbrella=small).values("outcome").distinct().count()
    )
    checked = 0
    for row in rows:
        pooling = set(
            OutcomeResult.objects.filter(
                outcome=row.outcome, evidence_type="meta_analysis"
            ).values_list("review_id", flat=True)
        )
        if len(pooling) > 1:
            assert row.cca_percent == pytest.approx(cca_summary(small, pooling).cca)
            checked += 1
    assert checked > 0
