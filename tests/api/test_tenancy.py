"""Credentials pick the organisation; nothing crosses between tenants."""

from __future__ import annotations

import pytest

from tests.catalog import product, setup_catalog
from tests.conftest import make_org


def test_no_token_is_401(client) -> None:
    response = client.get("/api/v1/pim/products")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_unknown_token_is_401(client) -> None:
    response = client.get(
        "/api/v1/pim/products", headers={"Authorization": "Bearer pim_nonsense"}
    )
    assert response.status_code == 401


def test_pim_routes_refuse_until_enabled_and_enabling_twice_changes_nothing(
    client,
) -> None:
    org = make_org(pim=False)
    for method, path in (
        ("GET", "/api/v1/pim/products"),
        ("POST", "/api/v1/pim/products"),
        ("GET", "/api/v1/pim/channels"),
        ("POST", "/api/v1/pim/publish"),
    ):
        response = client.request(method, path, headers=org.headers, json={})
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["code"] == "pim_not_enabled"

    first = client.post("/api/v1/pim/setup/enable", headers=org.headers)
    assert first.status_code == 200
    assert first.json()["changed"] is True

    channels = client.get("/api/v1/pim/channels", headers=org.headers)
    assert channels.status_code == 200
    assert {c["code"] for c in channels.json()} == {
        "web",
        "erp",
        "marketing",
        "conversations",
    }

    second = client.post("/api/v1/pim/setup/enable", headers=org.headers)
    assert second.status_code == 200
    assert second.json()["changed"] is False
    assert "already" in second.json()["detail"]
    again = client.get("/api/v1/pim/channels", headers=org.headers)
    assert again.json() == channels.json()


def test_org_b_never_sees_org_a_products(client) -> None:
    a, b = make_org(), make_org()
    setup_catalog(client, a.headers)
    setup_catalog(client, b.headers)
    created = client.post(
        "/api/v1/pim/products", json=product("A-1"), headers=a.headers
    )
    assert created.status_code == 201, created.text

    assert client.get("/api/v1/pim/products/A-1", headers=a.headers).status_code == 200
    for method in ("GET", "DELETE"):
        response = client.request(method, "/api/v1/pim/products/A-1", headers=b.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "product_not_found"
    patched = client.patch(
        "/api/v1/pim/products/A-1", json={"enabled": False}, headers=b.headers
    )
    assert patched.status_code == 404
    published = client.post(
        "/api/v1/pim/products/A-1/publish",
        json={"channels": ["web"]},
        headers=b.headers,
    )
    assert published.status_code == 404
    listing = client.get("/api/v1/pim/products?q=A-1", headers=b.headers)
    assert listing.json()["items"] == []
    # A is untouched by B's attempts.
    assert client.get("/api/v1/pim/products/A-1", headers=a.headers).json()["enabled"]


def test_a_header_cannot_choose_the_organisation(client) -> None:
    a, b = make_org(), make_org()
    setup_catalog(client, a.headers)
    client.post("/api/v1/pim/products", json=product("ONLY-A"), headers=a.headers)
    response = client.get(
        "/api/v1/pim/products/ONLY-A", headers={**b.headers, "x-org-id": a.slug}
    )
    assert response.status_code == 404


def test_retired_header_scoped_api_answers_410(client) -> None:
    response = client.get("/api/v1/products", headers={"x-org-id": "1"})
    assert response.status_code == 410
    assert response.json()["code"] == "endpoint_retired"
    assert "/api/v1/pim/products" in response.headers["link"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"sku": ', "application/json"),
        (b"", "application/json"),
        (b'{"sku": "X"}', "text/plain"),
        (b'{"sku": 1e400}', "application/json"),
    ],
)
@pytest.mark.parametrize(
    "authorization", [None, "Bearer pim_nonsense", "Basic dXNlcjpwYXNz"]
)
def test_credentials_are_checked_before_the_body(
    client, content, content_type, authorization
) -> None:
    headers = {"content-type": content_type}
    if authorization:
        headers["authorization"] = authorization
    for url in ("/api/v1/pim/products", "/api/v1/pim/publish"):
        response = client.post(url, content=content, headers=headers)
        assert response.status_code == 401, response.text
        assert response.json()["code"] == "not_authenticated"


def test_pim_not_enabled_is_answered_before_the_body(client) -> None:
    org = make_org(pim=False)
    response = client.post(
        "/api/v1/pim/products",
        content=b"{",
        headers={**org.headers, "content-type": "application/json"},
    )
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "pim_not_enabled"


def test_openapi_declares_bearer_tokens_on_authenticated_routes(client) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert schema["components"]["securitySchemes"] == {
        "bearerToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `pim token create`; it names the "
            "organisation.",
        }
    }
    paths = schema["paths"]
    for path, method in (
        ("/api/v1/pim/products", "get"),
        ("/api/v1/pim/products/{sku}", "patch"),
        ("/api/v1/pim/publish", "post"),
        ("/api/v1/pim/channels", "post"),
        ("/api/v1/pim/setup/enable", "post"),
    ):
        assert paths[path][method]["security"] == [{"bearerToken": []}], path
    quote = paths["/api/v1/catalog/{org_slug}/quote"]["post"]
    assert "security" not in quote
    assert "security" not in schema
    assert not [p for p in paths if p.startswith("/catalog")]
