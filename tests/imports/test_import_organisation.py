"""What ``pim import akeneo`` does to the organisation it imports into."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from api.cli import main
from api.database import public_session
from api.tenants.service import create_org, get_org
from api.tenants.site import set_site, site_settings

CHANNELS = "code;label-en_US;currencies;locales;tree\necommerce;Ecommerce;USD;en_US;\n"
PRODUCTS = "sku;family;categories;enabled\nA-1;;;1\n"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "channels.csv").write_text(CHANNELS, encoding="utf-8")
    (folder / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    return folder


def _existing_org(channel: str | None) -> str:
    slug = f"o{uuid.uuid4().hex[:10]}"
    with public_session() as db:
        org, _ = create_org(db, slug, "Shop")
        if channel is not None:
            set_site(db, org, channel=channel, theme="default")
    return slug


def _site(slug: str) -> dict[str, object]:
    with public_session() as db:
        return site_settings(get_org(db, slug).settings)


def test_an_import_keeps_the_site_channel_an_organisation_has(database, export, capsys):
    slug = _existing_org("web")
    assert main(["import", "akeneo", str(export), "--org", slug]) == 0
    out = capsys.readouterr().out
    assert _site(slug) == {"channel": "web", "theme": "default"}
    assert (
        "note: site channel left at 'web', as the organisation has it; the "
        "export's web channel is 'ecommerce'"
    ) in out.splitlines()
    assert "site channel set" not in out


@pytest.mark.parametrize("existing", [False, True])
def test_the_site_is_built_from_the_export_channel_when_none_was_chosen(
    database, export, capsys, existing
):
    slug = _existing_org(None) if existing else f"o{uuid.uuid4().hex[:10]}"
    assert main(["import", "akeneo", str(export), "--org", slug]) == 0
    assert "note: site channel set to 'ecommerce'" in capsys.readouterr().out
    assert _site(slug) == {"channel": "ecommerce"}


def test_another_name_for_an_existing_organisation_is_refused(database, export, capsys):
    slug = _existing_org("web")
    code = main(["import", "akeneo", str(export), "--org", slug, "--name", "Other"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.splitlines() == [
        (
            f"error: Organisation {slug!r} already exists, named 'Shop', not 'Other'. "
            "(organization_exists)"
        )
    ]
    assert "imported" not in captured.out
    with public_session() as db:
        org = get_org(db, slug)
        assert (org.name, org.pim_enabled) == ("Shop", False)


def test_the_same_name_for_an_existing_organisation_imports(database, export, capsys):
    slug = _existing_org("web")
    code = main(["import", "akeneo", str(export), "--org", slug, "--name", "Shop"])
    assert code == 0
    assert "products.csv: 1 imported, 0 rejected" in capsys.readouterr().out
