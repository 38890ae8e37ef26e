from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = "AMSTAR 2 appraisal"

    def ready(self):
        # Plugged into the reviews app, which sits below this one and never imports it.
        from reviews.history.tracking import track
        from reviews.project.sections import register_section
        from reviews.project.warming import register_page
        from reviews.registry.ratings import register_consensus

        from .selectors import consensus_join
        from .settings_views import AppraisalSettingsView
        from .visibility import history_visible

        register_consensus(join=consensus_join, rating_field="overall")
        # The history of appraisals is blinded like the appraisals themselves, and never
        # restored: a restore would bypass the workflow (a submitted rater appraisal is final).
        track(
            {
                "appraisal.appraisal": "review__umbrella",
                "appraisal.itemanswer": "appraisal__review__umbrella",
            },
            visible=history_visible,
            not_restored=(
                "Appraisals are not restored from their history: their answers change only in "
                "the appraisal form, where a submitted rater appraisal stays final and the "
                "status, rater and role follow the two-rater workflow."
            ),
        )
        # The AMSTAR 2 settings are a project setting: open to every member, like the vocabularies.
        track({"appraisal.appraisalsettings": "umbrella"})
        register_section(AppraisalSettingsView.section)
        # The AMSTAR 2 table's summary is recomputed in the background after each write.
        register_page("appraisal:appraisal-table")
