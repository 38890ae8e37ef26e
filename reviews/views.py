"""View helpers shared by the pages of every app: sortable table columns, and the form view
that saves a row with optimistic locking."""

from dataclasses import dataclass, replace
from typing import Any, Literal

from django.contrib import messages
from django.forms import BaseModelForm
from django.http import HttpResponseRedirect
from django.views.generic import TemplateView

from .access import UmbrellaAccessMixin
from .versioning import StaleEdit, conflicts, save_versioned


@dataclass(frozen=True)
class Column:
    label: str
    sort: str = ""  # the OrderingFilter parameter value; blank when not sortable
    numeric: bool = False
    aria_sort: str = ""
    next_sort: str = ""


def table_columns(columns: list[Column], current_sort: str) -> list[Column]:
    """Mark the sorted column for screen readers and make its header link flip the order."""
    marked = []
    for column in columns:
        if not column.sort:
            marked.append(column)
            continue
        ascending, descending = current_sort == column.sort, current_sort == f"-{column.sort}"
        aria = "ascending" if ascending else "descending" if descending else ""
        next_sort = f"-{column.sort}" if ascending else column.sort
        marked.append(replace(column, aria_sort=aria, next_sort=next_sort))
    return marked


class VersionedFormView(UmbrellaAccessMixin, TemplateView):
    """GET shows the form; POST validates and saves with optimistic locking, or re-renders
    with every error (and, for a stale edit, both versions of each differing field)."""

    write_access = True
    template_name = "reviews/versioned_form.html"
    form_class: type[BaseModelForm] | None = None  # takes `umbrella` too; set by each page
    heading = ""

    def get_instance(self):
        raise NotImplementedError

    def get_success_url(self, instance) -> str:
        raise NotImplementedError

    def make_form(self, data=None):
        return self.form_class(data, instance=self.get_instance(), umbrella=self.umbrella)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def extra_save_fields(self) -> dict:
        return {}

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        context = {}
        if form.is_valid():
            instance = form.save(commit=False)
            for name, value in self.extra_save_fields().items():
                setattr(instance, name, value)
            try:
                saved = save_versioned(
                    instance, loaded_version=form.cleaned_data["version"], save_m2m=form.save_m2m
                )
            except StaleEdit as stale:
                context = stale_context(form, stale)
            else:
                verb = "added" if saved.created else "saved"
                messages.success(request, f"{self.heading or 'Changes'} {verb}.")
                return HttpResponseRedirect(self.get_success_url(saved.instance))
        return self.render_to_response(self.get_context_data(form=form, **context))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.heading
        context["cancel_url"] = self.get_success_url(None)
        return context


def stale_context(
    form: BaseModelForm, stale: StaleEdit, *, labels: Literal["form", "model"] = "form"
) -> dict[str, Any]:
    """What a form page shows for a refused stale edit: the row as now saved (`stale`) and the
    fields that differ (`conflicts`); a deleted row shows as a blank one."""
    if stale.saved is None:
        return {"stale": form.instance._meta.model(), "conflicts": []}
    stale.conflicts = conflicts(form, stale.saved, labels=labels)
    return {"stale": stale.saved, "conflicts": stale.conflicts}
