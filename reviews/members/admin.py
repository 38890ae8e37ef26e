"""Members in the Django admin: owners (and superusers) only, through the members services.

Staff who research on a project could change its memberships in the admin — their own role to
owner included — because every other admin is open to researchers. Here, as on the members
page: a change or deletion needs ownership of that project (researchers see the rows, read
only), the add form offers only projects the user owns, and every write goes through
`services` (the project row locked, the last owner kept). The bulk delete action is off: each
removal is checked on its own.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from ..access import OWNER_ROLES, can_manage
from ..admin_scoping import ProjectScopedAdmin, own_umbrella_ids
from ..models import Membership, UmbrellaReview
from .services import check_role_change, remove_member, set_role


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["umbrella", "user", "role"]

    def clean(self):
        cleaned = super().clean()
        umbrella = cleaned.get("umbrella", self.instance.umbrella if self.instance.pk else None)
        user = cleaned.get("user", self.instance.user if self.instance.pk else None)
        if umbrella is not None and user is not None and cleaned.get("role"):
            # Locks the project's members for the rest of the admin's transaction (the save).
            check_role_change(umbrella=umbrella, user=user, role=cleaned["role"])
        return cleaned


class MembershipAdmin(ProjectScopedAdmin):
    form = MembershipAdminForm
    list_display = ["user", "umbrella", "role"]
    list_filter = ["role", "umbrella"]
    search_fields = ["user__username", "user__email", "umbrella__title"]
    autocomplete_fields = ["user"]
    unscoped_choices = ("user",)  # any account may become a member

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "umbrella" and not request.user.is_superuser:
            own = own_umbrella_ids(request.user, OWNER_ROLES)
            kwargs["queryset"] = UmbrellaReview.objects.filter(pk__in=own)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["umbrella", "user"] if obj is not None else []  # a change is a new role

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._manages(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._manages(request, obj)

    def _manages(self, request, obj) -> bool:
        return obj is None or can_manage(request.user, obj.umbrella)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        saved = set_role(umbrella=obj.umbrella, user=obj.user, role=obj.role)
        obj.pk = saved.pk  # the admin logs and links the saved row

    def delete_model(self, request, obj):
        remove_member(umbrella=obj.umbrella, membership_id=obj.pk)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as refused:  # the last owner: nothing was deleted
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
            return redirect("admin:reviews_membership_change", object_id)
