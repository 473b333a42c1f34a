"""Fixtures of the command-line tests: a small catalog and a way to read
what a command printed."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.catalog import product, setup_catalog
from tests.conftest import Org, make_org


@dataclass
class Printed:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys):
    """Run ``pim`` with the given arguments; what it returned and printed."""
    from api.cli import main

    def run_command(*argv: str) -> Printed:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Printed(code, captured.out, captured.err)

    return run_command


@pytest.fixture
def shop(client, database) -> Org:
    """An organisation with the test catalog and two products, one disabled."""
    org = make_org()
    setup_catalog(client, org.headers)
    for body in (product("CLI-1"), product("CLI-OFF", enabled=False)):
        response = client.post("/api/v1/pim/products", json=body, headers=org.headers)
        assert response.status_code == 201, response.text
    return org


def fresh_slug() -> str:
    return f"c{uuid.uuid4().hex[:10]}"


def product_pages(build_dir: Path, org: str, sku: str) -> list[Path]:
    """The English pages of ``sku`` (its folder is the name, then the SKU)."""
    pages = build_dir / "catalog" / org / "en-us" / "p"
    return sorted(pages.glob(f"*{sku.lower()}/index.html"))


def canonical_of(page: Path) -> str:
    found = re.search(r'<link rel="canonical" href="([^"]+)">', page.read_text())
    assert found, f"{page} has no canonical link"
    return found.group(1)
