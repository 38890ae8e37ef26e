"""Build `fixtures/peer_support.json` from the curated seed extracts of Cooper et al. 2024.

Run from the project root with the seed-data folder as argument:

    .venv/bin/python scripts/build_peer_support_fixture.py ../shared/seed-data

The fixture uses natural keys (slugs, labels, codes) instead of database ids, so loading it
never collides with rows a user created, and loading it twice changes nothing. Every value
comes from the seed files; what the paper leaves open stays empty.
"""

import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

from peer_support_context import context_objects  # RQ2 factors, RQ3 themes, PRISMA flow
from peer_support_outcomes import outcome_objects  # synthesis: outcomes and results

from reviews.notes import split_note  # the rule the internal-notes migrations apply

SLUG = "peer-support-mental-health"
OUTPUT = Path(__file__).resolve().parent.parent / "fixtures" / "peer_support.json"
# Fields whose references to the seed files ("seed.txt line 149") are for members only: they
# move to the row's internal note (reviews/notes.py), as migrations reviews 0011 and synthesis
# 0008 moved them in existing databases.
INTERNAL_NOTE_SOURCES = {
    "reviews.implementationfactor": ["note"],
    "reviews.experiencesubtheme": ["note"],
    "reviews.prismaflow": ["note"],
    "reviews.reportedinclusionfrequency": ["source"],
    "synthesis.outcomeresult": ["note", "source_location"],
}

# Population categories as the paper names them (seed line 123), in the paper's order.
POPULATIONS = {
    "SMI": "Severe mental illness (SMI)",
    "mental health services users": "People accessing mental health services",
    "perinatal": "Perinatal populations",
    "any/common MH conditions": "Any or common mental health conditions",
    "substance use": "Substance use disorders",
    "eating disorders": "Eating disorders",
    "suicidality": "People experiencing suicidality",
    "crisis": "Crisis management",
    "PSWs & stakeholders": "Peer support workers and other stakeholders",
}
FORMATS = {
    "any": ("Any format", "Individual, group or combined peer support."),
    "group only": ("Group only", "Group peer support alone."),
    "individual only": ("Individual only", "One-to-one peer support alone."),
}
# The paper names these delivery modes for the reviews as a whole, not per review.
DELIVERY_MODES = ["In person", "Online", "Telephone"]
REVIEW_TYPES = {
    "systematic review with meta-analysis": "sr_meta_analysis",
    "systematic review without meta-analysis": "sr_no_meta_analysis",
    "systematic review with qualitative synthesis": "sr_qualitative",
    "scoping review": "scoping",
}
RATINGS = {
    "high": "high",
    "critically low": "critically_low",
    "low or critically low (not stated)": "low_or_critically_low",
}
RESEARCH_QUESTIONS = [
    (
        "RQ1",
        "effectiveness",
        "What is the effectiveness (e.g. clinical, social, functional) and cost-effectiveness "
        "of paid peer support approaches for mental health?",
    ),
    (
        "RQ2",
        "implementation",
        "What influences the implementation of peer support approaches for mental health?",
    ),
    (
        "RQ3",
        "experiences",
        "What are the experiences of peer support approaches for mental health (e.g. of "
        "acceptability) from the perspective of PSWs, healthcare practitioners, service users, "
        "carers?",
    ),
]
# Refs 41 and 42 are one review (Pitt 2013); the Cochrane review is its main report.
MAIN_REPORT = {"R13": "42"}
REVIEW_LABELS = {"R13": "Pitt 2013"}
BOOLEAN = {"yes": True, "no": False, "not reported": None}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def citation(ref: dict[str, str]) -> dict:
    return {
        "authors": ref["authors"],
        "year": int(ref["year"]) if ref["year"] else None,
        "title": ref["title"],
        "journal": ref["journal"],
        "volume": ref["volume"],
        "pages": ref["pages"],
        "doi": ref["doi_if_present"].lower(),
        "pmid": "",
    }


def umbrella_object() -> dict:
    return {
        "model": "reviews.umbrellareview",
        "fields": {
            "title": "The effectiveness, implementation, and experiences of peer support "
            "approaches for mental health: a systematic umbrella review",
            "slug": SLUG,
            "question": "Summarise the evidence on the effectiveness, implementation, and "
            "experiences of paid peer support approaches for mental health.",
            "protocol_registration": "PROSPERO CRD42022362099",
            "citation": "Cooper RE, Saunders KRK, Greenburgh A, et al. The effectiveness, "
            "implementation, and experiences of peer support approaches for mental health: "
            "a systematic umbrella review. BMC Med. 2024;22:72.",
            "doi": "10.1186/s12916-024-03260-y",
            "search_start": "2012-01-01",
            "search_end": "2022-11-01",
            "databases_searched": "MEDLINE\nEMBASE\nPsycINFO\nThe Campbell Collaboration\n"
            "The Cochrane Database of Systematic Reviews",
            "reported_primary_studies": 426,
            "is_published": True,
        },
    }


