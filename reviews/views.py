"""View helpers shared by the pages of every app: sortable table columns, the form view that
saves a row with optimistic locking, and the page that deletes a row after listing what goes
with it."""

from dataclasses import dataclass, replace
from typing import Any, Literal

from django.contrib import messages
from django.db import router
from django.db.models import CASCADE, Model
from django.db.models.deletion import Collector
from django.forms import BaseModelForm
from django.http import HttpResponseRedirect
from django.views.generic import TemplateView

from .access import UmbrellaAccessMixin
from .history.tracking import VISIBLE_IF
from .versioning import StaleEdit, conflicts, delete_versioned, save_versioned


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


def dependents(row: Model) -> list[str]:
    """What deleting `row` deletes with it, as "3 outcome results" (links between rows, which
    go too, are not listed); the same cascade the delete then runs.

    Blinded rows (a rater's appraisal or extraction, hidden until both raters submitted) are
    not counted: a count would tell a rater that the other one has started. Whether such rows
    can go with `row` is said by `blinded_dependents`, which depends on the model only."""
    collector = Collector(using=router.db_for_write(type(row)))
    collector.collect([row])
    counts: dict[type[Model], int] = {}
    for model, rows in collector.data.items():
        counts[model] = counts.get(model, 0) + len(rows)
    for queryset in collector.fast_deletes:
        counts[queryset.model] = counts.get(queryset.model, 0) + queryset.count()
    counts.pop(type(row), None)
    return [
        f"{n} {model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural}"
        for model, n in counts.items()
        if n and not model._meta.auto_created and not is_blinded(model)
    ]


def is_blinded(model: type[Model]) -> bool:
    return model._meta.label_lower in VISIBLE_IF


def blinded_dependents(model: type[Model]) -> list[str]:
    """The blinded models whose rows a delete of `model` can take with it (following the
    cascades), as plural names — the same for every row of the model, so they say nothing
    about whether anyone has started."""
    found: list[str] = []
    seen: set[type[Model]] = {model}
    todo = [model]
    while todo:
        for relation in todo.pop()._meta.related_objects:
            related = relation.related_model
            # A relation to "self" is a model seen already; SET_NULL and PROTECT delete nothing.
            cascades = relation.on_delete is CASCADE
            if not cascades or not isinstance(related, type) or related in seen:
                continue
            seen.add(related)
            if is_blinded(related):  # its own blinded parts go with it, unnamed
                found.append(str(related._meta.verbose_name_plural))
            else:
                todo.append(related)
    return sorted(found)


class DeleteRowView(UmbrellaAccessMixin, TemplateView):
    """GET asks to confirm, listing what goes with the row; POST deletes it if it is still at
    the version the page showed (a stale page is refused, nothing deleted)."""

    write_access = True
    template_name = "reviews/confirm_delete.html"

    def get_object(self) -> Model:
        raise NotImplementedError

    def get_success_url(self) -> str:
        raise NotImplementedError

    def cancel_url(self, row: Model) -> str:
        return self.get_success_url()

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.confirm_context(self.get_object()))

    def confirm_context(self, row: Model, **extra: Any) -> dict[str, Any]:
        return self.get_context_data(
            row=row,
            what=row._meta.verbose_name,
            dependents=dependents(row),
            blinded=blinded_dependents(type(row)),
            cancel_url=self.cancel_url(row),
            **extra,
        )

    def post(self, request, *args, **kwargs):
        row = self.get_object()
        try:
            delete_versioned(row, loaded_version=int(request.POST.get("version", "")))
        except (StaleEdit, ValueError):
            error = "It changed since you opened this page; nothing was deleted. Check it again."
            return self.render_to_response(self.confirm_context(row, error=error), status=400)
        messages.success(request, f"Deleted the {row._meta.verbose_name} “{row}”.")
        return HttpResponseRedirect(self.get_success_url())
