"""Outcome domains, outcomes and outcome results of the peer-support fixture.

Called by `build_peer_support_fixture.py`. Sources (both in ../shared/seed-data):

- `outcome_findings.csv`: 107 finding-level rows of Cooper et al. 2024 (RQ1 results);
- `white2020_pooled.csv`: the 11 pooled results of White et al. 2020 (BMC Psychiatry 20:534).

Rules (documented in docs/evidence-tables.md, "The peer-support fixture"):

- The CSV's outcome names are normalised into one tidy outcome list (`OUTCOMES`).
- The two rows with a blank ref_no (narrative statements citing no review) are left out: a
  result must belong to an included review.
- Refs 41 and 42 are one review (Pitt 2013); rows that become identical are kept once.
- Where a White 2020 pooled result and a CSV row describe the same result (`WHITE_MERGES`),
  one row keeps White's numbers and its finding is derived from them. Hospitalisation is the
  one disagreement (Cooper reads a reduced risk; White reports RR 0.86, 0.66–1.13): the row
  shows the derived 'no effect' and a note on the disagreement.
"""

import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthesis.findings import derive_finding  # a pure module: no Django set-up needed

SLUG = "peer-support-mental-health"
DOMAINS = [
    ("Clinical", "Symptoms, clinical recovery, suicidal ideation, activation."),
    ("Recovery", "Self-reported, personal and functional recovery."),
    ("Psychosocial", "Hope, empowerment, quality of life, self-efficacy, stigma, functioning."),
    ("Service use", "Hospital admissions, length of stay and other service use."),
    ("Relational", "Social support and networks, relationships, working alliance."),
    ("Satisfaction", "Satisfaction with care or services."),
    ("Cost", "Costs and cost-effectiveness."),
    ("Other", ""),
]
HIGHER, LOWER = "higher", "lower"
RECOVERY = ("Recovery (self-reported)", "Recovery", HIGHER)
RELATIONAL = ("Relational outcomes", "Relational", HIGHER)
SOCIAL_NETWORK = "relational outcomes (social support and network; building relationships)"
# CSV outcome name -> (tidy outcome name, domain, direction of benefit).
OUTCOMES = {
    "perinatal depression": ("Perinatal depression", "Clinical", LOWER),
    "depression": ("Depression", "Clinical", LOWER),
    "anxiety": ("Anxiety", "Clinical", LOWER),
    "mental health symptom severity": ("Mental health symptom severity", "Clinical", LOWER),
    "clinical recovery": ("Clinical recovery", "Clinical", HIGHER),
    "patient activation": ("Patient activation", "Clinical", HIGHER),
    "suicidal ideation": ("Suicidal ideation", "Clinical", LOWER),
    "overall self-reported recovery": RECOVERY,
    "recovery outcomes": RECOVERY,
    "personal recovery": ("Personal recovery", "Recovery", HIGHER),
    "functional recovery": ("Functional recovery", "Recovery", HIGHER),
    "hope": ("Hope", "Psychosocial", HIGHER),
    "empowerment": ("Empowerment", "Psychosocial", HIGHER),
    "quality of life": ("Quality of life", "Psychosocial", HIGHER),
    "self-efficacy": ("Self-efficacy", "Psychosocial", HIGHER),
    "self-stigma and stigma-related stress": ("Self-stigma", "Psychosocial", LOWER),
    "general and social functioning": ("General and social functioning", "Psychosocial", HIGHER),
    "risk of hospitalisation": ("Hospitalisation", "Service use", LOWER),
    "length of hospital stay": ("Length of hospital stay", "Service use", LOWER),
    "service use indicators": ("Service use indicators", "Service use", LOWER),
    SOCIAL_NETWORK: RELATIONAL,
    "relational outcomes (interpersonal relationships, sense of community)": RELATIONAL,
    "working alliance (client-rated)": ("Working alliance (client-rated)", "Relational", HIGHER),
    "working alliance (staff-rated)": ("Working alliance (staff-rated)", "Relational", HIGHER),
    "satisfaction with care": ("Satisfaction with care", "Satisfaction", HIGHER),
    "cost / cost-effectiveness": ("Cost and cost-effectiveness", "Cost", LOWER),
}
# White 2020's outcome names -> the CSV name they correspond to.
WHITE_OUTCOMES = {
    "hospitalised (any admission during follow-up)": "risk of hospitalisation",
    "days in hospital": "length of hospital stay",
    "overall psychiatric symptoms": "mental health symptom severity",
    "quality of life": "quality of life",
    "recovery (self-rated)": "overall self-reported recovery",
    "empowerment": "empowerment",
    "satisfaction with services": "satisfaction with care",
    "general and social functioning": "general and social functioning",
    "social network support": SOCIAL_NETWORK,
    "working alliance (client-rated)": "working alliance (client-rated)",
    "working alliance (staff-rated)": "working alliance (staff-rated)",
}
# White 2020 result -> the CSV rows (Cooper's reading of it) that describe the same result.
WHITE_MERGES = {
    "hospitalised (any admission during follow-up)": ["O024"],
    "quality of life": ["O068"],
    "recovery (self-rated)": ["O031", "O037"],
    "empowerment": ["O062"],
    "satisfaction with services": ["O077"],
    "social network support": ["O081"],
}
HOSPITALISATION_NOTE = (
    "Sources disagree: Cooper et al. 2024 (seed line 141) read White 2020 as a reduced risk of "
    "hospitalisation after follow-up (improvement), but White 2020 reports RR 0.86 (95% CI "
    "0.66–1.13), which does not exclude no difference. The finding shown is derived from "
    "White's numbers."
)
WHITE_LABEL = "White 2020"
REVIEW_LABELS = {"R13": "Pitt 2013"}  # refs 41 and 42: one review in two papers
FINDINGS = {"improvement": "improvement", "no effect": "no_effect", "mixed": "mixed"}
EVIDENCE = {"meta-analysis": "meta_analysis", "narrative": "narrative"}
NOT_SPECIFIED = {"", "not specified"}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def review_labels(seed: Path) -> dict[str, str]:
    """Ref number -> the fixture's review label (Pitt 2013 for both refs 41 and 42)."""
    return {
        row["ref_no"]: REVIEW_LABELS.get(row["review_id"], row["short_label"])
        for row in read_csv(seed / "included_reviews.csv")
    }


