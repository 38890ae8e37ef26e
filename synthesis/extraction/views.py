"""The pages of dual extraction: one extractor's extraction of a review and its rows, the
comparison of the two, reconciliation into a final result, and the extractions' CSV.

Each page decides blinding with `visibility` (the rule shared with AMSTAR 2 appraisals) on the
extractions it loaded, and writes through `services`."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from appraisal.visibility import viewer
from reviews.access import UmbrellaAccessMixin
from reviews.csvfiles import LINE_END, encode
from reviews.formulas import escape_formula
from reviews.models import IncludedReview
from reviews.versioning import StaleEdit
from reviews.views import stale_context

from ..models import ENTERED_FIELDS, RESULT_FIELDS, ExtractedResult, Extraction, OutcomeResult
from . import services
from .compare import Pair, agreement, cells, match
from .forms import ExtractedResultForm, ReconcileForm, parse_rows
from .visibility import extraction_sees, visible_rows

HIDDEN = (
    "This extraction belongs to another extractor and stays hidden until both extractors "
    "have submitted."
)


class ReviewExtractionMixin(UmbrellaAccessMixin):
    """The review, its two extractions and the blinding rule over them."""

    write_access = True
    nav_section = "evidence"

    def load(self) -> None:
        self.review = get_object_or_404(
            IncludedReview.objects.select_related("umbrella"),
            umbrella=self.umbrella,
            pk=self.kwargs["pk"],
        )
        if not self.umbrella.dual_extraction:
            raise Http404("This project enters results singly: there is no dual extraction.")
        extractions = self.review.extractions.select_related("extractor")
        self.extractions = {e.slot: e for e in extractions}
        self.both = all(
            slot in self.extractions and self.extractions[slot].is_submitted
            for slot in Extraction.Slot
        )
        self.who = viewer(self.request.user, self.umbrella)

    def visible(self, extraction: Extraction) -> bool:
        return extraction_sees(
            self.who, extractor_id=extraction.extractor_id, both_submitted=self.both
        )

    def mine(self, slot: str) -> Extraction:
        """The user's own draft extraction in `slot`, or 403 saying why not."""
        extraction = self.extractions.get(slot)
        if extraction is None:
            raise PermissionDenied("Start this extraction first.")
        if extraction.extractor_id != self.request.user.pk:
            raise PermissionDenied(HIDDEN)
        if extraction.is_submitted:
            raise PermissionDenied("This extraction is submitted: its rows are final.")
        return extraction

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(review=self.review, extractions=self.extractions, both_submitted=self.both)
        return context


class ExtractionView(ReviewExtractionMixin, TemplateView):
    """One extractor's extraction: its rows, Add, Submit; Start for a slot not begun."""

    template_name = "synthesis/extraction.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.load()
        slot = self.kwargs["slot"]
        extraction = self.extractions.get(slot)
        if extraction is not None and not self.visible(extraction):
            raise PermissionDenied(HIDDEN)
        rows = extraction.rows.select_related("outcome") if extraction else []
        other = self.extractions.get(services.other_slot(slot))
        context = super().get_context_data(**kwargs)
        context.update(
            slot=slot,
            slot_label=Extraction.Slot(slot).label,
            extraction=extraction,
            rows=rows,
            other=other,
            editable=extraction is not None
            and not extraction.is_submitted
            and extraction.extractor_id == self.request.user.pk,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        slot = self.kwargs["slot"]
        try:
            if "submit" in request.POST:
                version = request.POST.get("version", "")
                if not version.isdigit():
                    raise services.ExtractionRefused("The form had no version: reload the page.")
                services.submit_extraction(
                    self.mine(slot), expected_version=int(version), user=request.user
                )
                messages.success(request, "Extraction submitted.")
            else:
                services.open_extraction(review=self.review, slot=slot, user=request.user)
                messages.success(request, "Extraction started.")
        except services.ExtractionRefused as refused:
            raise PermissionDenied(str(refused)) from None
        except StaleEdit:
            messages.error(request, "The extraction changed since you opened the page: check it.")
        return HttpResponseRedirect(self.request.path)


class RowFormView(ReviewExtractionMixin, TemplateView):
    """Add or edit a row of the user's own draft extraction."""

    template_name = "synthesis/extractedresult_form.html"

    def make_form(self, data: Any = None) -> ExtractedResultForm:
        self.load()
        extraction = self.mine(self.kwargs["slot"])
        instance = ExtractedResult(extraction=extraction)
        if "row_pk" in self.kwargs:
            instance = get_object_or_404(
                extraction.rows.select_related("outcome"), pk=self.kwargs["row_pk"]
            )
        return ExtractedResultForm(data, instance=instance, extraction=extraction)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.make_form(request.POST)
        context: dict[str, Any] = {}
        if form.is_valid():
            try:
                services.save_row(
                    form.instance, expected_version=form.cleaned_data["version"], user=request.user
                )
            except StaleEdit as stale:
                context = stale_context(form, stale, labels="model")
            else:
                messages.success(request, f"Result for {form.instance.outcome} saved.")
                return HttpResponseRedirect(form.instance.extraction.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, **context), status=400)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["row"] = kwargs["form"].instance
        context["slot_label"] = Extraction.Slot(self.kwargs["slot"]).label
        return context


