"""``pim demo`` run again, on another port, and the catalog loader under it."""

from __future__ import annotations

import copy
import re

import pytest
from sqlalchemy import select

from api.catalog.models import Product
from api.database import public_session, tenant_session
from api.demo.loader import demo_catalog, load_catalog
from api.tenants.service import get_org
from tests.cli.conftest import canonical_of
from tests.conftest import make_org


@pytest.fixture
def settings_follow_env():
    from api.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _demo_page_canonical(build_dir) -> str:
    page = next((build_dir / "catalog" / "demo" / "en-us" / "p").glob("*/index.html"))
    return canonical_of(page)


def _demo_site_settings() -> dict:
    with public_session() as db:
        return dict(get_org(db, "demo").settings.get("site") or {})


def test_a_second_demo_reports_its_products_as_unchanged(run, database):
    first = run("demo", "--no-serve")
    assert first.code == 0, first.err
    products = len(demo_catalog()["products"])

    again = run("demo", "--no-serve")
    assert again.code == 0, again.err
    assert f"products: 0 created, 0 updated, {products} unchanged" in again.err
    assert "0 new or changed" in again.err


def test_demo_pages_point_at_the_port_it_serves(
    run, database, build_dir, monkeypatch, settings_follow_env
):
    monkeypatch.delenv("PIM_PUBLIC_BASE_URL", raising=False)
    done = run("demo", "--no-serve", "--port", "8765")
    assert done.code == 0, done.err
    assert re.search(
        r"^Catalog:  http://127\.0\.0\.1:8765/catalog/demo/$", done.out, re.MULTILINE
    )
    assert _demo_site_settings()["base_url"] == "http://127.0.0.1:8765"
    assert _demo_page_canonical(build_dir).startswith("http://127.0.0.1:8765/")

    # A later build without the variable keeps the demo's address.
    from api.settings import get_settings

    monkeypatch.delenv("PIM_PUBLIC_BASE_URL", raising=False)
    get_settings.cache_clear()
    assert run("build", "--org", "demo").code == 0
    assert _demo_page_canonical(build_dir).startswith("http://127.0.0.1:8765/")


def test_a_configured_public_address_wins_over_the_demo_port(
    run, database, build_dir, monkeypatch, settings_follow_env
):
    monkeypatch.setenv("PIM_PUBLIC_BASE_URL", "https://demo.example")
    done = run("demo", "--no-serve", "--port", "8766")
    assert done.code == 0, done.err
    assert "base_url" not in _demo_site_settings()
    assert _demo_page_canonical(build_dir).startswith("https://demo.example/")


def test_loading_the_same_catalog_again_updates_nothing(database):
    org = make_org()
    catalog = demo_catalog()
    catalog.pop("organization")
    products = len(catalog["products"])
    first = load_catalog(org.slug, catalog)
    assert (first["products_created"], first["products_updated"]) == (products, 0)
    with tenant_session(org.slug) as db:
        stamps = dict(db.execute(select(Product.sku, Product.updated_at)).all())

    changed = copy.deepcopy(catalog)
    edited = changed["products"][0]
    edited["values"]["name"] = [{"locale": "en_US", "data": "Renamed for the test"}]
    second = load_catalog(org.slug, changed)
    assert (
        second["products_created"],
        second["products_updated"],
        second["products_unchanged"],
    ) == (0, 1, products - 1)
    with tenant_session(org.slug) as db:
        after = dict(db.execute(select(Product.sku, Product.updated_at)).all())
    moved = {sku for sku in stamps if after[sku] != stamps[sku]}
    assert moved == {edited["sku"]}

    third = load_catalog(org.slug, changed)
    assert (third["products_updated"], third["products_unchanged"]) == (0, products)


def test_demo_ready_line_counts_what_the_web_channel_shows(run, client, database):
    from sqlalchemy import func

    from api.publishing.models import ChannelView

    assert run("demo", "--no-serve").code == 0
    token = run("token", "create", "--org", "demo", "--email", "extra@example.com")
    headers = {"Authorization": f"Bearer {token.out.strip()}"}
    shown = client.get("/api/v1/pim/products/AN-KIT-001", headers=headers).json()
    extra = {key: shown[key] for key in ("family", "categories", "values")}
    created = client.post(
        "/api/v1/pim/products", json={"sku": "EXTRA-1", **extra}, headers=headers
    )
    assert created.status_code == 201, created.text

    done = run("demo", "--no-serve")
    assert done.code == 0, done.err
    with tenant_session("demo") as db:
        live = db.scalar(
            select(func.count())
            .select_from(ChannelView)
            .where(ChannelView.channel_code == "web")
        )
    assert live == len(demo_catalog()["products"]) + 1
    assert f": {live} products published to web\n" in done.out
