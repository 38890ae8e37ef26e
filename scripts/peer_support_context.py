"""Implementation factors, experience themes and the PRISMA flow of the peer-support fixture.

Called by `build_peer_support_fixture.py`. Sources (all in ../shared/seed-data):

- `cfir_factors.csv`: the 33 RQ2 implementation factors (Cooper et al. 2024, Table 5 text);
- `experience_themes.csv`: the 64 RQ3 rows, one subtheme each (Table 6 text);
- `prisma_and_overlap.json`: the PRISMA counts the text gives (Figure 1 is not in the seed).

Rules (documented in docs/implementation-and-experiences.md and docs/prisma.md):

- Supporting refs become reviews through `included_reviews.csv` (ref → review → label), so
  refs 41 and 42 are one supporting review, Pitt 2013.
- The seed's direction "facilitator and barrier" is the valence "both"; no CFIR 2.0 construct
  is coded (the paper codes domains only).
- Valence "neutral" is kept as the seed codes it; no contrasting-findings flag is inferred.
- The two theme rows without a citation stay as subthemes without supporting reviews.
- A PRISMA count the text does not give stays empty (drawn as "not reported").
"""

import csv
import json
from pathlib import Path

SLUG = "peer-support-mental-health"
CFIR_DOMAINS = {
    "innovation": "innovation",
    "outer setting": "outer_setting",
    "inner setting": "inner_setting",
    "individuals": "individuals",
    "implementation process": "implementation_process",
}
FACTOR_VALENCE = {"facilitator": "facilitator", "barrier": "barrier",
                  "facilitator and barrier": "both"}  # fmt: skip
# (seed spelling, vocabulary name, description); carers are asked about in RQ3 but no review
# reports their perspective separately, which the table should show rather than hide.
PERSPECTIVES = [
    ("PSWs", "Peer support workers", "Paid peer support workers (PSWs)."),
    ("service users", "Service users", "People receiving peer support."),
    ("non-peer staff", "Non-peer staff", "Clinicians, managers and other staff."),
    ("", "Carers", "Family members and carers."),
    ("peer support group members", "Peer support group members", "Members of peer groups."),
    ("mixed samples", "Mixed samples", "Reviews pooling several perspectives."),
]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def supporting(cell: str, label_of_ref: dict[str, str]) -> list[list[str]]:
    """Natural keys of the reviews behind a row, each review once (refs 41 and 42 are one)."""
    labels = dict.fromkeys(label_of_ref[ref.strip()] for ref in cell.split(";") if ref.strip())
    return [[SLUG, label] for label in labels]


def factor_objects(seed: Path, label_of_ref: dict[str, str]) -> list[dict]:
    return [
        {
            "model": "reviews.implementationfactor",
            "fields": {
                "umbrella": [SLUG],
                "code": row["factor_id"],
                "domain": CFIR_DOMAINS[row["cfir_domain"]],
                "construct": "",
                "statement": row["factor"],
                "valence": FACTOR_VALENCE[row["direction"]],
                "reviews": supporting(row["supporting_refs"], label_of_ref),
                "position": position,
                "note": " ".join(
                    part for part in (row["note"], f"Seed line {row['seed_line']}.") if part
                ),
            },
        }
        for position, row in enumerate(read_csv(seed / "cfir_factors.csv"), start=1)
    ]


def theme_objects(seed: Path, label_of_ref: dict[str, str]) -> list[dict]:
    rows = read_csv(seed / "experience_themes.csv")
    perspective_names = {seed_name: name for seed_name, name, _ in PERSPECTIVES if seed_name}
    objects = [
        {
            "model": "reviews.perspective",
            "fields": {"umbrella": [SLUG], "name": name, "description": text, "position": i},
        }
        for i, (_, name, text) in enumerate(PERSPECTIVES, start=1)
    ]
    themes = list(dict.fromkeys(row["overarching_theme"] for row in rows))
    objects += [
        {
            "model": "reviews.experiencetheme",
            "fields": {"umbrella": [SLUG], "name": theme_name(t), "description": "", "position": i},
        }
        for i, t in enumerate(themes, start=1)
    ]
    for position, row in enumerate(rows, start=1):
        notes = [row["note"], f"Perspective: {row['perspective_basis']}."]
        if not row["supporting_refs"]:
            notes.append("No citation in the text: kept without supporting reviews.")
        objects.append(
            {
                "model": "reviews.experiencesubtheme",
                "fields": {
                    "theme": [SLUG, theme_name(row["overarching_theme"])],
                    "code": row["theme_row_id"],
                    "statement": row["subtheme"],
                    "perspectives": [[SLUG, perspective_names[row["perspective"]]]],
                    "valence": row["valence"],
                    "reviews": supporting(row["supporting_refs"], label_of_ref),
                    "contrasting": False,
                    "position": position,
                    "note": " ".join(n for n in [*notes, f"Seed line {row['seed_line']}."] if n),
                },
            }
        )
    return objects


def theme_name(seed_name: str) -> str:
    return seed_name[0].upper() + seed_name[1:]


def prisma_object(seed: Path) -> dict:
    flow = json.loads((seed / "prisma_and_overlap.json").read_text(encoding="utf-8"))
    flow = flow["prisma_flow"]
    return {
        "model": "reviews.prismaflow",
        "fields": {
            "umbrella": [SLUG],
            "databases": flow["records_identified_database_search"]["value"],
            "other_identified": flow["records_identified_other_methods"]["value"],
            "assessed": flow["full_texts_assessed"]["value"],
            "excluded": flow["full_texts_excluded"]["value"],
            "studies_included": flow["included_reviews"]["value"],
            "reports_included": flow["included_papers"]["value"],
            "note": "Counts as given in the text of Cooper et al. 2024 (Results, seed line 115); "
            "Figure 1 is not in the seed. 93 full texts assessed is the total (the text does "
            "not say whether the 2 records from other methods are inside it), so it is shown "
            "in the databases branch. Not stated: " + "; ".join(flow["not_stated_in_text"]) + ".",
        },
    }


def context_objects(seed: Path, label_of_ref: dict[str, str]) -> list[dict]:
    """Everything of RQ2, RQ3 and the PRISMA flow, after the reviews it refers to."""
    return [
        *factor_objects(seed, label_of_ref),
        *theme_objects(seed, label_of_ref),
        prisma_object(seed),
    ]
