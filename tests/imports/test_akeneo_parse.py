"""Reading an Akeneo CSV export, without a database."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.imports.akeneo import (
    Column,
    RowProblem,
    attribute_body,
    attribute_types_of,
    code_index,
    parse_column,
    plan_columns,
    read_csv,
    read_product_records,
    resolve_parent,
    unescape_newlines,
)
from tests.conftest import SHARED_DATA

ICECAT = SHARED_DATA / "akeneo-icecat-demo-dev"

TYPES = {
    "sku": "identifier",
    "name": "text",
    "description": "textarea",
    "weight": "metric",
    "price": "price_collection",
    "color_scanning": "boolean",
    "functions": "multiselect",
    "zoom": "number",
}


def write(tmp_path: Path, text: str, name: str = "products.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("name", Column("name")),
        ("erp_name-fr_FR", Column("erp_name", locale="fr_FR")),
        ("release_date-ecommerce", Column("release_date", channel="ecommerce")),
        (
            "description-de_DE-ecommerce",
            Column("description", locale="de_DE", channel="ecommerce"),
        ),
        ("price-EUR", Column("price", currency="EUR")),
        (
            "price-fr_FR-print-USD",
            Column("price", locale="fr_FR", channel="print", currency="USD"),
        ),
        ("weight-unit", Column("weight", unit=True)),
        ("weight-print-unit", Column("weight", channel="print", unit=True)),
        ("PACK-products", Column("PACK", association=True)),
        ("X_SELL-product_models", Column("X_SELL", association=True)),
        ("UPSELL-groups", Column("UPSELL", association=True)),
    ],
)
def test_column_names_follow_the_akeneo_grammar(name: str, expected: Column) -> None:
    assert parse_column(name) == expected


def test_a_known_channel_is_not_taken_for_a_locale() -> None:
    assert parse_column("name-web_shop") == Column("name", locale="web_shop")
    assert parse_column("name-web_shop", {"web_shop"}) == Column(
        "name", channel="web_shop"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("description-de_DE-ecommerce-extra", "does not read as"),
        ("description-ecommerce-de_DE", "is not a locale code"),
        ("name--print", "empty part"),
    ],
)
def test_malformed_column_names_are_refused(name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_column(name)


def test_metric_and_price_columns_share_one_value() -> None:
    header = ["sku", "weight", "weight-unit", "price-EUR", "price-USD", "PACK-groups"]
    plan = plan_columns(header, {"sku"})
    weight, price = plan.slots
    assert (weight.value, weight.unit) == ("weight", "weight-unit")
    assert price.prices == {"EUR": "price-EUR", "USD": "price-USD"}
    assert plan.ignored == ["PACK-groups"]


def test_literal_backslash_n_becomes_a_line_break() -> None:
    assert unescape_newlines(r"Fast.\nQuiet.\n") == "Fast.\nQuiet.\n"
    assert unescape_newlines("no breaks") == "no breaks"


def test_rows_know_their_physical_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'sku;name\nA;"two\nlines"\nB;plain\nC\n')
    table = read_csv(path)
    rows = table.rows
    assert (table.header, table.problem) == (["sku", "name"], None)
    assert [(row.number, row.line) for row in rows] == [(1, 2), (2, 4), (3, 5)]
    assert rows[0].cells["name"] == "two\nlines"
    assert rows[2].problem == "has 1 fields where the header has 2"
    assert rows[2].where == "row 3 (line 5)"


def test_a_product_row_becomes_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sku;family;categories;enabled;parent;groups;name;description-en_US-print;"
        "weight;weight-unit;price-EUR;price-USD;color_scanning;functions;zoom;"
        "PACK-products\n"
        "0012;;a,b;0;Model-X;g1;Mug;Line one\\nLine two;500;GRAM;12;;1;"
        "copy, print,scan;;OTHER\n",
    )
    plan, [record] = read_product_records(path, TYPES)
    assert record.problems == []
    assert record.sku == "0012"
    assert record.family is None
    assert record.categories == ["a", "b"]
    assert record.enabled is False
    assert record.parent == "Model-X"
    values = {
        code: [(v.data, v.locale, v.scope) for v in vs]
        for code, vs in record.values.items()
    }
    assert values == {
        "name": [("Mug", None, None)],
        "description": [("Line one\nLine two", "en_US", "print")],
        "weight": [({"amount": "500", "unit": "GRAM"}, None, None)],
        "price": [([{"amount": "12", "currency": "EUR"}], None, None)],
        "color_scanning": [(True, None, None)],
        "functions": [(["copy", "print", "scan"], None, None)],
    }
    assert record.sources[("price", 0)] == "price-EUR"
    assert plan.ignored == ["groups", "PACK-products"]


def test_text_keeps_its_backslashes(tmp_path: Path) -> None:
    path = write(tmp_path, "sku;name\nA;C:\\new\n")
    _, [record] = read_product_records(path, TYPES)
    assert record.values["name"][0].data == "C:\\new"


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ("1;3;;;", "weight", "'3' has no unit; fill the column 'weight-unit'"),
        ("1;;KILOGRAM;;", None, None),
        ("yes;;;;", "enabled", "'yes' is not a boolean"),
        ("1;;;7;", "color", "Attribute 'color' does not exist in the catalog."),
        ("1;;;;2", "price", "A price needs its currency in the column name"),
    ],
)
def test_unreadable_cells_are_problems_of_their_column(
    tmp_path: Path, cells: str, column: str | None, message: str | None
) -> None:
    path = write(tmp_path, f"sku;enabled;weight;weight-unit;color;price\nA;{cells}\n")
    _, [record] = read_product_records(path, TYPES)
    if message is None:
        assert record.problems == []
        assert record.values == {}
    else:
        [(where, text)] = record.problems
        assert where == column
        assert message in text


def test_product_model_rows_take_the_family_of_their_variant(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "code;family_variant;parent;categories;name\n"
        "amor;clothing_color_size;;;Amor\n"
        "amor_red;unknown_variant;amor;;\n",
        "product_models.csv",
    )
    _, [root, sub] = read_product_records(
        path, TYPES, variant_families={"clothing_color_size": "clothing"}
    )
    assert (root.sku, root.family, root.parent) == ("amor", "clothing", None)
    assert sub.parent == "amor"
    assert sub.problems == [
        (
            "family_variant",
            "Family variant 'unknown_variant' is not in family_variants.csv.",
        )
    ]


def test_parents_resolve_regardless_of_case() -> None:
    models = code_index(["model-tshirt-divided-blue", "amor"])
    assert (
        resolve_parent("Model-tshirt-divided-blue", models)
        == "model-tshirt-divided-blue"
    )
    assert resolve_parent("AMOR", models) == "amor"
    assert resolve_parent("nobody", models) is None


def test_attribute_rows_map_to_catalog_attributes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "code;label-en_US;label-fr_FR;type;group;localizable;scopable;unique;"
        "decimals_allowed;negative_allowed;metric_family;default_metric_unit;"
        "number_min;max_characters;validation_rule;validation_regexp;sort_order\n"
        "weight;Weight;Poids;pim_catalog_metric;technical;0;1;0;1;0;Weight;"
        "KILOGRAM;0.5;;;;3\n"
        "grid;Grid;;pim_catalog_table;;0;0;0;;;;;;;;;\n",
        "attributes.csv",
    )
    rows = read_csv(path).rows
    body = attribute_body(rows[0])
    assert (body.code, body.type, body.group, body.sort_order) == (
        "weight",
        "metric",
        "technical",
        3,
    )
    assert body.labels == {"en_US": "Weight", "fr_FR": "Poids"}
    assert (body.localizable, body.scopable, body.unique) == (False, True, False)
    assert body.rules.decimals_allowed is True
    assert body.rules.negative_allowed is False
    assert (body.rules.metric_family, body.rules.default_unit) == ("Weight", "KILOGRAM")
    assert body.rules.min == 0.5
    with pytest.raises(RowProblem, match="'pim_catalog_table' is not supported"):
        attribute_body(rows[1])


@pytest.mark.skipif(
    not ICECAT.is_dir(), reason=f"the Icecat demo export is not at {ICECAT}"
)
def test_the_icecat_demo_export_reads_completely() -> None:
    attribute_rows = read_csv(ICECAT / "attributes.csv").rows
    types = attribute_types_of(attribute_rows)
    channel_rows = read_csv(ICECAT / "channels.csv").rows
    channels = {row.get("code") for row in channel_rows}
    variant_rows = read_csv(ICECAT / "family_variants.csv").rows
    variants = {row.get("code"): row.get("family") for row in variant_rows}

    _, models = read_product_records(
        ICECAT / "product_models.csv",
        types,
        channels=channels,
        variant_families=variants,
    )
    _, products = read_product_records(
        ICECAT / "products.csv", types, channels=channels
    )

    assert len(products) == 1239
    assert len(models) == 81
    assert [r.problems for r in products + models if r.problems] == []
    by_sku = {record.sku: record for record in products}
    assert by_sku["AKNSTK"].family is None
    assert by_sku["13871461"].sku == "13871461"
    index = code_index(model.sku for model in models)
    parents = [record.parent for record in products if record.parent]
    assert len(parents) == 240
    resolved = [resolve_parent(parent, index) for parent in parents]
    assert None not in resolved
    assert sum(parent != code for parent, code in zip(parents, resolved)) == 18
    print_descriptions = [
        value.data
        for record in products
        for value in record.values.get("description", [])
        if value.scope == "print"
    ]
    assert not any("\\n" in text for text in print_descriptions)
    assert sum("\n" in text for text in print_descriptions) == 1275
