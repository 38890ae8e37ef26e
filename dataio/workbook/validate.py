"""Every problem of a workbook, found without writing anything.

Cells are checked by the reader (types, allowed values); here each row goes through its
model's own field validation and `clean()` (so DOI/PMID rules, the outcome-result checks of
`synthesis.findings` and the derived finding are the ones the forms use), then the workbook
as a whole: required cells, natural keys unique, references that resolve (in the file or the
database), DOIs/PMIDs unique per project, and AMSTAR 2 answers through
`appraisal.services.check_items` (which applies `amstar2.allowed_answers`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models

from appraisal import amstar2
from appraisal.services import ItemInput, check_items, compute_overall, rating_review_type
from reviews.models import ExcludedReview, IncludedReview, UmbrellaReview
from synthesis.models import Outcome, OutcomeResult

from .columns import LIST_SEPARATOR, REF, REFS, USERS, Link, Sheet
from .read import Problem, Row, Table
from .spec import list_targets, sheets

Key = tuple


@dataclass
class Plan:
    """A checked workbook: cleaned rows plus what the database already holds, by natural key."""

    slug: str
    umbrella: UmbrellaReview | None
    tables: dict[str, Table]
    existing: dict[str, dict[Key, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables.values())


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return "" if value is None else str(value)


def row_key(sheet: Sheet, values: dict) -> Key:
    return tuple(values.get(name) for name in sheet.key)


def _existing_keys(sheet: Sheet, umbrella: UmbrellaReview | None) -> tuple[dict, set]:
    if umbrella is None or not sheet.scope:
        return {}, set()
    rows = sheet.model._default_manager.filter(**{sheet.scope: umbrella}, **sheet.export_filter)
    keys: dict[Key, int] = {}
    ambiguous: set[Key] = set()
    for pk, *key in rows.values_list("pk", *sheet.key_paths).iterator(chunk_size=5000):
        key = tuple(key)
        if key in keys:
            ambiguous.add(key)
        keys[key] = pk
    return keys, ambiguous


@dataclass
class _Shape:
    plain: list[tuple]  # (column, model field, position among the concrete fields)
    exclude: set[str]  # the fields `clean_fields` skips: not in this file
    defaults: tuple  # every concrete field's default, in order
    per_row_defaults: list[tuple]  # (position, field) whose default is made per row


class _Checker:
    def __init__(self, plan: Plan, progress: Callable[[str, int, int], None] | None):
        self.plan = plan
        self.problems = plan.problems
        self.progress = progress or (lambda *_: None)
        self.file_keys: dict[str, dict[Key, int]] = {}  # key -> row number
        self.ambiguous: dict[str, set] = {}
        # Keyed and valued by cells as read, so None where a cell was empty.
        self.directions: dict[str | None, str | None] = {}
        self.review_types: dict[str | None, str | None] = {}
        # (review, extraction_id) -> measure
        self.measures: dict[tuple[object, ...], str | None] = {}
        self._shapes: dict[str, _Shape] = {}
        self.stand_ins: dict = {}  # related rows `clean()` reads, one per distinct value

    def add(self, sheet: str, row: int | None, column: str, value: Any, reason: str) -> None:
        self.problems.append(Problem(sheet, row, column, _shown(value), reason))

    # -- one row -----------------------------------------------------------------------------

    def clean_row(self, sheet: Sheet, table: Table, row) -> None:
        number, values = row.number, row.values
        if row.bad:
            # A cell that could not be read is reported already; the model's rules would
            # only repeat it in other words.
            return
        for name in table.columns:
            column = sheet.column(name)
            if column.required and values.get(name) in (None, "", []):
                self.add(sheet.name, number, name, "", "required: this cell may not be blank")
        shape = self.shape(sheet, table)
        plain = shape.plain
        if not plain and not sheet.computed:
            # Only references (an inclusion link): there is nothing for the model's rules to
            # check in the row itself, and its links are checked against key sets below.
            return
        args = list(shape.defaults)
        for position, model_field in shape.per_row_defaults:
            args[position] = model_field.get_default()
        for column, model_field, position in plain:
            value = values.get(column.name)
            if value == "" and column.choices and not model_field.blank:
                value = None  # a blank choice cell: the field's default, as a missing column
            if value is None and not model_field.null:
                if not model_field.has_default():
                    continue
                value = model_field.get_default()
                values[column.name] = value
            args[position] = value
        # Positional arguments in field order: the fast way to make an instance, which counts
        # with 100,000 rows; the row's values, the rest the fields' defaults.
        instance = sheet.model(*args)
        self.bind(sheet, instance, values)
        try:
            instance.clean_fields(exclude=shape.exclude)
            instance.clean()
        except ValidationError as error:
            by_field = {c.field: c.name for c in sheet.columns if c.field}
            # A rule of the whole row (the PRISMA arithmetic) raises without a field: no column.
            found = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for field_name, messages in found.items():
                name = by_field.get(field_name, "")
                for message in messages:
                    self.add(sheet.name, number, name, values.get(name), message)
            return
        for column, _, _ in plain:  # cleaning normalises (e.g. DOIs): keep what is stored
            values[column.name] = getattr(instance, column.field)
        for name in sheet.computed:
            values[name] = getattr(instance, name)

    def shape(self, sheet: Sheet, table: Table) -> _Shape:
        """How a row of this sheet becomes an instance (the same for every row: once)."""
        found = self._shapes.get(sheet.name)
        if found is not None:
            return found
        fields = sheet.model._meta.concrete_fields
        position = {f.name: i for i, f in enumerate(fields)}
        plain = [
            (column, sheet.model._meta.get_field(column.field), position[column.field])
            for column in (sheet.column(n) for n in table.columns)
            if column.field and column.kind not in (REF, REFS)
        ]
        checked = {c.field for c, _, _ in plain}  # computed fields are set after the file
        per_row = [(i, f) for i, f in enumerate(fields) if f.has_default() and callable(f.default)]
        defaults = [f.get_default() for f in fields]
        for i, _ in per_row:
            defaults[i] = None
        found = self._shapes[sheet.name] = _Shape(
            plain=plain,
            exclude={f.name for f in sheet.model._meta.fields if f.name not in checked},
            defaults=tuple(defaults),
            per_row_defaults=per_row,
        )
        return found

    def bind(self, sheet: Sheet, instance: Any, values: dict) -> None:
        """Give a row the related values its model's rules read (an outcome's direction).
        `instance` is of the sheet's model: the branches set attributes of particular ones."""
        if sheet.name == "outcome_results":
            direction = self.directions.get(values.get("outcome") or "")
            if direction:
                # A stand-in outcome: `clean()` derives the finding from its direction.
                if direction not in self.stand_ins:
                    self.stand_ins[direction] = Outcome(pk=-1, direction=direction)
                instance.outcome = self.stand_ins[direction]
        if sheet.name == "study_effects":
            measure = self.measures.get((values.get("review"), values.get("extraction_id")))
            if measure is not None:
                # A stand-in result: `clean()` checks an estimate row on its measure's scale.
                if ("result", measure) not in self.stand_ins:
                    self.stand_ins[("result", measure)] = OutcomeResult(pk=-1, measure=measure)
                instance.outcome_result = self.stand_ins[("result", measure)]
        if sheet.name == "prisma_flow":
            # `clean()` checks the exclusions by reason against 'excluded': count them from
            # the excluded reviews as they will be after the import.
            instance.excluded_by_reason = self.excluded_by_reason
        if sheet.name == "project":
            start, end = values.get("search_start"), values.get("search_end")
            if start and end and start > end:
                self.add(sheet.name, None, "search_start", start, "the search starts after it ends")

    # -- the whole sheet ---------------------------------------------------------------------

    def check_sheet(self, sheet: Sheet, table: Table) -> None:
        keys: dict[Key, int] = {}
        total = len(table.rows)
        for position, row in enumerate(table.rows, start=1):
            self.clean_row(sheet, table, row)
            if sheet.key:
                key = row_key(sheet, row.values)
                if key in keys:
                    self.add(
                        sheet.name,
                        row.number,
                        sheet.key[-1],
                        row.values.get(sheet.key[-1]),
                        f"duplicate natural key ({', '.join(sheet.key)}): "
                        f"first given on row {keys[key]}",
                    )
                elif None not in key and "" not in key:
                    keys[key] = row.number
            if position % 20000 == 0:
                self.progress(sheet.name, position, total)
        self.progress(sheet.name, total, total)
        if not sheet.key and len(table.rows) > 1:  # the project, its PRISMA flow, settings
            number = table.rows[1].number
            self.add(sheet.name, number, "", "", f"the {sheet.name} sheet has one row")
        if sheet.name in list_targets():
            for key, number in keys.items():
                if LIST_SEPARATOR in key[0]:
                    self.add(
                        sheet.name,
                        number,
                        sheet.key[0],
                        key[0],
                        f"may not contain '{LIST_SEPARATOR}' (it separates lists elsewhere)",
                    )
        self.file_keys[sheet.name] = keys

    def known(self, target: str, key: Key) -> str:
        """'' if the key names a row (in the file or the database), else the reason not."""
        table = self.plan.tables.get(target)
        if key in self.file_keys.get(target, {}) or (table is not None and table.broken):
            return ""
        if key in self.ambiguous.get(target, set()):
            return f"several rows of '{target}' in the database have this key"
        if key in self.plan.existing.get(target, {}):
            return ""
        if target == USERS:
            return "no user account has this username"
        return f"no row of '{target}' has this key (in the file or the database)"

    def check_references(self, sheet: Sheet, table: Table) -> None:
        references = [sheet.column(n) for n in table.columns if sheet.column(n).ref]
        for row in table.rows:
            for column in references:
                value = row.values.get(column.name)
                for item in (value or []) if column.kind == REFS else [value]:
                    if item:
                        reason = self.known(column.ref, (item,))
                        if reason:
                            self.add(sheet.name, row.number, column.name, item, reason)
            if sheet.link:
                self.check_link(sheet, sheet.link, row)
            if sheet.key:
                key = row_key(sheet, row.values)
                if key in self.ambiguous.get(sheet.name, set()):
                    self.add(
                        sheet.name,
                        row.number,
                        sheet.key[-1],
                        key[-1],
                        "several rows in the database have this natural key; rename one first",
                    )

    def check_link(self, sheet: Sheet, link: Link, row: Row) -> None:
        key = tuple(row.values.get(n) for n in link.columns)
        if None in key or "" in key or key in self.file_keys.get(link.sheet, {}):
            return
        if link.same_file:
            reason = f"give this row's {link.field.replace('_', ' ')} ({', '.join(link.columns)}) "
            reason += f"on the '{link.sheet}' sheet of the same file"
        elif key in self.plan.existing.get(link.sheet, {}):
            return
        else:
            reason = f"no row of '{link.sheet}' has this key (in the file or the database)"
        self.add(sheet.name, row.number, link.columns[-1], ", ".join(map(str, key)), reason)

    def check_identifiers(self, sheet: Sheet, table: Table) -> None:
        """One DOI and one PMID per project, as the database's unique constraints demand."""
        unique = [
            c.fields[-1]
            for c in sheet.model._meta.constraints
            if isinstance(c, models.UniqueConstraint) and c.fields[-1] in {"doi", "pmid"}
        ]
        for name in unique:
            if name not in table.columns:
                continue
            owners: dict[str, Key] = {}
            if self.plan.umbrella is not None:
                rows = sheet.model._default_manager.filter(umbrella=self.plan.umbrella).exclude(
                    **{name: ""}
                )
                owners = {value: pk for pk, value in rows.values_list("pk", name)}
            seen: dict[str, int] = {}
            existing = self.plan.existing.get(sheet.name, {})
            for row in table.rows:
                value = row.values.get(name)
                if not value:
                    continue
                if value in seen:
                    self.add(
                        sheet.name,
                        row.number,
                        name,
                        value,
                        f"duplicate {name.upper()}: also on row {seen[value]}",
                    )
                    continue
                seen[value] = row.number
                owner = owners.get(value)
                if owner is not None and owner != existing.get(row_key(sheet, row.values)):
                    self.add(
                        sheet.name,
                        row.number,
                        name,
                        value,
                        f"duplicate {name.upper()}: "
                        "another row of this project in the database has it",
                    )

    def excluded_by_reason(self) -> dict[str | None, int]:
        """Excluded reviews by reason: the file's rows, and the database's rows not in it."""
        table = self.plan.tables.get("excluded_reviews")
        reasons: dict[tuple[object, ...], str | None] = {}
        if self.plan.umbrella is not None:
            rows = ExcludedReview.objects.filter(umbrella=self.plan.umbrella)
            reasons = {(t,): reason for t, reason in rows.values_list("title", "reason__name")}
        if table is not None and "reason" in table.columns:
            for row in table.rows:
                reasons[(row.values.get("title"),)] = row.values.get("reason")
        return dict(Counter(reasons.values()).most_common())

    # -- AMSTAR 2 ----------------------------------------------------------------------------

    def check_appraisals(self) -> None:
        appraisals = self.plan.tables.get("appraisals")
        answers = self.plan.tables.get("appraisal_answers")
        by_appraisal: dict[Key, dict[int, tuple[int, dict]]] = defaultdict(dict)
        for row in answers.rows if answers else []:
            item = row.values.get("item")
            if item is None:
                continue
            if item not in amstar2.ITEM_NUMBERS:
                self.add("appraisal_answers", row.number, "item", item, "AMSTAR 2 items are 1–16")
                continue
            if item not in amstar2.SPLIT_ITEMS and (
                row.values.get("answer_rct") or row.values.get("answer_nrsi")
            ):
                self.add(
                    "appraisal_answers",
                    row.number,
                    "answer_rct",
                    item,
                    "only items 9 and 11 are answered per design",
                )
            by_appraisal[(row.values.get("review"), row.values.get("role"))][item] = (
                row.number,
                row.values,
            )
        umbrella = self.plan.umbrella or UmbrellaReview(slug=self.plan.slug)
        settings = self.plan.tables.get("appraisal_settings")
        use_variants = None
        if settings is not None and settings.rows:
            use_variants = settings.rows[0].values.get("use_adapted_variants")
        for row in appraisals.rows if appraisals else []:
            key = (row.values.get("review"), row.values.get("role"))
            review_type = self.review_types.get(key[0] or "")
            if review_type is None:
                continue  # the unknown review is reported already
            if use_variants is None:  # not in the file: the project's setting
                effective_type = rating_review_type(
                    IncludedReview(umbrella=umbrella, review_type=review_type)
                )
            else:
                effective_type = review_type if use_variants else None
            given = by_appraisal.get(key, {})
            items = {
                item: ItemInput(
                    answer=values.get("answer") or "",
                    rct=values.get("answer_rct") or "",
                    nrsi=values.get("answer_nrsi") or "",
                    justification=values.get("justification") or "",
                )
                for item, (_, values) in given.items()
            }
            submitted = row.values.get("status") == "submitted"
            try:
                checked = check_items(items, effective_type, complete=submitted)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    item = int(name.removeprefix("item_"))
                    if item in given:
                        number, values = given[item]
                        where = ("appraisal_answers", number, "answer", values.get("answer"))
                    else:
                        where = ("appraisals", row.number, "status", row.values.get("status"))
                    for message in messages:
                        self.add(*where, message)
                continue
            for item, (_, values) in given.items():
                values["answer"] = checked.get(item, "")  # the effective answer is stored
            row.values["overall"] = compute_overall(checked, effective_type)
            row.values["variant"] = amstar2.variant_for(effective_type).code

    def check_raters(self) -> None:
        """Nobody is both raters of a review (`one_rater_role_per_user`): reported, not written."""
        rows = self.plan.tables["appraisals"].rows if "appraisals" in self.plan.tables else []
        first = {
            r.values.get("review"): r.values.get("rater")
            for r in rows
            if r.values.get("role") == "first"
        }
        for row in rows:
            rater, review = row.values.get("rater"), row.values.get("review")
            if rater and row.values.get("role") == "second" and first.get(review) == rater:
                reason = "one person cannot be both raters of a review: also the first rater"
                self.add("appraisals", row.number, "rater", rater, reason)


