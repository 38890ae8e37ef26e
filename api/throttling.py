"""Throttling of anonymous API clients (a module of its own: DRF imports it with its settings,
before its views exist)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients, per address: `API_ANON_THROTTLE_RATE` (None switches it off).

    Read from the settings at each request rather than at import (DRF's own classes), so the
    rate can be changed per deployment and per test."""

    def get_rate(self) -> str | None:
        rate: str | None = settings.API_ANON_THROTTLE_RATE
        return rate
