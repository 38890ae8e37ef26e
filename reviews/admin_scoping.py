"""What staff who are not superusers see in the Django admin: the projects they may change.

The rule is `access.can_write`'s — owners and researchers of an umbrella review change its data —
applied to everything the admin shows, not only to the rows of a change list:

- rows: `ProjectScopedAdmin.get_queryset`;
- choices in forms: foreign keys and many-to-many fields list only rows of those projects, and
  accounts only those of their members (`ScopedChoices`, for admins and inlines alike);
- list filters: a related filter offers only the values the visible rows use, and a value
  across a relation (`domain__name`) only those of the visible rows — Django's own filters list
  every row of the related table, which showed other projects' titles and vocabulary terms;
- autocomplete and search run on the remote admin's scoped queryset, so they follow.

Superusers see everything, except the rows of releases' frozen copies (issue 20): a copy is
read through its release's pages and changed by nobody, so no change list shows its rows twice
over as if they were a project's, and its change pages answer 404 in the admin.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet

from .access import WRITING_ROLES
from .admin_locking import ProjectWritesAdmin
from .models import Membership, UmbrellaReview


def own_umbrella_ids(user, roles=WRITING_ROLES) -> QuerySet:
    """The ids of the umbrella reviews where `user` holds one of `roles` (a subquery)."""
    return Membership.objects.filter(user=user, role__in=roles).values("umbrella_id")


def umbrella_path(model: type[Model], admin_site: admin.AdminSite) -> str | None:
    """How rows of `model` reach their umbrella review, or None if they are not project data."""
    if model is UmbrellaReview:
        return "pk"
    if any(field.name == "umbrella" for field in model._meta.concrete_fields):
        return "umbrella"
    return getattr(admin_site._registry.get(model), "umbrella_path", None)


class ScopedChoices:
    """Foreign-key and many-to-many choices limited to the user's projects (admins, inlines).

    Fields named in `unscoped_choices` keep every row (a new member is any account).
    """

    unscoped_choices: tuple[str, ...] = ()
    admin_site: admin.AdminSite  # given by the ModelAdmin or InlineModelAdmin it is mixed into

    def scoped_choices(self, db_field, request) -> QuerySet | None:
        if request.user.is_superuser or db_field.name in self.unscoped_choices:
            return None
        own = own_umbrella_ids(request.user)
        related = db_field.related_model
        if related is get_user_model():
            # Raters, checkers, mergers: members of the user's projects, not every account.
            return related._default_manager.filter(membership__umbrella__in=own).distinct()
        path = umbrella_path(related, self.admin_site)
        if path is None:
            return None
        return related._default_manager.filter(**{f"{path}__in": own})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._scoped(db_field, request, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._scoped(db_field, request, kwargs)
        )

    def _scoped(self, db_field, request, kwargs: dict) -> dict:
        if "queryset" not in kwargs:  # a subclass's narrower choice stands
            queryset = self.scoped_choices(db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return kwargs


class ScopedValuesListFilter(admin.AllValuesFieldListFilter):
    """The values of a field across a relation that the admin's own (scoped) rows use."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        rows = model_admin.get_queryset(request).order_by(field_path)
        self.lookup_choices = rows.values_list(field_path, flat=True).distinct()


def scoped_list_filter(model: type[Model], entry):
    """A list-filter entry whose choices come from the visible rows only."""
    if not isinstance(entry, str):
        return entry  # a filter class, or a (field, class) pair: it chooses its own values
    field = get_fields_from_path(model, entry)[-1]
    if field.is_relation:
        return (entry, admin.RelatedOnlyFieldListFilter)
    if "__" in entry:
        return (entry, ScopedValuesListFilter)
    return entry  # the model's own field: choices or values of the visible rows already


class ProjectScopedAdmin(ScopedChoices, ProjectWritesAdmin):
    """Rows, form choices and list filters limited to the umbrella reviews the user may change.

    `umbrella_path` is how a row reaches its umbrella review ("review__umbrella" for a report).
    """

    def get_queryset(self, request):
        prefix = "" if self.umbrella_path == "pk" else f"{self.umbrella_path}__"
        queryset = super().get_queryset(request).filter(**{f"{prefix}frozen_from__isnull": True})
        if request.user.is_superuser:
            return queryset
        own = own_umbrella_ids(request.user)
        return queryset.filter(**{f"{self.umbrella_path}__in": own})

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        # Superusers too: Django's own filters would offer the frozen copies (rows left out).
        return [scoped_list_filter(self.model, entry) for entry in filters]
