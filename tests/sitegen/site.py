"""Shared pieces of the generator tests: views, builds and page readers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import msgspec

from sitegen import urls
from sitegen.build import BuildReport, build_site
from sitegen.model import (
    AttributeLine,
    CategoryView,
    LocalizedProduct,
    Price,
    ProductView,
    SiteConfig,
)

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATES = PROJECT / "templates"
THEMES = PROJECT / "themes"
BASE_URL = "https://shop.example"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML_NS = "{http://www.w3.org/1999/xhtml}"
UPDATED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

CATEGORIES = [
    CategoryView("lighting", None, {"en_US": "Lighting", "fr_FR": "Éclairage"}),
    CategoryView("lamps", "lighting", {"en_US": "Lamps", "fr_FR": "Lampes"}),
    CategoryView("tools", None, {"en_US": "Tools", "fr_FR": "Outils"}),
]


def make_config(**changes: object) -> SiteConfig:
    config = SiteConfig(
        org_slug="acme",
        org_name="Acme",
        base_url=BASE_URL,
        channel="web",
        locales=["en_US", "fr_FR"],
        quote_url="/api/v1/catalog/acme/quote",
    )
    return msgspec.structs.replace(config, **changes)


def make_product(
    product_id: int,
    name: str,
    *,
    sku: str | None = None,
    categories: tuple[str, ...] = ("lamps",),
    locales: tuple[str, ...] = ("en_US", "fr_FR"),
    amount: str = "19.90",
    updated_at: datetime = UPDATED,
) -> ProductView:
    localized = {
        locale: LocalizedProduct(
            name=name if locale == "en_US" else f"{name} ({locale[:2]})",
            description_html="<p>A <strong>fine</strong> product.</p>",
            summary=f"Summary of {name}.",
            attributes=[AttributeLine("weight", "Weight", "1.2 kg")],
        )
        for locale in locales
    }
    return ProductView(
        product_id=product_id,
        sku=sku or f"SKU-{product_id}",
        family="lamps",
        categories=list(categories),
        locales=localized,
        prices=[Price(amount, "EUR")],
        published_at=UPDATED,
        updated_at=updated_at,
        gtin="4006381333931",
        brand="Acme",
    )


def build(
    root: Path,
    products: list[ProductView],
    *,
    config: SiteConfig | None = None,
    categories: list[CategoryView] = CATEGORIES,
    templates: Path = TEMPLATES,
    themes: Path = THEMES,
) -> BuildReport:
    return build_site(
        config or make_config(),
        products,
        categories,
        build_root=root,
        templates_dir=templates,
        themes_dir=themes,
    )


def site_file(root: Path, path: str) -> Path:
    """The output file behind a root-relative page path of the live site."""
    relative = path.removeprefix(urls.site_root("acme"))
    name = "" if relative.endswith((".xml", ".txt", ".html")) else "index.html"
    return root / "catalog" / "acme" / relative / name


def page_of(root: Path, view: ProductView, locale: str) -> Path:
    slug = urls.product_slug(view, locale)
    return site_file(root, urls.product_path("acme", locale, slug))


def all_site_text(root: Path) -> str:
    site = root / "catalog" / "acme"
    return "".join(
        path.read_text() for path in sorted(site.rglob("*")) if path.is_file()
    )


class HeadReader(HTMLParser):
    """Collects the parts of a page that crawlers read."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.lang = ""
        self.links: list[dict[str, str]] = []
        self.anchors: list[dict[str, str]] = []
        self.meta: dict[str, str] = {}
        self.json_ld: list[str] = []
        self.inputs: dict[str, dict[str, str]] = {}
        self.forms: list[dict[str, str]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "html":
            self.lang = values.get("lang", "")
        elif tag == "link":
            self.links.append(values)
        elif tag == "a":
            self.anchors.append(values)
        elif tag == "meta":
            key = values.get("name") or values.get("property")
            if key:
                self.meta[key] = values.get("content", "")
        elif tag in ("input", "textarea"):
            self.inputs[values["name"]] = values
        elif tag == "form":
            self.forms.append(values)
        elif tag == "title" or (
            tag == "script" and values.get("type") == "application/ld+json"
        ):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.json_ld.append(data)

    def alternates(self) -> dict[str, str]:
        return {
            link["hreflang"]: link["href"]
            for link in self.links
            if link.get("rel") == "alternate"
        }

    def canonical(self) -> str:
        return next(
            link["href"] for link in self.links if link.get("rel") == "canonical"
        )


def read_page(path: Path) -> HeadReader:
    reader = HeadReader()
    reader.feed(path.read_text())
    return reader


def sitemap_locs(root: Path) -> list[str]:
    tree = ET.parse(site_file(root, "/catalog/acme/sitemap.xml"))
    return [loc.text or "" for loc in tree.iter(f"{SITEMAP_NS}loc")]
