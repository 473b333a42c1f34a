"""Behaviour of the static catalog generator, from views in to files out."""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest

from sitegen import urls
from sitegen.model import Price
from sitegen.release import OutputCollisionError, ReleaseWriter
from tests.sitegen.site import (
    BASE_URL,
    SITEMAP_NS,
    TEMPLATES,
    THEMES,
    XHTML_NS,
    all_site_text,
    build,
    make_config,
    make_product,
    page_of,
    read_page,
    site_file,
    sitemap_locs,
)


@pytest.mark.parametrize(
    ("locale", "segment"),
    [
        ("en_US", "en-us"),
        ("fr_FR", "fr-fr"),
        ("de", "de"),
        ("zh_Hant_TW", "zh-hant-tw"),
    ],
)
def test_locale_segment_is_lowercase_with_dashes(locale: str, segment: str) -> None:
    assert urls.locale_segment(locale) == segment


def test_paths_are_root_relative_and_paginated() -> None:
    assert urls.site_root("acme") == "/catalog/acme/"
    assert urls.home_path("acme", "fr_FR") == "/catalog/acme/fr-fr/"
    assert (
        urls.category_path("acme", "en_US", "lamps") == "/catalog/acme/en-us/c/lamps/"
    )
    assert urls.category_path("acme", "en_US", "lamps", 3) == (
        "/catalog/acme/en-us/c/lamps/page/3/"
    )
    assert urls.thanks_path("acme", "en_US") == "/catalog/acme/en-us/quote/thanks/"
    assert urls.product_path("acme", "en_US", "desk-lamp-l-1") == (
        "/catalog/acme/en-us/p/desk-lamp-l-1/"
    )


def test_product_slug_joins_name_and_sku_and_falls_back_to_sku() -> None:
    view = make_product(1, "Desk Lamp", sku="L-1")
    assert urls.product_slug(view, "en_US") == "desk-lamp-l-1"
    nameless = make_product(2, "", sku="L-2")
    assert urls.product_slug(nameless, "en_US") == "l-2"


def test_product_page_per_locale_carries_seo_head(tmp_path: Path) -> None:
    both = make_product(1, "Desk Lamp", amount="49.00")
    english_only = make_product(2, "Floor Lamp", locales=("en_US",))

    build(tmp_path, [both, english_only])

    english = read_page(page_of(tmp_path, both, "en_US"))
    french = read_page(page_of(tmp_path, both, "fr_FR"))
    english_url = f"{BASE_URL}/catalog/acme/en-us/p/desk-lamp-sku-1/"
    french_url = f"{BASE_URL}/catalog/acme/fr-fr/p/desk-lamp-fr-sku-1/"
    assert english.title == "Desk Lamp | Acme"
    assert english.lang == "en-US" and french.lang == "fr-FR"
    assert english.canonical() == english_url
    assert french.canonical() == french_url
    expected = {"en-us": english_url, "fr-fr": french_url, "x-default": english_url}
    assert english.alternates() == expected
    assert french.alternates() == expected
    assert english.meta["description"] == "Summary of Desk Lamp."
    assert english.meta["og:url"] == english_url

    (ld_text,) = english.json_ld
    ld = json.loads(ld_text)
    assert ld["@context"] == "https://schema.org"
    assert ld["@type"] == "Product"
    assert (ld["name"], ld["sku"], ld["url"]) == ("Desk Lamp", "SKU-1", english_url)
    assert ld["gtin13"] == "4006381333931"
    assert ld["brand"] == {"@type": "Brand", "name": "Acme"}
    assert ld["offers"]["@type"] == "Offer"
    assert ld["offers"]["price"] == "49.00"
    assert ld["offers"]["priceCurrency"] == "EUR"
    assert ld["offers"]["availability"] == "https://schema.org/InStock"

    assert page_of(tmp_path, english_only, "en_US").is_file()
    assert not (tmp_path / "catalog/acme/fr-fr/p/floor-lamp-fr-sku-2").exists()
    floor = read_page(page_of(tmp_path, english_only, "en_US"))
    assert set(floor.alternates()) == {"en-us", "x-default"}


def test_product_page_has_a_quote_form_that_needs_no_script(tmp_path: Path) -> None:
    view = make_product(1, "Desk Lamp")

    build(tmp_path, [view])

    page = read_page(page_of(tmp_path, view, "fr_FR"))
    (form,) = page.forms
    assert form["id"] == "quote-form"
    assert form["method"] == "post"
    assert form["action"] == "/api/v1/catalog/acme/quote"
    fields = page.inputs
    assert set(fields) == {
        "sku",
        "locale",
        "page",
        "name",
        "email",
        "company",
        "quantity",
        "message",
        "website",
    }
    assert fields["sku"]["type"] == "hidden" and fields["sku"]["value"] == "SKU-1"
    assert fields["locale"]["value"] == "fr_FR"
    assert "required" in fields["name"] and "required" in fields["email"]
    assert fields["email"]["type"] == "email"
    assert (fields["quantity"]["min"], fields["quantity"]["value"]) == ("1", "1")
    assert fields["website"]["tabindex"] == "-1"
    assert fields["website"]["autocomplete"] == "off"
    html = page_of(tmp_path, view, "fr_FR").read_text()
    assert "Demander un devis" in html


