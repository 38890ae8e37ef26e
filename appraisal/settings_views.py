"""The AMSTAR 2 section of a project's settings pages (owners only), registered with the
reviews app's settings navigation from `AppraisalConfig.ready()`."""

from typing import Any

from django.urls import reverse

from reviews.forms import VersionedForm
from reviews.project.settings_views import SettingsMixin
from reviews.views import VersionedFormView

from .models import AppraisalSettings


class AppraisalSettingsForm(VersionedForm):
    class Meta:
        model = AppraisalSettings
        fields = ["use_adapted_variants"]
        labels = {"use_adapted_variants": "Use the adapted AMSTAR 2 variants"}


class AppraisalSettingsView(SettingsMixin, VersionedFormView):
    template_name = "appraisal/settings.html"
    form_class = AppraisalSettingsForm
    heading = "AMSTAR 2 settings"
    settings_section = "amstar2"

    def get_instance(self) -> AppraisalSettings:
        # A project without a row uses the defaults; the first save creates it.
        saved = AppraisalSettings.objects.filter(umbrella=self.umbrella).first()
        return saved or AppraisalSettings(umbrella=self.umbrella)

    def get_success_url(self, instance: Any) -> str:
        return reverse("appraisal:settings", args=[self.umbrella.slug])
