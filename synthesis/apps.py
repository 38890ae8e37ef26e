from django.apps import AppConfig


class SynthesisConfig(AppConfig):
    name = "synthesis"
    verbose_name = "Evidence synthesis"

    def ready(self):
        # The history page lives in the reviews app, which sits below this one.
        from reviews.history.tracking import track

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
