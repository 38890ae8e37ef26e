from django.apps import AppConfig


class SynthesisConfig(AppConfig):
    name = "synthesis"
    verbose_name = "Evidence synthesis"

    def ready(self):
        # The history page lives in the reviews app, which sits below this one.
        from reviews.history.tracking import track

        track(
            {
                "synthesis.outcome": "umbrella",
                "synthesis.outcomeresult": "review__umbrella",
                "synthesis.studyeffect": "outcome_result__review__umbrella",
                "synthesis.selectionrule": "umbrella",
                "synthesis.selectionoverride": "outcome__umbrella",
            }
        )
