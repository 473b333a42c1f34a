"""Organisation names and site addresses are checked wherever they are set."""

from __future__ import annotations

import uuid

import pytest

from api.database import public_session
from api.errors import InvalidInput
from api.tenants.service import ensure_org, get_org, set_org_settings
from api.tenants.site import set_site, site_base_url

EVIL = 'http://evil.example/"><script>'
FALLBACK = "http://127.0.0.1:8000"


def _slug() -> str:
    return f"s{uuid.uuid4().hex[:10]}"


@pytest.mark.parametrize(
    "name", ["Line\nbreak", "Bell\x07", "Two\u2028lines", "x" * 201]
)
def test_every_way_of_creating_an_organisation_checks_its_name(database, name) -> None:
    slug = _slug()
    with pytest.raises(InvalidInput) as refused, public_session() as db:
        ensure_org(db, slug, name)

    [error] = refused.value.errors
    assert (error.path, error.code) == ("$.name", "invalid_name")
    with public_session() as db:
        assert get_org(db, slug) is None


@pytest.mark.parametrize(
    "write",
    [
        lambda db, org: set_site(db, org, base_url=EVIL),
        lambda db, org: set_org_settings(db, org, site={"base_url": EVIL}),
    ],
    ids=["set_site", "set_org_settings"],
)
def test_every_way_of_setting_the_base_url_checks_it(database, write) -> None:
    slug = _slug()
    with public_session() as db:
        ensure_org(db, slug)

    refused = pytest.raises(InvalidInput, match="is not a public base URL")
    with refused, public_session() as db:
        write(db, get_org(db, slug))

    with public_session() as db:
        assert "site" not in get_org(db, slug).settings


def test_settings_store_the_base_url_normalised(database) -> None:
    slug = _slug()
    with public_session() as db:
        org = ensure_org(db, slug)
        set_org_settings(db, org, site={"base_url": "HTTPS://Shop.Example/x/"})

    with public_session() as db:
        assert get_org(db, slug).settings["site"] == {
            "base_url": "https://shop.example/x"
        }


@pytest.mark.parametrize(
    ("stored", "used"),
    [
        (None, FALLBACK),
        ("https://shop.example/", "https://shop.example"),
        (EVIL, FALLBACK),  # stored before addresses were checked
        ("javascript:alert(1)", FALLBACK),
    ],
)
def test_pages_use_a_stored_base_url_only_when_it_is_one(stored, used) -> None:
    settings = {"site": {"base_url": stored}} if stored else {}

    assert site_base_url(settings, FALLBACK + "/") == used
