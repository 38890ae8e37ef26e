"""The change between two releases, computed from two constructed figure documents alone."""

from releases.diff import ADDED, CHANGED, REMOVED, Change, Entry, change_log, diff

HOPE_BEFORE = {
    "summary": "1 of 1 meta-analyses found an improvement.",
    "selected_review": "Adams 2018",
    "estimate": 0.3,
    "ci_low": 0.1,
    "ci_high": 0.5,
    "grade_certainty": "low",
    "credibility": "",
    "cca_percent": None,
    "cca_band": "",
}
BEFORE = {
    "reviews": {
        "Adams 2018": {"title": "Peer support", "year": 2018, "rating": "High"},
        "Baker 2021": {"title": "Peer work", "year": 2021, "rating": "Low"},
    },
    "outcomes": {"Hope": HOPE_BEFORE},
    "overlap": {"n_studies": 3, "cca_percent": 0.0, "cca_band": "Slight"},
    "factors": {"C01": {"statement": "Training", "n_reviews": 1}},
    "themes": {},
    "key_findings": {"RQ1": "Peer support may help."},
    "prisma": {"Records identified from databases": 120, "Reviews (studies) included": 2},
}
AFTER = {
    "reviews": {
        "Adams 2018": {"title": "Peer support", "year": 2018, "rating": "High"},
        "Baker 2021": {"title": "Peer work", "year": 2021, "rating": "Moderate"},
        "Chen 2023": {"title": "Peer support online", "year": 2023, "rating": "Moderate"},
    },
    "outcomes": {
        "Hope": {
            **HOPE_BEFORE,
            "summary": "2 of 2 meta-analyses found an improvement.",
            "selected_review": "Chen 2023",
            "estimate": 0.25,
            "ci_low": 0.15,
            "ci_high": 0.35,
            "cca_percent": 50.0,
            "cca_band": "Very high",
        }
    },
    "overlap": {"n_studies": 4, "cca_percent": 12.5, "cca_band": "High"},
    "factors": {"C01": {"statement": "Training", "n_reviews": 1}},
    "themes": {},
    "key_findings": {"RQ1": "Peer support may help."},
    "prisma": {"Records identified from databases": 120, "Reviews (studies) included": 3},
}


def test_the_diff_lists_exactly_the_rating_change_the_added_review_and_the_moved_finding():
    changes = diff(BEFORE, AFTER)
    assert changes.section("reviews").entries == (
        Entry("Baker 2021", CHANGED, (Change("rating", "Low", "Moderate"),)),
        Entry(
            "Chen 2023",
            ADDED,
            (
                Change("title", None, "Peer support online"),
                Change("year", None, 2023),
                Change("rating", None, "Moderate"),
            ),
        ),
    )
    assert changes.section("outcomes").entries == (
        Entry(
            "Hope",
            CHANGED,
            (
                Change(
                    "summary",
                    "1 of 1 meta-analyses found an improvement.",
                    "2 of 2 meta-analyses found an improvement.",
                ),
                Change("selected_review", "Adams 2018", "Chen 2023"),
                Change("estimate", 0.3, 0.25),
                Change("ci_low", 0.1, 0.15),
                Change("ci_high", 0.5, 0.35),
                Change("cca_percent", None, 50.0),
                Change("cca_band", "", "Very high"),
            ),
        ),
    )
    assert changes.section("factors").entries == ()
    assert changes.section("themes").entries == ()
    assert changes.overlap == (
        Change("n_studies", 3, 4),
        Change("cca_percent", 0.0, 12.5),
        Change("cca_band", "Slight", "High"),
    )
    assert changes.key_findings == ()
    assert changes.prisma == (Change("Reviews (studies) included", 2, 3),)
    assert not changes.is_empty


def test_the_change_log_words_each_change_once():
    assert change_log(diff(BEFORE, AFTER)).splitlines() == [
        "- Reviews added: Chen 2023.",
        "- Review Baker 2021: AMSTAR 2 rating Low → Moderate.",
        "- Outcome Hope: finding “1 of 1 meta-analyses found an improvement.” → “2 of 2 "
        "meta-analyses found an improvement.”; selected meta-analysis “Adams 2018” → "
        "“Chen 2023”; pooled estimate 0.3 → 0.25; 95% CI low 0.1 → 0.15; 95% CI high 0.5 → "
        "0.35; CCA (%) not reported → 50; overlap band not reported → “Very high”.",
        "- Overlap of primary studies: primary studies 3 → 4; CCA (%) 0 → 12.5; "
        "overlap band Slight → High.",
        "- PRISMA counts: Reviews (studies) included 2 → 3.",
    ]


def test_removed_entries_and_revised_narratives_are_listed():
    after = {
        **BEFORE,
        "factors": {},
        "key_findings": {"RQ1": "Peer support helps."},
    }
    changes = diff(BEFORE, after)
    assert [(e.key, e.status) for e in changes.section("factors").entries] == [("C01", REMOVED)]
    assert changes.key_findings == (Change("RQ1", "Peer support may help.", "Peer support helps."),)
    assert change_log(changes).splitlines() == [
        "- Factors removed: C01.",
        "- Key-findings narrative of research question RQ1 was revised.",
    ]


def test_identical_figures_change_nothing():
    changes = diff(BEFORE, BEFORE)
    assert changes.is_empty
    assert change_log(changes) == "No changes."
