"""Starting an umbrella review: the project and its first owner, written together."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..members.services import set_role
from ..models import Membership, UmbrellaReview
from .revisions import changed


def create_umbrella(*, user: User, title: str, slug: str, question: str = "") -> UmbrellaReview:
    """Create the project with `user` as its owner, or neither (a taken slug: ValidationError)."""
    if UmbrellaReview.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _taken(slug)})
    try:
        with transaction.atomic():
            umbrella = UmbrellaReview.objects.create(title=title, slug=slug, question=question)
            set_role(umbrella=umbrella, user=user, role=Membership.Role.OWNER)
            changed(umbrella)
    except IntegrityError:  # created by someone else between the check and the insert
        raise ValidationError({"slug": _taken(slug)}) from None
    return umbrella


def _taken(slug: str) -> str:
    return f"The address /u/{slug}/ is taken by another umbrella review: choose another."
