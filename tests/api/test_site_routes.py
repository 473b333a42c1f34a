"""The catalog route answers like a static file server: files, folders, 404s."""

from __future__ import annotations

import uuid
from pathlib import Path

import msgspec
import pytest

from sitegen.build import build_site
from sitegen.model import CategoryView
from tests.sitegen.site import TEMPLATES, THEMES, make_config, make_product


@pytest.fixture(scope="module")
def site(build_dir: Path) -> str:
    """A two-page catalog rendered straight into the served build folder."""
    slug = f"site{uuid.uuid4().hex[:8]}"
    config = msgspec.structs.replace(
        make_config(), org_slug=slug, base_url="http://testserver", page_size=1
    )
    build_site(
        config,
        [make_product(1, "Desk Lamp"), make_product(2, "Floor Lamp")],
        [CategoryView("lamps", None, {"en_US": "Lamps"})],
        build_root=build_dir,
        templates_dir=TEMPLATES,
        themes_dir=THEMES,
    )
    return slug


@pytest.mark.parametrize(
    "path",
    [
        "sitemap.xml/",
        "robots.txt/",
        "404.html/",
        "en-us/index.html/",
        "en-us/page/2/index.html/",
    ],
)
def test_a_file_asked_for_as_a_folder_is_not_found(
    client, site: str, build_dir: Path, path: str
) -> None:
    response = client.get(f"/catalog/{site}/{path}", follow_redirects=False)

    assert response.status_code == 404
    assert response.text == (build_dir / "catalog" / site / "404.html").read_text()


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("sitemap.xml", "application/xml"),
        ("robots.txt", "text/plain"),
        ("", "text/html"),
        ("en-us/", "text/html"),
        ("en-us/page/2/", "text/html"),
        ("fr-fr/c/lamps/page/2/", "text/html"),
    ],
)
def test_files_and_folders_are_served(
    client, site: str, path: str, media_type: str
) -> None:
    response = client.get(f"/catalog/{site}/{path}", follow_redirects=False)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)


@pytest.mark.parametrize("path", ["", "/en-us", "/en-us/page/2", "/fr-fr/c/lamps"])
def test_a_folder_without_its_slash_redirects_to_it(
    client, site: str, path: str
) -> None:
    response = client.get(f"/catalog/{site}{path}", follow_redirects=False)

    assert response.status_code == 301
    assert response.headers["location"] == f"/catalog/{site}{path}/"
