from django.apps import AppConfig


class SynthesisConfig(AppConfig):
    name = "synthesis"
    verbose_name = "Evidence synthesis"

    def ready(self):
        # The history page lives in the reviews app, which sits below this one.
        from reviews.history.tracking import track
        from reviews.project.headlines import register_headlines
        from reviews.project.sections import register_section
        from reviews.project.warming import register_page
        from reviews.publishing.checks import register_check

        from .extraction.visibility import history_visible
        from .selectors.checks import results_not_checked
        from .selectors.headlines import compose
        from .settings_views import AnalysisSettingsView
        from .vocabularies import register_vocabularies

        register_check("results-not-checked", results_not_checked)
        # The overview and the home page lead with the findings (reviews sits below this app).
        register_headlines(compose)
        # Recomputed in the background after each write (reviews.project.warming).
        register_page(
            "synthesis:overview", "synthesis:key-findings", "synthesis:summary-of-findings"
        )
        track(
            {
                "synthesis.outcomedomain": "umbrella",
                "synthesis.outcome": "umbrella",
                "synthesis.outcomeresult": "review__umbrella",
                "synthesis.studyeffect": "outcome_result__review__umbrella",
                "synthesis.selectionrule": "umbrella",
                "synthesis.selectionoverride": "outcome__umbrella",
                "synthesis.analysissettings": "umbrella",
            }
        )
        register_section(AnalysisSettingsView.section)
        # Extractions are blinded like AMSTAR 2 rater appraisals, their history too; they are
        # not restored (a submitted extraction is final; its rows change only in its form).
        track(
            {
                "synthesis.extraction": "review__umbrella",
                "synthesis.extractedresult": "extraction__review__umbrella",
            },
            visible=history_visible,
            not_restored="Extractions are not restored from their history: a submitted "
            "extraction is final, and a draft's rows change only in the extraction form.",
        )
        register_vocabularies()  # outcome domains and outcomes on the settings pages
