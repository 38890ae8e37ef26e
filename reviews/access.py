"""The one place that decides who may see or change an umbrella review.

Every view reaches its umbrella review through `UmbrellaAccessMixin` (or `get_umbrella`), and
every list of umbrella reviews comes from `listed_umbrellas`. Anonymous visitors see published
umbrella reviews only; an unpublished one is a 404 for outsiders, so its existence does not leak.
Writing needs a logged-in member with a writing role.

A release's frozen copy (issue 20, docs/releases.md) is read like its project: its publication
mirrors the project's and the project's members are its members. It is never listed, and
nobody — not even a superuser — may write to it: the write, appraise and manage checks below
refuse it, and so does `reviews.project.revisions.changed`, which every write path calls.
"""

from typing import TYPE_CHECKING, Any

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest

from .models import Membership, UmbrellaReview
from .project.page_cache import hole_context, serve_member_page, serve_public_page
from .project.revisions import current_revision
from .project.warming import figures_revision, figures_updating

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # AUTH_USER_MODEL is Django's own


def visible_umbrellas(user) -> QuerySet[UmbrellaReview]:
    """The umbrella reviews `user` may read: published ones, plus those they are a member of
    (a release's frozen copy counts its project's members)."""
    # The data revision comes along for free: pages key their caches on it.
    umbrellas = UmbrellaReview.objects.select_related("data_revision")
    if user.is_authenticated and user.is_superuser:
        return umbrellas
    if user.is_authenticated:
        # IN subqueries rather than joins: one row per project, no DISTINCT over every column.
        mine = Membership.objects.filter(user=user).values("umbrella_id")
        return umbrellas.filter(Q(is_published=True) | Q(pk__in=mine) | Q(frozen_from__in=mine))
    return umbrellas.published()


def listed_umbrellas(user) -> QuerySet[UmbrellaReview]:
    """The projects `user` may read as lists show them: without releases' frozen copies."""
    return visible_umbrellas(user).filter(frozen_from__isnull=True)


OWNER_ROLES = frozenset({Membership.Role.OWNER})
WRITING_ROLES = OWNER_ROLES | {Membership.Role.RESEARCHER}
APPRAISING_ROLES = WRITING_ROLES | {Membership.Role.REVIEWER}


def _members_of(umbrella: UmbrellaReview) -> int:
    """The project whose memberships count: a frozen copy's are its project's."""
    return umbrella.frozen_from_id or umbrella.pk


def _has_role(user, umbrella: UmbrellaReview, roles: frozenset[str]) -> bool:
    role = member_role(user, umbrella)
    return role == SUPERUSER or role in roles


SUPERUSER = "superuser"
FROZEN_MESSAGE = "This is a release of the umbrella review: it cannot be changed."


def member_role(user, umbrella: UmbrellaReview) -> str | None:
    """The user's role in the umbrella review in one query ('superuser', a role, or None)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return SUPERUSER
    # get_umbrella read it for this request's user in the same query as the project.
    known = vars(umbrella).get("_viewer_role")
    if known is not None and known[0] == user.pk:
        return known[1]
    return (
        Membership.objects.filter(umbrella_id=_members_of(umbrella), user=user)
        .values_list("role", flat=True)
        .first()
    )


def is_member(user, umbrella: UmbrellaReview) -> bool:
    """Any role in the umbrella review (or a superuser): who may read its audit history."""
    return _has_role(user, umbrella, frozenset(Membership.Role.values))


def can_write(user, umbrella: UmbrellaReview) -> bool:
    """Owners and researchers of the umbrella review (and superusers) may change its data."""
    return not umbrella.is_frozen and _has_role(user, umbrella, WRITING_ROLES)


def can_appraise(user, umbrella: UmbrellaReview) -> bool:
    """Appraisal is open to owners, researchers and reviewers (who appraise only)."""
    return not umbrella.is_frozen and _has_role(user, umbrella, APPRAISING_ROLES)


def can_manage(user, umbrella: UmbrellaReview) -> bool:
    """Owners (and superusers) manage the umbrella review's members."""
    return not umbrella.is_frozen and _has_role(user, umbrella, OWNER_ROLES)