def term(model: str, name: str, position: int, description: str = "") -> dict:
    return {
        "model": model,
        "fields": {
            "umbrella": [SLUG],
            "name": name,
            "description": description,
            "position": position,
        },
    }


def build(seed: Path) -> list[dict]:
    references = {row["ref_no"]: row for row in read_csv(seed / "references.csv")}
    papers_by_review: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_csv(seed / "included_reviews.csv"):
        papers_by_review[row["review_id"]].append(row)

    objects = [umbrella_object()]
    objects += [
        {
            "model": "reviews.researchquestion",
            "fields": {"umbrella": [SLUG], "code": code, "text": text, "kind": kind},
        }
        for code, kind, text in RESEARCH_QUESTIONS
    ]
    objects += [
        term("reviews.population", name, position)
        for position, name in enumerate(POPULATIONS.values(), start=1)
    ]
    objects += [
        term("reviews.interventionformat", name, position, description)
        for position, (name, description) in enumerate(FORMATS.values(), start=1)
    ]
    objects += [
        term("reviews.deliverymode", name, position)
        for position, name in enumerate(DELIVERY_MODES, start=1)
    ]

    reports = []
    label_of_ref: dict[str, str] = {}
    for review_id, papers in sorted(papers_by_review.items()):
        main_ref = MAIN_REPORT.get(review_id, papers[0]["ref_no"])
        main = next(paper for paper in papers if paper["ref_no"] == main_ref)
        label = REVIEW_LABELS.get(review_id, main["short_label"])
        review_type_note = main["review_type_basis"]
        if main["review_type"] == "uncertain":
            review_type_note = f"Uncertain; classed by elimination. {review_type_note}"
        notes = " ".join(dict.fromkeys(paper["notes"] for paper in papers if paper["notes"]))
        label_of_ref.update({paper["ref_no"]: label for paper in papers})
        objects.append(
            {
                "model": "reviews.includedreview",
                "fields": {
                    "umbrella": [SLUG],
                    "label": label,
                    "reference_number": int(main["ref_no"]),
                    **citation(references[main["ref_no"]]),
                    "review_type": REVIEW_TYPES[main["review_type_best_fit"]],
                    "review_type_note": review_type_note,
                    "populations": [
                        [SLUG, POPULATIONS[p]] for p in split(main["population_categories"])
                    ],
                    "formats": [[SLUG, FORMATS[main["peer_support_format"]][0]]],
                    "delivery_modes": [],
                    "research_questions": [
                        [SLUG, code] for code in split(main["research_questions_review_level"])
                    ],
                    "n_primary_studies": None,
                    "n_participants": None,
                    "search_date": None,
                    "grade_used": BOOLEAN[main["grade_used"]],
                    "lived_experience_involvement": BOOLEAN[main["lived_experience_involvement"]],
                    "published_rating": RATINGS[main["amstar2_overall"]],
                    "published_rating_note": main["amstar2_basis"],
                    "notes": notes,
                },
            }
        )
        for paper in papers:
            if paper is main:
                continue
            reports.append(
                {
                    "model": "reviews.report",
                    "fields": {
                        "review": [SLUG, label],
                        "reference_number": int(paper["ref_no"]),
                        **citation(references[paper["ref_no"]]),
                        "note": f"Reference {paper['ref_no']} of the umbrella review; "
                        f"the same review as reference {main_ref}.",
                    },
                }
            )
    return separate_internal_notes(
        objects
        + reports
        + reported_overlap_objects(seed)
        + outcome_objects(seed)
        + context_objects(seed, label_of_ref)
    )


def separate_internal_notes(objects: list[dict]) -> list[dict]:
    for obj in objects:
        fields = obj["fields"]
        internal = []
        for name in INTERNAL_NOTE_SOURCES.get(obj["model"], []):
            fields[name], moved = split_note(fields[name])
            internal.append(moved)
        if any(internal):
            fields["internal_note"] = " ".join(part for part in internal if part)
    return objects


def reported_overlap_objects(seed: Path) -> list[dict]:
    """The overlap frequency table as the paper states it ("300 ... 72 ... 18 ... 1"), shown
    labelled "as reported" while the primary-study registry is empty."""
    overlap = json.loads((seed / "prisma_and_overlap.json").read_text(encoding="utf-8"))["overlap"]
    source = f"Cooper et al. 2024, Results (seed line {overlap['seed_line']})"
    return [
        {
            "model": "reviews.reportedinclusionfrequency",
            "fields": {
                "umbrella": [SLUG],
                "times_included": row["times_included"],
                "n_primary_studies": row["n_primary_studies"],
                "source": source,
            },
        }
        for row in overlap["distribution_stated"]
    ]


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    objects = build(Path(sys.argv[1]))
    OUTPUT.write_text(json.dumps(objects, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(objects)} objects to {OUTPUT}")


if __name__ == "__main__":
    main()
