"""Inputs that slug alike still get a page each, at a URL that stays put."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sitegen import slugs, urls
from sitegen.model import CategoryView
from sitegen.release import read_manifest
from tests.sitegen.site import (
    BASE_URL,
    build,
    make_config,
    make_product,
    read_page,
    site_file,
    sitemap_locs,
)


def product_dirs(root: Path, locale_segment: str = "en-us") -> dict[str, str]:
    """Slug -> the SKU its page shows, for every product page of a locale."""
    found = {}
    for page in (root / "catalog" / "acme" / locale_segment / "p").iterdir():
        ld = read_page(page / "index.html").json_ld[0]
        found[page.name] = ld.split('"sku":"', 1)[1].split('"', 1)[0]
    return found


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["lamps"], {"lamps": "lamps"}),
        (["Cookware"], {"Cookware": "cookware"}),
        (
            ["Cookware", "cookware"],
            {"Cookware": "cookware--c6f6afb2", "cookware": "cookware"},
        ),
        (
            ["cookware", "Cookware"],
            {"Cookware": "cookware--c6f6afb2", "cookware": "cookware"},
        ),
        (
            ["Cook Ware", "cook_ware"],
            {"Cook Ware": "cook-ware--f4d55e84", "cook_ware": "cook-ware--40984867"},
        ),
        (["!!!", "***"], {"!!!": "category--3894b0d5", "***": "category--3f709783"}),
        (["!!!"], {"!!!": "category--3894b0d5"}),
    ],
)
def test_category_slugs_are_unique_and_stable(
    codes: list[str], expected: dict[str, str]
) -> None:
    assert slugs.category_slugs(codes) == expected


def test_categories_differing_only_in_case_each_get_their_pages(
    tmp_path: Path,
) -> None:
    categories = [
        CategoryView("Cookware", None, {"en_US": "Pots and pans"}),
        CategoryView("cookware", None, {"en_US": "Cookware"}),
        CategoryView("???", None, {"en_US": "Odds and ends"}),
    ]
    pan = make_product(1, "Pan", categories=("Cookware",))
    pot = make_product(2, "Pot", categories=("cookware",))
    odd = make_product(3, "Odd", categories=("???",))

    build(tmp_path, [pan, pot, odd], categories=categories)

    pans = site_file(tmp_path, "/catalog/acme/en-us/c/cookware--c6f6afb2/")
    pots = site_file(tmp_path, "/catalog/acme/en-us/c/cookware/")
    odds = site_file(tmp_path, "/catalog/acme/en-us/c/category--32e84994/")
    assert "<h1>Pots and pans</h1>" in pans.read_text()
    assert "<h1>Cookware</h1>" in pots.read_text()
    assert "<h1>Odds and ends</h1>" in odds.read_text()
    assert ">Pan<" in pans.read_text() and ">Pot<" not in pans.read_text()
    assert ">Pot<" in pots.read_text() and ">Pan<" not in pots.read_text()
    home = site_file(tmp_path, "/catalog/acme/en-us/").read_text()
    for href in ("c/cookware--c6f6afb2/", "c/cookware/", "c/category--32e84994/"):
        assert f'href="/catalog/acme/en-us/{href}"' in home
    assert f"{BASE_URL}/catalog/acme/fr-fr/c/cookware--c6f6afb2/" in sitemap_locs(
        tmp_path
    )


def test_skus_that_slug_alike_each_get_a_page(tmp_path: Path) -> None:
    views = [
        make_product(56, "Nn", sku="col-x"),
        make_product(57, "Nn", sku="col-x-58"),
        make_product(58, "Nn", sku="COL-X"),
    ]

    build(tmp_path, views)

    assert product_dirs(tmp_path) == {
        "nn-col-x": "col-x",
        "nn-col-x-58": "col-x-58",
        "nn-col-x--58": "COL-X",
    }
    for slug in ("nn-col-x", "nn-col-x-58", "nn-col-x--58"):
        assert f"{BASE_URL}/catalog/acme/en-us/p/{slug}/" in sitemap_locs(tmp_path)


def test_a_product_keeps_its_slug_when_a_clashing_one_is_published(
    tmp_path: Path,
) -> None:
    newer = make_product(58, "Nn", sku="COL-X")
    older = make_product(56, "Nn", sku="col-x")
    other = make_product(57, "Nn", sku="col-x-58")

    build(tmp_path, [newer])
    assert product_dirs(tmp_path) == {"nn-col-x": "COL-X"}

    build(tmp_path, [newer, older])
    assert product_dirs(tmp_path) == {"nn-col-x": "COL-X", "nn-col-x--56": "col-x"}

    build(tmp_path, [newer, older, other])
    assert product_dirs(tmp_path) == {
        "nn-col-x": "COL-X",
        "nn-col-x--56": "col-x",
        "nn-col-x-58": "col-x-58",
    }

    build(tmp_path, [older, other])  # the plain slug's holder is unpublished
    assert product_dirs(tmp_path) == {
        "nn-col-x--56": "col-x",
        "nn-col-x-58": "col-x-58",
    }
    live = (tmp_path / "catalog" / "acme").resolve()
    assert read_manifest(live).slugs["en_US"] == {56: "nn-col-x--56", 57: "nn-col-x-58"}


def test_renamed_product_moves_to_its_new_name() -> None:
    lamp = make_product(7, "Desk Lamp", sku="L-7")
    remembered = {7: "floor-lamp-l-7"}

    assert slugs.product_slugs([lamp], "en_US", remembered) == {7: "desk-lamp-l-7"}


def test_long_skus_still_fit_a_file_name(tmp_path: Path) -> None:
    first = make_product(1, "Lamp " * 30, sku="A" * 250 + "1")
    second = make_product(2, "Lamp " * 30, sku="A" * 250 + "2")

    build(tmp_path, [first, second])

    names = sorted(product_dirs(tmp_path))
    assert len(names) == 2
    assert all(len(name.encode()) <= 255 for name in names)
    assert names[1] == names[0] + "--2"


def test_locales_differing_only_in_case_share_one_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    view = make_product(1, "Desk Lamp", locales=("en_US", "en_us", "fr_FR"))
    config = make_config(locales=["en_US", "en_us", "fr_FR"])

    with caplog.at_level(logging.WARNING, logger="sitegen.slugs"):
        build(tmp_path, [view], config=config)

    assert sorted(p.name for p in (tmp_path / "catalog" / "acme").glob("*-*")) == [
        "en-us",
        "fr-fr",
    ]
    page = read_page(site_file(tmp_path, "/catalog/acme/en-us/p/desk-lamp-sku-1/"))
    assert page.lang == "en-US" and page.title == "Desk Lamp | Acme"
    assert set(page.alternates()) == {"en-us", "fr-fr", "x-default"}
    (warning,) = caplog.records
    assert warning.getMessage() == (
        "Site acme: leaving out locale(s) 'en_us' (same URL as 'en_US'); "
        "give each locale of the channel a different code, ignoring case"
    )


def test_plain_slugs_never_hold_the_disambiguating_separator() -> None:
    for sku in ("a--b", "-a-", "a - - b", "A__B", "--"):
        view = make_product(3, "x -- y", sku=sku)
        assert slugs.SEPARATOR not in urls.product_slug(view, "en_US")
    assert slugs.SEPARATOR not in urls.category_slug("a -- b")
