"""Publishing and unpublishing an umbrella review: the switch, its record and its lock."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import UmbrellaReview
from ..versioning import save_versioned
from .checks import run_checks
from .models import PublicationEvent


def set_published(
    *, umbrella: UmbrellaReview, published: bool, user: User, loaded_version: int | None
) -> PublicationEvent:
    """Switch `is_published`, record who did it (with the checklist's warnings when
    publishing) and retire the project's cached pages once the transaction commits.

    Switching to the state it is in is refused (ValidationError): it would record nothing new.
    The umbrella review's version guards the switch: an owner whose page is out of date (the
    project was edited or switched meanwhile) gets `StaleEdit`, and nothing is written.
    """
    if umbrella.is_published == published:
        state = "published" if published else "unpublished"
        raise ValidationError(f"The umbrella review is already {state}.")
    with transaction.atomic():
        umbrella.is_published = published
        # save_versioned bumps the data revision: anonymous readers' kept pages go with it.
        save_versioned(umbrella, loaded_version=loaded_version, update_fields=["is_published"])
        # Its releases' frozen copies are read as it is (reviews.access): public with it.
        UmbrellaReview.objects.filter(frozen_from=umbrella).update(is_published=published)
        warnings = (
            [[result.label, result.count] for result in run_checks(umbrella) if not result.ok]
            if published
            else []
        )
        action = (
            PublicationEvent.Action.PUBLISHED if published else PublicationEvent.Action.UNPUBLISHED
        )
        return PublicationEvent.objects.create(
            umbrella=umbrella, action=action, by=user, warnings=warnings
        )