def parse_timepoint(text: str) -> dict:
    """'follow-up 3–6 months' -> follow-up from 3 to 6 months; the printed text is kept."""
    text = text.strip()
    if text in NOT_SPECIFIED:
        return {
            "timepoint": "not_specified",
            "months_from": None,
            "months_to": None,
            "timepoint_note": "",
        }
    if text == "post-intervention":
        return {"timepoint": "post", "months_from": None, "months_to": None, "timepoint_note": ""}
    start = end = None
    if match := re.search(r"(\d+)\s*weeks?–(\d+)\s*months", text):
        start, end = round(int(match[1]) * 12 / 52, 2), float(match[2])
    elif match := re.search(r"(\d+)–(\d+)\s*months", text):
        start, end = float(match[1]), float(match[2])
    elif match := re.search(r"over (\d+) months", text):
        start = float(match[1])
    elif match := re.search(r"(\d+)\s*months", text):
        start = end = float(match[1])
    elif text == "medium term":
        # The paper defines this review's medium term as 1–6 months (note on O033).
        start, end = 1.0, 6.0
    return {
        "timepoint": "follow_up",
        "months_from": start,
        "months_to": end,
        "timepoint_note": text,
    }


def note_text(value: str) -> str:
    return "" if value.strip() in NOT_SPECIFIED else value.strip()


def empty_numbers() -> dict:
    return {
        "k": None, "n": None, "measure": "", "estimate": None, "ci_low": None,
        "ci_high": None, "p_value": None, "pooling_model": "", "tau2": None,
        "i2_percent": None, "i2_ci_low": None, "i2_ci_high": None, "q": None, "df": None,
        "p_q": None, "pi_low": None, "pi_high": None,
    }  # fmt: skip


def csv_result(row: dict[str, str], label: str) -> dict:
    name = OUTCOMES[row["outcome"]][0]
    return {
        "review": [SLUG, label],
        "outcome": [SLUG, name],
        "extraction_id": row["finding_id"],
        "evidence_type": EVIDENCE[row["evidence_type"]],
        "population_note": note_text(row["population_note"]),
        "format_note": note_text(row["format_note"]),
        "comparator": "not_reported",
        **parse_timepoint(row["timepoint"]),
        **empty_numbers(),
        "grade_certainty": "",
        "finding": FINDINGS[row["finding"]],
        "derived_finding": "",
        "finding_override_reason": "",
        "narrative_summary": "",
        "note": row["note"],
        "source_location": f"As cited by Cooper et al. 2024, {row['section']} "
        f"(seed.txt line {row['seed_line']})",
        "entered_by": None,
        "checked_by": None,
        "checked_at": None,
        "version": 1,
    }


def number(cell: str) -> float | None:
    return float(cell) if cell.strip() else None


