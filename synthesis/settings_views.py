"""The analysis section of a project's settings pages (owners only): whose conventions grade
the credibility classes, and the correlation between dependent outcomes. Registered with the
reviews app's settings navigation from `SynthesisConfig.ready()`."""

from reviews.project.sections import Section
from reviews.project.settings_views import OneRowSettingsView

from .models import AnalysisSettings


class AnalysisSettingsView(OneRowSettingsView):
    section = Section("analysis", "Analysis", "synthesis:settings")
    settings_model = AnalysisSettings
    fields = ["conventions", "dependent_r"]
    labels = {"conventions": "Conventions of the credibility classes"}
    template_name = "synthesis/analysis_settings.html"
