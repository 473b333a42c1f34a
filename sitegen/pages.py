"""Which pages a catalog site has, and the data each one is rendered from.

Nothing here touches the file system. Planning a site turns the published
views into ``PageSpec`` values whose ``data`` is everything the template sees
apart from the site-wide globals, so a hash of that data tells whether the
page needs rendering again.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sitegen import slugs, urls
from sitegen.formatting import format_price
from sitegen.model import CategoryView, Price, ProductView, SiteConfig
from sitegen.ui_text import language_label, ui_text

META_DESCRIPTION_LENGTH = 160

_JSON_IN_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One output file: where it goes, how to render it and who asked for it."""

    path: str  # relative to the site directory, e.g. "en-us/p/lamp-l1/index.html"
    template: str
    data: dict[str, Any]
    source: str  # names the input behind the page, for collision errors


def lang_tag(locale: str) -> str:
    """The BCP 47 tag for ``<html lang>``: ``"en_US"`` becomes ``"en-US"``."""
    return locale.replace("_", "-")


def truncate_text(text: str, limit: int = META_DESCRIPTION_LENGTH) -> str:
    """Collapse whitespace and cut at a word boundary, marking the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def public_url(base_url: str, href: str | None) -> str | None:
    """``href`` as an absolute http(s) URL, or None when it is not one."""
    if not href:
        return None
    if href.startswith("/") and not href.startswith("//"):
        return base_url + href
    if urlsplit(href).scheme in ("http", "https"):
        return href
    return None


def lastmod_text(moment: datetime) -> str:
    # The sitemap protocol requires a zone whenever a time is given.
    if moment.tzinfo is None:
        return moment.date().isoformat()
    return moment.isoformat(timespec="seconds")


def product_json_ld(
    view: ProductView, name: str, summary: str, url: str, image: str | None
) -> str:
    """Schema.org Product data, safe to place inside a ``<script>`` element."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "sku": view.sku,
        "url": url,
    }
    if summary:
        data["description"] = summary
    if image:
        data["image"] = image
    if view.gtin:
        key = "gtin13" if len(view.gtin) == 13 and view.gtin.isdigit() else "gtin"
        data[key] = view.gtin
    if view.brand:
        data["brand"] = {"@type": "Brand", "name": view.brand}
    offers = [
        {
            "@type": "Offer",
            "price": price.amount,
            "priceCurrency": price.currency,
            "availability": f"https://schema.org/{view.availability}",
            "url": url,
        }
        for price in view.prices
    ]
    if offers:
        data["offers"] = offers[0] if len(offers) == 1 else offers
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_JSON_IN_HTML)


