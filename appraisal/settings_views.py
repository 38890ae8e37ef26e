"""The AMSTAR 2 section of a project's settings pages (owners only), registered with the
reviews app's settings navigation from `AppraisalConfig.ready()`."""

from reviews.project.sections import Section
from reviews.project.settings_views import OneRowSettingsView

from .models import AppraisalSettings


class AppraisalSettingsView(OneRowSettingsView):
    section = Section("amstar2", "AMSTAR 2", "appraisal:settings")
    settings_model = AppraisalSettings
    fields = ["use_adapted_variants"]
    labels = {"use_adapted_variants": "Use the adapted AMSTAR 2 variants"}
    template_name = "appraisal/settings.html"
