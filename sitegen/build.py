"""Build one organisation's catalog site, rendering only what changed.

Every output file gets a fingerprint: the hash of its template sources (with
everything they extend or include), the site configuration, the theme's
asset names and the page's own data. A file whose fingerprint matches the
live release is hard-linked from it instead of being rendered again.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.meta
import msgspec

from sitegen import urls
from sitegen.model import CategoryView, ProductView, SiteConfig
from sitegen.pages import PageSpec, SitePlan
from sitegen.release import (
    MANIFEST_NAME,
    ReleaseStore,
    ReleaseWriter,
    SiteManifest,
    read_manifest,
)

logger = logging.getLogger(__name__)

# Bump when the generator's own output changes, so every page is re-rendered.
GENERATOR_VERSION = "1"


@dataclass(frozen=True, slots=True)
class BuildReport:
    pages: int  # files in the live site, static assets included
    written: int  # files rendered or copied by this build
    reused: int  # files linked unchanged from the previous release
    removed: list[str]  # paths of the previous release this build dropped
    release: Path  # the release directory now live
    changed: bool  # False when the input matched the live release exactly


@dataclass(frozen=True, slots=True)
class ThemeAsset:
    name: str  # as templates ask for it, e.g. "site.css"
    path: str  # in the site, e.g. "static/site.3f2a9c1b0d.css"
    source: Path
    digest: str


def collect_assets(static_dir: Path) -> dict[str, ThemeAsset]:
    """The theme's static files, each named after a hash of its content."""
    assets: dict[str, ThemeAsset] = {}
    if not static_dir.is_dir():
        return assets
    for source in sorted(static_dir.rglob("*")):
        if not source.is_file() or source.name.startswith("."):
            continue
        name = source.relative_to(static_dir).as_posix()
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        stem, dot, ext = name.rpartition(".")
        hashed = (
            f"{stem}.{digest[:10]}.{ext}" if dot and stem else f"{name}.{digest[:10]}"
        )
        assets[name] = ThemeAsset(name, f"static/{hashed}", source, digest)
    return assets


