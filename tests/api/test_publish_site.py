"""Publishing renders the static catalog; unpublishing takes pages away."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import psycopg
import pytest

from tests.catalog import product, setup_catalog

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def shop(client, org):
    setup_catalog(client, org.headers)
    return org


def _publish(client, shop, sku: str, action: str = "publish") -> dict:
    response = client.post(
        f"/api/v1/pim/products/{sku}/{action}",
        json={"channels": ["web"]},
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _site(build_dir: Path, slug: str) -> Path:
    return build_dir / "catalog" / slug


def _product_pages(site: Path, sku: str) -> list[Path]:
    slug = sku.lower()
    return sorted(
        p for p in site.glob("*/p/*/index.html") if p.parent.name.endswith(slug)
    )


def _json_ld(html: str) -> list[dict]:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.DOTALL
    )
    return [json.loads(block) for block in blocks]


def _sitemap_urls(site: Path) -> list[str]:
    tree = ET.parse(site / "sitemap.xml")  # raises if not well-formed
    return [loc.text or "" for loc in tree.getroot().findall("s:url/s:loc", SITEMAP_NS)]


def test_publish_renders_pages_with_valid_json_ld(client, shop, drain, build_dir):
    client.post("/api/v1/pim/products", json=product("PUB-1"), headers=shop.headers)
    result = _publish(client, shop, "PUB-1")
    assert result["published"] == ["PUB-1"]
    assert result["render_queued"] is True
    site = _site(build_dir, shop.slug)
    assert not site.exists()  # nothing renders until the worker runs
    drain()

    pages = _product_pages(site, "PUB-1")
    assert [p.relative_to(site).parts[0] for p in pages] == ["en-us", "fr-fr"]
    html = pages[0].read_text()
    assert "<title>" in html and "Oak chair" in html
    assert re.search(r'<meta name="description" content="[^"]+"', html)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    assert canonical.startswith("http") and canonical.endswith("/")
    assert 'hreflang="fr-fr"' in html
    assert "<strong>solid</strong>" in html  # markdown rendered
    products = [b for b in _json_ld(html) if b.get("@type") == "Product"]
    assert len(products) == 1
    offers = products[0]["offers"]
    offer = offers[0] if isinstance(offers, list) else offers
    assert offer["@type"] == "Offer"
    assert offer["price"] in ("129.50", 129.5)
    assert offer["priceCurrency"] == "EUR"
    assert offer["availability"] == "https://schema.org/InStock"
    assert products[0]["sku"] == "PUB-1"
    assert any(url == canonical for url in _sitemap_urls(site))

    form = re.search(r"<form[^>]*id=\"quote-form\"[^>]*>", html).group(0)
    assert 'method="post"' in form
    assert f"/api/v1/catalog/{shop.slug}/quote" in form

    served = client.get(canonical.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert served.status_code == 200
    assert "PUB-1" in served.text


def test_unpublish_removes_page_and_sitemap_entry(client, shop, drain, build_dir):
    for sku in ("KEEP-1", "DROP-1"):
        client.post("/api/v1/pim/products", json=product(sku), headers=shop.headers)
        _publish(client, shop, sku)
    drain()
    site = _site(build_dir, shop.slug)
    dropped = _product_pages(site, "DROP-1")
    assert dropped
    urls_before = _sitemap_urls(site)
    assert any("drop-1" in u for u in urls_before)

    result = _publish(client, shop, "DROP-1", "unpublish")
    assert result["unpublished"] == ["DROP-1"]
    drain()
    site = _site(build_dir, shop.slug)
    assert _product_pages(site, "DROP-1") == []
    assert _product_pages(site, "KEEP-1")
    urls = _sitemap_urls(site)
    assert not any("drop-1" in u for u in urls)
    assert any("keep-1" in u for u in urls)
    gone = client.get(f"/catalog/{shop.slug}/en-us/p/{dropped[0].parent.name}/")
    assert gone.status_code == 404


def test_hostile_description_renders_inert(client, shop, drain, build_dir):
    body = product("XSS-1", name="<script>alert('name')</script>")
    body["values"]["description"] = [
        {
            "locale": "en_US",
            "data": "Nice <script>alert('x')</script> chair "
            '<img src=x onerror="alert(1)"> [link](javascript:alert(2))',
        }
    ]
    assert (
        client.post("/api/v1/pim/products", json=body, headers=shop.headers).status_code
        == 201
    )
    _publish(client, shop, "XSS-1")
    drain()
    html = _product_pages(_site(build_dir, shop.slug), "XSS-1")[0].read_text()
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "javascript:alert" not in html
    assert "&lt;script&gt;alert(&#39;name&#39;)" in html or "&lt;script&gt;" in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert all("application/ld+json" in s for s in scripts)


def test_ampersand_keeps_sitemap_well_formed(client, shop, drain, build_dir):
    body = product("AMP-1", name="Salt & Pepper <Mill>")
    client.post("/api/v1/pim/products", json=body, headers=shop.headers)
    _publish(client, shop, "AMP-1")
    drain()
    site = _site(build_dir, shop.slug)
    urls = _sitemap_urls(site)  # parses, so the XML is well-formed
    assert any("amp-1" in u for u in urls)
    html = _product_pages(site, "AMP-1")[0].read_text()
    assert "Salt &amp; Pepper &lt;Mill&gt;" in html


def test_site_is_served_with_real_404s(client, shop, drain, build_dir):
    client.post("/api/v1/pim/products", json=product("SRV-1"), headers=shop.headers)
    _publish(client, shop, "SRV-1")
    drain()
    home = client.get(f"/catalog/{shop.slug}/")
    assert home.status_code == 200
    assert "text/html" in home.headers["content-type"]
    sitemap = client.get(f"/catalog/{shop.slug}/sitemap.xml")
    assert sitemap.status_code == 200
    assert "xml" in sitemap.headers["content-type"]
    robots = client.get(f"/catalog/{shop.slug}/robots.txt")
    assert "Sitemap:" in robots.text
    missing = client.get(f"/catalog/{shop.slug}/en-us/p/no-such-product/")
    assert missing.status_code == 404
    assert missing.text == (_site(build_dir, shop.slug) / "404.html").read_text()
    escape = client.get(f"/catalog/{shop.slug}/..%2F..%2Fetc/passwd")
    assert escape.status_code == 404
    assert client.get("/catalog/no-such-org/").status_code == 404
    # The build's bookkeeping stays private.
    assert (_site(build_dir, shop.slug) / ".manifest.json").is_file()
    assert client.get(f"/catalog/{shop.slug}/.manifest.json").status_code == 404


def test_unchanged_republish_renders_nothing(client, shop, drain, build_dir):
    client.post("/api/v1/pim/products", json=product("SAME-1"), headers=shop.headers)
    _publish(client, shop, "SAME-1")
    drain()
    again = _publish(client, shop, "SAME-1")
    assert again["published"] == []
    assert again["unchanged"] == ["SAME-1"]
    assert again["render_queued"] is False


def test_bulk_publish_all_and_disabled_products(client, shop, drain, build_dir):
    for sku in ("BULK-1", "BULK-2"):
        client.post("/api/v1/pim/products", json=product(sku), headers=shop.headers)
    client.post(
        "/api/v1/pim/products",
        json=product("BULK-OFF", enabled=False),
        headers=shop.headers,
    )
    single = client.post(
        "/api/v1/pim/products/BULK-OFF/publish",
        json={"channels": ["web"]},
        headers=shop.headers,
    )
    assert single.status_code == 409
    assert single.json()["code"] == "product_disabled"
    bad = client.post(
        "/api/v1/pim/publish",
        json={"channels": ["nowhere"], "all": True},
        headers=shop.headers,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "$.channels[0]"
    result = client.post(
        "/api/v1/pim/publish",
        json={"channels": ["web"], "all": True},
        headers=shop.headers,
    ).json()
    assert sorted(result["published"]) == ["BULK-1", "BULK-2"]
    assert result["skipped"] == {"BULK-OFF": "product_disabled"}
    listed = client.get("/api/v1/pim/products/BULK-1", headers=shop.headers).json()
    assert "web" in listed["published"]


def _queued_renders(slug: str) -> int:
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT count(*) FROM procrastinate_jobs"
            " WHERE status = 'todo' AND args->>'org' = %s",
            (slug,),
        ).fetchone()
    return row[0]


def test_unpublishing_what_was_never_published_changes_nothing(
    client, shop, drain
) -> None:
    for sku in ("NEVER-1", "ONCE-1"):
        client.post("/api/v1/pim/products", json=product(sku), headers=shop.headers)
    drain()
    single = _publish(client, shop, "NEVER-1", "unpublish")
    assert single["unpublished"] == []
    assert single["not_published"] == ["NEVER-1"]
    assert single["render_queued"] is False
    assert _queued_renders(shop.slug) == 0

    _publish(client, shop, "ONCE-1")
    drain()
    bulk = client.post(
        "/api/v1/pim/publish",
        json={
            "channels": ["web"],
            "skus": ["ONCE-1", "NEVER-1", "NOPE"],
            "unpublish": True,
        },
        headers=shop.headers,
    ).json()
    assert bulk["unpublished"] == ["ONCE-1"]
    assert bulk["not_published"] == ["NEVER-1"]
    assert bulk["skipped"] == {"NOPE": "product_not_found"}
    assert bulk["render_queued"] is True
    assert _queued_renders(shop.slug) == 1


def test_bulk_publish_caps_the_sku_list(client, shop) -> None:
    skus = [f"S-{i}" for i in range(70_000)]
    for unpublish in (False, True):
        response = client.post(
            "/api/v1/pim/publish",
            json={"channels": ["web"], "skus": skus, "unpublish": unpublish},
            headers=shop.headers,
        )
        assert response.status_code == 422, response.text
        error = response.json()["errors"][0]
        assert error["path"] == "$.skus"
        assert error["code"] == "too_many_items"
        assert error["message"] == (
            "70000 SKUs in one request; at most 10000 are taken. Send them in "
            'batches, or publish every product with "all": true.'
        )


def test_bulk_publish_at_the_cap_skips_unknown_skus(client, shop) -> None:
    client.post("/api/v1/pim/products", json=product("CAP-1"), headers=shop.headers)
    skus = ["CAP-1"] + [f"GONE-{i}" for i in range(9_999)]
    result = client.post(
        "/api/v1/pim/publish",
        json={"channels": ["web"], "skus": skus},
        headers=shop.headers,
    ).json()
    assert result["published"] == ["CAP-1"]
    assert len(result["skipped"]) == 9_999