class SitePlan:
    """The pages of one organisation's site, with lookups computed once.

    ``remembered_slugs`` are the product slugs of the live release (locale ->
    product id -> slug), which products keep where they still can.
    """

    def __init__(
        self,
        config: SiteConfig,
        products: list[ProductView],
        categories: list[CategoryView],
        *,
        remembered_slugs: Mapping[str, Mapping[int, str]] | None = None,
    ) -> None:
        if not config.locales:
            raise ValueError(
                f"Site {config.org_slug!r} has no locales; "
                "publish its channel with at least one locale"
            )
        if config.page_size < 1:
            raise ValueError(
                f"page_size must be at least 1, got {config.page_size} "
                f"for site {config.org_slug!r}"
            )
        self.config = config
        self.org = config.org_slug
        self.locales = slugs.unique_locales(config.org_slug, config.locales)
        self.default_locale = self.locales[0]
        self.categories = {category.code: category for category in categories}
        self.category_slugs = slugs.category_slugs(self.categories)
        self.lineage = {code: self._lineage_of(code) for code in self.categories}
        self.children: dict[str | None, list[CategoryView]] = {}
        for category in categories:
            parent = category.parent if category.parent in self.categories else None
            self.children.setdefault(parent, []).append(category)
        for siblings in self.children.values():
            siblings.sort(key=self._category_order)

        remembered = remembered_slugs or {}
        self.products: dict[str, list[ProductView]] = {}
        self.members: dict[str, dict[str, list[ProductView]]] = {}
        self.product_slugs: dict[str, dict[int, str]] = {}
        self.product_paths: dict[tuple[int, str], str] = {}
        for locale in self.locales:
            listed = [view for view in products if locale in view.locales]
            listed.sort(key=lambda v: (v.locales[locale].name.casefold(), v.sku))
            self.products[locale] = listed
            self.members[locale] = self._members_of(listed)
            assigned = slugs.product_slugs(listed, locale, remembered.get(locale, {}))
            self.product_slugs[locale] = assigned
            for product_id, slug in assigned.items():
                path = urls.product_path(self.org, locale, slug)
                self.product_paths[product_id, locale] = path

        self.text = {locale: ui_text(locale) for locale in self.locales}
        self.homes = {
            locale: urls.home_path(self.org, locale) for locale in self.locales
        }
        self.sitemap: list[dict[str, Any]] = []

    def _lineage_of(self, code: str) -> list[str]:
        chain = [code]
        parent = self.categories[code].parent
        while parent in self.categories and parent not in chain:
            chain.append(parent)
            parent = self.categories[parent].parent
        return chain[::-1]

    def _category_order(self, category: CategoryView) -> tuple[int, str, str]:
        label = self.category_label(category, self.default_locale)
        return (category.sort_order, label.casefold(), category.code)

    def _members_of(self, listed: list[ProductView]) -> dict[str, list[ProductView]]:
        members: dict[str, list[ProductView]] = {code: [] for code in self.categories}
        for view in listed:
            codes: set[str] = set()
            for code in view.categories:
                codes.update(self.lineage.get(code, ()))
            for code in codes:
                members[code].append(view)
        return members

    def category_label(self, category: CategoryView, locale: str) -> str:
        labels = category.labels
        return labels.get(locale) or labels.get(self.default_locale) or category.code

    def absolute(self, path: str) -> str:
        return self.config.base_url + path

    def pages(self) -> Iterator[PageSpec]:
        """Every HTML and XML page of the site, sitemap last."""
        self.sitemap = []
        yield self.landing_page()
        yield self.not_found_page()
        for locale in self.locales:
            yield self.not_found_page(locale)
            yield from self.home_pages(locale)
            yield self.thanks_page(locale)
            for code in self.categories:
                yield from self.category_pages(locale, code)
            for view in self.products[locale]:
                yield self.product_page(view, locale)
        yield self.robots_page()
        yield self.sitemap_page()

    # -- shared pieces --------------------------------------------------------

    def _frame(
        self,
        locale: str,
        versions: dict[str, str],
        *,
        canonical: bool = True,
        noindex: bool = False,
    ) -> dict[str, Any]:
        """What every HTML page shows: language, links to its other versions."""
        alternates = [
            {
                "locale": other,
                "hreflang": urls.locale_segment(other),
                "href": self.absolute(path),
                "path": path,
                "label": language_label(other),
                "current": other == locale,
            }
            for other, path in versions.items()
        ]
        default = versions.get(self.default_locale)
        return {
            "locale": locale,
            "lang": lang_tag(locale),
            "t": self.text[locale],
            "home_url": self.homes[locale],
            "canonical": self.absolute(versions[locale]) if canonical else None,
            "alternates": alternates,
            "x_default": self.absolute(default) if default else None,
            "noindex": noindex,
        }

    def _add_to_sitemap(
        self, path: str, versions: dict[str, str], lastmod: datetime | None
    ) -> None:
        alternates = [
            {"hreflang": urls.locale_segment(locale), "href": self.absolute(href)}
            for locale, href in versions.items()
        ]
        default = versions.get(self.default_locale)
        if default and len(versions) > 1:
            alternates.append({"hreflang": "x-default", "href": self.absolute(default)})
        self.sitemap.append(
            {
                "loc": self.absolute(path),
                "lastmod": lastmod_text(lastmod) if lastmod else None,
                "alternates": alternates,
            }
        )

    @staticmethod
    def _price(price: Price, locale: str) -> dict[str, str]:
        """A price as markup shows it (``text``) and as machines read it."""
        return {
            "amount": price.amount,
            "currency": price.currency,
            "text": format_price(price.amount, price.currency, locale),
        }

    def _card(self, view: ProductView, locale: str) -> dict[str, Any]:
        return {
            "name": view.locales[locale].name,
            "url": self.product_paths[view.product_id, locale],
            "image": public_url(self.config.base_url, view.image),
            "price": self._price(view.prices[0], locale) if view.prices else None,
        }

    def _crumbs(self, locale: str, code: str | None) -> list[dict[str, str]]:
        home = self.text[locale]["home"]
        crumbs = [{"label": home, "url": self.homes[locale]}]
        for ancestor in self.lineage.get(code, []) if code is not None else []:
            crumbs.append(
                {
                    "label": self.category_label(self.categories[ancestor], locale),
                    "url": self._category_url(locale, ancestor),
                }
            )
        return crumbs

    def _category_url(self, locale: str, code: str, page: int = 1) -> str:
        return urls.category_path(self.org, locale, self.category_slugs[code], page)

    def _page_count(self, listed: list[ProductView]) -> int:
        return max(1, math.ceil(len(listed) / self.config.page_size))

    def _listing(
        self,
        locale: str,
        members: list[ProductView],
        page: int,
        url_of: Callable[[int], str],
    ) -> tuple[dict[str, Any], datetime | None]:
        """One page of a paginated product list, and when it last changed."""
        size = self.config.page_size
        pages = self._page_count(members)
        listed = members[(page - 1) * size : page * size]
        data = {
            "products": [self._card(view, locale) for view in listed],
            "page": page,
            "pages": pages,
            "prev_url": url_of(page - 1) if page > 1 else None,
            "next_url": url_of(page + 1) if page < pages else None,
        }
        return data, max((view.updated_at for view in listed), default=None)

    @staticmethod
    def _file(path: str) -> str:
        """The output file of a root-relative page path."""
        return path.split("/", 3)[3] + "index.html"

    # -- pages ----------------------------------------------------------------

    def landing_page(self) -> PageSpec:
        data = self._frame(self.default_locale, self.homes)
        data["refresh_url"] = self.homes[self.default_locale]
        return PageSpec("index.html", "index.html", data, "site landing page")

    def not_found_page(self, locale: str | None = None) -> PageSpec:
        """The site-wide 404 page, or with ``locale`` the one a web server
        answers for a missing address under that locale's folder."""
        frame_locale = locale or self.default_locale
        data = self._frame(frame_locale, self.homes, canonical=False, noindex=True)
        if locale is None:
            return PageSpec("404.html", "404.html", data, "not-found page")
        path = f"{urls.locale_segment(locale)}/{urls.NOT_FOUND_PAGE}"
        return PageSpec(path, "404.html", data, f"not-found page {locale}")

    def home_pages(self, locale: str) -> Iterator[PageSpec]:
        """The top categories and every product of ``locale``, page by page."""
        categories = [
            {
                "label": self.category_label(category, locale),
                "url": self._category_url(locale, category.code),
            }
            for category in self.children.get(None, [])
        ]
        for page in range(1, self._page_count(self.products[locale]) + 1):
            versions = {
                other: urls.home_path(self.org, other, page)
                for other in self.locales
                if page <= self._page_count(self.products[other])
            }
            data = self._frame(locale, versions)
            listing, lastmod = self._listing(
                locale,
                self.products[locale],
                page,
                lambda n: urls.home_path(self.org, locale, n),
            )
            data.update(listing, categories=categories)
            path = versions[locale]
            self._add_to_sitemap(path, versions, lastmod)
            source = f"home page {page} {locale}"
            yield PageSpec(self._file(path), "home.html", data, source)

    def thanks_page(self, locale: str) -> PageSpec:
        versions = {code: urls.thanks_path(self.org, code) for code in self.locales}
        data = self._frame(locale, versions, noindex=True)
        path = self._file(versions[locale])
        return PageSpec(path, "thanks.html", data, f"quote thanks {locale}")

    def category_pages(self, locale: str, code: str) -> Iterator[PageSpec]:
        category = self.categories[code]
        members = self.members[locale][code]
        children = [
            {
                "label": self.category_label(child, locale),
                "url": self._category_url(locale, child.code),
            }
            for child in self.children.get(code, [])
        ]
        for page in range(1, self._page_count(members) + 1):
            versions = {
                other: self._category_url(other, code, page)
                for other in self.locales
                if page <= self._page_count(self.members[other][code])
            }
            data = self._frame(locale, versions)
            listing, lastmod = self._listing(
                locale, members, page, lambda n: self._category_url(locale, code, n)
            )
            data.update(
                listing,
                label=self.category_label(category, locale),
                breadcrumbs=self._crumbs(locale, code),
                children=children,
            )
            path = versions[locale]
            self._add_to_sitemap(path, versions, lastmod)
            source = f"category {code!r} page {page} {locale}"
            yield PageSpec(self._file(path), "category.html", data, source)

    def product_page(self, view: ProductView, locale: str) -> PageSpec:
        item = view.locales[locale]
        versions = {
            other: self.product_paths[view.product_id, other]
            for other in self.locales
            if (view.product_id, other) in self.product_paths
        }
        url = self.absolute(versions[locale])
        image = public_url(self.config.base_url, view.image)
        first_category = next(
            (c for c in view.categories if c in self.categories), None
        )
        data = self._frame(locale, versions)
        data.update(
            item=item,
            sku=view.sku,
            prices=[self._price(price, locale) for price in view.prices],
            image_url=image,
            gtin=view.gtin,
            brand=view.brand,
            availability=view.availability,
            meta_description=truncate_text(item.summary or item.name),
            breadcrumbs=self._crumbs(locale, first_category),
            json_ld=product_json_ld(view, item.name, item.summary, url, image),
            thanks_url=urls.thanks_path(self.org, locale),
        )
        self._add_to_sitemap(versions[locale], versions, view.updated_at)
        source = f"product {view.sku!r} (id {view.product_id}) {locale}"
        return PageSpec(self._file(versions[locale]), "product.html", data, source)

    def robots_page(self) -> PageSpec:
        sitemap_url = self.absolute(urls.site_root(self.org) + "sitemap.xml")
        data = {"sitemap_url": sitemap_url}
        return PageSpec("robots.txt", "robots.txt", data, "robots.txt")

    def sitemap_page(self) -> PageSpec:
        """The sitemap of every indexable page planned so far; plan it last."""
        data = {"entries": self.sitemap}
        return PageSpec("sitemap.xml", "sitemap.xml", data, "sitemap.xml")
