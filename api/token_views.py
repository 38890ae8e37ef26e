"""The account page of personal access tokens: create one (shown once), see when each was
created and last used, revoke one. Login required; every change is a CSRF-checked POST."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import TemplateView

from .models import ApiToken
from .tokens import TooManyTokens, create_token, revoke_token


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="A name to tell your tokens apart, such as “R dashboard” (at most 100 "
        "characters).",
    )


class TokenListView(LoginRequiredMixin, TemplateView):
    template_name = "api/token_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", TokenForm())
        user: Any = self.request.user  # logged in (LoginRequiredMixin)
        context["tokens"] = ApiToken.objects.filter(user=user)
        context["api_root"] = self.request.build_absolute_uri(reverse("api:root"))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TokenForm(request.POST)
        new = None
        if form.is_valid():
            try:
                new = create_token(user=request.user, name=form.cleaned_data["name"])
            except TooManyTokens as error:
                form.add_error("name", str(error))
            else:
                form = TokenForm()
        response = self.render_to_response(self.get_context_data(form=form, new=new))
        add_never_cache_headers(response)  # the new token appears in this page only
        return response


class TokenRevokeView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        token = get_object_or_404(ApiToken, user=request.user, pk=pk)  # others' tokens: 404
        revoke_token(user=request.user, token_id=token.pk)
        messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
        return HttpResponseRedirect(reverse("tokens:list"))
