"""The one first-author rule (`reviews.registry.citations.first_author`): the surname as
written, used by every made-up label (study lists, citation files) and, normalised, by the
duplicate finder."""

import pytest

from reviews.models import PrimaryStudy
from reviews.registry.citations import first_author, made_up_label
from reviews.studies.dedup import first_author_surname
from reviews.studies.services import import_review_studies
from reviews.studies.study_lists import parse_csv, parse_ris

FORMS = [
    # The three ways files list authors.
    ("Sledge WH, Lawless M, Sells D", "Sledge"),  # Vancouver
    ("Sledge WH; Lawless M", "Sledge"),  # Vancouver names, separated by semicolons
    ("Sledge, W. H.; Lawless, M.", "Sledge"),  # RIS / reference managers
    ("Sledge, William", "Sledge"),  # one RIS author
    ("Sledge W.H., Lawless M.", "Sledge"),
    ("W. H. Sledge", "Sledge"),  # given names first, as initials
    # Particles, apostrophes, hyphens and capitals as written.
    ("van der Berg A, Li B", "van der Berg"),
    ("van der Berg, A.; Li, B.", "van der Berg"),
    ("O'Brien K, Lee JY", "O'Brien"),
    ("Müller-Lüdenscheidt ÄB", "Müller-Lüdenscheidt"),
    ("SLEDGE WH", "SLEDGE"),
    ("Smith JA Jr, Lee K", "Smith"),
    ("Sledge WH et al.", "Sledge"),
    # A single word, an organisation: kept whole.
    ("Sledge", "Sledge"),
    ("World Health Organization", "World Health Organization"),
    ("NHS England; Smith J", "NHS England"),
    # No authors.
    ("", ""),
    ("   ", ""),
]


@pytest.mark.parametrize(("authors", "surname"), FORMS)
def test_the_first_authors_surname_is_kept_as_written(authors, surname):
    assert first_author(authors) == surname


@pytest.mark.parametrize(
    ("authors", "normalised"),
    [
        ("Sledge WH; Lawless M", "sledge"),
        ("Sledge, W. H.; Lawless, M.", "sledge"),
        ("van der Berg A, Li B", "van der berg"),
        ("O'Brien K", "o brien"),
        ("World Health Organization", "world health organization"),
        ("", ""),
    ],
)
def test_the_duplicate_finder_compares_the_same_surname_normalised(authors, normalised):
    assert first_author_surname(authors) == normalised


def test_a_made_up_label_is_the_surname_and_year_else_the_titles_start():
    assert made_up_label("Sledge WH; Lawless M", 2011, "Peer mentors") == "Sledge 2011"
    assert made_up_label("van der Berg, A.", None, "Peer mentors") == "van der Berg"
    assert (
        made_up_label("", 2011, "Peer mentors after discharge from hospital: a randomised trial")
        == "Peer mentors after discharge from hospital: a randomised… 2011"
    )
    assert made_up_label("", None, "") == "Record"


@pytest.mark.django_db
def test_a_study_list_makes_labels_from_every_authors_form(make_umbrella, make_review):
    review = make_review(make_umbrella())
    csv_text = (
        "title,authors,year,doi\n"
        'Peer mentors,"Sledge WH; Lawless M",2011,10.1000/a\n'
        'Peer workers,"van der Berg, A.; Li, B.",2014,10.1000/b\n'
        "Peer groups,World Health Organization,2016,10.1000/c\n"
        "Peer calls,,2018,10.1000/d\n"
        'Peer visits,"Sledge W.H., Lawless M.",2011,10.1000/e\n'
    )
    report = import_review_studies(
        review=review, rows=parse_csv(csv_text).studies, create_missing=True
    )
    assert report.created == [
        "Sledge 2011",
        "van der Berg 2014",
        "World Health Organization 2016",
        "Peer calls 2018",
        "Sledge 2011b",
    ]
    ris = (
        "TY  - JOUR\nTI  - Peer phone calls\nAU  - O'Brien, K.\nAU  - Lee, J. Y.\nPY  - 2019\n"
        "DO  - 10.1000/f\nER  - \n"
    )
    report = import_review_studies(review=review, rows=parse_ris(ris).studies, create_missing=True)
    assert report.created == ["O'Brien 2019"]
    assert PrimaryStudy.objects.get(doi="10.1000/f").authors == "O'Brien, K.; Lee, J. Y."
