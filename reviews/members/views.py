"""The members page: owners add people, change their roles and remove them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import TemplateView

from ..access import UmbrellaAccessMixin
from ..models import Membership
from .forms import MemberForm
from .services import find_user, remove_member, set_role


class MembersView(UmbrellaAccessMixin, TemplateView):
    template_name = "reviews/members.html"
    manage_access = True

    def get_context_data(self, **kwargs):
        members = Membership.objects.filter(umbrella=self.umbrella).select_related("user")
        return super().get_context_data(
            members=members.order_by("role", "user__username"),
            roles=Membership.Role.choices,
            form=kwargs.pop("form", None) or MemberForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = MemberForm(request.POST)
        try:
            if "remove" in request.POST:
                remove_member(umbrella=self.umbrella, membership_id=int(request.POST["remove"]))
                messages.success(request, "Member removed.")
                return redirect("reviews:members", slug=self.umbrella.slug)
            if form.is_valid():
                user = find_user(form.cleaned_data["user"])
                set_role(umbrella=self.umbrella, user=user, role=form.cleaned_data["role"])
                messages.success(
                    request, f"{user.get_username()} is now {form.cleaned_data['role']}."
                )
                return redirect("reviews:members", slug=self.umbrella.slug)
        except (ValidationError, Membership.DoesNotExist, ValueError) as error:
            messages_ = getattr(error, "messages", ["No such member."])
            form.add_error(None, messages_)
        return self.render_to_response(self.get_context_data(form=form), status=400)
