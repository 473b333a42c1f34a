"""Product parents: they exist, never loop, and keep their children."""

from __future__ import annotations

import pytest

from tests.conftest import race

BASE = "/api/v1/pim/products"
ROUNDS = 5


def _create(client, org, sku: str, parent: str | None = None):
    body = {"sku": sku} if parent is None else {"sku": sku, "parent": parent}
    return client.post(BASE, json=body, headers=org.headers)


def _patch(client, org, sku: str, body: dict):
    return client.patch(f"{BASE}/{sku}", json=body, headers=org.headers)


def _parent_of(client, org, sku: str) -> str | None:
    return client.get(f"{BASE}/{sku}", headers=org.headers).json()["parent"]


def _error(response, status: int = 422) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_parents_that_would_loop_are_refused(client, org) -> None:
    for sku in ("CASE-a", "case-A"):
        assert _create(client, org, sku).status_code == 201
    assert _patch(client, org, "CASE-a", {"parent": "case-A"}).status_code == 200
    error = _error(_patch(client, org, "case-A", {"parent": "CASE-a"}))["errors"][0]
    assert (error["path"], error["code"]) == ("$.parent", "parent_cycle")
    assert error["message"] == (
        "Product 'CASE-a' is already below this product, so the parents would "
        "loop: 'case-A' → 'CASE-a' → 'case-A'."
    )
    assert _parent_of(client, org, "case-A") is None


def test_a_loop_through_several_generations_is_refused(client, org) -> None:
    assert _create(client, org, "G-1").status_code == 201
    assert _create(client, org, "G-2", parent="G-1").status_code == 201
    assert _create(client, org, "G-3", parent="G-2").status_code == 201
    error = _error(_patch(client, org, "G-1", {"parent": "G-3"}))["errors"][0]
    assert error["code"] == "parent_cycle"
    assert error["message"].endswith("'G-1' → 'G-3' → 'G-2' → 'G-1'.")


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"parent": "SELF"}, "parent_cycle", "A product cannot be its own parent."),
        (
            {"sku": "RENAMED", "parent": "RENAMED"},
            "parent_cycle",
            "A product cannot be its own parent.",
        ),
        (
            {"parent": "NOWHERE"},
            "unknown_parent",
            "Parent 'NOWHERE' is not a product of this catalog.",
        ),
    ],
)
def test_a_product_cannot_be_its_own_or_a_missing_parent(
    client, org, body, code, message
) -> None:
    assert _create(client, org, "SELF").status_code == 201
    error = _error(_patch(client, org, "SELF", body))["errors"][0]
    assert (error["path"], error["code"], error["message"]) == (
        "$.parent",
        code,
        message,
    )


def test_a_new_product_cannot_name_itself_or_a_missing_parent(client, org) -> None:
    own = _error(_create(client, org, "NEW", parent="NEW"))["errors"][0]
    assert own["code"] == "parent_cycle"
    missing = _error(_create(client, org, "NEW", parent="GHOST"))["errors"][0]
    assert missing["code"] == "unknown_parent"
    assert client.get(f"{BASE}/NEW", headers=org.headers).status_code == 404


def test_a_parent_with_children_cannot_be_deleted(client, org) -> None:
    assert _create(client, org, "MODEL").status_code == 201
    for sku in ("MODEL-S", "MODEL-M"):
        assert _create(client, org, sku, parent="MODEL").status_code == 201
    error = _error(client.delete(f"{BASE}/MODEL", headers=org.headers), 409)
    assert error["code"] == "has_children"
    assert error["detail"] == (
        "Product 'MODEL' is the parent of 2 product(s); give them another "
        "parent or delete them first."
    )
    assert client.get(f"{BASE}/MODEL", headers=org.headers).status_code == 200
    for sku in ("MODEL-S", "MODEL-M"):
        assert client.delete(f"{BASE}/{sku}", headers=org.headers).status_code == 204
    assert client.delete(f"{BASE}/MODEL", headers=org.headers).status_code == 204


def test_children_follow_their_parent_to_a_new_sku(client, org) -> None:
    assert _create(client, org, "OLD").status_code == 201
    for sku in ("KID-1", "KID-2"):
        assert _create(client, org, sku, parent="OLD").status_code == 201
    assert _patch(client, org, "OLD", {"sku": "NEW"}).status_code == 200
    assert _parent_of(client, org, "KID-1") == "NEW"
    assert _parent_of(client, org, "KID-2") == "NEW"


def test_parent_changes_racing_to_close_a_loop_leave_one(client, org) -> None:
    for round_ in range(ROUNDS):
        first, second = f"R{round_}-a", f"R{round_}-b"
        assert _create(client, org, first).status_code == 201
        assert _create(client, org, second).status_code == 201
        responses = race(
            [
                lambda a=first, b=second: _patch(client, org, a, {"parent": b}),
                lambda a=first, b=second: _patch(client, org, b, {"parent": a}),
            ]
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 422], [r.text for r in responses]
        parents = (_parent_of(client, org, first), _parent_of(client, org, second))
        assert None in parents


def test_a_child_cannot_be_added_to_a_parent_being_deleted(client, org) -> None:
    for round_ in range(ROUNDS):
        parent = f"P{round_}"
        assert _create(client, org, parent).status_code == 201
        responses = race(
            [
                lambda p=parent: client.delete(f"{BASE}/{p}", headers=org.headers),
                lambda p=parent: _create(client, org, f"{p}-kid", parent=p),
            ]
        )
        deleted, created = (r.status_code for r in responses)
        assert (deleted, created) in ((204, 422), (409, 201)), [
            r.text for r in responses
        ]


def test_a_rename_racing_a_child_move_never_deadlocks(client, org) -> None:
    for round_ in range(ROUNDS):
        parent, child = f"M{round_}", f"M{round_}-kid"
        assert _create(client, org, parent).status_code == 201
        assert _create(client, org, f"{child}-old", parent=parent).status_code == 201
        assert _create(client, org, child).status_code == 201
        responses = race(
            [
                lambda p=parent: _patch(client, org, p, {"sku": f"{p}-new"}),
                lambda p=parent, c=child: _patch(client, org, c, {"parent": p}),
            ]
        )
        renamed, moved = (r.status_code for r in responses)
        assert renamed == 200, responses[0].text
        assert moved in (200, 422), responses[1].text
        expected = f"{parent}-new" if moved == 200 else None
        assert _parent_of(client, org, child) == expected
        assert _parent_of(client, org, f"{child}-old") == f"{parent}-new"
