from django.apps import AppConfig


class SynthesisConfig(AppConfig):
    name = "synthesis"
    verbose_name = "Evidence synthesis"

    def ready(self):
        # The history page lives in the reviews app, which sits below this one.
        from reviews.history.tracking import track
        from reviews.project.headlines import register_headlines

        from .selectors.headlines import compose

        # The overview and the home page lead with the findings (reviews sits below this app).
        register_headlines(compose)

        track(
            {
                "synthesis.outcome": "umbrella",
                "synthesis.outcomeresult": "review__umbrella",
                "synthesis.studyeffect": "outcome_result__review__umbrella",
                "synthesis.selectionrule": "umbrella",
                "synthesis.selectionoverride": "outcome__umbrella",
            }
        )
