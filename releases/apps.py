from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Releases"

    def ready(self) -> None:
        from reviews.project.warming import register_step

        from .draft import keep_after_write

        # A living project's draft figures are recomputed in the background after each write
        # (releases.draft), with its pages (reviews sits below this app).
        register_step(keep_after_write)
