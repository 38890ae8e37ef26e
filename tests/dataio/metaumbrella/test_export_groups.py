"""The metaumbrella export of several rows of one registry study: one author and year, the
rows' `multiple_es` and, for outcomes, the project's `r` (issue #22)."""

import csv
import io

import pytest

from dataio.metaumbrella.export import export_metaumbrella
from dataio.metaumbrella.service import import_metaumbrella
from synthesis.models import AnalysisSettings, StudyEffect
from tests.synthesis.test_analysis_settings import smd_result

pytestmark = pytest.mark.django_db


def test_the_export_writes_one_study_under_its_author_and_year_with_its_marker(
    make_umbrella, make_review, make_study, tmp_path
):
    umbrella = make_umbrella(is_published=False)
    AnalysisSettings.objects.create(umbrella=umbrella, dependent_r=0.6)
    result = smd_result(umbrella, make_review)
    lee = make_study(umbrella, label="Lee 2019", year=2019)
    kim = make_study(umbrella, label="Kim (2018)", year=2018)
    rows = [("Lee 2019 boys", lee, "groups"), ("Lee 2019 girls", lee, "groups"),
            ("Kim mood", kim, "outcomes"), ("Kim anxiety", kim, "outcomes"),
            ("Ng 2020", None, "outcomes")]  # fmt: skip
    for label, study, marker in rows:
        StudyEffect.objects.create(outcome_result=result, study=study, label=label,
                                   kind="estimate", estimate=0.3, ci_low=0.0, ci_high=0.6,
                                   multiple_es=marker)  # fmt: skip
    written = list(csv.DictReader(io.StringIO(export_metaumbrella(umbrella))))
    assert [(r["author"], r["year"], r["multiple_es"], r["r"]) for r in written] == [
        ("Kim", "2018", "outcomes", "0.6"),
        ("Kim", "2018", "outcomes", "0.6"),
        ("Lee", "2019", "groups", ""),
        ("Lee", "2019", "groups", ""),
        ("Ng", "2020", "", ""),  # a study with one row: metaumbrella's single row
    ]
    # The import cannot yet link rows to registry studies: such a file is refused, by cell.
    export_metaumbrella(umbrella, tmp_path / "groups.csv")
    copy = make_umbrella()
    report = import_metaumbrella(tmp_path / "groups.csv", umbrella=copy)
    refused = {(p.row, p.column, p.value) for p in report.problems}
    assert refused == {(2, "multiple_es", "outcomes"), (3, "multiple_es", "outcomes"),
                       (4, "multiple_es", "groups"), (5, "multiple_es", "groups"),
                       (2, "r", "0.6"), (3, "r", "0.6")}  # fmt: skip
    assert not StudyEffect.objects.filter(outcome_result__review__umbrella=copy).exists()
