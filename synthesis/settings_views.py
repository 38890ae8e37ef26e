"""The analysis section of a project's settings pages (owners only): whose conventions grade
the credibility classes, and the correlation between dependent outcomes. Registered with the
reviews app's settings navigation from `SynthesisConfig.ready()`."""

from reviews.forms import VersionedForm
from reviews.project.settings_views import OneRowSettingsView

from .models import AnalysisSettings


class AnalysisSettingsForm(VersionedForm):
    class Meta:
        model = AnalysisSettings
        fields = ["conventions", "dependent_r"]
        labels = {"conventions": "Conventions of the credibility classes"}


class AnalysisSettingsView(OneRowSettingsView):
    template_name = "synthesis/analysis_settings.html"
    form_class = AnalysisSettingsForm
    heading = "Analysis settings"
    settings_section = "analysis"
    settings_model = AnalysisSettings
    url_name = "synthesis:settings"
