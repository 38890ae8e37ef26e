"""The members page (owners add people, invite them by e-mail, change roles and remove them),
the invitation accept page and the open sign-up page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from ..access import UmbrellaAccessMixin
from ..models import Membership
from .forms import InvitationForm, MemberForm, NewAccountForm, SignUpForm
from .invitations import (
    WRONG_ACCOUNT,
    InvitationUnusable,
    accept,
    accept_with_new_account,
    invite,
    resend,
    revoke,
    same_address,
    usable_invitation,
)
from .models import Invitation
from .services import find_user, remove_member, set_role

# Invitees who create their account here are logged in with the ordinary password backend
# (django-axes only counts failed log-ins).
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"
MAIL_FAILED = (
    "The invitation e-mail could not be sent ({error}), so nothing was changed: try again "
    "later, or ask the site's administrator to check the mail settings."
)


class MembersView(UmbrellaAccessMixin, TemplateView):
    template_name = "reviews/members.html"
    manage_access = True

    def get_context_data(self, **kwargs):
        members = Membership.objects.filter(umbrella=self.umbrella).select_related("user")
        invitations = Invitation.objects.pending().filter(umbrella=self.umbrella)
        return super().get_context_data(
            members=members.order_by("role", "user__username"),
            invitations=invitations.select_related("invited_by").order_by("email"),
            roles=Membership.Role.choices,
            form=kwargs.pop("form", None) or MemberForm(),
            invite_form=kwargs.pop("invite_form", None) or InvitationForm(),
            expiry_days=settings.INVITATION_EXPIRY_DAYS,
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

    def link_for(self, token: str) -> str:
        return self.request.build_absolute_uri(reverse("reviews:invitation-accept", args=[token]))


class InviteView(MembersView):
    """POST only: e-mail an invitation; errors show on the members page beside the form."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = invite(
                    umbrella=self.umbrella,
                    invited_by=request.user,
                    link_for=self.link_for,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(None if field == "__all__" else field, errors)
            except OSError as error:  # smtplib's errors included: nothing was kept
                form.add_error(None, MAIL_FAILED.format(error=error))
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("reviews:members", slug=self.umbrella.slug)
        return self.render_to_response(self.get_context_data(invite_form=form), status=400)


class InvitationActionView(MembersView):
    """POST only: re-send (a new link) or revoke a pending invitation."""

    http_method_names = ["post"]
    action = ""  # "resend" or "revoke", set in the URL conf

    def post(self, request, *args, **kwargs):
        pk = kwargs["pk"]
        try:
            if self.action == "resend":
                invitation = resend(
                    umbrella=self.umbrella, invitation_id=pk, link_for=self.link_for
                )
                messages.success(request, f"A new link was sent to {invitation.email}.")
            else:
                invitation = revoke(
                    umbrella=self.umbrella, invitation_id=pk, revoked_by=request.user
                )
                messages.success(request, f"The invitation of {invitation.email} is revoked.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except OSError as error:
            messages.error(request, MAIL_FAILED.format(error=error))
        return redirect("reviews:members", slug=self.umbrella.slug)


class AcceptInvitationView(TemplateView):
    """Open to anyone holding the link: join with the account one is logged in with, or create
    an account; what it shows depends on the link, never on whether an account exists."""

    template_name = "registration/invitation_accept.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invitation = context.get("invitation")
        user = self.request.user
        if invitation is not None and user.is_authenticated:
            context["wrong_account"] = not same_address(user.email or "", invitation.email)
            context["wrong_account_message"] = WRONG_ACCOUNT
        return context

    def _unusable(self, problem: InvitationUnusable):
        context = self.get_context_data(problem=problem.message)
        return self.render_to_response(context, status=problem.status)

    def get(self, request, *args, **kwargs):
        try:
            invitation = usable_invitation(kwargs["token"])
        except InvitationUnusable as problem:
            return self._unusable(problem)
        form = None if request.user.is_authenticated else NewAccountForm()
        return self.render_to_response(self.get_context_data(invitation=invitation, form=form))

    def post(self, request, *args, **kwargs):
        token = kwargs["token"]
        try:
            if request.user.is_authenticated:
                membership = accept(token=token, user=request.user)
            else:
                form = NewAccountForm(request.POST)
                if not form.is_valid():
                    invitation = usable_invitation(token)
                    context = self.get_context_data(invitation=invitation, form=form)
                    return self.render_to_response(context, status=400)
                membership = accept_with_new_account(token=token, new_user=form.save(commit=False))
                login(request, membership.user, backend=PASSWORD_BACKEND)
        except InvitationUnusable as problem:
            return self._unusable(problem)
        messages.success(
            request,
            f"Welcome to {membership.umbrella.title}: you are a {membership.get_role_display()}.",
        )
        return redirect(membership.umbrella)


class SignUpView(FormView):
    """Open sign-up, when the site allows it (SIGNUP_OPEN); otherwise there is no such page."""

    template_name = "registration/signup.html"
    form_class = SignUpForm

    def dispatch(self, request, *args, **kwargs):
        if not settings.SIGNUP_OPEN:
            raise Http404("Accounts are by invitation only on this site.")
        if request.user.is_authenticated:
            return redirect("reviews:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.save()
        login(self.request, user, backend=PASSWORD_BACKEND)
        messages.success(self.request, f"Welcome, {user.get_username()}: your account is ready.")
        return redirect("reviews:home")
