"""Error answers stay small and readable whatever the input."""

from __future__ import annotations

import pytest

from tests.catalog import product, setup_catalog

BASE = "/api/v1/pim/products"
UNKNOWN = 200_000


@pytest.fixture
def shop(client, org):
    setup_catalog(client, org.headers)
    created = client.post(BASE, json=product("ERR-1"), headers=org.headers)
    assert created.status_code == 201, created.text
    return org


def test_a_flood_of_errors_lists_the_first_fifty(client, shop) -> None:
    values = {f"k{index}": [{"data": "x"}] for index in range(UNKNOWN)}
    response = client.patch(
        f"{BASE}/ERR-1", json={"values": values}, headers=shop.headers
    )
    assert response.status_code == 422
    assert len(response.content) < 20_000
    body = response.json()
    assert [e["path"] for e in body["errors"]] == [
        f"$.values.k{index}" for index in range(50)
    ]
    assert body["detail"] == (
        f"{UNKNOWN} invalid field(s): Attribute 'k0' does not exist. "
        f"The first 50 of {UNKNOWN} errors are listed."
    )


def test_a_few_errors_are_all_listed_without_a_note(client, shop) -> None:
    values = {f"k{index}": [{"data": "x"}] for index in range(3)}
    response = client.patch(
        f"{BASE}/ERR-1", json={"values": values}, headers=shop.headers
    )
    body = response.json()
    assert len(body["errors"]) == 3
    assert body["detail"] == "3 invalid field(s): Attribute 'k0' does not exist."


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        (
            f"{BASE}/%FF",
            (
                "No product with SKU '%FF' exists: the address does not decode "
                "to UTF-8 text."
            ),
        ),
        (f"{BASE}/%EF%BF%BD", "No product with SKU '\ufffd' exists."),
        (f"{BASE}/{'x' * 10_000}", f"No product with SKU '{'x' * 60}…' exists."),
    ],
)
def test_a_product_address_that_names_no_product_is_404(
    client, shop, url, detail
) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        body = {"enabled": False} if method == "PATCH" else None
        response = client.request(method, url, json=body, headers=shop.headers)
        assert response.status_code == 404, (method, response.text)
        assert response.json()["code"] == "product_not_found"
        assert response.json()["detail"] == detail


@pytest.mark.parametrize("url", [f"{BASE}/%2F", f"{BASE}/%2F%2F"])
def test_an_encoded_slash_is_not_the_product_list(client, shop, url) -> None:
    read = client.get(url, headers=shop.headers)
    assert (read.status_code, read.json()["code"]) == (404, "product_not_found")
    created = client.post(url, json=product("SLASH-1"), headers=shop.headers)
    assert (created.status_code, created.json()["code"]) == (404, "product_not_found")
    missing = client.get(f"{BASE}/SLASH-1", headers=shop.headers)
    assert missing.status_code == 404


def test_a_product_list_address_is_still_the_list(client, shop) -> None:
    for url in (BASE, f"{BASE}/"):
        response = client.get(url, headers=shop.headers)
        assert response.status_code == 200, response.text
        assert [p["sku"] for p in response.json()["items"]] == ["ERR-1"]


@pytest.mark.parametrize(
    ("kind", "detail"),
    [
        ("attributes", "No attribute with code '%FF' exists"),
        ("families", "No family with code '%FF' exists"),
    ],
)
def test_a_code_address_that_is_not_text_is_404(client, shop, kind, detail):
    response = client.get(f"/api/v1/pim/{kind}/%FF", headers=shop.headers)
    assert response.status_code == 404, response.text
    assert response.json()["detail"].startswith(detail)


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("limit=abc", "1 invalid field(s): Expected `int`, got `str`"),
        ("limit=0", "1 invalid field(s): limit 0 is out of range."),
    ],
)
def test_query_errors_share_the_usual_detail(client, shop, query, detail) -> None:
    response = client.get(f"{BASE}?{query}", headers=shop.headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == detail