class RowDeleteView(ReviewExtractionMixin, View):
    """Delete a row of the user's own draft extraction (POST, with the version it showed)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        extraction = self.mine(self.kwargs["slot"])
        row = get_object_or_404(extraction.rows.select_related("outcome"), pk=kwargs["row_pk"])
        version = request.POST.get("version", "")
        try:
            if not version.isdigit():
                raise StaleEdit(row)
            services.delete_row(row, expected_version=int(version), user=request.user)
        except StaleEdit:
            messages.error(request, "The row changed since you opened the page: check it again.")
        else:
            messages.success(request, f"Result for {row.outcome} deleted.")
        return HttpResponseRedirect(extraction.get_absolute_url())


class CompareView(ReviewExtractionMixin, TemplateView):
    """The two extractions side by side, once both are submitted (the project's team)."""

    write_access = False
    appraise_access = True
    template_name = "synthesis/extraction_compare.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.load()
        if not self.both:
            raise PermissionDenied(
                "The comparison opens once both extractors have submitted their extractions."
            )
        rows = ExtractedResult.objects.filter(extraction__review=self.review).select_related(
            "outcome", "final", "extraction"
        )
        by_slot: dict[str, list[ExtractedResult]] = {slot: [] for slot in Extraction.Slot}
        for row in rows:
            by_slot[row.extraction.slot].append(row)
        pairs = match(by_slot[Extraction.Slot.FIRST], by_slot[Extraction.Slot.SECOND])
        return super().get_context_data(
            pairs=pairs,
            agreement=agreement(pairs),
            n_reconciled=sum(1 for p in pairs if p.final is not None),
            first=self.extractions[Extraction.Slot.FIRST],
            second=self.extractions[Extraction.Slot.SECOND],
            **kwargs,
        )


def rows_query(rows: list[ExtractedResult]) -> str:
    """The reconcile page's `rows` parameter: each row with the version the reconciler saw."""
    return ",".join(f"{row.pk}:{row.version}" for row in rows)


class ReconcileView(ReviewExtractionMixin, TemplateView):
    """The final result of one pair (or one lone row, or two rows the reconciler pairs)."""

    template_name = "synthesis/extraction_reconcile.html"

    def load_pair(self, text: str) -> tuple[Pair, list[tuple[ExtractedResult, int]]]:
        self.load()
        if not self.both:
            raise PermissionDenied("Reconciliation opens once both extractors have submitted.")
        try:
            wanted = parse_rows(text)
        except ValueError as error:
            raise Http404(str(error)) from None
        found = ExtractedResult.objects.filter(
            extraction__review=self.review, pk__in=[pk for pk, _ in wanted]
        ).select_related("outcome", "final", "extraction")
        by_pk = {row.pk: row for row in found}
        if len(by_pk) != len(wanted) or not 1 <= len(wanted) <= 2:
            raise Http404("These extracted rows are not (all) of this review.")
        by_slot = {by_pk[pk].extraction.slot: by_pk[pk] for pk, _ in wanted}
        if len(by_slot) != len(wanted):
            raise Http404("Reconcile one row of each extraction at most.")
        first, second = by_slot.get(Extraction.Slot.FIRST), by_slot.get(Extraction.Slot.SECOND)
        pair = Pair(first, second, cells(first, second))
        return pair, [(by_pk[pk], version) for pk, version in wanted]

    def make_form(self, pair: Pair, data: Any = None) -> ReconcileForm:
        instance = pair.final or OutcomeResult(review=self.review)
        return ReconcileForm(
            data, instance=instance, umbrella=self.umbrella, review=self.review, pair=pair
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pair, _ = self.load_pair(request.GET.get("rows", ""))
        context = self.get_context_data(
            form=self.make_form(pair), pair=pair, rows_value=request.GET["rows"]
        )
        return self.render_to_response(context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        text = request.POST.get("rows", "")
        pair, rows = self.load_pair(text)
        form = self.make_form(pair, request.POST)
        context: dict[str, Any] = {}
        if form.is_valid():
            try:
                services.reconcile(
                    result=form.instance,
                    rows=rows,
                    expected_version=form.cleaned_data["version"],
                    user=request.user,
                )
            except StaleEdit as stale:
                if isinstance(stale.saved, OutcomeResult) or stale.saved is None:
                    context = stale_context(form, stale, labels="model")
                else:
                    context = {"rows_moved": True}
            except services.ExtractionRefused as refused:
                raise PermissionDenied(str(refused)) from None
            else:
                messages.success(request, f"Final result for {form.instance.outcome} saved.")
                return HttpResponseRedirect(
                    reverse(
                        "synthesis:extraction-compare", args=[self.umbrella.slug, self.review.pk]
                    )
                )
        context = self.get_context_data(form=form, pair=pair, rows_value=text, **context)
        return self.render_to_response(
            context, status=409 if context.get("rows_moved") or context.get("stale") else 400
        )


EXPORT_COLUMNS = ["review", "extraction", "extractor", "status", "final_result"]


class ExtractionExportView(UmbrellaAccessMixin, View):
    """Every extracted row the user may see (the blinding rule's queryset) as CSV."""

    appraise_access = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows = (
            visible_rows(request.user, self.umbrella)
            .select_related("extraction__review", "extraction__extractor", "outcome", "final")
            .order_by("extraction__review__label", "extraction__slot", "pk")
        )
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=LINE_END)  # the one dialect (csvfiles)
        fields = [f for f in RESULT_FIELDS if f.name in ENTERED_FIELDS]
        writer.writerow([*EXPORT_COLUMNS, *(f.export_column for f in fields)])
        for row in rows:
            extraction = row.extraction
            head = [
                extraction.review.label,
                extraction.slot,
                str(extraction.extractor or ""),
                extraction.status,
                row.final.extraction_id if row.final else "",
            ]
            values = [_plain(row, f.name) for f in fields]
            writer.writerow([escape_formula(str(v)) for v in [*head, *values]])
        response = HttpResponse(encode(buffer.getvalue()), content_type="text/csv; charset=utf-8")
        name = f"{self.umbrella.slug}-extractions.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _plain(row: ExtractedResult, name: str) -> str:
    if name == "outcome":
        return row.outcome.name
    value = getattr(row, name)
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)