def merge_white(result: dict, white: dict[str, str], merged_ids: list[str]) -> dict:
    """Give a result White 2020's own numbers; its finding becomes the derived one."""
    csv_name = WHITE_OUTCOMES[white["outcome"]]
    direction = OUTCOMES[csv_name][2]
    measure = "rr" if white["measure"] == "RR" else "hedges_g"
    ci_low, ci_high = number(white["ci_low"]), number(white["ci_high"])
    derived = derive_finding(measure, direction, ci_low, ci_high)
    assert derived is not None
    start, end = number(white["followup_min_months"]), number(white["followup_max_months"])
    notes = [result["note"]] if result["note"] else []
    if merged_ids and result["finding"] != derived.value:
        # Only hospitalisation disagrees; a new disagreement needs its own written note.
        assert white["outcome"].startswith("hospitalised"), white["outcome"]
        notes.append(HOSPITALISATION_NOTE)
    if white["note"]:
        notes.append(f"White 2020: {white['note']}")
    if len(merged_ids) > 1:
        notes.append(f"One result of White 2020, cited by Cooper as rows {', '.join(merged_ids)}.")
    if white["favourable_direction"] == "not stated in text":
        notes.append("White 2020 does not state the direction of benefit; higher is assumed.")
    return {
        **result,
        "timepoint": "follow_up",
        "months_from": start,
        "months_to": end,
        "timepoint_note": "" if start is not None else "follow-up (period not stated)",
        "k": int(white["k_trials"]),
        "n": int(white["total_n"]),
        "measure": measure,
        "estimate": number(white["estimate"]),
        "ci_low": ci_low,
        "ci_high": ci_high,
        "p_value": number(white["p_value"]),
        "pooling_model": "random",
        "i2_percent": number(white["i2_percent"]),
        "q": number(white["q"]),
        "p_q": number(white["p_q"]),
        "finding": derived.value,
        "derived_finding": derived.value,
        "narrative_summary": f"White 2020: {white['authors_reading']}.",
        "note": " ".join(notes),
        "source_location": f"White et al. 2020, Results (seed.txt line {white['seed_line']})",
    }


def outcome_objects(seed: Path) -> list[dict]:
    labels = review_labels(seed)
    rows = read_csv(seed / "outcome_findings.csv")
    by_id = {row["finding_id"]: row for row in rows}
    merged = {finding_id for ids in WHITE_MERGES.values() for finding_id in ids}

    results: list[dict] = []
    seen: set[str] = set()
    for row in rows:
        if not row["ref_no"] or row["finding_id"] in merged:
            continue  # no review to attach to / replaced by White's own numbers below
        result = csv_result(row, labels[row["ref_no"]])
        # Refs 41 and 42 give identical rows once both are 'Pitt 2013': keep one.
        key = repr({k: v for k, v in result.items() if k != "extraction_id"})
        if key not in seen:
            seen.add(key)
            results.append(result)
    for number_, white in enumerate(read_csv(seed / "white2020_pooled.csv"), start=1):
        ids = WHITE_MERGES.get(white["outcome"], [])
        base = (
            csv_result(by_id[ids[0]], WHITE_LABEL)
            if ids
            else csv_result(
                {
                    "finding_id": f"W{number_:02d}",
                    "outcome": WHITE_OUTCOMES[white["outcome"]],
                    "evidence_type": "meta-analysis",
                    "population_note": "",
                    "format_note": "",
                    "timepoint": "",
                    "finding": "no effect",
                    "note": "",
                    "section": "",
                    "seed_line": "",
                },
                WHITE_LABEL,
            )
        )
        results.append(merge_white(base, white, ids))

    used = {tuple(r["outcome"]) for r in results}
    outcomes, position = [], 0
    for name, domain, direction in OUTCOMES.values():
        if (SLUG, name) not in used or any(o["fields"]["name"] == name for o in outcomes):
            continue
        position += 1
        outcomes.append(
            {
                "model": "synthesis.outcome",
                "fields": {
                    "umbrella": [SLUG],
                    "name": name,
                    "domain": [SLUG, domain],
                    "direction": direction,
                    "description": "",
                    "position": position,
                },
            }
        )
    domains = [
        {
            "model": "synthesis.outcomedomain",
            "fields": {"umbrella": [SLUG], "name": name, "description": description,
                       "position": position},
        }
        for position, (name, description) in enumerate(DOMAINS, start=1)
    ]  # fmt: skip
    return [
        *domains,
        *outcomes,
        *({"model": "synthesis.outcomeresult", "fields": fields} for fields in results),
    ]