def test_special_characters_keep_sitemap_parseable_and_html_escaped(
    tmp_path: Path,
) -> None:
    view = make_product(1, 'Nuts & <Bolts> "M8"', sku="N&B<8>")

    build(tmp_path, [view])

    locs = sitemap_locs(tmp_path)
    product_url = BASE_URL + urls.product_path(
        "acme", "en_US", urls.product_slug(view, "en_US")
    )
    assert product_url in locs
    html = page_of(tmp_path, view, "en_US").read_text()
    assert "Nuts &amp; &lt;Bolts&gt;" in html
    assert "<Bolts>" not in html
    assert "N&amp;B&lt;8&gt;" in html
    ld = json.loads(read_page(page_of(tmp_path, view, "en_US")).json_ld[0])
    assert ld["name"] == 'Nuts & <Bolts> "M8"'
    assert ld["sku"] == "N&B<8>"


def test_script_in_a_name_is_only_ever_escaped(tmp_path: Path) -> None:
    view = make_product(1, "<script>alert(1)</script>")

    build(tmp_path, [view])

    text = all_site_text(tmp_path)
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    ld_text = read_page(page_of(tmp_path, view, "en_US")).json_ld[0]
    assert "</script" not in ld_text
    assert json.loads(ld_text)["name"] == "<script>alert(1)</script>"


def test_removed_product_leaves_pages_and_sitemap(tmp_path: Path) -> None:
    kept = make_product(1, "Desk Lamp")
    dropped = make_product(2, "Floor Lamp")
    build(tmp_path, [kept, dropped])
    dropped_url = BASE_URL + urls.product_path(
        "acme", "en_US", urls.product_slug(dropped, "en_US")
    )
    assert dropped_url in sitemap_locs(tmp_path)

    report = build(tmp_path, [kept])

    assert report.changed
    for locale in ("en_US", "fr_FR"):
        assert not page_of(tmp_path, dropped, locale).exists()
        assert page_of(tmp_path, kept, locale).is_file()
    assert dropped_url not in sitemap_locs(tmp_path)
    assert report.removed == [
        "en-us/p/floor-lamp-sku-2/index.html",
        "fr-fr/p/floor-lamp-fr-sku-2/index.html",
    ]
    assert "Floor Lamp" not in site_file(tmp_path, "/catalog/acme/en-us/").read_text()


def test_identical_rebuild_changes_nothing(tmp_path: Path) -> None:
    products = [make_product(1, "Desk Lamp"), make_product(2, "Floor Lamp")]
    first = build(tmp_path, products)

    second = build(tmp_path, products)

    assert first.changed and first.written == first.pages
    assert not second.changed
    assert (second.written, second.reused, second.removed) == (0, 0, [])
    assert second.release == first.release
    assert second.pages == first.pages
    assert len(list((tmp_path / ".releases" / "acme").iterdir())) == 2  # + lock


def test_changed_product_rerenders_only_its_pages_and_listings(
    tmp_path: Path,
) -> None:
    lamps = [make_product(n, f"Lamp {n}") for n in (1, 2, 3)]
    tool = make_product(4, "Hammer", categories=("tools",))
    first = build(tmp_path, [*lamps, tool])
    untouched = page_of(tmp_path, lamps[1], "en_US")
    untouched_inode = untouched.stat().st_ino

    repriced = msgspec.structs.replace(
        lamps[0],
        prices=[Price("24.00", "EUR")],
        updated_at=datetime(2024, 6, 1, tzinfo=UTC),
    )
    second = build(tmp_path, [repriced, lamps[1], lamps[2], tool])

    # Per locale: the product page, the home, "lamps" and its parent "lighting";
    # plus the sitemap, whose lastmod moved.
    assert second.changed
    assert second.written == 2 * 4 + 1
    assert second.reused == first.pages - second.written
    assert second.pages == first.pages
    assert "24.00" in page_of(tmp_path, repriced, "fr_FR").read_text()
    assert "24.00" in site_file(tmp_path, "/catalog/acme/en-us/c/lighting/").read_text()
    assert untouched.stat().st_ino == untouched_inode
    tools = site_file(tmp_path, "/catalog/acme/en-us/c/tools/")
    assert "24.00" not in tools.read_text()


