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
