from django.urls import include, path

from . import feeds, views

app_name = "releases"

RELEASE = "<int:number>/"

# The release pages of one project, below /u/<slug>/releases/.
release_urls = [
    path("", views.ReleaseListView.as_view(), name="release-list"),
    path("new/", views.PublishReleaseView.as_view(), name="release-add"),
    path("publishing/<uuid:job>/", views.PublishStatusView.as_view(), name="publish-status"),
    path("publishing/<uuid:job>/cancel/", views.PublishCancelView.as_view(), name="publish-cancel"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("draft/", views.DraftChangesView.as_view(), name="draft"),
    path("feed.atom", feeds.ReleaseFeed(), name="feed"),
    path(RELEASE, views.ReleaseDetailView.as_view(), name="release-detail"),
    path(f"{RELEASE}workbook.xlsx", views.ReleaseWorkbookView.as_view(), name="workbook"),
    path(f"{RELEASE}cite.bib", views.CiteView.as_view(), {"fmt": "bib"}, name="cite-bib"),
    path(f"{RELEASE}cite.json", views.CiteView.as_view(), {"fmt": "json"}, name="cite-json"),
    path(f"{RELEASE}read/", views.ReadReleaseView.as_view(), name="read"),
    path(f"{RELEASE}read/<path:rest>", views.ReadReleaseView.as_view(), name="read-page"),
]

urlpatterns = [path("u/<slug:slug>/releases/", include(release_urls))]
