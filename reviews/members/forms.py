"""The members page's form: a person (by username or e-mail address) and a role."""

from django import forms

from ..models import Membership


class MemberForm(forms.Form):
    user = forms.CharField(label="Username or e-mail address", max_length=254)
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.RESEARCHER)
