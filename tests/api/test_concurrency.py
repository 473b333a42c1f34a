"""Requests racing each other over the same data: a clear 409, never a 500."""

from __future__ import annotations

from functools import partial

import pytest

from tests.catalog import product, setup_catalog
from tests.conftest import race

BASE = "/api/v1/pim/products"
ROUNDS = 4
WRITERS = 6


@pytest.fixture
def catalog(client, org):
    setup_catalog(client, org.headers)
    return org


def test_renames_racing_to_one_sku_get_one_success_and_409s(client, catalog):
    for index in range(ROUNDS * WRITERS):
        body = product(f"RACE-{index}")
        created = client.post(BASE, json=body, headers=catalog.headers)
        assert created.status_code == 201, created.text

    def rename(index: int, sku: str):
        return client.patch(
            f"{BASE}/RACE-{index}", json={"sku": sku}, headers=catalog.headers
        )

    for round_ in range(ROUNDS):
        target = f"RACED-{round_}"
        first = round_ * WRITERS
        responses = race([partial(rename, first + i, target) for i in range(WRITERS)])
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200] + [409] * (WRITERS - 1), [r.text for r in responses]
        for response in responses:
            if response.status_code == 409:
                assert response.json()["code"] == "sku_exists"
                assert target in response.json()["detail"]
        renamed = client.get(f"{BASE}/{target}", headers=catalog.headers)
        assert renamed.status_code == 200
    listing = client.get(f"{BASE}?limit=100", headers=catalog.headers).json()
    assert len(listing["items"]) == ROUNDS * WRITERS


def test_family_upserts_racing_on_one_code_create_it_once(client, catalog):
    family = {"code": "stools", "attributes": ["name", "price", "seats"]}
    for _ in range(ROUNDS):
        responses = race(
            [
                lambda: client.post(
                    "/api/v1/pim/families", json=family, headers=catalog.headers
                )
                for _ in range(WRITERS)
            ]
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses in ([200] * WRITERS, [200] * (WRITERS - 1) + [201])
    stored = client.get("/api/v1/pim/families/stools", headers=catalog.headers)
    assert stored.json()["attributes"] == ["name", "price", "seats"]
