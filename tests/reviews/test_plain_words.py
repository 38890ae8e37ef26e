"""Plain words: the glossary page and inline terms (reviews/glossary.py), internal notes split
from public ones (reviews/notes.py), citations without doubled full stops."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from reviews.glossary import BY_KEY, TERMS
from reviews.notes import split_note
from reviews.templatetags.text_tags import full_stop


def test_every_term_has_a_unique_key_a_definition_and_a_source():
    assert len(BY_KEY) == len(TERMS)
    for term in TERMS:
        assert term.definition.endswith("."), term.key
        assert term.source, term.key
    # The abbreviations the readers meet, from the list: none may be missing.
    shown = {term.abbreviation for term in TERMS}
    assert {"AS PUBLISHED", "k", "n", "I²", "τ²", "CI", "PI", "κ", "CCA", "SMD", "RR", "OR",
            "MD", "HR", "RD", "CFIR", "Class I–IV", "Critically low"} <= shown  # fmt: skip


def test_the_glossary_page_is_public_and_lists_each_term_with_its_source(client, db):
    page = client.get(reverse("reviews:glossary")).content.decode()
    for term in TERMS:
        assert f'id="{term.key}"' in page
    assert "I-squared (heterogeneity)" in page
    assert "Source: Higgins JPT et al. (eds). Cochrane Handbook" in page
    assert "Source: Pieper D et al." in page
    # Every page's footer links to it.
    home = client.get(reverse("reviews:home")).content.decode()
    assert f'<a href="{reverse("reviews:glossary")}">Glossary of terms and ratings</a>' in home


def test_a_term_is_reachable_by_keyboard_and_described_by_its_explanation():
    html = Template('{% load glossary_tags %}{% term "i2" %} and {% term "ci" "95% CI" %}').render(
        Context()
    )
    first, second = re.findall(
        r'<abbr title="([^"]+)" tabindex="0" aria-describedby="([^"]+)">', html
    )
    assert first[0] == "I-squared (heterogeneity)"
    assert first[1] != second[1]  # unique ids, so each abbr names its own explanation
    assert f'id="{first[1]}"' in html
    assert ">95% CI</abbr>" in html
    assert f'href="{reverse("reviews:glossary")}#i2"' in html


def test_an_unknown_term_fails_loudly():
    with pytest.raises(KeyError):
        Template('{% load glossary_tags %}{% term "nope" %}').render(Context())


SEED_NOTE = "White 2020: CI printed as '-0,03' in seed.txt; stored as -0.03."
PRISMA_NOTE = "From Cooper 2024 (Results, seed line 115); Figure 1 is not in the seed. 93 assessed."
STATISTICS = "Reduced risk (95% CI 0.66-1.13), i.e. not significant."


@pytest.mark.parametrize(
    ("text", "public", "internal"),
    [
        ("White 2020, Results (seed.txt line 1455)", "White 2020, Results", "seed.txt line 1455"),
        ("Key for PSW longevity. Seed line 187.", "Key for PSW longevity.", "Seed line 187."),
        (SEED_NOTE, "", SEED_NOTE),
        (
            PRISMA_NOTE,
            "From Cooper 2024; 93 assessed.",
            "Results, seed line 115 Figure 1 is not in the seed.",
        ),
        (STATISTICS, STATISTICS, ""),
        ("", "", ""),
    ],
)
def test_split_note_moves_working_file_references_only(text, public, internal):
    assert split_note(text) == (public, internal)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moran G, et al.", "Moran G, et al."),
        ("Smith J", "Smith J."),
        ("Why peer support?", "Why peer support?"),
        ("", ""),
    ],
)
def test_full_stop_never_doubles(text, expected):
    assert full_stop(text) == expected


def test_every_page_names_the_favicon(client, db):
    from django.contrib.staticfiles import finders

    home = client.get(reverse("reviews:home")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in home
    assert finders.find("favicon.svg")


def test_a_citation_ending_in_et_al_gets_one_full_stop(client, make_review):
    review = make_review(authors="Moran G, et al.", title="Peer support?")
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Moran G, et al. <cite>Peer support?</cite>" in page
    assert "et al.." not in page


def test_no_page_template_shows_a_repository_path():
    """Members cannot open docs/*.md on the site: pages say the rule in words or link to an
    in-app page (the glossary). Template comments may still point maintainers there."""
    comment = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group()}"
        for path in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
        for match in re.finditer(r"(?<!/)docs/[\w-]+\.md", comment.sub("", path.read_text()))
    ]
    assert found == []
