"""Two guarantees that hold under simultaneous requests (docs/security.md):

- one account is never both AMSTAR 2 raters of a review (a conditional unique constraint);
- an umbrella review always keeps an owner (membership changes lock the project's row first).

On PostgreSQL the races run for real: the first change stays in an open transaction on one
thread while the second runs on another; the first commits only once the second has finished
or is waiting for one of its locks. Without the guards both commit (the audit saw one user as
both raters in 9 of 10 tries, a project without owners in 2 of 10). SQLite cannot run these:
it lets one transaction write at a time, for the whole database, so the interleaving does not
arise there (the second writer fails with "database is locked" instead). What SQLite can show —
the constraint refusing the second rater role, and the form's message — is tested on both.
"""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from appraisal.models import Appraisal
from appraisal.services import ItemInput, save_appraisal
from appraisal.views import AppraisalFormView
from reviews.members.services import set_role
from reviews.models import Membership

ALL_YES = {
    n: ItemInput(rct="yes") if n in (9, 11) else ItemInput(answer="yes") for n in range(1, 17)
}
ALREADY_OTHER_RATER = (
    "You are already the other rater of this review (saved at the same time from another "
    "window); one person cannot be both raters. Nothing was saved."
)
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one transaction write at a time, so these interleavings cannot happen",
)


def interleave(first, second):
    """Run `first` in a transaction held open on one thread and `second` on another, committing
    `first` once `second` has finished or waits for a lock; each outcome is its return value or
    the exception it raised."""
    outcomes: list[object] = [None, None]
    first_done, commit, second_started, second_done = (threading.Event() for _ in range(4))
    pid: list[int] = []

    def run_first():
        try:
            with transaction.atomic():
                outcomes[0] = first()
                first_done.set()
                commit.wait()
        except Exception as error:
            outcomes[0] = error
        finally:
            first_done.set()
            connection.close()

    def run_second():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid.append(cursor.fetchone()[0])
            second_started.set()
            outcomes[1] = second()
        except Exception as error:
            outcomes[1] = error
        finally:
            second_started.set()
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    threads[0].start()
    first_done.wait()
    threads[1].start()
    second_started.wait()
    deadline = time.monotonic() + 60  # only against a hang; the race itself waits on events
    while not second_done.is_set() and not waiting_for_a_lock(pid[0]):
        assert time.monotonic() < deadline, "the second change neither finished nor waited"
        time.sleep(0.01)
    commit.set()
    for thread in threads:
        thread.join()
    return outcomes


def waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


@pytest.fixture
def owners(make_umbrella):
    umbrella = make_umbrella(is_published=False)
    users = [get_user_model().objects.create_user(name) for name in ("olive", "oscar")]
    for user in users:
        Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.OWNER)
    return umbrella, users


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_leave_one_owner(owners):
    umbrella, (olive, oscar) = owners
    outcomes = interleave(
        lambda: set_role(umbrella=umbrella, user=oscar, role=Membership.Role.RESEARCHER),
        lambda: set_role(umbrella=umbrella, user=olive, role=Membership.Role.RESEARCHER),
    )
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {"olive": "owner", "oscar": "researcher"}
    assert isinstance(outcomes[0], Membership)
    assert isinstance(outcomes[1], ValidationError)
    assert outcomes[1].messages == ["An umbrella review needs at least one owner."]