def test_template_change_rerenders_the_pages_using_it(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    products = [make_product(1, "Desk Lamp"), make_product(2, "Floor Lamp")]
    build(tmp_path / "out", products, templates=templates)

    product_template = templates / "product.html"
    product_template.write_text(product_template.read_text() + "\n")
    report = build(tmp_path / "out", products, templates=templates)

    assert report.written == 4  # two products in two locales


def test_live_path_is_a_symlink_that_switches_release(tmp_path: Path) -> None:
    live = tmp_path / "catalog" / "acme"
    first = build(tmp_path, [make_product(1, "Desk Lamp")])
    assert live.is_symlink()
    assert live.resolve() == first.release.resolve()
    assert first.release.parent == tmp_path / ".releases" / "acme"

    second = build(tmp_path, [make_product(1, "Desk Lamp", amount="21.00")])
    assert second.release != first.release
    assert live.is_symlink()
    assert live.resolve() == second.release.resolve()
    assert first.release.is_dir()  # the previous release is kept

    third = build(tmp_path, [make_product(1, "Desk Lamp", amount="22.00")])
    assert live.resolve() == third.release.resolve()
    assert second.release.is_dir()
    assert not first.release.exists()


def test_category_paginates_past_page_size(tmp_path: Path) -> None:
    products = [make_product(n, f"Lamp {n:02d}") for n in range(1, 6)]

    build(tmp_path, products, config=make_config(page_size=2))

    first = site_file(tmp_path, "/catalog/acme/en-us/c/lamps/")
    second = site_file(tmp_path, "/catalog/acme/en-us/c/lamps/page/2/")
    third = site_file(tmp_path, "/catalog/acme/en-us/c/lamps/page/3/")
    assert first.is_file() and second.is_file() and third.is_file()
    assert not site_file(tmp_path, "/catalog/acme/en-us/c/lamps/page/4/").exists()
    # The parent lists its descendants' products too.
    assert site_file(tmp_path, "/catalog/acme/en-us/c/lighting/page/3/").is_file()

    links = {
        link["rel"]: link["href"]
        for link in read_page(second).links
        if link.get("rel") in ("prev", "next")
    }
    assert links == {
        "prev": f"{BASE_URL}/catalog/acme/en-us/c/lamps/",
        "next": f"{BASE_URL}/catalog/acme/en-us/c/lamps/page/3/",
    }
    second_html = second.read_text()
    assert "Lamp 03" in second_html and "Lamp 04" in second_html
    assert "Lamp 01" not in second_html and "Lamp 05" not in second_html
    assert f"{BASE_URL}/catalog/acme/en-us/c/lamps/page/2/" in sitemap_locs(tmp_path)


def test_site_has_not_found_page_robots_and_landing(tmp_path: Path) -> None:
    build(tmp_path, [make_product(1, "Desk Lamp")])

    not_found = site_file(tmp_path, "/catalog/acme/404.html")
    assert "Page not found" in not_found.read_text()
    robots = site_file(tmp_path, "/catalog/acme/robots.txt").read_text()
    assert "User-agent: *" in robots
    assert f"Sitemap: {BASE_URL}/catalog/acme/sitemap.xml" in robots
    landing = read_page(site_file(tmp_path, "/catalog/acme/index.html"))
    assert landing.alternates() == {
        "en-us": f"{BASE_URL}/catalog/acme/en-us/",
        "fr-fr": f"{BASE_URL}/catalog/acme/fr-fr/",
        "x-default": f"{BASE_URL}/catalog/acme/en-us/",
    }
    thanks = site_file(tmp_path, "/catalog/acme/fr-fr/quote/thanks/")
    assert "Merci" in thanks.read_text()


def test_sitemap_lists_homes_categories_and_products_with_alternates(
    tmp_path: Path,
) -> None:
    view = make_product(1, "Desk Lamp")
    build(tmp_path, [view])

    tree = ET.parse(site_file(tmp_path, "/catalog/acme/sitemap.xml"))
    entries = {
        url.findtext(f"{SITEMAP_NS}loc"): url for url in tree.iter(f"{SITEMAP_NS}url")
    }
    assert f"{BASE_URL}/catalog/acme/fr-fr/" in entries
    assert f"{BASE_URL}/catalog/acme/en-us/c/tools/" in entries
    product = entries[f"{BASE_URL}/catalog/acme/en-us/p/desk-lamp-sku-1/"]
    assert product.findtext(f"{SITEMAP_NS}lastmod") == "2024-05-01T12:00:00+00:00"
    hreflangs = {
        link.get("hreflang"): link.get("href")
        for link in product.iter(f"{XHTML_NS}link")
    }
    assert hreflangs["fr-fr"] == f"{BASE_URL}/catalog/acme/fr-fr/p/desk-lamp-fr-sku-1/"
    assert set(hreflangs) == {"en-us", "fr-fr", "x-default"}
    assert not any("quote/thanks" in loc for loc in entries)


def test_theme_assets_are_content_hashed_and_linked(tmp_path: Path) -> None:
    view = make_product(1, "Desk Lamp")
    build(tmp_path, [view])

    (stylesheet,) = (tmp_path / "catalog" / "acme" / "static").glob("site.*.css")
    assert stylesheet.read_bytes() == (THEMES / "default/static/site.css").read_bytes()
    href = f"/catalog/acme/static/{stylesheet.name}"
    links = read_page(page_of(tmp_path, view, "en_US")).links
    assert {"rel": "stylesheet", "href": href} in links


def test_theme_template_overrides_the_default(tmp_path: Path) -> None:
    themes = tmp_path / "themes"
    shutil.copytree(THEMES / "default", themes / "default")
    (themes / "default" / "templates").mkdir()
    (themes / "default" / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block content %}Lost in the shop{% endblock %}'
    )

    build(tmp_path / "out", [make_product(1, "Desk Lamp")], themes=themes)

    not_found = tmp_path / "out" / "catalog" / "acme" / "404.html"
    assert "Lost in the shop" in not_found.read_text()


