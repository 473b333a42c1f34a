"""A shopper opens a product page in Chromium and asks for a quote."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path
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


@pytest.fixture(scope="module")
def live_server(database: str):
    """The app on the port the site's absolute URLs already point at."""
    import uvicorn

    from api.app import create_app
    from api.settings import get_settings

    base = get_settings().public_base_url
    parts = urlsplit(base)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(), host=parts.hostname, port=parts.port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the API server did not start")
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


def test_product_page_quote_form_makes_a_lead(live_server, org, drain) -> None:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with httpx.Client(base_url=live_server, timeout=30) as client:
        setup_catalog(client, org.headers)
        created = client.post(
            "/api/v1/pim/products",
            json=product("WEB-1", name="Birch stool"),
            headers=org.headers,
        )
        assert created.status_code == 201, created.text
        published = client.post(
            "/api/v1/pim/products/WEB-1/publish",
            json={"channels": ["web"]},
            headers=org.headers,
        )
        assert published.status_code == 200, published.text
    drain()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            page = browser.new_page(java_script_enabled=False)
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
        finally:
            browser.close()

    with tenant_session(org.slug) as db:
        leads = list(db.scalars(select(Lead)))
    assert len(leads) == 1
    lead = leads[0]
    assert (lead.name, lead.email) == ("Grace Buyer", "grace@example.com")
    assert lead.items == [{"sku": "WEB-1", "quantity": 4}]
    assert lead.message == "Delivery to Lyon, please."
    assert lead.source == "catalog_quote"
