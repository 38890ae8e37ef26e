"""The sections of a project's settings pages, listed in their navigation.

The reviews app lists its own (the project's details, how outcome results are extracted, then
each vocabulary of `vocabularies.KINDS`); the apps above add theirs from their
`AppConfig.ready()` with `register_section` (the AMSTAR 2 settings) or by registering
vocabularies (outcome domains and outcomes), so this app names no page of theirs.
"""

from dataclasses import dataclass

from django.urls import reverse

from .vocabularies import KINDS


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str  # takes the project's slug only


EXTRA_SECTIONS: list[Section] = []


def register_section(section: Section) -> None:
    """Add a settings page of an upper app to the navigation, after the vocabularies."""
    EXTRA_SECTIONS.append(section)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str


def settings_nav(slug: str) -> list[NavItem]:
    """The settings navigation of one project: details, extraction, vocabularies, registered
    pages."""
    items = [
        NavItem("details", "Project details", reverse("reviews:project-settings", args=[slug])),
        NavItem("extraction", "Extraction", reverse("reviews:settings-extraction", args=[slug])),
    ]
    items += [
        NavItem(kind.key, kind.label, reverse("reviews:settings-terms", args=[slug, kind.key]))
        for kind in KINDS.values()
    ]
    items += [
        NavItem(section.key, section.label, reverse(section.url_name, args=[slug]))
        for section in EXTRA_SECTIONS
    ]
    return items
