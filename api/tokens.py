"""Creating, revoking and checking personal access tokens (the one write path for them)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .models import ApiToken

# Tokens start with this, so that a leaked one is recognisable (secret scanners, logs).
TOKEN_PREFIX = "ued_"
# A token's last use is written at most this often: every request would be a write otherwise.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 20


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown once, never stored


class TooManyTokens(Exception):
    pass


def create_token(*, user: Any, name: str) -> NewToken:
    """A new token for `user`; the raw value is returned here and nowhere else."""
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(user=user).active()
        if active.count() >= MAX_ACTIVE_TOKENS:
            raise TooManyTokens(
                f"You have {MAX_ACTIVE_TOKENS} active tokens already: revoke one first."
            )
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], digest=token_digest(raw)
        )
    return NewToken(token, raw)


def revoke_token(*, user: Any, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own tokens (someone else's is not found)."""
    token = ApiToken.objects.get(user=user, pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_token(raw: str) -> Any | None:
    """The active user a token belongs to, recording its use; None for an unknown or revoked
    token or an inactive account."""
    token = (
        ApiToken.objects.active().select_related("user").filter(digest=token_digest(raw)).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <token>` (or `Bearer <token>`) with a personal access token."""

    keywords = ("token", "bearer")

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None  # no token: the session or anonymous
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid Authorization header: give 'Token <your token>' with no spaces in it."
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token: not ASCII.") from None
        user = user_for_token(raw)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return user, None

    def authenticate_header(self, request: Request) -> str:
        return "Token"  # a missing or bad token is a 401 that says how to authenticate
