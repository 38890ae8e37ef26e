"""Several rows of one study in the app: the form's marker (groups or outcomes), its history
and the re-analysis page (issue #22)."""

import pytest
from django.urls import reverse

from synthesis.models import StudyEffect
from tests.synthesis.test_analysis_settings import page, smd_result

pytestmark = pytest.mark.django_db


def post_row(client, result, **fields):
    url = reverse("synthesis:study-add", args=[result.review.umbrella.slug, result.pk])
    data = {"kind": "estimate", "version": "", **fields}
    return client.post(url, data)


def test_groups_entered_in_the_form_are_pooled_as_one_study(client, owner, make_review,
                                                             make_study):  # fmt: skip
    umbrella, user = owner
    result = smd_result(umbrella, make_review)
    trial = make_study(umbrella, label="Lee 2019", year=2019)
    client.force_login(user)
    for label, estimate in (("Lee 2019 boys", "0.4"), ("Lee 2019 girls", "0.1")):
        response = post_row(client, result, study=trial.pk, label=label, multiple_es="groups",
                            estimate=estimate, ci_low="-0.5", ci_high="1.0")  # fmt: skip
        assert response.status_code == 302
    # a row posted without the field (an older page) is an outcome, as rows were before
    assert post_row(client, result, label="Ng 2020", estimate="0.3", ci_low="0.0",
                    ci_high="0.6").status_code == 302  # fmt: skip
    stored = dict(StudyEffect.objects.values_list("label", "multiple_es"))
    assert stored == {"Lee 2019 boys": "groups", "Lee 2019 girls": "groups", "Ng 2020": "outcomes"}
    boys = StudyEffect.objects.get(label="Lee 2019 boys")
    assert boys.history.first().multiple_es == "groups"  # audited like every field

    response = page(client, result)
    analysis = response.context["analysis"]
    assert analysis.k == 2
    assert analysis.studies[0].label == "Lee 2019 boys (2 groups of one study combined)"
    html = response.content.decode()
    assert (
        "Rows marked as independent groups of one study are combined by their fixed-effect "
        "mean" in html
    )
    assert html.count("an independent group, combined with 1 other row of its study") == 2


def test_a_marker_that_is_neither_is_refused_on_its_field(client, owner, make_review):
    umbrella, user = owner
    result = smd_result(umbrella, make_review)
    client.force_login(user)
    response = post_row(client, result, label="Ng 2020", estimate="0.3", ci_low="0.0",
                        ci_high="0.6", multiple_es="both")  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "multiple_es": ["Select a valid choice. both is not one of the available choices."]
    }
    described = 'aria-describedby="id_multiple_es_helptext id_multiple_es_error"'
    assert described in response.content.decode()
    assert not StudyEffect.objects.exists()
