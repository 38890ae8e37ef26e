"""Values with the label people read, declared together in the pure science modules. No Django.

A pure module's enum states each value once with its label (`NO = "no", "No"`), or alone where
the value is an abbreviation that, in capitals, is its own label (`SMD = "smd"` reads "SMD"); the
models derive their field choices from it (`reviews.fields.choices_of`), so a value, its label and
their order are written in one place for the rules, the forms, the exports and the database.
"""

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A StrEnum whose members also carry a label: a member equals (and prints as) its value;
    a member declared with its value alone is an abbreviation labelled by it in capitals."""

    label: str

    # A lookup by value, `Answer("Y")`, goes through the enum's metaclass and never reaches
    # __new__: only the class statement's members are made here.
    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value.upper()
        return member
