"""The members page's forms (a person by username or e-mail address and a role; an e-mail
invitation), and the account form of an invitee or of open sign-up."""

from django import forms
from django.contrib.auth.forms import UserCreationForm, UsernameField
from django.contrib.auth.models import User

from ..models import Membership


class MemberForm(forms.Form):
    user = forms.CharField(label="Username or e-mail address", max_length=254)
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.RESEARCHER)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="They receive a link to join; it works once and expires.",
    )
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.RESEARCHER)

    prefix = "invite"


class NewAccountForm(UserCreationForm):
    """A username and a password twice (Django's validators); the e-mail address comes from
    the invitation, or from the form itself on the open sign-up page."""

    # UserCreationForm's own Meta, spelled out: django-stubs does not declare it.
    class Meta:
        model = User
        fields: tuple[str, ...] = ("username",)
        field_classes = {"username": UsernameField}


class SignUpForm(NewAccountForm):
    class Meta(NewAccountForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