def make_environment(
    loader: jinja2.BaseLoader, config: SiteConfig, assets: dict[str, ThemeAsset]
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(("html", "xml")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    root = urls.site_root(config.org_slug)

    def asset_url(name: str) -> str:
        asset = assets.get(name)
        if asset is None:
            raise LookupError(
                f"Theme {config.theme!r} has no static file {name!r}; "
                f"add it to the theme's static/ folder (found: {sorted(assets)})"
            )
        return root + asset.path

    env.globals.update(config=config, asset_url=asset_url)
    return env


class TemplateDigests:
    """Hashes of each template together with every template it pulls in."""

    def __init__(self, env: jinja2.Environment, loader: jinja2.BaseLoader) -> None:
        self._env = env
        self._loader = loader
        self._sources: dict[str, str] = {}
        self._digests: dict[str, bytes] = {}

    def _source(self, name: str) -> str:
        if name not in self._sources:
            self._sources[name] = self._loader.get_source(self._env, name)[0]
        return self._sources[name]

    def _closure(self, name: str) -> list[str]:
        seen: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            parsed = self._env.parse(self._source(current))
            for reference in jinja2.meta.find_referenced_templates(parsed):
                if reference is None:
                    # A computed name could be any template: depend on all.
                    return sorted(self._env.list_templates())
                pending.append(reference)
        return sorted(seen)

    def digest(self, name: str) -> bytes:
        if name not in self._digests:
            hasher = hashlib.blake2b(digest_size=16)
            for member in self._closure(name):
                hasher.update(member.encode() + b"\0")
                hasher.update(self._source(member).encode() + b"\0")
            self._digests[name] = hasher.digest()
        return self._digests[name]


class PageFingerprints:
    """Fingerprints of rendered pages: templates, site-wide inputs, page data."""

    def __init__(
        self,
        env: jinja2.Environment,
        config: SiteConfig,
        assets: dict[str, ThemeAsset],
        loader: jinja2.BaseLoader,
    ) -> None:
        self._templates = TemplateDigests(env, loader)
        self._encoder = msgspec.msgpack.Encoder()
        site = hashlib.blake2b(digest_size=16)
        site.update(GENERATOR_VERSION.encode() + b"\0")
        site.update(msgspec.json.encode(config) + b"\0")
        site.update(msgspec.json.encode({n: a.path for n, a in assets.items()}))
        self._site = site.digest()
        self._keys: dict[str, bytes] = {}

    def __call__(self, spec: PageSpec) -> str:
        key = self._keys.get(spec.template)
        if key is None:
            key = self._site + self._templates.digest(spec.template)
            self._keys[spec.template] = key
        hasher = hashlib.blake2b(key, digest_size=16)
        hasher.update(self._encoder.encode(spec.data))
        return hasher.hexdigest()


def theme_loader(templates_dir: Path, theme_dir: Path) -> jinja2.FileSystemLoader:
    """The site's templates, with the theme's own templates taking precedence."""
    overrides = theme_dir / "templates"
    search = [overrides, templates_dir] if overrides.is_dir() else [templates_dir]
    return jinja2.FileSystemLoader(search)


def build_site(
    config: SiteConfig,
    products: list[ProductView],
    categories: list[CategoryView],
    *,
    build_root: Path,
    templates_dir: Path,
    themes_dir: Path,
) -> BuildReport:
    """Render the site of ``config.org_slug`` and make it live atomically.

    Returns without creating a release when every output file would be the
    same as in the live release.
    """
    started = time.perf_counter()
    theme_dir = themes_dir / config.theme
    if not theme_dir.is_dir():
        raise FileNotFoundError(
            f"Theme {config.theme!r} of site {config.org_slug!r} not found: "
            f"expected a folder at {theme_dir}"
        )
    assets = collect_assets(theme_dir / "static")
    loader = theme_loader(templates_dir, theme_dir)
    env = make_environment(loader, config, assets)
    fingerprint = PageFingerprints(env, config, assets, loader)

    store = ReleaseStore(build_root, config.org_slug)
    with store.locked():
        current = store.current()
        previous = read_manifest(current)
        # Planned under the lock: products keep the slugs of the live release.
        plan = SitePlan(config, products, categories, remembered_slugs=previous.slugs)
        specs = list(plan.pages())
        manifest = SiteManifest(plan.product_slugs)
        for asset in assets.values():
            manifest.add(asset.path, asset.digest, f"theme file {asset.name!r}")
        for spec in specs:
            manifest.add(spec.path, fingerprint(spec), spec.source)
        if current is not None and manifest.same_as(previous):
            logger.info(
                "Site %s unchanged: %d files", config.org_slug, len(manifest.files)
            )
            return BuildReport(len(manifest.files), 0, 0, [], current, False)

        staging = store.stage()
        try:
            writer = ReleaseWriter(staging, current)
            for asset in assets.values():
                unchanged = previous.files.get(asset.path) == asset.digest
                if not (unchanged and writer.reuse(asset.path)):
                    writer.copy(asset.path, asset.source)
            _render_pages(env, specs, manifest, previous.files, writer)
            (staging / MANIFEST_NAME).write_bytes(manifest.dump())
            release = store.publish(staging)
        except BaseException:
            store.discard(staging)
            raise
        store.retire({release} | ({current} if current else set()))

    removed = sorted(set(previous.files) - set(manifest.files))
    logger.info(
        "Built site %s: %d files (%d written, %d reused, %d removed) in %.2fs",
        config.org_slug,
        len(manifest.files),
        writer.written,
        writer.reused,
        len(removed),
        time.perf_counter() - started,
    )
    return BuildReport(
        len(manifest.files), writer.written, writer.reused, removed, release, True
    )


def _render_pages(
    env: jinja2.Environment,
    specs: list[PageSpec],
    manifest: SiteManifest,
    previous: dict[str, str],
    writer: ReleaseWriter,
) -> None:
    templates: dict[str, jinja2.Template] = {}
    for spec in specs:
        unchanged = previous.get(spec.path) == manifest.files[spec.path]
        if unchanged and writer.reuse(spec.path):
            continue
        template = templates.get(spec.template)
        if template is None:
            template = templates[spec.template] = env.get_template(spec.template)
        try:
            html = template.render(spec.data)
        except Exception as exc:
            exc.add_note(f"while rendering {spec.source} into {spec.path}")
            raise
        writer.write(spec.path, html.encode())
