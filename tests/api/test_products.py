"""Products through the API: create, read, merge-patch, delete, list, errors."""

from __future__ import annotations

import pytest

from tests.catalog import product, setup_catalog

BASE = "/api/v1/pim/products"


@pytest.fixture
def catalog(client, org):
    setup_catalog(client, org.headers)
    return org


def test_create_read_patch_delete(client, catalog) -> None:
    headers = catalog.headers
    created = client.post(BASE, json=product("CH-1"), headers=headers)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{BASE}/CH-1"
    body = created.json()
    assert body["family"] == "chairs"
    assert body["categories"] == ["seating"]
    # Prices are normalised to two decimals.
    assert body["values"]["price"][0]["data"] == [
        {"amount": "129.50", "currency": "EUR"}
    ]

    patched = client.patch(
        f"{BASE}/CH-1",
        json={
            "values": {
                "name": [{"locale": "en_US", "data": "Walnut chair"}],
                "seats": [{"data": None}],
            }
        },
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    values = patched.json()["values"]
    names = {v["locale"]: v["data"] for v in values["name"]}
    # Merge: the French name given earlier is kept, English replaced.
    assert names == {"en_US": "Walnut chair", "fr_FR": "Oak chair (fr)"}
    assert "seats" not in values

    read = client.get(f"{BASE}/CH-1", headers=headers)
    assert read.json()["values"] == values

    assert client.delete(f"{BASE}/CH-1", headers=headers).status_code == 204
    gone = client.get(f"{BASE}/CH-1", headers=headers)
    assert gone.status_code == 404
    assert gone.json()["code"] == "product_not_found"


def test_duplicate_sku_is_409(client, catalog) -> None:
    assert (
        client.post(BASE, json=product("DUP"), headers=catalog.headers).status_code
        == 201
    )
    again = client.post(BASE, json=product("DUP"), headers=catalog.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "sku_exists"


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        ({"values": {"nope": [{"data": "x"}]}}, "$.values.nope", "unknown_attribute"),
        ({"values": {"seats": [{"data": "many"}]}}, "$.values.seats[0].data", None),
        ({"values": {"seats": [{"data": 40}]}}, "$.values.seats[0].data", None),
        ({"values": {"color": [{"data": "purple"}]}}, "$.values.color[0].data", None),
        (
            {"values": {"name": [{"data": "No locale"}]}},
            "$.values.name[0].locale",
            None,
        ),
        (
            {"values": {"name": [{"locale": "xx_XX", "data": "Bad locale"}]}},
            "$.values.name[0].locale",
            None,
        ),
        (
            {"values": {"price": [{"data": [{"amount": "12", "currency": "ZZZ"}]}]}},
            "$.values.price[0].data",
            None,
        ),
        ({"family": "tables"}, "$.family", "unknown_family"),
        ({"categories": ["nowhere"]}, "$.categories[0]", "unknown_category"),
        ({"sku": "a/b"}, "$.sku", "invalid_sku"),
    ],
)
def test_each_kind_of_bad_value_is_422_with_path(client, catalog, change, path, code):
    body = {**product("BAD-1"), **change}
    response = client.post(BASE, json=body, headers=catalog.headers)
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "validation_failed"
    paths = [e["path"] for e in error["errors"]]
    assert any(p.startswith(path) for p in paths), paths
    if code:
        assert code in [e["code"] for e in error["errors"]]
    for entry in error["errors"]:
        assert entry["message"]
    # Nothing was written.
    assert client.get(f"{BASE}/BAD-1", headers=catalog.headers).status_code == 404


def test_shape_errors_name_the_field(client, catalog) -> None:
    missing = client.post(BASE, json={"family": "chairs"}, headers=catalog.headers)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["path"] == "$.sku"
    assert missing.json()["errors"][0]["code"] == "required"

    unknown = client.post(
        BASE, json={"sku": "X", "colour": "red"}, headers=catalog.headers
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["code"] == "unknown_field"

    wrong = client.post(
        BASE, json={"sku": "X", "enabled": "yes"}, headers=catalog.headers
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["path"] == "$.enabled"
    assert wrong.json()["errors"][0]["expected"] == "bool"

    malformed = client.post(
        BASE,
        content=b'{"sku": ',
        headers={**catalog.headers, "content-type": "application/json"},
    )
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "malformed_json"


def test_list_filters_and_cursor_pagination(client, catalog) -> None:
    headers = catalog.headers
    for index in range(5):
        body = product(f"LIST-{index}", name=f"Stool number {index}")
        assert client.post(BASE, json=body, headers=headers).status_code == 201
    lamp = product("LAMP-1", name="Brass lamp", categories=["lighting"])
    assert client.post(BASE, json=lamp, headers=headers).status_code == 201

    seen: list[str] = []
    url = f"{BASE}?limit=2"
    pages = 0
    while url:
        page = client.get(url, headers=headers).json()
        assert len(page["items"]) <= 2
        seen.extend(item["sku"] for item in page["items"])
        url = page["_links"].get("next")
        pages += 1
    assert pages == 3
    assert seen == [f"LIST-{i}" for i in range(5)] + ["LAMP-1"]

    found = client.get(f"{BASE}?q=brass", headers=headers).json()["items"]
    assert [p["sku"] for p in found] == ["LAMP-1"]
    # A category filter includes the category's descendants.
    furniture = client.get(f"{BASE}?category=furniture&limit=100", headers=headers)
    assert {p["sku"] for p in furniture.json()["items"]} == {
        f"LIST-{i}" for i in range(5)
    }
    chairs = client.get(f"{BASE}?family=chairs&limit=100", headers=headers).json()
    assert len(chairs["items"]) == 6


def test_list_rejects_bad_limit_and_cursor(client, catalog) -> None:
    too_big = client.get(f"{BASE}?limit=101", headers=catalog.headers)
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["path"] == "query.limit"
    bad_cursor = client.get(f"{BASE}?cursor=not-a-cursor", headers=catalog.headers)
    assert bad_cursor.status_code == 422
    assert bad_cursor.json()["errors"][0]["code"] == "invalid_cursor"
