"""Variants take the values of their product models at import."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select

from api.catalog.models import Product
from api.database import tenant_session
from api.imports.akeneo import import_akeneo

FILES = {
    "attributes.csv": (
        "code;type;localizable;scopable;unique\n"
        "sku;pim_catalog_identifier;0;0;1\n"
        "name;pim_catalog_text;0;0;0\n"
        "color;pim_catalog_text;0;0;0\n"
        "size;pim_catalog_text;0;0;0\n"
        "ean;pim_catalog_text;0;0;1\n"
        "notes;pim_catalog_text;0;0;0\n"
    ),
    "families.csv": (
        "code;label-en_US;attributes;attribute_as_label\n"
        "jackets;Jackets;sku,name,color,size,ean;name\n"
        "other;Other;sku,name,notes;name\n"
    ),
    "family_variants.csv": "code;family\njackets_by_color_size;jackets\n",
    # The sub-model and the variants spell their parent in another case.
    "product_models.csv": (
        "code;family_variant;parent;name;color;size;ean\n"
        "Model-Jacket;jackets_by_color_size;;Heritage jacket;navy;M;4000000000001\n"
        "jacket-red;jackets_by_color_size;model-jacket;;red;;\n"
        "lonely;jackets_by_color_size;;;;;\n"
    ),
    "products.csv": (
        "sku;family;parent;enabled;name;color;size;ean\n"
        "JACKET-RED-S;jackets;JACKET-RED;1;;;S;4000000000002\n"
        "JACKET-PLAIN;jackets;Model-Jacket;1;;;;\n"
        "JACKET-OWN;jackets;jacket-red;1;Own name;;;\n"
        "LONELY-1;jackets;LONELY;1;;;;\n"
        "ODD-1;other;jacket-red;1;;;;\n"
    ),
}


def _values(org: str) -> dict[str, dict[str, object]]:
    with tenant_session(org) as db:
        return {
            sku: {code: entries[0]["data"] for code, entries in attributes.items()}
            for sku, attributes in db.execute(select(Product.sku, Product.attributes))
        }


def test_variants_take_their_models_values_nearest_first(database, tmp_path: Path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    org = f"v{uuid.uuid4().hex[:10]}"
    report = import_akeneo(tmp_path, org)
    files = {f.file: f for f in report.files}
    assert (files["product_models.csv"].imported, files["products.csv"].imported) == (
        3,
        5,
    ), [f.reasons for f in report.files]

    values = _values(org)
    assert values["jacket-red"] == {
        "name": "Heritage jacket",
        "color": "red",
        "size": "M",
    }
    assert values["JACKET-RED-S"] == {
        "name": "Heritage jacket",
        "color": "red",
        "size": "S",
        "ean": "4000000000002",
    }
    assert values["JACKET-PLAIN"] == {
        "name": "Heritage jacket",
        "color": "navy",
        "size": "M",
    }
    assert values["JACKET-OWN"] == {"name": "Own name", "color": "red", "size": "M"}
    assert values["LONELY-1"] == {}
    # Only what the variant's own family holds, and never a unique value.
    assert values["ODD-1"] == {"name": "Heritage jacket"}
