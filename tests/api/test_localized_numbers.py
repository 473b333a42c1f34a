"""Published pages write prices and measurements as each locale reads them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.catalog import product, setup_catalog

NBSP = "\u00a0"


def spec_value(html: str, code: str) -> str:
    """The value cell of one row of a product page's specification table."""
    row = re.search(rf'<tr data-code="{code}">.*?<td>(.*?)</td>', html)
    assert row is not None, f"no specification row {code!r}"
    return row.group(1)


@pytest.fixture
def lamp_shop(client, org):
    setup_catalog(client, org.headers)
    for body in (
        {
            "code": "weight_kg",
            "type": "number",
            "labels": {"en_US": "Weight (kg)", "fr_FR": "Poids (kg)"},
            "rules": {"decimals_allowed": True},
        },
        {
            "code": "cord_length",
            "type": "metric",
            "labels": {"en_US": "Cord length", "fr_FR": "Longueur du cordon"},
            "rules": {"decimals_allowed": True, "metric_family": "Length"},
        },
    ):
        response = client.post("/api/v1/pim/attributes", json=body, headers=org.headers)
        assert response.status_code == 201, response.text
    family = {
        "code": "lamps",
        "attributes": ["name", "price", "weight_kg", "cord_length"],
        "attribute_as_label": "name",
    }
    response = client.post("/api/v1/pim/families", json=family, headers=org.headers)
    assert response.status_code == 201, response.text
    return org


@pytest.mark.parametrize(
    ("segment", "price", "weight", "cord"),
    [
        ("en-us", "€64.90", "2.9", "1.25 meter"),
        ("fr-fr", f"64,90{NBSP}€", "2,9", "1,25 meter"),
    ],
)
def test_published_page_writes_numbers_for_its_locale(
    client,
    lamp_shop,
    drain,
    build_dir: Path,
    segment: str,
    price: str,
    weight: str,
    cord: str,
) -> None:
    body = product("NUM-1", name="Desk lamp", family="lamps")
    body["values"] = {
        "name": body["values"]["name"],
        "price": [{"data": [{"amount": "64.9", "currency": "EUR"}]}],
        "weight_kg": [{"data": "2.9"}],
        "cord_length": [{"data": {"amount": "1.25", "unit": "METER"}}],
    }
    created = client.post("/api/v1/pim/products", json=body, headers=lamp_shop.headers)
    assert created.status_code == 201, created.text
    published = client.post(
        "/api/v1/pim/products/NUM-1/publish",
        json={"channels": ["web"]},
        headers=lamp_shop.headers,
    )
    assert published.status_code == 200, published.text
    drain()

    site = build_dir / "catalog" / lamp_shop.slug
    (page,) = (site / segment / "p").glob("*-num-1/index.html")
    html = page.read_text()
    assert f'<data value="64.90">{price}</data>' in html
    assert spec_value(html, "weight_kg") == weight
    assert spec_value(html, "cord_length") == cord
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)
    assert json.loads(ld.group(1))["offers"]["price"] == "64.90"
    home = (site / segment / "index.html").read_text()
    assert f'<span class="price">{price}</span>' in home
