from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews registry"

    def ready(self):
        from .project.settings_forms import register_vocabularies

        # This app's own lines of the publish checklist come first; the apps above add theirs.
        from .publishing import checks  # noqa: F401

        register_vocabularies()
