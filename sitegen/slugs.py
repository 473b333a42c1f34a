"""URL segments that stay unique within one site: locales, categories, products.

Two inputs that slug alike must still get pages of their own: the release
writer refuses to write one path twice, and a refused build leaves the site
stale. Every clash is therefore settled here, deterministically, before any
page is planned.

python-slugify never puts two dashes in a row, so a slug holding ``--`` can
only come from the disambiguations below; they can never take the plain slug
of another input.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping

from sitegen import urls
from sitegen.model import ProductView

logger = logging.getLogger(__name__)

SEPARATOR = "--"
_DIGEST_SIZES = (4, 8, 32)  # bytes; longer only if a shorter one clashes
_EMPTY_CATEGORY = "category"


def unique_locales(org: str, locales: Iterable[str]) -> list[str]:
    """``locales`` without those whose URL segment an earlier one has.

    ``en_US`` and ``en_us`` would share ``en-us/``; the first one listed
    keeps it and the others are left out, with one warning per build.
    """
    kept: dict[str, str] = {}
    dropped: list[str] = []
    for locale in locales:
        segment = urls.locale_segment(locale)
        if segment in kept:
            dropped.append(f"{locale!r} (same URL as {kept[segment]!r})")
        else:
            kept[segment] = locale
    if dropped:
        logger.warning(
            "Site %s: leaving out locale(s) %s; give each locale of the "
            "channel a different code, ignoring case",
            org,
            ", ".join(dropped),
        )
    return list(kept.values())


def _digest(code: str, size: int) -> str:
    return hashlib.blake2b(code.encode(), digest_size=size).hexdigest()


def category_slugs(codes: Iterable[str]) -> dict[str, str]:
    """A unique slug for each category code.

    A code keeps its plain slug when no other code slugs alike, or when it
    already is that slug (``cookware`` beside ``Cookware``). The others get
    ``<slug>--<hash of the exact code>``, and a code that slugs to nothing
    gets ``category--<hash>``; the hash only grows longer if two would clash.
    """
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(urls.category_slug(code), []).append(code)
    slugs: dict[str, str] = {}
    for plain, members in groups.items():
        if plain and len(members) == 1:
            slugs[members[0]] = plain
            continue
        hashed = [code for code in members if code != plain]
        slugs.update((code, plain) for code in members if code == plain)
        base = plain or _EMPTY_CATEGORY
        for size in _DIGEST_SIZES:
            candidates = {
                code: f"{base}{SEPARATOR}{_digest(code, size)}" for code in hashed
            }
            if len(set(candidates.values())) == len(candidates):
                break
        slugs.update(candidates)
    return slugs


def product_slugs(
    views: Iterable[ProductView], locale: str, remembered: Mapping[int, str]
) -> dict[int, str]:
    """A unique slug, per product id, for the products listed in ``locale``.

    Each product may take one of two slugs: its plain slug (localized name
    and SKU, see :func:`sitegen.urls.product_slug`) or its own reserved form
    ``<plain slug>--<product id>``, which nothing else can produce.

    1. A product keeps the slug it had in the previous release
       (``remembered``) while that slug is still one of its two forms.
    2. The rest, oldest product id first, take the plain slug if it is free,
       else the reserved form.

    So publishing, changing or unpublishing other products never moves a
    product's page. Without a previous release the oldest product of a clash
    gets the plain slug. A product's slug changes only with its own name or
    SKU.
    """
    ordered = sorted(views, key=lambda view: view.product_id)
    plain = {view.product_id: urls.product_slug(view, locale) for view in ordered}
    taken: set[str] = set()
    slugs: dict[int, str] = {}
    for view in ordered:
        pid = view.product_id
        previous = remembered.get(pid)
        own = (plain[pid], f"{plain[pid]}{SEPARATOR}{pid}")
        if previous in own and previous not in taken:
            slugs[pid] = previous
            taken.add(previous)
    for view in ordered:
        pid = view.product_id
        if pid in slugs:
            continue
        slug = plain[pid]
        if slug in taken:
            slug = f"{slug}{SEPARATOR}{pid}"
        slugs[pid] = slug
        taken.add(slug)
    return slugs
