"""Quote requests from catalog pages become leads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.database import tenant_session
from api.quotes.models import Lead
from tests.catalog import product, setup_catalog


def _leads(slug: str) -> list[Lead]:
    with tenant_session(slug) as db:
        return list(db.scalars(select(Lead).order_by(Lead.id)))


@pytest.fixture
def shop(client, org):
    setup_catalog(client, org.headers)
    for sku in ("Q-1", "Q-2"):
        client.post("/api/v1/pim/products", json=product(sku), headers=org.headers)
    client.post("/api/v1/pim/products", json=product("Q-DRAFT"), headers=org.headers)
    response = client.post(
        "/api/v1/pim/publish",
        json={"channels": ["web"], "skus": ["Q-1", "Q-2"]},
        headers=org.headers,
    )
    assert response.status_code == 200
    return org


def url(slug: str) -> str:
    return f"/api/v1/catalog/{slug}/quote"


def test_json_quote_makes_exactly_one_lead(client, shop) -> None:
    response = client.post(
        url(shop.slug),
        json={
            "name": "Ada Shopper",
            "email": "ada@example.com",
            "company": "Ada & Co",
            "items": [{"sku": "Q-1", "quantity": 3}, {"sku": "Q-2", "quantity": 1}],
        },
    )
    assert response.status_code == 201, response.text
    leads = _leads(shop.slug)
    assert len(leads) == 1
    lead = leads[0]
    assert response.json() == {"status": "received"}
    assert (lead.status, lead.source) == ("new", "catalog_quote")
    assert lead.items == [{"sku": "Q-1", "quantity": 3}, {"sku": "Q-2", "quantity": 1}]
    assert lead.company == "Ada & Co"


def test_form_quote_redirects_to_thanks(client, shop) -> None:
    response = client.post(
        url(shop.slug),
        data={
            "name": "Form Person",
            "email": "form@example.com",
            "sku": "Q-1",
            "quantity": "2",
            "locale": "fr_FR",
            "website": "",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/catalog/{shop.slug}/fr-fr/quote/thanks/"
    [lead] = _leads(shop.slug)
    assert lead.items == [{"sku": "Q-1", "quantity": 2}]
    assert lead.locale == "fr_FR"


def test_honeypot_is_accepted_and_dropped(client, shop) -> None:
    body = {
        "name": "Bot",
        "email": "bot@example.com",
        "website": "http://spam.example",
        "items": [{"sku": "Q-1", "quantity": 1}],
    }
    response = client.post(url(shop.slug), json=body)
    assert response.status_code == 201
    assert response.json() == {"status": "received"}  # as for a stored request
    form = client.post(
        url(shop.slug),
        data={"name": "Bot", "email": "bot@example.com", "sku": "Q-1", "website": "x"},
        follow_redirects=False,
    )
    assert form.status_code == 303
    assert _leads(shop.slug) == []


@pytest.mark.parametrize(
    ("body", "path", "code"),
    [
        ({"email": "a@example.com", "items": [{"sku": "Q-1"}]}, "$.name", "required"),
        (
            {"name": "A", "email": "nope", "items": [{"sku": "Q-1"}]},
            "$.email",
            "invalid_email",
        ),
        ({"name": "A", "email": "a@example.com", "items": []}, "$.items", "required"),
        (
            {"name": "A", "email": "a@example.com", "items": [{"sku": "Q-DRAFT"}]},
            "$.items[0].sku",
            "product_not_published",
        ),
        (
            {
                "name": "A",
                "email": "a@example.com",
                "items": [{"sku": "Q-1", "quantity": 0}],
            },
            "$.items[0].quantity",
            "invalid_quantity",
        ),
    ],
)
def test_bad_quotes_are_422_and_store_nothing(client, shop, body, path, code) -> None:
    response = client.post(url(shop.slug), json=body)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [path, code] in [[e["path"], e["code"]] for e in errors]
    assert _leads(shop.slug) == []


def test_unknown_org_malformed_and_oversized_bodies(client, shop) -> None:
    valid = {"name": "A", "email": "a@example.com", "items": [{"sku": "Q-1"}]}
    unknown = client.post(url("no-such-org"), json=valid)
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "organization_not_found"
    malformed = client.post(
        url(shop.slug),
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "malformed_json"
    wrong_type = client.post(
        url(shop.slug), content=b"hello", headers={"content-type": "text/plain"}
    )
    assert wrong_type.status_code == 415
    huge = client.post(url(shop.slug), json={**valid, "message": "x" * 200_000})
    assert huge.status_code == 413
    assert huge.json()["code"] == "body_too_large"
    assert _leads(shop.slug) == []
