"""The analysis section of a project's settings pages (owners only): whose conventions grade
the credibility classes, and the correlation between dependent outcomes. Registered with the
reviews app's settings navigation from `SynthesisConfig.ready()`."""

from typing import Any

from django.urls import reverse

from reviews.forms import VersionedForm
from reviews.project.settings_views import SettingsMixin
from reviews.views import VersionedFormView

from .models import AnalysisSettings


class AnalysisSettingsForm(VersionedForm):
    class Meta:
        model = AnalysisSettings
        fields = ["conventions", "dependent_r"]
        labels = {"conventions": "Conventions of the credibility classes"}


class AnalysisSettingsView(SettingsMixin, VersionedFormView):
    template_name = "synthesis/analysis_settings.html"
    form_class = AnalysisSettingsForm
    heading = "Analysis settings"
    settings_section = "analysis"

    def get_instance(self) -> AnalysisSettings:
        # A project without a row uses the defaults; the first save creates it.
        saved = AnalysisSettings.objects.filter(umbrella=self.umbrella).first()
        return saved or AnalysisSettings(umbrella=self.umbrella)

    def get_success_url(self, instance: Any) -> str:
        return reverse("synthesis:settings", args=[self.umbrella.slug])
