from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import SimpleLazyObject
from django.views.generic import TemplateView
from django_filters import FilterSet
from django_filters.views import FilterView

from reviews.access import UmbrellaAccessMixin
from reviews.models import IncludedReview
from reviews.project.revisions import cached_for_project, query_parts
from reviews.registry.ratings import with_ratings
from reviews.versioning import StaleEdit

from . import amstar2, exports, plots
from .agreement import agreement, compare, project_agreement
from .filters import AppraisalTableFilter
from .forms import AppraisalForm, initial_from
from .models import Appraisal
from .selectors import (
    answer_counts,
    answer_tallies,
    appraisal_rows,
    rating_counts,
    weakness_counts,
)
from .services import (
    AppraisalLocked,
    rating_review_type,
    save_appraisal,
)
from .visibility import RATER_ROLES, sees, viewer


class AppraisalTableMixin(UmbrellaAccessMixin):
    filterset_class: type[FilterSet] | None = AppraisalTableFilter

    def get_queryset(self):
        reviews = IncludedReview.objects.filter(umbrella=self.umbrella).select_related("umbrella")
        return with_ratings(reviews).order_by("label")


class AppraisalTableView(AppraisalTableMixin, FilterView):
    """Counts, weaknesses and agreement cover every filtered review; the table and the
    traffic-light chart show one page of them, so the page stays fast on large projects."""

    nav_section = "appraisal"
    shows_figures = True
    template_name = "appraisal/appraisal_table.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Counts over every filtered review (and the raters' agreement) read all answers:
        # cached until the project's data changes (reviews.project.revisions).
        summary = cached_for_project(
            self.umbrella,
            "amstar2-summary",
            query_parts(self.request.GET),
            lambda: self.summary(self.object_list),
        )
        project, n_double = summary["agreement"]
        tallies = summary["tallies"]
        weaknesses = weakness_counts(tallies)
        has_computed = any(weakness.eligible for weakness in weaknesses)
        # The page's rows and charts are rendered into a fragment the template keeps per data
        # revision and address (nothing in it belongs to one reader): computed on a miss only.
        rows = SimpleLazyObject(lambda: appraisal_rows(context["object_list"]))
        context.update(
            rows=rows,
            item_numbers=amstar2.ITEM_NUMBERS,
            rating_counts=summary["rating_counts"],
            weaknesses=weaknesses,
            agreement=project,
            n_double_rated=n_double,
            has_computed=has_computed,
            has_published=SimpleLazyObject(
                lambda: any(row.rating_source == "published" for row in rows)
            ),
            traffic_light=SimpleLazyObject(
                lambda: plots.traffic_light(rows) if has_computed else None
            ),
            answers_plot=SimpleLazyObject(
                lambda: plots.answers_by_item(answer_counts(tallies)) if has_computed else None
            ),
        )
        return context

    def summary(self, reviews) -> dict:
        rater_appraisals = Appraisal.objects.filter(
            review__umbrella=self.umbrella, role__in=[Appraisal.Role.FIRST, Appraisal.Role.SECOND]
        ).prefetch_related("answers")
        return {
            "agreement": project_agreement(rater_appraisals),
            "rating_counts": rating_counts(reviews),
            "tallies": answer_tallies(reviews),
        }


class AppraisalExportView(AppraisalTableMixin, FilterView):
    """The filtered AMSTAR 2 table as CSV or XLSX (one row per review, one column per item)."""

    def render_to_response(self, context, **response_kwargs):
        frame = exports.appraisal_frame(appraisal_rows(self.object_list))
        fmt = self.kwargs["fmt"]
        content, content_type = exports.render(frame, fmt)
        response = HttpResponse(content, content_type=content_type)
        filename = f"{self.umbrella.slug}-amstar2.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class AppraisalRobvisView(AppraisalTableMixin, FilterView):
    """The filtered AMSTAR 2 table in robvis's generic layout (docs/exchange.md): the same
    rows as the page, so only submitted consensus or published ratings."""

    def render_to_response(self, context, **response_kwargs):
        frame = exports.robvis_frame(appraisal_rows(self.object_list))
        content, content_type = exports.render(frame, "csv", for_r=True)
        response = HttpResponse(content, content_type=content_type)
        filename = f"{self.umbrella.slug}-amstar2-robvis.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ReviewAppraisalMixin(UmbrellaAccessMixin):
    appraise_access = True

    def load(self):
        self.review = get_object_or_404(
            IncludedReview.objects.select_related("umbrella"),
            umbrella=self.umbrella,
            pk=self.kwargs["pk"],
        )
        appraisals = self.review.appraisals.select_related("rater").prefetch_related("answers")
        self.appraisals = {appraisal.role: appraisal for appraisal in appraisals}

    def both_submitted(self) -> bool:
        return all(
            role in self.appraisals and self.appraisals[role].is_submitted for role in RATER_ROLES
        )

    def visible(self, appraisal: Appraisal) -> bool:
        """The blinding rule (appraisal.visibility), on the appraisals already loaded."""
        return sees(
            viewer(self.request.user, self.umbrella),
            role=appraisal.role,
            status=appraisal.status,
            rater_id=appraisal.rater_id,
            both_submitted=self.both_submitted(),
        )


