"""The main menu highlights the item each view declares (`nav_section`), and only that one."""

import re

import pytest

from synthesis.models import Outcome, OutcomeDomain


def current_items(client, url):
    html = client.get(url).content.decode()
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', html)


@pytest.mark.parametrize(
    ("path", "items"),
    [
        ("", ["Overview"]),
        ("reviews/", ["Included reviews"]),
        ("evidence/", ["Evidence"]),
        ("evidence/outcomes/{outcome}/", ["Evidence"]),
        ("appraisal/", ["AMSTAR 2"]),
        ("overlap/", ["Overlap"]),
        ("overlap/outcomes/{outcome}/", []),  # one outcome's overlap: under neither item
        ("key-findings/", ["Findings"]),
        ("studies/", []),
    ],
)
def test_each_page_highlights_the_menu_item_its_view_declares(client, make_umbrella, path, items):
    umbrella = make_umbrella()
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Depression", domain=domain)
    url = f"/u/{umbrella.slug}/{path.format(outcome=outcome.pk)}"
    assert current_items(client, url) == items
