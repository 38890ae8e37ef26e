"""The building blocks of the workbook format: column kinds, columns, links and sheets, and
columns inferred from a model's fields (type, whether required, allowed values, help text).
`spec` declares the sheets with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import models

from reviews.registry.models import CITATION_FIELDS

from ..relations import concrete_field

TEXT, INTEGER, NUMBER, DATE, BOOLEAN, CHOICE, REF, REFS = (
    "text",
    "integer",
    "number",
    "date",
    "boolean",
    "choice",
    "reference",
    "list of references",
)
LIST_SEPARATOR = ";"
USERS = "user accounts"  # a REF target that is no sheet: accounts, matched by username


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    field: str  # the model field written ("" for a column that only helps resolve a link)
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str = ""  # the sheet whose natural key a REF/REFS column names
    path: str = ""  # ORM path read by exports and key matching
    description: str = ""


@dataclass(frozen=True)
class Link:
    """A foreign key resolved from several columns (an item answer's review + role)."""

    field: str
    sheet: str
    columns: tuple[str, ...]
    same_file: bool = True  # the linked row must be in the file (its rules need it there)


@dataclass(frozen=True)
class Sheet:
    name: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str
    scope: str = "umbrella"  # ORM path from the model to its umbrella review
    link: Link | None = None
    computed: tuple[str, ...] = ()  # fields derived by the rules, never read from the file
    export_filter: dict = field(default_factory=dict)

    def column(self, name: str) -> Column:
        return self.by_name[name]

    @cached_property  # read for every cell: built once per sheet
    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    @property
    def key_paths(self) -> tuple[str, ...]:
        return tuple(self.column(name).path for name in self.key)


def _kind(model_field: models.Field) -> str:
    if model_field.choices:
        return CHOICE
    if isinstance(model_field, models.BooleanField):
        return BOOLEAN
    if isinstance(model_field, models.FloatField | models.DecimalField):
        return NUMBER
    if isinstance(model_field, models.IntegerField):
        return INTEGER
    if isinstance(model_field, models.DateField):
        return DATE
    return TEXT


def _required(model_field: models.Field) -> bool:
    return not model_field.blank and not model_field.has_default() and not model_field.null


def _describe(model_field: models.Field) -> str:
    text = str(model_field.help_text or "")
    label = str(model_field.verbose_name)
    return f"{label[:1].upper()}{label[1:]}. {text}".strip() if text else f"{label}."


def cols(model: type[models.Model], *names: str, required: tuple[str, ...] = ()) -> list[Column]:
    """Plain columns inferred from the model's fields."""
    out = []
    for name in names:
        f = concrete_field(model, name)
        out.append(
            Column(
                name=name,
                kind=_kind(f),
                field=name,
                required=_required(f) or name in required,
                choices=tuple(str(value) for value, _ in f.choices or ()),
                path=name,
                description=_describe(f),
            )
        )
    return out


def link_key(
    name: str, kind: str, path: str, description: str, choices: tuple[str, ...] = ()
) -> Column:
    """A required column that writes no field: with the others of a `Link`, it names the row
    the sheet's rows belong to (an item answer's appraisal, a study effect's result)."""
    return Column(name, kind, "", True, choices, path=path, description=description)


def ref(
    name: str,
    target: str,
    *,
    field: str | None = "",
    path: str = "",
    required: bool = True,
    many: bool = False,
) -> Column:
    """A column naming rows of `target` by their natural key (resolved to a foreign key);
    `field=None` for one that only resolves a link (its `path` says where)."""
    target_key = f"{{{target}}}"  # filled in by `_resolve_paths` once every sheet is known
    return Column(
        name=name,
        kind=REFS if many else REF,
        field=name if field == "" else field or "",
        required=required,
        ref=target,
        path=path or f"{name if field == '' else field}__{target_key}",
        description=(
            f"{'Natural keys' if many else 'Natural key'} of rows of the '{target}' sheet"
            + (f", separated by '{LIST_SEPARATOR}'." if many else ".")
        ),
    )


CITATION = CITATION_FIELDS  # as reviews.registry.models lists them
VOCABULARY = ("name", "description", "position")


def vocabulary(name: str, model, description: str) -> Sheet:
    return Sheet(name, model, tuple(cols(model, *VOCABULARY)), ("name",), description)


def of_review(
    name: str,
    model: type[models.Model],
    columns: Iterable[Column],
    key: tuple[str, ...],
    description: str,
    **options: Any,
) -> Sheet:
    """A sheet whose rows belong to an included review: the first column names the review (its
    label, part of the key before `key`), and the review's project is the sheet's scope."""
    return Sheet(
        name,
        model,
        (ref("review", "included_reviews"), *columns),
        ("review", *key),
        description,
        scope="review__umbrella",
        **options,
    )


def review_child(
    name: str,
    model: type[models.Model],
    parent: Link,
    parent_key: tuple[str, str],
    columns: Iterable[Column],
    key: tuple[str, ...],
    description: str,
    choices: tuple[str, ...] = (),
) -> Sheet:
    """A sheet whose rows belong to rows of another sheet, which the first two columns name:
    the included review's label, then the parent's own key column within the review (`parent`
    lists both; `parent_key` is that column's kind and description, `choices` the values it
    allows). `key` tells apart the rows of one parent."""
    review, own = parent.columns
    return Sheet(
        name,
        model,
        (
            ref(review, "included_reviews", field=None, path=f"{parent.field}__review__label"),
            link_key(own, parent_key[0], f"{parent.field}__{own}", parent_key[1], choices),
            *columns,
        ),
        (review, own, *key),
        description,
        scope=f"{parent.field}__review__umbrella",
        link=parent,
    )
