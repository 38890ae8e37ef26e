from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews registry"

    def ready(self):
        from .project.settings_forms import register_vocabularies

        register_vocabularies()
