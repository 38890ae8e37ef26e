"""The AMSTAR 2 section of a project's settings pages (owners only), registered with the
reviews app's settings navigation from `AppraisalConfig.ready()`."""

from reviews.forms import VersionedForm
from reviews.project.settings_views import OneRowSettingsView

from .models import AppraisalSettings


class AppraisalSettingsForm(VersionedForm):
    class Meta:
        model = AppraisalSettings
        fields = ["use_adapted_variants"]
        labels = {"use_adapted_variants": "Use the adapted AMSTAR 2 variants"}


class AppraisalSettingsView(OneRowSettingsView):
    template_name = "appraisal/settings.html"
    form_class = AppraisalSettingsForm
    heading = "AMSTAR 2 settings"
    settings_section = "amstar2"
    settings_model = AppraisalSettings
    url_name = "appraisal:settings"
