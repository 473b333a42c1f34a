"""A small catalog set up through the public API, shared by the API tests."""

from __future__ import annotations

from typing import Any

ATTRIBUTES: list[dict[str, Any]] = [
    {"code": "name", "type": "text", "localizable": True, "labels": {"en_US": "Name"}},
    {"code": "description", "type": "textarea", "localizable": True},
    {"code": "price", "type": "price_collection"},
    {
        "code": "color",
        "type": "simpleselect",
        "labels": {"en_US": "Colour", "fr_FR": "Couleur"},
        "options": [
            {"code": "oak", "labels": {"en_US": "Oak", "fr_FR": "Chêne"}},
            {"code": "black", "labels": {"en_US": "Black", "fr_FR": "Noir"}},
        ],
    },
    {"code": "seats", "type": "number", "rules": {"min": 1, "max": 12}},
    {"code": "outdoor", "type": "boolean"},
]

FAMILY = {
    "code": "chairs",
    "labels": {"en_US": "Chairs"},
    "attributes": ["name", "description", "price", "color", "seats", "outdoor"],
    "attribute_as_label": "name",
    "requirements": {"web": ["name", "price"]},
}

CATEGORIES = [
    {"code": "furniture", "labels": {"en_US": "Furniture", "fr_FR": "Meubles"}},
    {"code": "seating", "parent": "furniture", "labels": {"en_US": "Seating"}},
    {"code": "lighting", "labels": {"en_US": "Lighting", "fr_FR": "Éclairage"}},
]


def setup_catalog(client, headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/pim/channels",
        json={
            "code": "web",
            "locales": ["en_US", "fr_FR"],
            "currencies": ["EUR", "USD"],
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text  # "web" is seeded
    for body in ATTRIBUTES:
        response = client.post("/api/v1/pim/attributes", json=body, headers=headers)
        assert response.status_code == 201, response.text
    response = client.post("/api/v1/pim/families", json=FAMILY, headers=headers)
    assert response.status_code == 201, response.text
    for body in CATEGORIES:
        response = client.post("/api/v1/pim/categories", json=body, headers=headers)
        assert response.status_code == 201, response.text


def product(sku: str, name: str = "Oak chair", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sku": sku,
        "family": "chairs",
        "categories": ["seating"],
        "values": {
            "name": [
                {"locale": "en_US", "data": name},
                {"locale": "fr_FR", "data": f"{name} (fr)"},
            ],
            "description": [
                {"locale": "en_US", "data": "A **solid** chair.\n\n- oiled\n- sturdy"}
            ],
            "price": [{"data": [{"amount": "129.5", "currency": "EUR"}]}],
            "color": [{"data": "oak"}],
            "seats": [{"data": 1}],
        },
    }
    body.update(extra)
    return body
