"""Evidence pages (overview matrix, per-outcome table and its overlap), exports and the
researcher's forms."""

from dataclasses import replace

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject, cached_property
from django.views import View
from django.views.generic import TemplateView

from reviews.access import UmbrellaAccessMixin, can_manage
from reviews.models import IncludedReview, UmbrellaReview
from reviews.overlap.selectors import cca_summary
from reviews.overlap.views import ORDERS, OverlapView, overlap_context
from reviews.registry.ratings import rating_label, with_ratings
from reviews.versioning import StaleEdit
from reviews.views import Column, stale_context, table_columns

from . import exports, plots
from .filters import OutcomeResultFilter
from .forms import OutcomeResultForm
from .models import Outcome, OutcomeResult
from .selectors import evidence
from .selectors.ratings import REVIEW_PATH, rating_for
from .selectors.reanalysis import credibility_cell
from .selectors.summary_of_findings import outcome_rows
from .services import DirectEntryRefused, mark_checked, refuse_direct_entry, save_result
from .summary import summary_sentence

RESULT_COLUMNS = [
    # The finding follows the review so both stay in view while the table scrolls sideways.
    Column("Review", "review"),
    Column("Finding", "finding"),
    Column("AMSTAR 2", "rating"),
    Column("Evidence"),
    Column("Population"),
    Column("Format"),
    Column("Comparator"),
    Column("Timepoint"),
    Column("k", "k", numeric=True),
    Column("n", "n", numeric=True),
    Column("Measure"),
    Column("Estimate [95% CI]", "estimate", numeric=True),
    Column("I²", numeric=True),
    Column("GRADE"),
    Column("Credibility"),
    Column("Notes"),
]


class FilteredResultsMixin(UmbrellaAccessMixin):
    """The filtered results of this umbrella review; every evidence page starts here."""

    nav_section = "evidence"

    def base_results(self):
        results = OutcomeResult.objects.filter(review__umbrella=self.umbrella)
        return with_ratings(results, review_path=REVIEW_PATH)

    def get_filter(self, results=None) -> OutcomeResultFilter:
        return OutcomeResultFilter(
            self.request.GET or None,
            queryset=self.base_results() if results is None else results,
            umbrella=self.umbrella,
        )


class EvidenceOverviewView(FilteredResultsMixin, TemplateView):
    shows_figures = True
    template_name = "synthesis/evidence_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filter()
        # Aggregating every result is the page's cost on a large project, so the template
        # caches the rendered matrix and map per data revision and filters, and `overview`
        # computes only when that cache misses.
        overview = evidence.LazyOverview(self.umbrella, filterset.qs, self.request.GET)
        context.update(overview=overview, filter=filterset, query=active_query(self.request.GET))
        return context


class OutcomeDetailView(FilteredResultsMixin, TemplateView):
    """One outcome's results: the summary and overlap over every filtered row, the table
    and the forest plot a page of ROWS_PER_PAGE at a time (timepoint groups in order)."""

    template_name = "synthesis/outcome_detail.html"
    shows_figures = True
    rows_per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outcome = get_object_or_404(
            Outcome.objects.select_related("domain", "umbrella"),
            umbrella=self.umbrella,
            pk=kwargs["pk"],
        )
        filterset = self.get_filter(self.base_results().filter(outcome=outcome))
        results = filterset.qs
        facts = [fact for group in evidence.facts_by_outcome(results).values() for fact in group]
        paginator = Paginator(evidence.table_order(results), self.rows_per_page)
        paginator.count = len(facts)  # one fact per row: no COUNT(*) query needed
        page = paginator.get_page(self.request.GET.get("page"))
        # The table and forest plot of the page are rendered into a fragment the template
        # keeps per data revision and address: built only when that fragment misses.
        table = OutcomeTable(page, self.umbrella)
        context.update(
            outcome=outcome,
            filter=filterset,
            page_obj=page,
            table=table,
            groups=SimpleLazyObject(lambda: table.groups),
            n_rows=page.paginator.count,
            summary=summary_sentence(facts),
            columns=table_columns(RESULT_COLUMNS, self.request.GET.get("sort", "")),
            forest_figure=SimpleLazyObject(lambda: table.forest_figure),
            export_query=export_query(self.request.GET, outcome),
            overlap=cca_summary(self.umbrella, {fact.review for fact in facts}),
            # The page leads with the outcome's summary-of-findings row (same rule, filters),
            # kept per data revision: the summary page's own when kept for these filters.
            sof_rows=outcome_rows(self.umbrella, self.request.GET, outcome),
        )
        return context


