"""Releases of a site: built side by side, then swapped in by one rename.

The live path ``<build_root>/catalog/<org>`` is a symbolic link to one
directory under ``<build_root>/.releases/<org>/``. A reader of the site
follows either the old link or the new one, so it never sees a half-written
tree.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

MANIFEST_NAME = ".manifest.json"  # a dotfile: never served
MANIFEST_VERSION = 1
_STAGING_PREFIX = ".staging-"


class OutputCollisionError(Exception):
    """Two inputs of one build asked for the same output file."""


class ReleaseLinkError(Exception):
    """The live path of a site is not a link this generator can swap."""


class SiteManifest:
    """Every output path of one build with its fingerprint.

    A path claimed twice means two inputs would overwrite each other, so it
    is refused with both sources named rather than letting the last one win.
    The manifest also remembers each product's slug per locale, so that the
    next build keeps every product at its URL (see
    :func:`sitegen.slugs.product_slugs`).
    """

    def __init__(self, slugs: dict[str, dict[int, str]] | None = None) -> None:
        self.files: dict[str, str] = {}
        self.slugs: dict[str, dict[int, str]] = slugs or {}
        self._sources: dict[str, str] = {}

    def add(self, path: str, fingerprint: str, source: str) -> None:
        first = self._sources.get(path)
        if first is not None:
            raise OutputCollisionError(
                f"Output {path!r} is claimed by both {first} and {source}; "
                "give one of them a different slug or code"
            )
        self._sources[path] = source
        self.files[path] = fingerprint

    def source_of(self, path: str) -> str:
        return self._sources[path]

    def same_as(self, previous: ManifestRecord) -> bool:
        return self.files == previous.files and self.slugs == previous.slugs

    def dump(self) -> bytes:
        slugs = {
            locale: {str(pid): slug for pid, slug in by_id.items()}
            for locale, by_id in self.slugs.items()
        }
        document = {"version": MANIFEST_VERSION, "files": self.files, "slugs": slugs}
        return json.dumps(document, sort_keys=True, indent=0).encode()


@dataclass(frozen=True, slots=True)
class ManifestRecord:
    """What a release was built with: file fingerprints and product slugs."""

    files: dict[str, str] = field(default_factory=dict)
    slugs: dict[str, dict[int, str]] = field(default_factory=dict)


def _slugs_of(document: dict[str, Any]) -> dict[str, dict[int, str]]:
    # Releases written before slugs were remembered have none; their products
    # then take the slugs a first build would give them.
    return {
        locale: {
            int(pid): slug
            for pid, slug in by_id.items()
            if pid.isdigit() and isinstance(slug, str)
        }
        for locale, by_id in (document.get("slugs") or {}).items()
    }


def read_manifest(release: Path | None) -> ManifestRecord:
    """What a release was built with; empty when unknown or unreadable."""
    if release is None:
        return ManifestRecord()
    try:
        document = json.loads((release / MANIFEST_NAME).read_bytes())
    except FileNotFoundError:
        return ManifestRecord()
    except ValueError as exc:
        logger.warning("Ignoring unreadable manifest in %s: %s", release, exc)
        return ManifestRecord()
    if not isinstance(document, dict) or document.get("version") != MANIFEST_VERSION:
        return ManifestRecord()
    try:
        return ManifestRecord(dict(document.get("files", {})), _slugs_of(document))
    except (AttributeError, TypeError, ValueError) as exc:
        logger.warning("Ignoring malformed manifest in %s: %s", release, exc)
        return ManifestRecord()


class ReleaseWriter:
    """Writes one staging release, reusing unchanged files of the previous one."""

    def __init__(self, root: Path, previous: Path | None) -> None:
        self.root = root
        self.previous = previous
        self.written = 0
        self.reused = 0
        self._done: set[str] = set()
        self._dirs: set[Path] = {root}

    def _target(self, path: str) -> Path:
        if path in self._done:
            raise OutputCollisionError(f"Output {path!r} was already written")
        self._done.add(path)
        target = self.root / path
        parent = target.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        return target

    def write(self, path: str, content: bytes) -> None:
        self._target(path).write_bytes(content)
        self.written += 1

    def copy(self, path: str, source: Path) -> None:
        shutil.copyfile(source, self._target(path))
        self.written += 1

    def reuse(self, path: str) -> bool:
        """Link the previous release's file in place; False if it is gone."""
        if self.previous is None:
            return False
        source = self.previous / path
        if not source.is_file():
            return False
        target = self._target(path)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        self.reused += 1
        return True


class ReleaseStore:
    """The releases of one site and the link that makes one of them live."""

    def __init__(self, build_root: Path, org: str) -> None:
        self.live = build_root / "catalog" / org
        self.releases = build_root / ".releases" / org

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise builds of this site, which may run on several workers."""
        self.releases.mkdir(parents=True, exist_ok=True)
        with open(self.releases / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def current(self) -> Path | None:
        if self.live.is_symlink():
            target = self.live.resolve()
            return target if target.is_dir() else None
        if self.live.exists():
            raise ReleaseLinkError(
                f"{self.live} is a real directory, not a link to a release; "
                "move it away so the generator can manage the live site"
            )
        return None

    def stage(self) -> Path:
        """A fresh, empty staging directory; leftovers of crashed builds go."""
        for leftover in self.releases.glob(_STAGING_PREFIX + "*"):
            shutil.rmtree(leftover, ignore_errors=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        staging = self.releases / f"{_STAGING_PREFIX}{stamp}-{secrets.token_hex(4)}"
        staging.mkdir()
        return staging

    def publish(self, staging: Path) -> Path:
        """Make a finished staging directory the live site, atomically."""
        release = staging.with_name(staging.name.removeprefix(_STAGING_PREFIX))
        staging.rename(release)
        self.live.parent.mkdir(parents=True, exist_ok=True)
        link = self.live.with_name(f".{self.live.name}.{secrets.token_hex(4)}")
        os.symlink(os.path.relpath(release, self.live.parent), link)
        try:
            os.replace(link, self.live)
        except OSError:
            link.unlink()
            raise
        return release

    def retire(self, keep: set[Path]) -> int:
        """Delete releases other than ``keep``; returns how many went."""
        kept = {path.resolve() for path in keep}
        retired = 0
        for release in self.releases.iterdir():
            if release.name.startswith(".") or not release.is_dir():
                continue
            if release.resolve() in kept:
                continue
            shutil.rmtree(release, ignore_errors=True)
            retired += 1
        return retired

    @staticmethod
    def discard(staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)
