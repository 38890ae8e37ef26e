from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = "AMSTAR 2 appraisal"

    def ready(self):
        # Plugged into the reviews app, which sits below this one and never imports it.
        from reviews.history.tracking import track
        from reviews.project.sections import Section, register_section
        from reviews.registry.ratings import register_consensus

        from .selectors import consensus_join

        register_consensus(join=consensus_join, rating_field="overall")
        track(
            {
                "appraisal.appraisal": "review__umbrella",
                "appraisal.itemanswer": "appraisal__review__umbrella",
                "appraisal.appraisalsettings": "umbrella",
            }
        )
        register_section(Section("amstar2", "AMSTAR 2", "appraisal:settings"))