def test_two_products_with_the_same_slug_both_get_pages(tmp_path: Path) -> None:
    first = make_product(1, "Desk Lamp", sku="L-1")
    second = make_product(2, "Desk Lamp", sku="l 1")
    assert urls.product_slug(first, "en_US") == urls.product_slug(second, "en_US")

    build(tmp_path, [first, second])

    older = site_file(tmp_path, "/catalog/acme/en-us/p/desk-lamp-l-1/")
    newer = site_file(tmp_path, "/catalog/acme/en-us/p/desk-lamp-l-1--2/")
    assert "L-1" in older.read_text()
    assert "l 1" in newer.read_text()
    sitemap = (tmp_path / "catalog" / "acme" / "sitemap.xml").read_text()
    assert "/en-us/p/desk-lamp-l-1/<" in sitemap
    assert "/en-us/p/desk-lamp-l-1--2/<" in sitemap


def test_the_writer_refuses_to_write_a_path_twice(tmp_path: Path) -> None:
    writer = ReleaseWriter(tmp_path, previous=None)
    writer.write("en-us/index.html", b"first")
    with pytest.raises(OutputCollisionError, match="already written"):
        writer.write("en-us/index.html", b"second")
    assert (tmp_path / "en-us" / "index.html").read_bytes() == b"first"


def test_missing_theme_is_reported_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="Theme 'neon' of site 'acme'"):
        build(tmp_path, [], config=make_config(theme="neon"))
    assert not os.path.lexists(tmp_path / "catalog" / "acme")


def test_each_locale_has_a_not_found_page_in_its_language(tmp_path: Path) -> None:
    build(tmp_path, [make_product(1, "Desk Lamp")])

    french = site_file(tmp_path, "/catalog/acme/fr-fr/404.html")
    page = read_page(french)
    assert page.lang == "fr-FR"
    assert page.title == "Page introuvable | Acme"
    assert page.meta["robots"] == "noindex"
    assert page.alternates() == {}  # nothing to index, so no alternates
    assert {"class": "back-home", "href": "/catalog/acme/fr-fr/"} in page.anchors
    english = read_page(site_file(tmp_path, "/catalog/acme/en-us/404.html"))
    assert english.lang == "en-US" and english.title == "Page not found | Acme"
    locs = sitemap_locs(tmp_path)
    assert not [loc for loc in locs if "404" in loc]


def _tree(root: Path) -> dict[str, bytes]:
    site = (root / "catalog" / "acme").resolve()
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def test_an_incremental_build_gives_the_tree_a_clean_build_gives(
    tmp_path: Path,
) -> None:
    lamp = make_product(1, "Desk Lamp", locales=("en_US", "fr_FR", "de_DE"))
    hammer = make_product(2, "Hammer", categories=("tools",))
    before = make_config(locales=["en_US", "fr_FR"])
    after = make_config(locales=["de_DE", "en_US"])
    build(tmp_path / "incremental", [lamp, hammer], config=before)

    incremental = build(tmp_path / "incremental", [lamp], config=after)
    build(tmp_path / "clean", [lamp], config=after)

    tree = _tree(tmp_path / "incremental")
    assert tree == _tree(tmp_path / "clean")
    assert "de-de/404.html" in tree and "fr-fr/404.html" not in tree
    assert "fr-fr/404.html" in incremental.removed