class AppraisalFormView(ReviewAppraisalMixin, TemplateView):
    template_name = "appraisal/appraisal_form.html"

    def setup_role(self):
        self.load()
        self.role = self.kwargs["role"]
        self.appraisal = self.appraisals.get(self.role)
        user = self.request.user
        if self.role == Appraisal.Role.CONSENSUS:
            if not self.both_submitted():
                raise PermissionDenied(
                    "The consensus opens once both raters have submitted their appraisals."
                )
            return
        other = self.appraisals.get(
            Appraisal.Role.SECOND if self.role == Appraisal.Role.FIRST else Appraisal.Role.FIRST
        )
        # Blinding: nobody sees a rater's answers before both raters have submitted.
        if self.appraisal is not None and not self.visible(self.appraisal):
            raise PermissionDenied(
                "This appraisal belongs to another rater and stays hidden until both raters "
                "have submitted."
            )
        if self.appraisal is None and other is not None and other.rater_id == user.pk:
            raise PermissionDenied("You are already the other rater of this review.")

    def get_form(self, data=None):
        prefill = None
        if self.role == Appraisal.Role.CONSENSUS and self.appraisal is None:
            comparisons = compare(self.appraisals["first"], self.appraisals["second"])
            prefill = {c.item.number: c.first for c in comparisons if c.agree and c.first}
        return AppraisalForm(
            data,
            initial=initial_from(self.appraisal, prefill),
            review_type=rating_review_type(self.review),
        )

    def get(self, request, *args, **kwargs):
        self.setup_role()
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        self.setup_role()
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                appraisal = save_appraisal(
                    review=self.review,
                    role=self.role,
                    rater=request.user,
                    items=form.item_inputs(),
                    expected_version=form.cleaned_data["version"],
                    submit="submit" in request.POST,
                )
            except ValidationError as error:
                form.set_item_errors(error)
            except StaleEdit as stale:
                return self.render_to_response(
                    self.get_context_data(form=form, stale=stale.saved), status=409
                )
            except AppraisalLocked as locked:
                raise PermissionDenied(str(locked)) from None
            else:
                done = "submitted" if appraisal.is_submitted else "saved as a draft"
                messages.success(request, f"Appraisal {done}.")
                return redirect(appraisal.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A rater's submitted appraisal is final, and another rater's is never editable.
        readonly = (
            self.role != Appraisal.Role.CONSENSUS
            and self.appraisal is not None
            and (self.appraisal.is_submitted or self.appraisal.rater_id != self.request.user.pk)
        )
        context.update(
            review=self.review,
            role=self.role,
            role_label=Appraisal.Role(self.role).label,
            appraisal=self.appraisal,
            readonly=readonly,
            variant=context["form"].variant,
        )
        if self.role == Appraisal.Role.CONSENSUS:
            # Both raters have submitted (the consensus opens only then): each item shows
            # their answers and justifications beside the consensus answer.
            first, second = self.appraisals["first"], self.appraisals["second"]
            comparisons = compare(first, second)
            context["rater_answers"] = {c.item.number: c for c in comparisons}
            context["first_rater"] = first.rater.get_username() if first.rater else ""
            context["second_rater"] = second.rater.get_username() if second.rater else ""
        if kwargs.get("stale") is not None:
            stored = kwargs["stale"].answers.all()
            context["stale_answers"] = {a.item: a.get_answer_display() for a in stored}
        return context


class CompareView(ReviewAppraisalMixin, TemplateView):
    template_name = "appraisal/compare.html"

    def get_context_data(self, **kwargs):
        self.load()
        if not self.both_submitted():
            raise PermissionDenied(
                "The comparison opens once both raters have submitted their appraisals."
            )
        comparisons = compare(self.appraisals["first"], self.appraisals["second"])
        return super().get_context_data(
            review=self.review,
            first=self.appraisals["first"],
            second=self.appraisals["second"],
            consensus=self.appraisals.get("consensus"),
            comparisons=comparisons,
            agreement=agreement(comparisons),
            **kwargs,
        )
