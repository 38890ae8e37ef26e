"""The OpenAPI 3 schema validates and documents every resource; the docs page loads its
Swagger UI from our own static files under the site's Content Security Policy."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate

from api.root import PROJECT_RESOURCES

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_3_and_lists_every_resource(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    schema = response.json()
    validate(schema)  # raises on any error
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    project = "/api/v1/projects/{slug}/"
    assert {f"{project}{name}/" for name in PROJECT_RESOURCES} <= paths
    assert {"/api/v1/", "/api/v1/projects/", project} <= paths
    # The evidence filters are documented with their choices.
    results = schema["paths"][f"{project}results/"]["get"]
    names = {p["name"] for p in results["parameters"]}
    assert {"finding", "min_rating", "sensitivity", "outcome", "page", "page_size"} <= names
    assert schema["components"]["securitySchemes"]["personalToken"]["name"] == "Authorization"
    yaml.safe_load(client.get("/api/v1/schema/").content)  # the default YAML parses too


def test_the_docs_page_loads_only_local_scripts_allowed_by_the_csp(client):
    response = client.get("/api/v1/docs/")
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert len(scripts) == 3
    assert "<script>" not in html  # no inline script: the init script is a file of its own
    for src in scripts:
        assert src.startswith("/"), src  # no CDN
    bundled = [s for s in scripts if s.startswith("/static/")]
    assert all(finders.find(s.removeprefix("/static/")) for s in bundled)
    init = client.get(scripts[-1])
    assert init["Content-Type"] == "application/javascript"
    assert "/api/v1/schema/" in init.content.decode()
