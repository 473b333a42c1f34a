"""The category tree stays a tree, and reading it ends even if it is not."""

from __future__ import annotations

import threading

from sqlalchemy import update

from tests.conftest import race

API = "/api/v1/pim"
ROUNDS = 6


def _post(client, org, body):
    return client.post(f"{API}/categories", json=body, headers=org.headers)


def _parents(client, org) -> dict[str, str | None]:
    listed = client.get(f"{API}/categories", headers=org.headers).json()
    return {c["code"]: c["parent"] for c in listed}


def _store_loop(org, first: str, second: str) -> None:
    """Two categories naming each other as parent, written past the API."""
    from api.catalog.models import Category
    from api.database import tenant_session

    with tenant_session(org.slug) as db:
        for code, parent in ((first, second), (second, first)):
            db.execute(
                update(Category).where(Category.code == code).values(parent_code=parent)
            )


def test_a_move_under_a_descendant_names_the_loop(client, org) -> None:
    for body in (
        {"code": "house"},
        {"code": "kitchen", "parent": "house"},
        {"code": "pans", "parent": "kitchen"},
    ):
        assert _post(client, org, body).status_code == 201
    response = _post(client, org, {"code": "house", "parent": "pans"})
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert (error["path"], error["code"]) == ("$.parent", "category_cycle")
    assert error["message"] == (
        "Moving 'house' under 'pans' would make a cycle: "
        "house → pans → kitchen → house."
    )
    assert _parents(client, org)["house"] is None


def test_moves_racing_to_close_a_loop_leave_a_tree(client, org) -> None:
    for round_ in range(ROUNDS):
        first, second = f"cyc{round_}a", f"cyc{round_}b"
        assert _post(client, org, {"code": first}).status_code == 201
        assert _post(client, org, {"code": second}).status_code == 201
        responses = race(
            [
                lambda a=first, b=second: _post(client, org, {"code": a, "parent": b}),
                lambda a=first, b=second: _post(client, org, {"code": b, "parent": a}),
            ]
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 422], [r.text for r in responses]
        refused = next(r for r in responses if r.status_code == 422)
        assert refused.json()["errors"][0]["code"] == "category_cycle"
        parents = _parents(client, org)
        assert None in (parents[first], parents[second])


def test_a_stored_loop_does_not_hang_the_product_filter(client, org) -> None:
    from sqlalchemy import text

    from api.catalog.products import list_products
    from api.database import tenant_session

    for code in ("top", "loopa", "loopb"):
        assert _post(client, org, {"code": code}).status_code == 201
    outside = {"sku": "LAMP", "categories": ["top"]}
    created = client.post(f"{API}/products", json=outside, headers=org.headers)
    assert created.status_code == 201, created.text
    _store_loop(org, "loopa", "loopb")
    with tenant_session(org.slug) as db:
        db.execute(text("SET LOCAL statement_timeout = '5s'"))
        assert list_products(db, category="loopa").items == []
    response = client.get(
        f"{API}/products", params={"category": "loopb"}, headers=org.headers
    )
    assert response.status_code == 200, response.text


def _within(seconds: float, work):
    """``work()``'s answer, or a failure when it has not ended in time."""
    answer: list = []
    worker = threading.Thread(target=lambda: answer.append(work()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert answer, f"still running after {seconds}s"
    return answer[0]


def test_a_stored_loop_does_not_hang_the_channel_tree(client, org) -> None:
    from api.catalog.models import Channel
    from api.database import tenant_session
    from api.jobs import channel_categories

    for body in ({"code": "top"}, {"code": "loopa"}, {"code": "loopb"}):
        assert _post(client, org, body).status_code == 201
    _store_loop(org, "loopa", "loopb")

    def walk(root: str | None) -> list[str]:
        with tenant_session(org.slug) as db:
            channel = Channel(code="web", locales=[], currencies=[])
            channel.category_tree = root
            return [c.code for c in channel_categories(db, channel)]

    assert _within(10, lambda: walk("loopa")) == ["loopb"]
    assert _within(10, lambda: walk(None)) == ["top"]
