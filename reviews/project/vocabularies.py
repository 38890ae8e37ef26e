"""The terms a project defines for itself, as its settings pages edit them: research questions,
populations, intervention formats, delivery modes, exclusion reasons and, registered from the
apps above (upper apps plug in through ready(): see `reviews/__init__.py`), outcome domains and
outcomes.

Writes: a term is added or renamed through the locking helper (the settings views' forms);
`merge_terms` re-points everything that uses one term to another and deletes it, in one
transaction, each re-pointed row taking a new version and a history record that names the
merge; `delete_term` deletes a term nothing uses and refuses, naming the uses, otherwise.
What "uses" a term is read from the model's relations, so a model added later that links to
a term is covered without being listed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Model, QuerySet

from ..history.records import links_in_one_version
from ..versioning import advance, check_version, delete_versioned, is_versioned
from .revisions import changed

if TYPE_CHECKING:
    from ..forms import VersionedForm


@dataclass(frozen=True)
class TermKind:
    """One vocabulary of the settings pages: its URL part, names, model and form."""

    key: str  # the URL part, e.g. "populations"
    label: str  # "Populations"
    singular: str  # "population"
    model: type[models.Model]
    form_class: type[VersionedForm]  # takes `umbrella` too
    mergeable: bool = True
    intro: str = ""
    columns: tuple[str, ...] = field(default=("description",))  # shown beside the name


KINDS: dict[str, TermKind] = {}


def register_kinds(*kinds: TermKind) -> None:
    """List these vocabularies on the settings pages (in registration order)."""
    for kind in kinds:
        KINDS[kind.key] = kind


def key_field(model: type[models.Model]) -> str:
    """The field that names a term within its project ("name", or "code" for questions)."""
    return str(getattr(model._default_manager, "key_field", "name"))


# -- what uses a term ------------------------------------------------------------------------


def _relations(model: type[models.Model]) -> list[models.ForeignObjectRel]:
    """The foreign keys and many-to-many fields of other models that point at `model`; the
    history tables' copies of them are not uses."""
    return [
        rel
        for rel in model._meta.related_objects
        if not (_user_model(rel)._meta.model_name or "").startswith("historical")
    ]


def _user_model(rel: models.ForeignObjectRel) -> type[models.Model]:
    """The model on the other side of `rel`: a class once the apps are loaded (a string only
    while a lazy reference is unresolved)."""
    model = rel.related_model
    if isinstance(model, str):
        raise LookupError(f"{rel} points at the unresolved model {model!r}.")
    return model


def _users_of(rel: models.ForeignObjectRel, term: models.Model) -> QuerySet[Any]:
    return _user_model(rel)._default_manager.filter(**{rel.field.name: term})


@dataclass(frozen=True)
class Use:
    count: int
    model: type[models.Model]

    def __str__(self) -> str:
        meta = self.model._meta
        return f"{self.count} {meta.verbose_name if self.count == 1 else meta.verbose_name_plural}"


def uses_of(term: models.Model) -> list[Use]:
    """Each kind of row that refers to `term`, with how many (one query per relation)."""
    found = [Use(_users_of(rel, term).count(), _user_model(rel)) for rel in _relations(type(term))]
    return [use for use in found if use.count]


def use_counts(terms: QuerySet[Model]) -> QuerySet[Model]:
    """The terms annotated with `n_uses`, the rows of every relation that refer to each."""
    from ..queries import count_of

    total: Any = None
    for rel in _relations(terms.model):
        rows = _user_model(rel)._default_manager.filter(**{rel.field.name: models.OuterRef("pk")})
        total = count_of(rows) if total is None else total + count_of(rows)
    counted: QuerySet[Model] = terms.annotate(
        n_uses=total if total is not None else models.Value(0)
    )
    return counted


def _and_list(items: Iterable[object]) -> str:
    names = [str(item) for item in items]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


class TermInUse(ValidationError):
    """A delete refused because rows still refer to the term; nothing was written."""

    def __init__(self, term: models.Model, uses: list[Use]):
        super().__init__(
            f"“{term}” is used by {_and_list(uses)}: merge it into another "
            f"{term._meta.verbose_name} or remove those uses before deleting it."
        )
        self.uses = uses


# -- writes ----------------------------------------------------------------------------------


def delete_term(*, term: models.Model, loaded_version: int | None) -> None:
    """Delete a term nothing uses (TermInUse otherwise; StaleEdit if it changed meanwhile)."""
    with transaction.atomic():
        check_version(term, loaded_version)  # also locks the row against a concurrent merge
        uses = uses_of(term)
        if uses:
            raise TermInUse(term, uses)
        delete_versioned(term, loaded_version=loaded_version)


@dataclass(frozen=True)
class Merged:
    target: models.Model
    moved: list[Use]


def merge_terms(
    *, source: models.Model, target: models.Model, loaded_version: int | None
) -> Merged:
    """Re-point every row that uses `source` to `target`, then delete `source`.

    One transaction: each re-pointed row takes its next version and a history record whose
    reason names the merge, and so does `target`. Refused with a ValidationError (nothing
    written) for a term merged into itself, into a term of another kind or project, or when
    re-pointing would give a row two of the same link it may hold once.
    """
    if type(source) is not type(target):
        raise ValidationError("Terms of different kinds cannot be merged.")
    if source.pk == target.pk:
        raise ValidationError(f"“{source}” cannot be merged into itself: choose another term.")
    # Every vocabulary model has `umbrella`; the generic Model that types them does not.
    umbrella_id = source.umbrella_id  # type: ignore[attr-defined]
    if target.umbrella_id != umbrella_id:  # type: ignore[attr-defined]
        raise ValidationError(
            f"“{target}” belongs to another umbrella review: terms merge within one project."
        )
    reason = f"Merged {source._meta.verbose_name} “{source}” into “{target}”"
    try:
        with transaction.atomic():
            check_version(source, loaded_version)
            moved = []
            for rel in _relations(type(source)):
                owners = list(_users_of(rel, source))
                for owner in owners:
                    _repoint(owner, rel.field, source, target, reason)
                if owners:
                    moved.append(Use(len(owners), _user_model(rel)))
            _record(target, reason)
            delete_versioned(source, loaded_version=loaded_version)
            changed(umbrella_id)
    except IntegrityError:
        raise ValidationError(
            f"“{source}” and “{target}” are both used by the same row where only one is "
            "allowed (for example two results of one review for the same outcome and "
            "extraction id): change those rows first. Nothing was merged."
        ) from None
    return Merged(target, moved)


def _record(row: models.Model, reason: str) -> None:
    """Give `row` its next version (no check: the merge holds no edit of it) and save it, so
    its history gets a record with `reason`."""
    if is_versioned(type(row)):  # a row of any model that uses a term; Model declares neither
        row.version = advance(type(row), row.pk, loaded_version=None)  # type: ignore[attr-defined]
    row._change_reason = reason  # type: ignore[attr-defined]
    row.save()


def _repoint(
    owner: models.Model,
    field: Any,
    source: models.Model,
    target: models.Model,
    reason: str,
) -> None:
    if not field.many_to_many:
        setattr(owner, field.name, target)
        _record(owner, reason)
        return
    _record(owner, reason)
    with links_in_one_version(owner):  # the new links belong to the version just recorded
        links = getattr(owner, field.name)
        links.remove(source)
        links.add(target)
