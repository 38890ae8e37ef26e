"""RIS, BibTeX and PubMed MEDLINE files of reviews or studies: fields, de-duplication, errors."""

import pytest
from django.core.management import CommandError, call_command

from dataio.citations import (
    CitationFileError,
    import_citations,
    parse_bibtex,
    parse_medline,
    parse_ris,
)
from reviews.models import IncludedReview, PrimaryStudy

RIS = """TY  - JOUR
AU  - Chien, Wai Tong
AU  - Clifton, Andrew V
TI  - Peer support for people with schizophrenia or other serious mental illness
JO  - Cochrane Database Syst Rev
PY  - 2019
VL  - 4
SP  - CD010880
DO  - https://doi.org/10.1002/14651858.CD010880.pub2
AN  - 30946482
ER  -
TY  - JOUR
AU  - Fuhr, Daniela C
TI  - Effectiveness of peer-delivered interventions for severe mental illness and depression
JO  - Soc Psychiatry Psychiatr Epidemiol
PY  - 2014
VL  - 49
SP  - 1691
EP  - 1702
DO  - 10.1007/s00127-014-0857-5
ER  -
"""

BIBTEX = r"""@article{lloyd2014,
  author = {Lloyd-Evans, Brynmor and Mayo-Wilson, Evan},
  title = {{A systematic review and meta-analysis of randomised controlled trials of peer support}},
  journal = {BMC Psychiatry},
  year = {2014},
  volume = {14},
  pages = {39--51},
  doi = {10.1186/1471-244X-14-39},
}
"""

MEDLINE = """PMID- 26563400
TI  - Peer support in mental health: a systematic review of
      randomised controlled trials.
DP  - 2016 Nov
VI  - 7
PG  - 1-9
LID - 10.1016/j.example.2016.01.001 [doi]
AU  - White S
AU  - Foster R
TA  - Example J

PMID- 31000001
TI  - A second record
DP  - 2019
AU  - Smith J
"""


def test_ris_records_carry_their_fields():
    chien, fuhr = parse_ris(RIS)
    assert chien.title.startswith("Peer support for people with schizophrenia")
    assert chien.authors == ["Chien, Wai Tong", "Clifton, Andrew V"]
    assert (chien.year, chien.volume, chien.pmid) == (2019, "4", "30946482")
    assert chien.doi == "10.1002/14651858.cd010880.pub2"
    assert (fuhr.pages, fuhr.journal) == ("1691–1702", "Soc Psychiatry Psychiatr Epidemiol")


def test_bibtex_records_carry_their_fields():
    (lloyd,) = parse_bibtex(BIBTEX)
    assert lloyd.title.startswith("A systematic review and meta-analysis")
    assert lloyd.authors == ["Lloyd-Evans, Brynmor", "Mayo-Wilson, Evan"]
    assert (lloyd.year, lloyd.volume, lloyd.pages) == (2014, "14", "39–51")
    assert lloyd.doi == "10.1186/1471-244x-14-39"


def test_medline_records_join_continuation_lines():
    white, smith = parse_medline(MEDLINE)
    assert white.title == (
        "Peer support in mental health: a systematic review of randomised controlled trials."
    )
    assert (white.pmid, white.year, white.pages, white.journal) == (
        "26563400",
        2016,
        "1–9",
        "Example J",
    )
    assert white.doi == "10.1016/j.example.2016.01.001"
    assert white.authors == ["White S", "Foster R"]
    assert (smith.pmid, smith.year) == ("31000001", 2019)


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (parse_ris, "this is not RIS", "RIS"),
        (parse_bibtex, "@article{broken, title = {unclosed", "BibTeX"),
        (parse_medline, "PMID- 1\nnot a tag line here", "line 2 is not MEDLINE"),
    ],
)
def test_a_malformed_file_gives_a_clear_error(parse, text, message):
    with pytest.raises(CitationFileError, match=message):
        parse(text)


