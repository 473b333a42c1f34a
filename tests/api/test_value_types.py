"""A value of the wrong JSON type is a 422 at its own path, never a 500."""

from __future__ import annotations

import pytest

from tests.catalog import product, setup_catalog

API = "/api/v1/pim"
BASE = f"{API}/products"
WRONG = [["EUR"], {"a": 1}, 7, 1.5, True, "oak-ish"]


@pytest.fixture
def typed(client, org):
    setup_catalog(client, org.headers)
    for attribute in (
        {"code": "weight", "type": "metric"},
        {"code": "released", "type": "date"},
        {
            "code": "features",
            "type": "multiselect",
            "options": [{"code": "armrest"}, {"code": "cushion"}],
        },
    ):
        response = client.post(f"{API}/attributes", json=attribute, headers=org.headers)
        assert response.status_code == 201, response.text
    family = client.get(f"{API}/families/chairs", headers=org.headers).json()
    family["attributes"] += ["weight", "released", "features"]
    response = client.post(f"{API}/families", json=family, headers=org.headers)
    assert response.status_code == 200, response.text
    created = client.post(BASE, json=product("TYPED-1"), headers=org.headers)
    assert created.status_code == 201, created.text
    return org


def _wrapped(attribute: str, data, locale: str | None = None) -> dict:
    entry = {"data": data} if locale is None else {"data": data, "locale": locale}
    return {"values": {attribute: [entry]}}


def _cases():
    """(attribute, data, path inside data, locale) for every wrong type."""
    price = {"amount": "1", "currency": "EUR"}
    metric = {"amount": "1", "unit": "KILOGRAM"}
    for wrong in WRONG:
        if not isinstance(wrong, str):
            yield "name", wrong, "", "en_US"
            yield "released", wrong, "", None
            yield "color", wrong, "", None
            yield "features", [wrong], "[0]", None
            yield "price", [{**price, "currency": wrong}], "[0].currency", None
            yield "weight", {**metric, "unit": wrong}, ".unit", None
        if not isinstance(wrong, list):
            yield "features", wrong, "", None
            yield "price", wrong, "", None
        if not isinstance(wrong, dict):
            yield "price", [wrong], "[0]", None
            yield "weight", wrong, "", None
        if not isinstance(wrong, bool):
            yield "outdoor", wrong, "", None
        if not isinstance(wrong, (int, float)) or isinstance(wrong, bool):
            yield "seats", wrong, "", None
            yield "price", [{**price, "amount": wrong}], "[0].amount", None
            yield "weight", {**metric, "amount": wrong}, ".amount", None


@pytest.mark.parametrize(("attribute", "data", "inside", "locale"), list(_cases()))
def test_a_wrong_type_is_422_where_it_sits(
    client, typed, attribute, data, inside, locale
) -> None:
    body = _wrapped(attribute, data, locale)
    response = client.patch(f"{BASE}/TYPED-1", json=body, headers=typed.headers)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["path"] for e in errors] == [f"$.values.{attribute}[0].data{inside}"]
    assert errors[0]["expected"]


@pytest.mark.parametrize("currency", [["EUR"], {"a": 1}])
def test_a_currency_that_is_not_text_says_what_was_expected(
    client, typed, currency
) -> None:
    body = _wrapped("price", [{"amount": "1", "currency": currency}])
    response = client.patch(f"{BASE}/TYPED-1", json=body, headers=typed.headers)
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error == {
        "path": "$.values.price[0].data[0].currency",
        "code": "invalid_type",
        "message": f"Expected a currency code, got {currency!r}.",
        "expected": "an ISO 4217 code such as EUR, as a string",
    }


def test_a_bad_option_of_a_multiselect_is_named_by_its_index(client, typed) -> None:
    body = _wrapped("features", ["armrest", "cushion", "wheels"])
    response = client.patch(f"{BASE}/TYPED-1", json=body, headers=typed.headers)
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert (error["path"], error["code"]) == (
        "$.values.features[0].data[2]",
        "unknown_option",
    )
    assert error["message"] == "'wheels' is not an option of attribute 'features'."


@pytest.mark.parametrize(
    ("url", "body", "path"),
    [
        (BASE, {"sku": "T-2", "categories": [["seating"]]}, "$.categories[0]"),
        (BASE, {"sku": "T-2", "categories": "seating"}, "$.categories"),
        (BASE, {"sku": "T-2", "family": ["chairs"]}, "$.family"),
        (BASE, {"sku": "T-2", "parent": {"sku": "TYPED-1"}}, "$.parent"),
        (BASE, {"sku": ["T-2"]}, "$.sku"),
        (
            BASE,
            {"sku": "T-2", "values": {"name": [{"data": "x", "locale": ["en_US"]}]}},
            "$.values.name[0].locale",
        ),
        (
            BASE,
            {"sku": "T-2", "values": {"name": [{"data": "x", "scope": {"a": 1}}]}},
            "$.values.name[0].scope",
        ),
        (BASE, {"sku": "T-2", "values": {"name": {"data": "x"}}}, "$.values.name"),
        (
            f"{API}/channels",
            {"code": "shop", "locales": [["en_US"]], "currencies": ["EUR"]},
            "$.locales[0]",
        ),
        (
            f"{API}/channels",
            {"code": "shop", "locales": ["en_US"], "currencies": [{"a": 1}]},
            "$.currencies[0]",
        ),
        (
            f"{API}/channels",
            {"code": "shop", "locales": ["en_US"], "currencies": "EUR"},
            "$.currencies",
        ),
        (f"{API}/categories", {"code": "x", "parent": ["furniture"]}, "$.parent"),
        (f"{API}/families", {"code": "x", "attributes": [{"a": 1}]}, "$.attributes[0]"),
        (
            f"{API}/families",
            {"code": "x", "requirements": {"web": "name"}},
            "$.requirements.web",
        ),
        (
            f"{API}/attributes",
            {"code": "x", "type": "simpleselect", "options": [{"code": ["a"]}]},
            "$.options[0].code",
        ),
    ],
)
def test_structure_fields_of_a_wrong_type_are_422(
    client, typed, url, body, path
) -> None:
    response = client.post(url, json=body, headers=typed.headers)
    assert response.status_code == 422, response.text
    assert [e["path"] for e in response.json()["errors"]] == [path]
