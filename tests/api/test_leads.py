"""The sales team reads leads and moves them along, one organisation at a time."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.auth.principal import READ
from api.auth.tokens import create_token
from api.database import public_session, tenant_session
from api.quotes.models import Lead
from api.tenants.service import ensure_user, get_org
from tests.catalog import product, setup_catalog
from tests.conftest import make_org

LEADS = "/api/v1/leads"


def _quote(client, slug: str, name: str, quantity: int = 1) -> None:
    response = client.post(
        f"/api/v1/catalog/{slug}/quote",
        json={
            "name": name,
            "email": f"{name.lower()}@example.com",
            "items": [{"sku": "L-1", "quantity": quantity}],
        },
    )
    assert response.status_code == 201, response.text


@pytest.fixture
def sales(client, org):
    """An organisation with three leads: Ada, then Bob, then Cy."""
    setup_catalog(client, org.headers)
    client.post("/api/v1/pim/products", json=product("L-1"), headers=org.headers)
    published = client.post(
        "/api/v1/pim/products/L-1/publish",
        json={"channels": ["web"]},
        headers=org.headers,
    )
    assert published.status_code == 200, published.text
    for quantity, name in enumerate(("Ada", "Bob", "Cy"), start=1):
        _quote(client, org.slug, name, quantity)
    return org


def _ids(slug: str) -> dict[str, int]:
    with tenant_session(slug) as db:
        return {lead.name: lead.id for lead in db.scalars(select(Lead))}


def test_leads_are_listed_newest_first(client, sales) -> None:
    response = client.get(LEADS, headers=sales.headers)

    assert response.status_code == 200, response.text
    page = response.json()
    assert [lead["name"] for lead in page["items"]] == ["Cy", "Bob", "Ada"]
    assert page["next_cursor"] is None
    cy = page["items"][0]
    assert cy["id"] == _ids(sales.slug)["Cy"]
    assert (cy["email"], cy["status"], cy["source"]) == (
        "cy@example.com",
        "new",
        "catalog_quote",
    )
    assert cy["items"] == [{"sku": "L-1", "quantity": 3}]
    assert cy["created_at"]


def test_leads_page_with_a_cursor(client, sales) -> None:
    first = client.get(LEADS, params={"limit": 2}, headers=sales.headers).json()
    assert [lead["name"] for lead in first["items"]] == ["Cy", "Bob"]
    assert first["_links"]["next"] == f"{LEADS}?limit=2&cursor={first['next_cursor']}"

    second = client.get(first["_links"]["next"], headers=sales.headers).json()

    assert [lead["name"] for lead in second["items"]] == ["Ada"]
    assert second["next_cursor"] is None


def test_leads_filter_by_status(client, sales) -> None:
    bob = _ids(sales.slug)["Bob"]
    client.patch(f"{LEADS}/{bob}", json={"status": "won"}, headers=sales.headers)

    won = client.get(LEADS, params={"status": "won"}, headers=sales.headers).json()
    new = client.get(LEADS, params={"status": "new"}, headers=sales.headers).json()

    assert [lead["name"] for lead in won["items"]] == ["Bob"]
    assert [lead["name"] for lead in new["items"]] == ["Cy", "Ada"]


@pytest.mark.parametrize(
    ("params", "path", "code"),
    [
        ({"limit": 0}, "query.limit", "invalid_limit"),
        ({"limit": 101}, "query.limit", "invalid_limit"),
        ({"cursor": "bm9wZQ"}, "query.cursor", "invalid_cursor"),
        ({"cursor": "cDox"}, "query.cursor", "invalid_cursor"),  # a product cursor
        ({"status": "pending"}, "query.status", "invalid_status"),
    ],
)
def test_bad_list_parameters_are_422(client, sales, params, path, code) -> None:
    response = client.get(LEADS, params=params, headers=sales.headers)

    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["path"], error["code"]) == (path, code)


def test_one_lead_by_id(client, sales) -> None:
    ada = _ids(sales.slug)["Ada"]

    response = client.get(f"{LEADS}/{ada}", headers=sales.headers)

    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Ada"
    assert response.json()["items"] == [{"sku": "L-1", "quantity": 1}]


@pytest.mark.parametrize("lead_id", ["0", "999999", str(2**63), str(10**30)])
def test_unknown_lead_is_404(client, sales, lead_id) -> None:
    response = client.get(f"{LEADS}/{lead_id}", headers=sales.headers)

    assert response.status_code == 404, response.text
    assert response.json()["code"] == "lead_not_found"


@pytest.mark.parametrize("status", ["new", "contacted", "qualified", "won", "lost"])
def test_lead_status_moves_within_the_fixed_set(client, sales, status) -> None:
    ada = _ids(sales.slug)["Ada"]

    response = client.patch(
        f"{LEADS}/{ada}", json={"status": status}, headers=sales.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == status
    with tenant_session(sales.slug) as db:
        assert db.get(Lead, ada).status == status


@pytest.mark.parametrize(
    ("body", "path", "code", "message"),
    [
        (
            {"status": "archived"},
            "$.status",
            "invalid_status",
            (
                "Status 'archived' is not a lead status; "
                "use one of new, contacted, qualified, won, lost."
            ),
        ),
        (
            {"status": "Won"},
            "$.status",
            "invalid_status",
            (
                "Status 'Won' is not a lead status; "
                "use one of new, contacted, qualified, won, lost."
            ),
        ),
        ({"status": 3}, "$.status", "invalid_type", "Expected `str`, got `int`"),
        ({}, "$.status", "required", "Object missing required field `status`"),
        (
            {"status": "won", "name": "Eve"},
            "$.name",
            "unknown_field",
            "Object contains unknown field `name`",
        ),
    ],
)
def test_bad_status_patch_is_422_and_changes_nothing(
    client, sales, body, path, code, message
) -> None:
    ada = _ids(sales.slug)["Ada"]

    response = client.patch(f"{LEADS}/{ada}", json=body, headers=sales.headers)

    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["path"], error["code"], error["message"]) == (path, code, message)
    with tenant_session(sales.slug) as db:
        assert db.get(Lead, ada).status == "new"


def test_another_organisations_lead_is_404(client, sales) -> None:
    other = make_org()
    ada = _ids(sales.slug)["Ada"]

    read = client.get(f"{LEADS}/{ada}", headers=other.headers)
    changed = client.patch(
        f"{LEADS}/{ada}", json={"status": "lost"}, headers=other.headers
    )
    listed = client.get(LEADS, headers=other.headers)

    assert read.status_code == 404 and read.json()["code"] == "lead_not_found"
    assert changed.status_code == 404 and changed.json()["code"] == "lead_not_found"
    assert listed.json() == {"items": [], "next_cursor": None, "_links": {}}
    with tenant_session(sales.slug) as db:
        assert db.get(Lead, ada).status == "new"


def test_leads_need_a_token_and_pim(client, sales) -> None:
    assert client.get(LEADS).status_code == 401
    assert client.get(f"{LEADS}/1").status_code == 401
    without_pim = make_org(pim=False)
    for method, path in (
        ("GET", LEADS),
        ("GET", f"{LEADS}/1"),
        ("PATCH", f"{LEADS}/1"),
    ):
        response = client.request(
            method, path, json={"status": "won"}, headers=without_pim.headers
        )
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "pim_not_enabled"
    malformed = client.patch(
        f"{LEADS}/1",
        content=b"{",
        headers={**without_pim.headers, "content-type": "application/json"},
    )
    assert malformed.status_code == 403, malformed.text


def _read_only_token(slug: str) -> str:
    with public_session() as db:
        org = get_org(db, slug)
        user = ensure_user(db, f"owner@{slug}.example")
        return create_token(db, user_id=user.id, organization_id=org.id, scopes=[READ])


def test_a_read_only_token_reads_leads_but_cannot_change_them(client, sales) -> None:
    ada = _ids(sales.slug)["Ada"]
    headers = {"Authorization": f"Bearer {_read_only_token(sales.slug)}"}

    assert client.get(f"{LEADS}/{ada}", headers=headers).status_code == 200
    refused = client.patch(f"{LEADS}/{ada}", json={"status": "won"}, headers=headers)

    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "insufficient_scope"
    with tenant_session(sales.slug) as db:
        assert db.get(Lead, ada).status == "new"


@pytest.mark.parametrize(
    "cursor",
    [
        "bDox====",  # "l:1" with more padding than base64 has
        "bDox=",
        "bDowMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAx",  # l:000…01
        "bDowMQ",  # l:01
        "bDow",  # l:0, before any lead
        "bDotMQ",  # l:-1
    ],
)
def test_a_cursor_spelled_otherwise_than_this_api_writes_it_is_422(
    client, sales, cursor
) -> None:
    response = client.get(LEADS, params={"cursor": cursor}, headers=sales.headers)

    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["path"], error["code"]) == ("query.cursor", "invalid_cursor")


@pytest.mark.parametrize("lead_id", ["abc", "-1", "1.0", "0001", "%C3%A9", "1e3"])
def test_a_lead_id_that_is_no_number_is_an_unknown_lead(client, sales, lead_id) -> None:
    read = client.get(f"{LEADS}/{lead_id}", headers=sales.headers)
    changed = client.patch(
        f"{LEADS}/{lead_id}", json={"status": "won"}, headers=sales.headers
    )

    for response in (read, changed):
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "lead_not_found"
