"""Fixtures shared by the re-analysis tests."""

import pytest
from django.contrib.auth import get_user_model

from reviews.models import Membership


@pytest.fixture
def owner(make_umbrella):
    """An unpublished project and its owner (test_summary_of_findings.py has its own)."""
    umbrella = make_umbrella(is_published=False)
    user = get_user_model().objects.create_user("owner-user")
    Membership.objects.create(umbrella=umbrella, user=user, role="owner")
    return umbrella, user
