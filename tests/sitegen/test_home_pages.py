"""A locale's home lists every product, page by page, like a category does."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen import urls
from tests.sitegen.site import (
    BASE_URL,
    build,
    make_config,
    make_product,
    read_page,
    site_file,
    sitemap_locs,
)

HOME = "/catalog/acme/en-us/"


def paging_links(path: Path) -> dict[str, str]:
    return {
        link["rel"]: link["href"]
        for link in read_page(path).links
        if link.get("rel") in ("prev", "next")
    }


def test_every_published_product_is_linked_from_a_home_page(tmp_path: Path) -> None:
    views = [make_product(n, f"Lamp {n:02d}") for n in range(1, 8)]
    views.append(make_product(8, "Hammer", categories=("tools",)))
    views.append(make_product(9, "Orphan", categories=()))
    build(tmp_path, views, config=make_config(page_size=3))

    for locale in ("en_US", "fr_FR"):
        linked: set[str] = set()
        home: str | None = urls.home_path("acme", locale)
        visited = 0
        while home is not None:
            page = read_page(site_file(tmp_path, home))
            linked.update(anchor["href"] for anchor in page.anchors)
            home = next(
                (a["href"] for a in page.anchors if a.get("rel") == "next"), None
            )
            visited += 1
        assert visited == 3
        for view in views:
            slug = urls.product_slug(view, locale)
            assert urls.product_path("acme", locale, slug) in linked


def test_home_pages_have_their_own_canonical_and_paging_links(
    tmp_path: Path,
) -> None:
    views = [make_product(n, f"Lamp {n}") for n in range(1, 6)]
    views.append(make_product(6, "Lamp 6", locales=("en_US",)))
    build(tmp_path, views, config=make_config(page_size=2))

    first = site_file(tmp_path, HOME)
    second = site_file(tmp_path, HOME + "page/2/")
    third = site_file(tmp_path, HOME + "page/3/")
    assert not site_file(tmp_path, HOME + "page/4/").exists()
    assert not site_file(tmp_path, "/catalog/acme/fr-fr/page/4/").exists()

    assert read_page(first).canonical() == f"{BASE_URL}{HOME}"
    assert read_page(second).canonical() == f"{BASE_URL}{HOME}page/2/"
    assert read_page(second).title == "Acme – Page 2"
    assert paging_links(first) == {"next": f"{BASE_URL}{HOME}page/2/"}
    assert paging_links(second) == {
        "prev": f"{BASE_URL}{HOME}",
        "next": f"{BASE_URL}{HOME}page/3/",
    }
    assert paging_links(third) == {"prev": f"{BASE_URL}{HOME}page/2/"}
    # Six English products fill three pages, five French ones three as well.
    assert read_page(third).alternates() == {
        "en-us": f"{BASE_URL}{HOME}page/3/",
        "fr-fr": f"{BASE_URL}/catalog/acme/fr-fr/page/3/",
        "x-default": f"{BASE_URL}{HOME}page/3/",
    }
    locs = sitemap_locs(tmp_path)
    for page in ("", "page/2/", "page/3/"):
        assert f"{BASE_URL}{HOME}{page}" in locs
        assert f"{BASE_URL}/catalog/acme/fr-fr/{page}" in locs


@pytest.mark.parametrize(
    ("english", "french", "alternates"),
    [(4, 4, {"en-us", "fr-fr", "x-default"}), (4, 2, {"en-us", "x-default"})],
)
def test_a_home_page_names_only_the_versions_that_exist(
    tmp_path: Path, english: int, french: int, alternates: set[str]
) -> None:
    views = [
        make_product(n, f"Lamp {n}", locales=("en_US", "fr_FR"))
        for n in range(1, french + 1)
    ]
    views += [
        make_product(n, f"Lamp {n}", locales=("en_US",))
        for n in range(french + 1, english + 1)
    ]
    build(tmp_path, views, config=make_config(page_size=2))

    second = read_page(site_file(tmp_path, HOME + "page/2/"))
    assert set(second.alternates()) == alternates


def test_a_single_page_home_has_no_paging(tmp_path: Path) -> None:
    build(tmp_path, [make_product(1, "Desk Lamp")])

    html = site_file(tmp_path, HOME).read_text()
    assert paging_links(site_file(tmp_path, HOME)) == {}
    assert 'class="pagination"' not in html
    assert not site_file(tmp_path, HOME + "page/2/").exists()
    assert '<h2 id="products-title">All products</h2>' in html
