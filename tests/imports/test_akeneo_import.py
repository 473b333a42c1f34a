"""The Akeneo icecat demo export, imported, published and rendered end to end."""

from __future__ import annotations

import csv
import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from slugify import slugify
from sqlalchemy import func, select

from api.catalog.models import Channel, Product
from api.database import public_session, tenant_session
from api.imports.akeneo import ImportReport, import_akeneo
from api.jobs import render_site
from api.publishing.service import PublishResult, publish
from api.tenants.service import get_org
from sitegen.urls import locale_segment
from tests.conftest import shared_data


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _data_rows(path: Path) -> int:
    return len(_rows(path))


@dataclass
class Imported:
    folder: Path
    report: ImportReport
    messages: list[str]


@pytest.fixture(scope="module")
def icecat(database) -> Imported:
    folder = shared_data("akeneo-icecat-demo-dev")
    messages: list[str] = []
    report = import_akeneo(folder, "icecat", progress=messages.append)
    return Imported(folder, report, messages)


@pytest.fixture(scope="module")
def icecat_published(icecat) -> PublishResult:
    with tenant_session("icecat") as db:
        result = publish(db, "icecat", ["ecommerce"], strict=False)
    assert render_site("icecat", "ecommerce") is not None
    return result


def test_icecat_export_imports_publishes_and_renders(
    icecat, icecat_published, build_dir
) -> None:
    folder, report, messages = icecat.folder, icecat.report, icecat.messages
    files = {f.file: f for f in report.files}

    # Every row of the product files is accounted for.
    for name in ("products.csv", "product_models.csv"):
        result = files[name]
        assert result.imported + result.rejected == _data_rows(folder / name), name
        if result.rejected:
            assert result.reasons, f"{name} rejected rows without saying why"
    assert files["products.csv"].imported >= 1200
    notes = report.notes + [n for f in report.files for n in f.notes]
    assert any("plain products" in note for note in notes)
    assert messages, "a long import reports progress"

    with tenant_session("icecat") as db:
        stored = db.scalar(select(func.count()).select_from(Product))
        assert (
            stored
            == files["products.csv"].imported + files["product_models.csv"].imported
        )
        aknstk = db.scalar(select(Product).where(Product.sku == "AKNSTK"))
        assert aknstk is not None and aknstk.family_code is None
        channel_locales = list(db.get(Channel, "ecommerce").locales)
    result = icecat_published
    published = set(result.published)
    assert len(published) + len(result.skipped) == stored

    site = build_dir / "catalog" / "icecat"
    for locale in channel_locales:
        pages = list((site / locale_segment(locale) / "p").glob("*/index.html"))
        assert len(pages) == len(published), locale
    urls = ET.parse(site / "sitemap.xml").getroot()
    assert len(urls) >= len(published) * len(channel_locales)


MODEL_FIELDS = {"code", "family_variant", "parent", "categories"}


def _attributes_in(row: dict[str, str]) -> set[str]:
    """The attributes an export row holds a value of."""
    return {
        column.split("-")[0]
        for column, cell in row.items()
        if cell.strip() and column not in MODEL_FIELDS
    }


def _has_english(row: dict[str, str], attribute: str) -> bool:
    """Whether an export row holds an English (or unlocalized) ``attribute``."""
    for column, cell in row.items():
        name, *qualifiers = column.split("-")
        locale = qualifiers[0] if qualifiers and "_" in qualifiers[0] else None
        if name == attribute and cell.strip() and locale in (None, "en_US"):
            return True
    return False


@dataclass
class Variant:
    row: dict[str, str]
    ancestors: list[dict[str, str]]  # its model, then that model's parent


def _variants(folder: Path) -> list[Variant]:
    """Products of the export with a parent model, matched regardless of case."""
    models = {r["code"].lower(): r for r in _rows(folder / "product_models.csv")}
    found = []
    for row in _rows(folder / "products.csv"):
        if not row["parent"]:
            continue
        model = models[row["parent"].lower()]
        root = models.get(model["parent"].lower()) if model["parent"] else None
        found.append(Variant(row, [model, root] if root else [model]))
    return found


def test_variants_hold_the_values_of_their_models(icecat) -> None:
    folder = icecat.folder
    families = {
        r["code"]: set(r["attributes"].split(","))
        for r in _rows(folder / "families.csv")
    }
    unique = {r["code"] for r in _rows(folder / "attributes.csv") if r["unique"] == "1"}
    variants = _variants(folder)
    assert sum(1 for v in variants if v.row["parent"] != v.ancestors[0]["code"]) > 0
    with tenant_session("icecat") as db:
        stored = {
            sku: set(attributes)
            for sku, attributes in db.execute(select(Product.sku, Product.attributes))
        }
    for variant in variants:
        inherited = set().union(*(_attributes_in(a) for a in variant.ancestors))
        expected = (inherited & families[variant.row["family"]]) - unique
        missing = expected - stored[variant.row["sku"]]
        assert not missing, f"{variant.row['sku']} lacks {sorted(missing)}"


def test_no_variant_page_lacks_a_name_its_models_hold(
    icecat, icecat_published, build_dir
) -> None:
    folder = icecat.folder
    labels = {
        r["code"]: r["attribute_as_label"] for r in _rows(folder / "families.csv")
    }
    published = set(icecat_published.published) | set(icecat_published.unchanged)
    pages = build_dir / "catalog" / "icecat" / "en-us" / "p"
    checked = 0
    for variant in _variants(folder):
        sku = variant.row["sku"]
        names = {labels[variant.row["family"]], "name"}
        if sku not in published or not any(
            _has_english(ancestor, name)
            for ancestor in variant.ancestors
            for name in names
        ):
            continue
        [page] = pages.glob(f"*{slugify(sku)}/index.html")
        heading = re.search(r"<h1>(.*?)</h1>", page.read_text(), re.DOTALL)
        assert heading and html.unescape(heading.group(1)).strip() != sku, page
        checked += 1
    assert checked >= 200


def test_the_import_names_the_organisation_it_creates(icecat) -> None:
    with public_session() as db:
        assert get_org(db, "icecat").name == "Icecat"
