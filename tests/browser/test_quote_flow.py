"""A shopper opens a product page in Chromium and asks for a quote."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select

from api.database import tenant_session
from api.quotes.models import Lead
from tests.catalog import product, setup_catalog

CHROMIUM = (
    os.environ.get("PIM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
)


def _chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    reason = f"Chromium not found at {CHROMIUM} (install the 'chromium' package)"
    if os.environ.get("PIM_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(database: str):
    """The app on another port than the one the site's absolute URLs name.

    A shopper follows links and posts the quote form, so everything they use
    must be root-relative to work wherever the site is served.
    """
    import uvicorn

    from api.app import create_app
    from api.settings import get_settings

    host = urlsplit(get_settings().public_base_url).hostname or "127.0.0.1"
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host=host, port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the API server did not start")
        time.sleep(0.05)
    yield f"http://{host}:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _publish(live_server: str, org, sku: str, name: str, drain) -> None:
    with httpx.Client(base_url=live_server, timeout=30) as client:
        setup_catalog(client, org.headers)
        created = client.post(
            "/api/v1/pim/products",
            json=product(sku, name=name),
            headers=org.headers,
        )
        assert created.status_code == 201, created.text
        published = client.post(
            f"/api/v1/pim/products/{sku}/publish",
            json={"channels": ["web"]},
            headers=org.headers,
        )
        assert published.status_code == 200, published.text
    drain()


@contextmanager
def _browser_page() -> Iterator[Any]:
    """A Chromium page without JavaScript, as the catalog must work without it."""
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield browser.new_page(java_script_enabled=False)
        finally:
            browser.close()


def _leads(slug: str) -> list[Lead]:
    with tenant_session(slug) as db:
        return list(db.scalars(select(Lead)))


def test_product_page_quote_form_makes_a_lead(live_server, org, drain) -> None:
    _publish(live_server, org, "WEB-1", "Birch stool", drain)

    with _browser_page() as page:
        page.goto(f"{live_server}/catalog/{org.slug}/en-us/")
        page.get_by_role("link", name="Birch stool").first.click()
        page.wait_for_url("**/p/birch-stool-web-1/")
        page.wait_for_load_state("load")
        assert "Birch stool" in page.title()
        page.fill("#quote-name", "Grace Buyer")
        page.fill("#quote-email", "grace@example.com")
        page.fill("#quote-quantity", "4")
        page.fill("#quote-message", "Delivery to Lyon, please.")
        page.click("#quote-submit")
        page.wait_for_url("**/quote/thanks/")
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/catalog/{org.slug}/en-us/quote/thanks/")
        assert page.locator("h1").count() == 1

    [lead] = _leads(org.slug)
    assert (lead.name, lead.email) == ("Grace Buyer", "grace@example.com")
    assert lead.items == [{"sku": "WEB-1", "quantity": 4}]
    assert lead.message == "Delivery to Lyon, please."
    assert lead.source == "catalog_quote"


def test_shopper_corrects_a_refused_quote_and_resends_it(
    live_server, org, drain
) -> None:
    _publish(live_server, org, "WEB-2", "Ash bench", drain)
    with _browser_page() as page:
        page.goto(f"{live_server}/catalog/{org.slug}/fr-fr/")
        page.get_by_role("link", name="Ash bench (fr)").first.click()
        page.wait_for_url("**/p/ash-bench-fr-web-2/")
        page.wait_for_load_state("load")
        product_path = page.url.removeprefix(live_server)
        page.fill("#quote-name", "Grace Buyer")
        # The browser's own check takes this address; the server's does not.
        page.fill("#quote-email", "grace@example")
        page.fill("#quote-quantity", "3")
        page.fill("#quote-message", "Livraison à Lyon.")
        page.click("#quote-submit")
        page.wait_for_load_state("load")

        assert page.url == f"{live_server}/api/v1/catalog/{org.slug}/quote"
        assert page.locator("h1").inner_text() == "Votre demande n'a pas été envoyée"
        assert page.locator("#quote-email-error").inner_text() == (
            "Indiquez une adresse e-mail, par exemple nom@exemple.fr."
        )
        assert page.locator("link[rel=stylesheet]").count() == 1
        assert page.input_value("#quote-name") == "Grace Buyer"
        assert page.input_value("#quote-quantity") == "3"
        assert page.input_value("#quote-message") == "Livraison à Lyon."
        assert page.get_attribute("#quote-back", "href") == product_path
        assert _leads(org.slug) == []

        page.fill("#quote-email", "grace@example.com")
        page.click("#quote-submit")
        page.wait_for_url("**/quote/thanks/")
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/catalog/{org.slug}/fr-fr/quote/thanks/")

    [lead] = _leads(org.slug)
    assert (lead.name, lead.email, lead.locale) == (
        "Grace Buyer",
        "grace@example.com",
        "fr_FR",
    )
    assert lead.items == [{"sku": "WEB-2", "quantity": 3}]
    assert lead.message == "Livraison à Lyon."
