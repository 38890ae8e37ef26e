from django.apps import AppConfig


class SynthesisConfig(AppConfig):
    name = "synthesis"
    verbose_name = "Evidence synthesis"

    def ready(self):
        # The history page lives in the reviews app, which sits below this one.
        from reviews.history.tracking import track
        from reviews.publishing.checks import register_check

        from .selectors.checks import results_not_checked

        register_check("results-not-checked", results_not_checked)

        from .vocabularies import register_vocabularies

        track(
            {
                "synthesis.outcomedomain": "umbrella",
                "synthesis.outcome": "umbrella",
                "synthesis.outcomeresult": "review__umbrella",
                "synthesis.studyeffect": "outcome_result__review__umbrella",
            }
        )
        register_vocabularies()  # outcome domains and outcomes on the settings pages