class OutcomeTable:
    """One page of an outcome's results: its rows by timepoint and its forest plot."""

    def __init__(self, page, umbrella: UmbrellaReview) -> None:
        self.page = page
        self.umbrella = umbrella  # its conventions grade the classes from study-level data

    @cached_property
    def rows(self) -> list[OutcomeResult]:
        rows = list(self.page.object_list)
        for row in rows:
            row.credibility = credibility_cell(row, self.umbrella)
        return rows

    @cached_property
    def groups(self):
        return evidence.group_by_timepoint(self.rows)

    @cached_property
    def forest(self) -> list[tuple[plots.ForestPoint, OutcomeResult]]:
        return forest_points(self.rows)

    @cached_property
    def forest_figure(self):
        points = [point for point, _ in self.forest]
        ratio = bool(self.forest) and self.forest[0][1].is_ratio
        return plots.forest_plot(points, ratio=ratio) if points else None

    @cached_property
    def forest_omitted(self) -> int:
        return len(self.rows) - len(self.forest)


def active_query(query) -> str:
    """The query string without empty parameters, for links that keep the filters."""
    params = query.copy()
    for key in list(params):
        values = [value for value in params.getlist(key) if value]
        if values:
            params.setlist(key, values)
        else:
            del params[key]
    return params.urlencode()


def export_query(query, outcome: Outcome) -> str:
    params = query.copy()
    params.setlist("outcome", [str(outcome.pk)])
    params.pop("sort", None)
    return active_query(params)


def forest_points(rows: list[OutcomeResult]) -> list[tuple[plots.ForestPoint, OutcomeResult]]:
    """Rows with an estimate and CI, on one scale: ratios or differences, whichever has more."""
    numeric = [r for r in rows if None not in (r.estimate, r.ci_low, r.ci_high) and r.measure]
    ratios = [r for r in numeric if r.is_ratio]
    chosen = ratios if len(ratios) > len(numeric) - len(ratios) else [
        r for r in numeric if not r.is_ratio
    ]  # fmt: skip
    seen: dict[str, int] = {}
    points = []
    for row in chosen:
        label = row.review.label
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1 or sum(r.review_id == row.review_id for r in chosen) > 1:
            label = f"{label} · {row.timepoint_label.lower()}"
        rating = rating_for(row)
        point = plots.ForestPoint(
            label=label,
            estimate=row.estimate,
            ci_low=row.ci_low,
            ci_high=row.ci_high,
            rating=rating,
            rating_label=rating_label(rating),
            n=row.n,
            k=row.k,
            i2_percent=row.i2_percent,
            measure=row.get_measure_display(),
        )
        points.append((point, row))
    # Labels must be unique on a categorical axis.
    labels: dict[str, int] = {}
    unique = []
    for point, row in points:
        labels[point.label] = labels.get(point.label, 0) + 1
        if labels[point.label] > 1:
            point = replace(point, label=f"{point.label} ({labels[point.label]})")
        unique.append((point, row))
    return unique


class ExportView(FilteredResultsMixin, View):
    """CSV or XLSX of the rows any evidence table shows under the same filters."""

    def get(self, request, *args, **kwargs):
        filterset = self.get_filter()
        rows = evidence.ordered_results(filterset.qs)
        rows = rows.order_by("outcome__domain__position", "outcome__name", "review__label", "pk")
        frame = exports.results_frame(rows)
        return exports.download(frame, f"{self.umbrella.slug}-evidence", kwargs["format"])