def _readable_by_member(user: "User", slug: str) -> UmbrellaReview:
    """The project `slug` if this logged-in user may read it (`visible_umbrellas`' rule), with
    their role kept on it for `member_role`: one plain query with the role as a subquery,
    cheaper to build and run than `visible_umbrellas`' joins, on every member's page.
    Raises UmbrellaReview.DoesNotExist when there is no such project or it is not theirs."""
    roles = Membership.objects.filter(umbrella_id=OuterRef("pk"), user_id=user.pk)
    umbrella = (
        UmbrellaReview.objects.select_related("data_revision")
        .annotate(viewer_role=Subquery(roles.values("role")[:1]))
        .get(slug=slug)
    )
    own = role = umbrella.viewer_role
    if umbrella.frozen_from_id:  # a release's frozen copy: its project's members count
        role = member_role(user, umbrella)
    if not (umbrella.is_published or role is not None or own is not None):
        raise UmbrellaReview.DoesNotExist
    vars(umbrella)["_viewer_role"] = (user.pk, role)
    return umbrella


def get_umbrella(
    request: HttpRequest,
    slug: str,
    *,
    write: bool = False,
    appraise: bool = False,
    manage: bool = False,
    member: bool = False,
) -> UmbrellaReview:
    """Fetch an umbrella review for this request, or raise 404 (not visible) / 403 (no right)."""
    user = request.user
    try:
        if user.is_authenticated and not user.is_superuser:
            umbrella = _readable_by_member(user, slug)
        else:
            umbrella = visible_umbrellas(user).get(slug=slug)
    except UmbrellaReview.DoesNotExist:
        raise Http404("No such umbrella review.") from None
    if umbrella.is_frozen and (write or appraise or manage):
        raise PermissionDenied(FROZEN_MESSAGE)
    if write and not can_write(request.user, umbrella):
        raise PermissionDenied("You are not a researcher on this umbrella review.")
    if appraise and not can_appraise(request.user, umbrella):
        raise PermissionDenied("You are not an appraiser on this umbrella review.")
    if member and not is_member(request.user, umbrella):
        raise PermissionDenied("Only members of this umbrella review see its history.")
    if manage and not can_manage(request.user, umbrella):
        raise PermissionDenied("Only the owners of this umbrella review manage its members.")
    return umbrella


class UmbrellaAccessMixin(AccessMixin):
    """Resolve `self.umbrella` from the URL's `slug` before the view runs.

    Views that change data set `write_access = True` (appraisal views `appraise_access = True`,
    membership views `manage_access = True`): anonymous users are sent to log in, logged-in
    members without that right get a 403.
    """

    write_access = False
    appraise_access = False
    manage_access = False
    member_access = False
    nav_section = ""  # the main menu item the page highlights (templates/base.html); "": none
    # Pages showing computed figures (cached per data revision): while they are recomputed
    # after a write, such a page shows the previous ones with an "updating" notice.
    shows_figures = False
    # Set by View.setup and by dispatch below: the mixin always comes before a View.
    request: HttpRequest
    kwargs: dict[str, Any]
    umbrella: UmbrellaReview

    def dispatch(self, request, *args, **kwargs):
        needs_login = (
            self.write_access or self.appraise_access or self.manage_access or self.member_access
        )
        if needs_login and not request.user.is_authenticated:
            return self.handle_no_permission()
        self.umbrella = get_umbrella(
            request,
            kwargs["slug"],
            write=self.write_access,
            appraise=self.appraise_access,
            manage=self.manage_access,
            member=self.member_access,
        )
        if needs_login:
            return super().dispatch(request, *args, **kwargs)

        def render():
            return super(UmbrellaAccessMixin, self).dispatch(request, *args, **kwargs)

        if request.user.is_authenticated:
            role = member_role(request.user, self.umbrella)
            if not self.keeps_page(role):
                return render()
            return serve_member_page(request, self.umbrella, role, render)
        return serve_public_page(request, self.umbrella, render)

    def keeps_page(self, role: str | None) -> bool:
        """Whether a logged-in user with `role` may be served the page kept per data revision
        (page_cache). A page that shows them what no revision records says no (the releases
        list, which shows owners a publish on its way)."""
        return True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["umbrella"] = self.umbrella
        # The revision the cached fragments are read at (reviews.project.warming).
        if self.shows_figures:
            context["data_revision"] = figures_revision(self.umbrella)
            context["figures_updating"] = figures_updating(self.umbrella)
        else:
            context["data_revision"] = current_revision(self.umbrella)
        role = member_role(self.request.user, self.umbrella)
        context["is_member"] = role is not None
        writer = role in WRITING_ROLES or role == SUPERUSER
        context["can_write"] = writer and not self.umbrella.is_frozen
        # A member's page being kept renders holes for its per-request parts (page_cache).
        return context | hole_context(self.request)