def _accounts(tables: dict[str, Table]) -> dict[Key, int]:
    """The user accounts the file names (as raters), by username."""
    names = {
        row.values.get(c.name)
        for table in tables.values()
        for c in table.sheet.columns
        if c.ref == USERS and c.name in table.columns
        for row in table.rows
    }
    accounts = get_user_model().objects.filter(username__in=names - {None, ""})
    return {(name,): pk for pk, name in accounts.values_list("pk", "username")}


def _lookups(checker: _Checker, plan: Plan) -> None:
    """Outcome directions and review types, from the file first, else the database."""
    if plan.umbrella is not None:
        outcomes = Outcome.objects.filter(umbrella=plan.umbrella)
        checker.directions = dict(outcomes.values_list("name", "direction"))
        reviews = IncludedReview.objects.filter(umbrella=plan.umbrella)
        checker.review_types = dict(reviews.values_list("label", "review_type"))
        results = OutcomeResult.objects.filter(review__umbrella=plan.umbrella)
        for label, extraction_id, measure in results.values_list(
            "review__label", "extraction_id", "measure"
        ):
            checker.measures[(label, extraction_id)] = measure


def validate(
    tables: dict[str, Table],
    *,
    slug: str,
    read_problems: Sequence[Problem] = (),
    progress: Callable[[str, int, int], None] | None = None,
) -> Plan:
    """Check a read workbook against the project `slug`; `plan.problems` lists every problem."""
    umbrella = UmbrellaReview.objects.filter(slug=slug).first()
    plan = Plan(slug=slug, umbrella=umbrella, tables=tables, problems=list(read_problems))
    checker = _Checker(plan, progress)
    if umbrella is None and not (tables.get("project") and tables["project"].rows):
        missing = f"there is no project '{slug}' yet: give a 'project' sheet with its title"
        checker.add("project", None, "", slug, f"{missing} to create it")
    for sheet in sheets():
        plan.existing[sheet.name], checker.ambiguous[sheet.name] = _existing_keys(sheet, umbrella)
    plan.existing[USERS] = _accounts(tables)
    _lookups(checker, plan)
    ordered = [(s, tables[s.name]) for s in sheets() if s.name in tables]
    for sheet, table in ordered:
        checker.check_sheet(sheet, table)
        if sheet.name == "outcomes":  # a workbook without the column gets the model's default
            default = Outcome._meta.get_field("direction").get_default()
            for row in table.rows:
                checker.directions[row.values.get("name")] = row.values.get("direction") or default
        if sheet.name == "outcome_results" and "measure" in table.columns:
            for row in table.rows:
                key = (row.values.get("review"), row.values.get("extraction_id"))
                checker.measures[key] = row.values.get("measure")
        if sheet.name == "included_reviews" and "review_type" in table.columns:
            for row in table.rows:
                checker.review_types[row.values.get("label")] = row.values.get("review_type")
    for sheet, table in ordered:
        checker.check_references(sheet, table)
        checker.check_identifiers(sheet, table)
    checker.check_appraisals()
    checker.check_raters()
    order = {s.name: i for i, s in enumerate(sheets())}
    plan.problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0, p.column))
    return plan
