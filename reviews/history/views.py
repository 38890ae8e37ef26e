"""The history page of one record: every version, what changed, and restoring an old one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from ..access import UmbrellaAccessMixin, can_write
from .project_events import with_project_events
from .selectors import history_of, timeline, tracked_model
from .services import RestoreRefused, restore
from .tracking import NOT_RESTORED


class HistoryView(UmbrellaAccessMixin, TemplateView):
    template_name = "reviews/history.html"
    member_access = True  # who changed what is for the team, not for every visitor

    def records(self):
        records = history_of(
            self.kwargs["model"], self.kwargs["pk"], self.umbrella, user=self.request.user
        )
        if not records.exists():
            raise Http404("No history for that record in this umbrella review.")
        return records

    def get_context_data(self, **kwargs):
        records = self.records()
        latest = records.first()
        label, user = self.kwargs["model"], self.request.user
        return super().get_context_data(
            versions=with_project_events(
                label,
                timeline(label, self.kwargs["pk"], records, umbrella=self.umbrella, user=user),
                umbrella=self.umbrella,
                user=user,
            ),
            latest=latest,
            title=str(latest.instance),
            model_name=tracked_model(label)._meta.verbose_name,
            not_restored=NOT_RESTORED.get(label, ""),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not can_write(request.user, self.umbrella):
            raise PermissionDenied("Only researchers of this umbrella review restore versions.")
        record = self.records().filter(history_id=_history_id(request.POST)).first()
        if record is None:
            raise Http404("No such version.")
        try:
            restore(record, user=request.user)
        except RestoreRefused as refused:
            raise PermissionDenied(str(refused)) from None
        messages.success(request, f"Restored the version of {record.history_date:%Y-%m-%d %H:%M}.")
        return redirect(request.path)


def _history_id(data) -> int:
    """The posted version's id; anything but a plain positive integer matches nothing."""
    raw = data.get("history_id", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return 0
    return int(raw)