class ResultFormView(UmbrellaAccessMixin, TemplateView):
    """Add or edit a result from the review page: Preview re-renders, Save writes. Adding is
    refused where the project extracts in duplicate (`refuse_direct_entry`): the page says so
    and links to the review's extractions instead."""

    write_access = True
    template_name = "synthesis/outcomeresult_form.html"
    nav_section = "evidence"
    refused_template = "synthesis/result_add_refused.html"

    def get_review(self) -> IncludedReview:
        return get_object_or_404(IncludedReview, umbrella=self.umbrella, pk=self.kwargs["pk"])

    def get_instance(self, review) -> OutcomeResult:
        if "result_pk" not in self.kwargs:
            return OutcomeResult(review=review)
        results = OutcomeResult.objects.select_related("outcome")
        return get_object_or_404(results, review=review, pk=self.kwargs["result_pk"])

    def make_form(self, review, instance, data=None) -> OutcomeResultForm:
        return OutcomeResultForm(data, instance=instance, umbrella=self.umbrella, review=review)

    def refusal(self, review: IncludedReview, instance: OutcomeResult) -> HttpResponse | None:
        """The refusal page if this is an addition the project does not allow (a correction of
        an existing result never is), before any input is read; else None."""
        if instance.pk is not None:
            return None
        try:
            refuse_direct_entry(self.umbrella)
        except DirectEntryRefused as error:
            return self.refused(review, error)
        return None

    def refused(self, review: IncludedReview, error: DirectEntryRefused) -> HttpResponse:
        """403: why, and where this project's results are made instead."""
        context = self.get_context_data(review=review, reason=str(error))
        context["can_manage"] = can_manage(self.request.user, self.umbrella)
        return TemplateResponse(self.request, self.refused_template, context, status=403)

    def get(self, request, *args, **kwargs):
        review = self.get_review()
        instance = self.get_instance(review)
        if (refusal := self.refusal(review, instance)) is not None:
            return refusal
        form = self.make_form(review, instance)
        return self.render_to_response(self.get_context_data(form=form, review=review))

    def post(self, request, *args, **kwargs):
        review = self.get_review()
        instance = self.get_instance(review)
        if (refusal := self.refusal(review, instance)) is not None:
            return refusal
        form = self.make_form(review, instance, request.POST)
        preview = "preview" in request.POST
        context = {}
        if form.is_valid() and not preview:
            try:
                saved = save_result(
                    form.instance, expected_version=form.cleaned_data["version"], user=request.user
                )
            except StaleEdit as stale:
                context = stale_context(form, stale, labels="model")
            except DirectEntryRefused as error:  # the project switched to dual meanwhile
                return self.refused(review, error)
            else:
                verb = "added" if saved.created else "saved"
                messages.success(request, f"Result for {saved.instance.outcome} {verb}.")
                return HttpResponseRedirect(review.get_absolute_url() + "#outcome-results")
        context = self.get_context_data(form=form, review=review, preview=preview, **context)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form")
        if form is None:  # the refusal page has no form
            return context
        context["result"] = form.instance
        if form.is_bound and form.is_valid():
            context["derived"] = form.instance.derived_finding
            context["warning"] = form.instance.consistency_warning
        return context


class MarkCheckedView(UmbrellaAccessMixin, View):
    write_access = True

    def post(self, request, *args, **kwargs):
        result = get_object_or_404(
            OutcomeResult.objects.select_related("review", "outcome"),
            review__umbrella=self.umbrella,
            review__pk=kwargs["pk"],
            pk=kwargs["result_pk"],
        )
        version = request.POST.get("version", "")
        if not version.isdigit():
            messages.error(request, "The form was incomplete (no version): reload the page.")
            return HttpResponseRedirect(result.review.get_absolute_url() + "#outcome-results")
        try:
            mark_checked(result, user=request.user, expected_version=int(version))
        except StaleEdit:
            messages.error(request, "The result changed since you opened the page: check again.")
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Result for {result.outcome} marked as checked.")
        return HttpResponseRedirect(result.review.get_absolute_url() + "#outcome-results")


class OutcomeOverlapView(OverlapView):
    """Overlap among the reviews contributing to one outcome's evidence table: the reviews
    app's overlap page for a subset of reviews (outcomes belong to this app)."""

    nav_section = ""  # a page of one outcome, under neither Overlap nor Evidence

    def get_context_data(self, **kwargs):
        outcome = get_object_or_404(Outcome, umbrella=self.umbrella, pk=self.kwargs["pk"])
        review_ids = sorted(set(outcome.results.values_list("review_id", flat=True)))
        context = super(OverlapView, self).get_context_data(**kwargs)
        context |= overlap_context(self.umbrella, review_ids, self.request.GET.get("order", ""))
        context |= {"orders": ORDERS, "subset": review_ids, "outcome": outcome}
        return context
