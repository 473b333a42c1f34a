"""Hostile and odd input: clear 4xx answers, nothing half-written."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from tests.catalog import product, setup_catalog

BASE = "/api/v1/pim/products"


@pytest.fixture
def shop(client, org):
    setup_catalog(client, org.headers)
    return org


def _error(response, status: int = 422) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_unicode_sku_round_trips_with_an_encoded_location(client, shop) -> None:
    sku = "MUG-🍳 a?b"
    created = client.post(BASE, json=product(sku), headers=shop.headers)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{BASE}/{quote(sku, safe='')}"
    assert (
        client.get(created.headers["location"], headers=shop.headers).json()["sku"]
        == sku
    )


@pytest.mark.parametrize("sku", ["BIDI\u202eX", "LINE\u2028SEP", "..", "TAB\tX"])
def test_invisible_characters_in_skus_are_refused(client, shop, sku) -> None:
    error = _error(client.post(BASE, json=product(sku), headers=shop.headers))
    assert error["errors"][0]["code"] == "invalid_sku"
    listing = client.get(f"{BASE}?limit=100", headers=shop.headers).json()
    assert listing["items"] == []


def test_nul_characters_are_refused_and_nothing_is_written(client, shop) -> None:
    body = product("NUL-1", name="bad\u0000name")
    error = _error(client.post(BASE, json=body, headers=shop.headers))
    assert error["errors"][0]["code"] == "invalid_character"
    assert client.get(f"{BASE}/NUL-1", headers=shop.headers).status_code == 404
    search = client.get(f"{BASE}?q=a%00b", headers=shop.headers)
    assert search.status_code == 422


@pytest.mark.parametrize(
    ("attribute", "data", "code"),
    [
        ("seats", "1e3000000", "out_of_range"),
        ("seats", "1_0", "invalid_number"),
        ("price", [{"amount": "1e30", "currency": "EUR"}], "out_of_range"),
    ],
)
def test_numbers_are_bounded(client, shop, attribute, data, code) -> None:
    body = product("NUM-1")
    body["values"][attribute] = [{"data": data}]
    error = _error(client.post(BASE, json=body, headers=shop.headers))
    assert error["errors"][0]["code"] == code
    assert error["errors"][0]["path"] == f"$.values.{attribute}[0].data"


def test_a_catastrophic_pattern_is_cut_short(client, shop) -> None:
    attribute = {"code": "slow", "type": "text", "rules": {"regex": "(a|aa)+$"}}
    assert (
        client.post(
            "/api/v1/pim/attributes", json=attribute, headers=shop.headers
        ).status_code
        == 201
    )
    family = client.get("/api/v1/pim/families/chairs", headers=shop.headers).json()
    family["attributes"].append("slow")
    assert (
        client.post(
            "/api/v1/pim/families", json=family, headers=shop.headers
        ).status_code
        == 201
    )
    body = product("SLOW-1")
    body["values"]["slow"] = [{"data": "a" * 60 + "!"}]
    started = time.monotonic()
    error = _error(client.post(BASE, json=body, headers=shop.headers))
    assert time.monotonic() - started < 5
    assert error["errors"][0]["code"] == "pattern_too_slow"


def test_a_tampered_cursor_is_refused(client, shop) -> None:
    import base64

    cursor = base64.urlsafe_b64encode(b"p:99999999999999999999999").decode()
    error = _error(client.get(f"{BASE}?cursor={cursor}", headers=shop.headers))
    assert error["errors"][0]["code"] == "invalid_cursor"


def test_values_can_be_cleared_while_changing_family(client, shop) -> None:
    lamp_family = {
        "code": "lamps",
        "attributes": ["name", "price"],
        "attribute_as_label": "name",
    }
    assert (
        client.post(
            "/api/v1/pim/families", json=lamp_family, headers=shop.headers
        ).status_code
        == 201
    )
    assert (
        client.post(BASE, json=product("MOVE-1"), headers=shop.headers).status_code
        == 201
    )
    refused = _error(
        client.patch(f"{BASE}/MOVE-1", json={"family": "lamps"}, headers=shop.headers)
    )
    assert {e["code"] for e in refused["errors"]} == {"attribute_not_in_family"}
    moved = client.patch(
        f"{BASE}/MOVE-1",
        json={
            "family": "lamps",
            "values": {
                "description": [{"locale": "en_US", "data": None}],
                "color": [{"data": None}],
                "seats": [{"data": None}],
            },
        },
        headers=shop.headers,
    )
    assert moved.status_code == 200, moved.text
    assert set(moved.json()["values"]) == {"name", "price"}


def test_localizable_cannot_flip_once_values_exist(client, shop) -> None:
    client.post(BASE, json=product("FLIP-1"), headers=shop.headers)
    seats = {"code": "seats", "type": "number", "localizable": True}
    error = _error(
        client.post("/api/v1/pim/attributes", json=seats, headers=shop.headers)
    )
    assert error["errors"][0]["code"] == "localizable_change"


def test_attribute_upsert_answers_the_new_state(client, shop) -> None:
    body = {
        "code": "seats",
        "type": "number",
        "labels": {"en_US": "Seats"},
        "sort_order": 7,
    }
    answer = client.post(
        "/api/v1/pim/attributes", json=body, headers=shop.headers
    ).json()
    assert answer["labels"] == {"en_US": "Seats"}
    assert answer["sort_order"] == 7


def test_published_products_keep_their_sku_and_leave_when_disabled(
    client, shop
) -> None:
    client.post(BASE, json=product("LIVE-1"), headers=shop.headers)
    client.post(
        f"{BASE}/LIVE-1/publish", json={"channels": ["web"]}, headers=shop.headers
    )
    renamed = client.patch(
        f"{BASE}/LIVE-1", json={"sku": "LIVE-2"}, headers=shop.headers
    )
    assert _error(renamed, 409)["code"] == "product_published"
    disabled = client.patch(
        f"{BASE}/LIVE-1", json={"enabled": False}, headers=shop.headers
    )
    assert disabled.status_code == 200
    assert disabled.json()["published"] == {}
    quote_body = {"name": "A", "email": "a@example.com", "items": [{"sku": "LIVE-1"}]}
    refused = client.post(f"/api/v1/catalog/{shop.slug}/quote", json=quote_body)
    assert _error(refused)["errors"][0]["code"] == "product_not_published"


def test_bulk_unpublish_skips_unknown_skus(client, shop) -> None:
    response = client.post(
        "/api/v1/pim/publish",
        json={"channels": ["web"], "skus": ["NOPE"], "unpublish": True},
        headers=shop.headers,
    )
    assert response.status_code == 200
    assert response.json()["skipped"] == {"NOPE": "product_not_found"}


def test_quote_form_with_odd_numbers_gets_a_readable_page(client, shop) -> None:
    client.post(BASE, json=product("Q-1"), headers=shop.headers)
    client.post(f"{BASE}/Q-1/publish", json={"channels": ["web"]}, headers=shop.headers)
    response = client.post(
        f"/api/v1/catalog/{shop.slug}/quote",
        data={"name": "A", "email": "a@example.com", "sku": "Q-1", "quantity": "²"},
    )
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]
    too_long = client.post(
        f"/api/v1/catalog/{shop.slug}/quote",
        json={
            "name": "A",
            "email": "a@example.com",
            "items": [{"sku": "Q-1"}],
            "locale": "x" * 40,
        },
    )
    assert _error(too_long)["errors"][0]["code"] == "unknown_locale"


def test_static_paths_that_cannot_exist_are_404(client, shop) -> None:
    assert client.get(f"/catalog/{shop.slug}/{'a' * 300}").status_code == 404
    assert client.get("/catalog/no-such-org", follow_redirects=False).status_code == 404
