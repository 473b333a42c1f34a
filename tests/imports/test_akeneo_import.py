"""The Akeneo icecat demo export, imported, published and rendered end to end."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

from sqlalchemy import func, select

from api.catalog.models import Channel, Product
from api.database import tenant_session
from api.imports.akeneo import import_akeneo
from api.jobs import render_site
from api.publishing.service import publish
from sitegen.urls import locale_segment
from tests.conftest import shared_data


def _data_rows(path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle, delimiter=";"))


def test_icecat_export_imports_publishes_and_renders(database, build_dir) -> None:
    folder = shared_data("akeneo-icecat-demo-dev")
    messages: list[str] = []
    report = import_akeneo(folder, "icecat", progress=messages.append)
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
        result = publish(db, "icecat", ["ecommerce"], strict=False)
        channel_locales = list(db.get(Channel, "ecommerce").locales)
    published = set(result.published)
    assert len(published) + len(result.skipped) == stored

    report = render_site("icecat", "ecommerce")
    assert report is not None
    site = build_dir / "catalog" / "icecat"
    for locale in channel_locales:
        pages = list((site / locale_segment(locale) / "p").glob("*/index.html"))
        assert len(pages) == len(published), locale
    urls = ET.parse(site / "sitemap.xml").getroot()
    assert len(urls) >= len(published) * len(channel_locales)
