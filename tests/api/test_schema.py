"""The OpenAPI description and its documentation page, served without any CDN."""

import re

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema


def test_schema_generates_without_warnings_and_validates(tmp_path):
    """``manage.py spectacular --validate --fail-on-warn`` passes: no undocumented corner."""
    GENERATOR_STATS.reset()
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/people/{id}/", "/api/v1/businesses/", "/api/v1/registrations/", "/api/v1/regions/"):
        assert f"  {path}:" in text


def test_schema_endpoint_serves_valid_openapi(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    create = schema["paths"]["/api/v1/registrations/"]["post"]
    assert set(create["responses"]) == {"201", "400", "409"}
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


@pytest.fixture
def docs(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    return response.content.decode()


def test_docs_page_loads_its_assets_from_this_server(client, docs):
    """Swagger UI's script, style and icon come from the app's static files, not a CDN."""
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs)
    assert len(assets) >= 3
    for url in assets:
        assert url.startswith("/static/drf_spectacular_sidecar/"), url
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()
    assert "/api/schema/" in docs
