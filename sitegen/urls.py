"""Where each page of a catalog site lives.

Every function returns a root-relative path ending in ``/``; the absolute URL
of a page is ``config.base_url + path``. Output files sit at the same place
under the site directory, with ``index.html`` appended.
"""

from __future__ import annotations

from slugify import slugify

from sitegen.model import ProductView

# The file a locale's folder answers for a missing address below it.
NOT_FOUND_PAGE = "404.html"

# Long names make unwieldy URLs; the SKU after the name tells products apart.
_NAME_SLUG_LENGTH = 80
# A product's directory name must fit the 255 bytes file systems allow, with
# room for the "--<id>" that tells two products of one slug apart.
_PRODUCT_SLUG_LENGTH = 160


def locale_segment(locale: str) -> str:
    """The URL segment of a locale: ``"en_US"`` becomes ``"en-us"``."""
    return locale.replace("_", "-").lower()


def site_root(org: str) -> str:
    return f"/catalog/{org}/"


def home_path(org: str, locale: str, page: int = 1) -> str:
    base = f"{site_root(org)}{locale_segment(locale)}/"
    return base if page <= 1 else f"{base}page/{page}/"


def product_slug(view: ProductView, locale: str) -> str:
    """The plain slug of a product: its localized name, then its SKU.

    Different SKUs can slug alike (``COL-X`` and ``col-x``), so this is only
    a candidate; :func:`sitegen.slugs.product_slugs` makes it unique.
    """
    sku_slug = slugify(view.sku) or f"product-{view.product_id}"
    localized = view.locales.get(locale)
    name = localized.name if localized is not None else ""
    name_slug = slugify(name, max_length=_NAME_SLUG_LENGTH, word_boundary=True)
    slug = f"{name_slug}-{sku_slug}" if name_slug else sku_slug
    return slug[:_PRODUCT_SLUG_LENGTH].rstrip("-")


def product_path(org: str, locale: str, slug: str) -> str:
    return f"{home_path(org, locale)}p/{slug}/"


def category_slug(code: str) -> str:
    """The plain slug of a category code, empty when nothing of it is left.

    Codes differing only in case slug alike; :func:`sitegen.slugs.category_slugs`
    gives each category of a site a unique one.
    """
    return slugify(code)


def category_path(org: str, locale: str, code_slug: str, page: int = 1) -> str:
    base = f"{home_path(org, locale)}c/{code_slug}/"
    return base if page <= 1 else f"{base}page/{page}/"


def thanks_path(org: str, locale: str) -> str:
    return f"{home_path(org, locale)}quote/thanks/"