def test_reviews_are_created_once_and_matched_by_doi_or_pmid(make_review, tmp_path):
    existing = make_review(label="Chien 2019", doi="10.1002/14651858.cd010880.pub2")
    path = tmp_path / "reviews.ris"
    path.write_text(RIS + RIS.replace("30946482", "30946482"), encoding="utf-8")
    report = import_citations(existing.umbrella, parse_ris(path.read_text()), kind="reviews")
    assert report.created == ["Fuhr 2014"]
    assert report.matched == [(1, "Chien 2019"), (3, "Chien 2019")]
    assert report.skipped == [(4, "same DOI/PMID as record 2")]
    fuhr = IncludedReview.objects.get(label="Fuhr 2014")
    assert (fuhr.review_type, fuhr.year, fuhr.doi) == ("other", 2014, "10.1007/s00127-014-0857-5")


def test_the_command_imports_studies_and_refuses_a_broken_file(make_umbrella, tmp_path, capsys):
    umbrella = make_umbrella(slug="peer")
    (tmp_path / "s.nbib").write_text(MEDLINE, encoding="utf-8")
    call_command("import_citations", tmp_path / "s.nbib", "--project", "peer", "--kind", "studies")
    assert "2 created, 0 matched, 0 skipped." in capsys.readouterr().out
    assert sorted(
        PrimaryStudy.objects.filter(umbrella=umbrella).values_list("label", flat=True)
    ) == [
        "Smith 2019",
        "White 2016",
    ]
    call_command("import_citations", tmp_path / "s.nbib", "--project", "peer", "--kind", "studies")
    assert "0 created, 2 matched, 0 skipped." in capsys.readouterr().out
    (tmp_path / "bad.bib").write_text("@article{x, title = {oops", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.bib: not readable BibTeX"):
        call_command(
            "import_citations", tmp_path / "bad.bib", "--project", "peer", "--kind", "reviews"
        )


@pytest.mark.django_db
def test_a_year_outside_the_accepted_range_is_refused_by_record_and_value(make_umbrella):
    umbrella = make_umbrella()
    text = RIS.replace("PY  - 2019", "PY  - 3000")
    records = parse_ris(text)
    assert records[0].year == 3000  # read as given, never silently blanked
    report = import_citations(umbrella, records, kind="studies")
    assert report.skipped == [
        (
            1,
            "the year 3000 of 'Peer support for people with schizophrenia or other serious "
            "mental illness' is outside the accepted 1900–2100: correct it in the file",
        )
    ]
    assert report.created == ["Fuhr 2014"]
    assert list(PrimaryStudy.objects.values_list("label", "year")) == [("Fuhr 2014", 2014)]


def test_made_up_labels_keep_the_first_authors_surname_as_written(make_umbrella):
    # Each format's names give the surname whole, particles and all (the first word of the
    # first author was taken before: "van 2011"); names with their own comma are stored
    # separated by semicolons, so that the list reads back unambiguously.
    umbrella = make_umbrella()
    ris = (
        "TY  - JOUR\nAU  - van der Berg, Anna\nAU  - Li, B.\nTI  - Peer workers on wards\n"
        "PY  - 2011\nDO  - 10.1000/vdb\nER  -\n"
        "TY  - JOUR\nAU  - World Health Organization\nTI  - Peer support guidance\n"
        "PY  - 2019\nDO  - 10.1000/who\nER  -\n"
        "TY  - JOUR\nTI  - Peer mentors after discharge from hospital: a randomised trial\n"
        "PY  - 2012\nDO  - 10.1000/anon\nER  -\n"
    )
    bibtex = BIBTEX.replace("Lloyd-Evans, Brynmor", "O'Brien, K.")
    medline = MEDLINE.replace("AU  - White S", "AU  - de la Cruz MJ")
    for records in (parse_ris(ris), parse_bibtex(bibtex), parse_medline(medline)):
        import_citations(umbrella, records, kind="studies")
    assert list(
        PrimaryStudy.objects.filter(umbrella=umbrella)
        .order_by("pk")
        .values_list("label", "authors")
    ) == [
        ("van der Berg 2011", "van der Berg, Anna; Li, B."),
        ("World Health Organization 2019", "World Health Organization"),
        ("Peer mentors after discharge from hospital: a randomised… 2012", ""),
        ("O'Brien 2014", "O'Brien, K.; Mayo-Wilson, Evan"),
        ("de la Cruz 2016", "de la Cruz MJ, Foster R"),
        ("Smith 2019", "Smith J"),
    ]
