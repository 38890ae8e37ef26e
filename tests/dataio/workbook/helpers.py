"""Small workbooks written in the tests: sheets as lists of rows, saved as XLSX or CSV."""

import csv
from pathlib import Path

import openpyxl


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def write_csvs(folder: Path, sheets: dict[str, list[list]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    return folder


def small_project() -> dict[str, list[list]]:
    """A valid little project: two reviews, an outcome with two results, one appraisal."""
    return {
        "project": [["title", "question"], ["Peer support umbrella", "Does it help?"]],
        "populations": [["name", "position"], ["Adults", 1], ["Youth", 2]],
        "outcome_domains": [["name"], ["Recovery"]],
        "included_reviews": [
            ["label", "review_type", "title", "year", "doi", "populations", "grade_used"],
            [
                "Chien 2019",
                "sr_meta_analysis",
                "Peer support for SMI",
                2019,
                "10.1002/14651858.CD010880",
                "Adults; Youth",
                True,
            ],
            [
                "Fuhr 2014",
                "sr_meta_analysis",
                "Peer-delivered interventions",
                2014,
                "",
                "Adults",
                None,
            ],
        ],
        "outcomes": [["name", "domain", "direction"], ["Hope", "Recovery", "higher"]],
        "outcome_results": [
            [
                "review",
                "extraction_id",
                "outcome",
                "evidence_type",
                "k",
                "n",
                "measure",
                "estimate",
                "ci_low",
                "ci_high",
            ],
            ["Chien 2019", "O001", "Hope", "meta_analysis", 4, 400, "smd", 0.3, 0.1, 0.5],
            ["Fuhr 2014", "O002", "Hope", "meta_analysis", 3, 300, "smd", 0.1, -0.2, 0.4],
        ],
        "appraisals": [["review", "role", "status"], ["Chien 2019", "consensus", "submitted"]],
        "appraisal_answers": [
            ["review", "role", "item", "answer"],
            *[["Chien 2019", "consensus", item, "yes"] for item in range(1, 17)],
        ],
    }
