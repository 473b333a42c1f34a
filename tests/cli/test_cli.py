"""The ``pim`` command as scripts and operators use it."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from api.cli import main


def test_demo_without_serving_publishes_the_demo_catalog(database, build_dir, capsys):
    assert main(["demo", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^Catalog:  http://\S+/catalog/demo/$", out, re.MULTILINE)
    assert re.search(r"^API docs: http://\S+/schema$", out, re.MULTILINE)
    token = re.search(r"^Token:    (pim_\S+)$", out, re.MULTILINE).group(1)
    assert len(token) > 20

    site = build_dir / "catalog" / "demo"
    english = list(site.glob("en-us/p/*/index.html"))
    french = list(site.glob("fr-fr/p/*/index.html"))
    assert len(english) >= 40 and len(english) == len(french)
    categories = {p.parent.name for p in site.glob("en-us/c/*/index.html")}
    assert len(categories) >= 4
    ET.parse(site / "sitemap.xml")
    page = english[0].read_text()
    block = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL
    )
    assert json.loads(block.group(1))["@type"] == "Product"

    # Running it again changes nothing in the catalog and still succeeds.
    assert main(["demo", "--no-serve"]) == 0
    again = capsys.readouterr()
    assert "0 new or changed" in again.err


def test_token_create_prints_only_the_token(database, capsys):
    assert main(["demo", "--no-serve"]) == 0
    capsys.readouterr()
    assert main(["token", "create", "--org", "demo", "--email", "ops@example.com"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"pim_[A-Za-z0-9_-]+\n", out)

    from litestar.testing import TestClient

    from api.app import create_app

    with TestClient(create_app()) as client:
        response = client.get(
            "/api/v1/pim/products?limit=1",
            headers={"Authorization": f"Bearer {out.strip()}"},
        )
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


def test_failures_print_one_line_and_exit_non_zero(database, capsys):
    assert (
        main(["token", "create", "--org", "missing-org", "--email", "a@b.example"]) == 1
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: ") and "missing-org" in err
    assert main(["build", "--org", "missing-org", "--channel", "web"]) == 1
    assert capsys.readouterr().err.startswith("error: ")


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["publish", "--org", "demo", "--channel", "web"],
            (
                "error: Name the products to publish with --sku, or use --all. "
                "(products_required)\n"
            ),
        ),
        (
            ["import", "akeneo", "no/such/folder", "--org", "demo"],
            (
                "error: no/such/folder is not a folder; give the folder of an Akeneo "
                "CSV export. (not_a_folder)\n"
            ),
        ),
    ],
)
def test_usage_refusals_are_one_coded_line_and_exit_1(run, argv, line):
    printed = run(*argv)
    assert (printed.code, printed.err, printed.out) == (1, line, "")
