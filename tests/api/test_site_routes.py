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
    ("path", "not_found_page"),
    [
        ("sitemap.xml/", "404.html"),
        ("robots.txt/", "404.html"),
        ("404.html/", "404.html"),
        ("en-us/index.html/", "en-us/404.html"),
        ("en-us/page/2/index.html/", "en-us/404.html"),
    ],
)
def test_a_file_asked_for_as_a_folder_is_not_found(
    client, site: str, build_dir: Path, path: str, not_found_page: str
) -> None:
    response = client.get(f"/catalog/{site}/{path}", follow_redirects=False)

    assert response.status_code == 404
    page = build_dir / "catalog" / site / not_found_page
    assert response.text == page.read_text()


@pytest.mark.parametrize(
    ("path", "lang", "home"),
    [
        ("fr-fr/p/no-such-product/", "fr-FR", "fr-fr/"),
        ("fr-fr/c/no-such-category/page/9/", "fr-FR", "fr-fr/"),
        ("fr-fr/nothing.txt", "fr-FR", "fr-fr/"),
        ("fr-fr/404.html", "fr-FR", "fr-fr/"),
        ("en-us/p/no-such-product/", "en-US", "en-us/"),
        ("de-de/p/no-such-product/", "en-US", "en-us/"),  # not a locale of the site
        ("static/missing.css", "en-US", "en-us/"),
        ("404.html", "en-US", "en-us/"),
        ("nothing/", "en-US", "en-us/"),
    ],
)
def test_a_missing_page_answers_the_not_found_page_of_its_locale(
    client, site: str, path: str, lang: str, home: str
) -> None:
    response = client.get(f"/catalog/{site}/{path}", follow_redirects=False)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in response.text
    assert '<meta name="robots" content="noindex">' in response.text
    assert f'class="back-home" href="/catalog/{site}/{home}"' in response.text
    french = "Page introuvable" in response.text
    assert french == (lang == "fr-FR")


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
