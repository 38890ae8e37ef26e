"""/api/v1/: the root, the schema and its docs page, then one project's resources."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import computed, root, views

app_name = "api"

PROJECT = "projects/<slug:slug>/"

project_urls = [
    path("", views.ProjectDetailView.as_view(), name="project"),
    path("reviews/", views.ReviewListView.as_view(), name="reviews"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review"),
    path("appraisals/", views.AppraisalListView.as_view(), name="appraisals"),
    path("outcomes/", views.OutcomeListView.as_view(), name="outcomes"),
    path(
        "outcomes/<int:pk>/overlap/", computed.OutcomeOverlapView.as_view(), name="outcome-overlap"
    ),
    path("results/", views.ResultListView.as_view(), name="results"),
    path("study-effects/", views.StudyEffectListView.as_view(), name="study-effects"),
    path("overlap/", computed.OverlapView.as_view(), name="overlap"),
    path("cfir-factors/", views.FactorListView.as_view(), name="cfir-factors"),
    path("experience-themes/", views.SubthemeListView.as_view(), name="experience-themes"),
    path("key-findings/", computed.KeyFindingsView.as_view(), name="key-findings"),
    path("prisma/", computed.PrismaView.as_view(), name="prisma"),
    path(
        "summary-of-findings/", computed.SummaryOfFindingsView.as_view(), name="summary-of-findings"
    ),
]

urlpatterns = [
    path("", root.RootView.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("projects/", views.ProjectsView.as_view(), name="projects"),
    path(PROJECT, include(project_urls)),
    # Anything else below /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^.*$", root.not_found),
]
