"""Natural keys: a row named by what identifies it within its project, declared once per model.

The fixtures, `dumpdata`/`loaddata` and the demo loader name rows by their natural keys instead
of by ids (an included review is `("peer-support-mental-health", "Pitt 2013")`). A model lists
the lookup paths of its key once, `natural_key_fields = ("umbrella__slug", "label")`;
`natural_key()` reads the values along them and `NaturalKeyManager.get_by_natural_key()` looks
a row up by the same paths, so the two cannot disagree. The order Django's serializers need (a
row after the rows its key points to) comes from the models' foreign keys and many-to-many
fields, which Django follows by itself.
"""

from functools import reduce
from typing import Any, ClassVar, TypeVar

from django.db import models

_Model = TypeVar("_Model", bound=models.Model)


class NaturalKeyed:
    """A model whose rows are identified by the values at `natural_key_fields` (lookup paths,
    `__` between the steps); its default manager is a `NaturalKeyManager`."""

    natural_key_fields: ClassVar[tuple[str, ...]]

    def natural_key(self) -> tuple[Any, ...]:
        return tuple(reduce(getattr, path.split("__"), self) for path in self.natural_key_fields)


class NaturalKeyManager(models.Manager[_Model]):
    """Finds a `NaturalKeyed` model's row by its natural key (Django's deserializers call it)."""

    def get_by_natural_key(self, *key: Any) -> _Model:
        model = self.model
        if not issubclass(model, NaturalKeyed):
            raise TypeError(f"{model.__name__} declares no natural_key_fields")
        fields = model.natural_key_fields
        if len(key) != len(fields):
            raise ValueError(f"{model.__name__} is named by ({', '.join(fields)}), not by {key!r}")
        return self.get(**dict(zip(fields, key, strict=True)))