def appraise(review, role, rater):
    return lambda: save_appraisal(
        review=review, role=role, rater=rater, items=ALL_YES, expected_version=0, submit=True
    )


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_one_user_opening_both_rater_forms_at_once_becomes_one_rater(make_review):
    review = make_review()
    ann = get_user_model().objects.create_user("ann")
    outcomes = interleave(appraise(review, "first", ann), appraise(review, "second", ann))
    assert list(Appraisal.objects.values_list("role", "rater__username")) == [("first", "ann")]
    assert isinstance(outcomes[1], ValidationError)
    assert outcomes[1].messages == [ALREADY_OTHER_RATER]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_users_taking_the_same_rater_role_at_once_get_a_message(make_review):
    review = make_review()
    ann, bob = (get_user_model().objects.create_user(name) for name in ("ann", "bob"))
    outcomes = interleave(appraise(review, "first", ann), appraise(review, "first", bob))
    assert list(Appraisal.objects.values_list("role", "rater__username")) == [("first", "ann")]
    assert isinstance(outcomes[1], ValidationError)
    assert outcomes[1].messages == [
        "Someone else started the first rater's appraisal of this review at the same time; "
        "nothing of yours was saved. Reload the page."
    ]


# The constraint path, on SQLite and PostgreSQL alike.


def test_the_database_refuses_one_account_in_both_rater_roles(make_review):
    review = make_review()
    ann = get_user_model().objects.create_user("ann")
    Appraisal.objects.create(review=review, role="first", rater=ann, variant="standard")
    Appraisal.objects.create(review=review, role="consensus", rater=ann, variant="standard")
    second = Appraisal(review=review, role="second", rater=ann, variant="standard")
    with pytest.raises(ValidationError) as refused:
        second.validate_constraints()
    assert refused.value.messages == [
        "One person cannot be both raters of a review: this account is already the other rater."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    # Raters whose accounts were deleted (no rater) do not collide.
    Appraisal.objects.filter(rater=ann).update(rater=None)
    Appraisal.objects.create(review=review, role="second", rater=None, variant="standard")
    assert Appraisal.objects.filter(rater=None).count() == 3


def test_the_service_turns_the_constraint_into_a_message(make_review):
    review = make_review()
    ann = get_user_model().objects.create_user("ann")
    appraise(review, "first", ann)()
    with pytest.raises(ValidationError) as refused:
        appraise(review, "second", ann)()
    assert refused.value.messages == [ALREADY_OTHER_RATER]
    assert list(Appraisal.objects.values_list("role", flat=True)) == ["first"]


def test_the_form_shows_the_message_when_the_other_window_saved_first(
    client, make_review, monkeypatch
):
    review = make_review()
    ann = get_user_model().objects.create_user("ann")
    Membership.objects.create(umbrella=review.umbrella, user=ann, role=Membership.Role.REVIEWER)
    setup_role = AppraisalFormView.setup_role

    def other_window_saves_after_the_check(view):
        setup_role(view)  # the form's own check passes: ann is nobody's rater yet ...
        if view.request.method == "POST":
            appraise(review, "first", ann)()  # ... and then her other window saves

    monkeypatch.setattr(AppraisalFormView, "setup_role", other_window_saves_after_the_check)
    client.force_login(ann)
    url = reverse(
        "appraisal:appraisal-form",
        kwargs={"slug": review.umbrella.slug, "pk": review.pk, "role": "second"},
    )
    data = {"version": 0, "submit": "1"} | {
        f"item_{n}_{'rct' if n in (9, 11) else 'answer'}": "yes" for n in range(1, 17)
    }
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "You are already the other rater of this review" in page
    assert "Please correct the items marked below." not in page
    assert list(Appraisal.objects.values_list("role", flat=True)) == ["first"]


def test_the_admin_refuses_the_second_rater_role_with_the_constraints_message(client, make_review):
    review = make_review()
    ann = get_user_model().objects.create_user("ann")
    appraise(review, "first", ann)()
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "-"))
    response = client.post(
        reverse("admin:appraisal_appraisal_add"),
        {
            "review": review.pk,
            "role": "second",
            "rater": ann.pk,
            "status": "draft",
            "variant": "standard",
            "answers-TOTAL_FORMS": 0,
            "answers-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200  # the form again
    assert response.context["adminform"].form.non_field_errors() == [
        "One person cannot be both raters of a review: this account is already the other rater."
    ]
    assert Appraisal.objects.count() == 1
