"""Hostile and odd input: clear 4xx answers, nothing half-written."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from tests.catalog import product, setup_catalog

BASE = "/api/v1/pim/products"


@pytest.fixture
def shop(client, org):
    setup_catalog(client, org.headers)
    return org


def _error(response, status: int = 422) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_unicode_sku_round_trips_with_an_encoded_location(client, shop) -> None:
    sku = "MUG-🍳 a?b"
    created = client.post(BASE, json=product(sku), headers=shop.headers)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{BASE}/{quote(sku, safe='')}"
    assert (
        client.get(created.headers["location"], headers=shop.headers).json()["sku"]
        == sku
    )


@pytest.mark.parametrize("sku", ["BIDI\u202eX", "LINE\u2028SEP", "..", "TAB\tX"])
def test_invisible_characters_in_skus_are_refused(client, shop, sku) -> None:
    error = _error(client.post(BASE, json=product(sku), headers=shop.headers))
    assert error["errors"][0]["code"] == "invalid_sku"
    listing = client.get(f"{BASE}?limit=100", headers=shop.headers).json()
    assert listing["items"] == []


def test_nul_characters_are_refused_and_nothing_is_written(client, shop) -> None:
    body = product("NUL-1", name="bad\u0000name")
    error = _error(client.post(BASE, json=body, headers=shop.headers))
    assert error["errors"][0]["code"] == "invalid_character"
    assert client.get(f"{BASE}/NUL-1", headers=shop.headers).status_code == 404
    search = client.get(f"{BASE}?q=a%00b", headers=shop.headers)
    assert search.status_code == 422


@pytest.mark.parametrize(
    ("attribute", "data", "code", "inside"),
    [
        ("seats", "1e3000000", "out_of_range", ""),
        ("seats", "1_0", "invalid_number", ""),
        (
            "price",
            [{"amount": "1e30", "currency": "EUR"}],
            "out_of_range",
            "[0].amount",
        ),
    ],
)
def test_numbers_are_bounded(client, shop, attribute, data, code, inside) -> None:
    body = product("NUM-1")
    body["values"][attribute] = [{"data": data}]
    error = _error(client.post(BASE, json=body, headers=shop.headers))
    assert error["errors"][0]["code"] == code
    assert error["errors"][0]["path"] == f"$.values.{attribute}[0].data{inside}"


def test_a_catastrophic_pattern_is_cut_short(client, shop) -> None:
    attribute = {"code": "slow", "type": "text", "rules": {"regex": "(a|aa)+$"}}
    assert (
        client.post(
            "/api/v1/pim/attributes", json=attribute, headers=shop.headers
        ).status_code
        == 201
    )
    family = client.get("/api/v1/pim/families/chairs", headers=shop.headers).json()
    family["attributes"].append("slow")
    assert (
        client.post(
            "/api/v1/pim/families", json=family, headers=shop.headers
        ).status_code
        == 200
    )
    body = product("SLOW-1")
    body["values"]["slow"] = [{"data": "a" * 60 + "!"}]
    started = time.monotonic()
    error = _error(client.post(BASE, json=body, headers=shop.headers))
    assert time.monotonic() - started < 5
    assert error["errors"][0]["code"] == "pattern_too_slow"


def test_a_tampered_cursor_is_refused(client, shop) -> None:
    import base64

    cursor = base64.urlsafe_b64encode(b"p:99999999999999999999999").decode()
    error = _error(client.get(f"{BASE}?cursor={cursor}", headers=shop.headers))
    assert error["errors"][0]["code"] == "invalid_cursor"


def test_values_can_be_cleared_while_changing_family(client, shop) -> None:
    lamp_family = {
        "code": "lamps",
        "attributes": ["name", "price"],
        "attribute_as_label": "name",
    }
    assert (
        client.post(
            "/api/v1/pim/families", json=lamp_family, headers=shop.headers
        ).status_code
        == 201
    )
    assert (
        client.post(BASE, json=product("MOVE-1"), headers=shop.headers).status_code
        == 201
    )
    refused = _error(
        client.patch(f"{BASE}/MOVE-1", json={"family": "lamps"}, headers=shop.headers)
    )
    assert {e["code"] for e in refused["errors"]} == {"attribute_not_in_family"}
    moved = client.patch(
        f"{BASE}/MOVE-1",
        json={
            "family": "lamps",
            "values": {
                "description": [{"locale": "en_US", "data": None}],
                "color": [{"data": None}],
                "seats": [{"data": None}],
            },
        },
        headers=shop.headers,
    )
    assert moved.status_code == 200, moved.text
    assert set(moved.json()["values"]) == {"name", "price"}


def test_localizable_cannot_flip_once_values_exist(client, shop) -> None:
    client.post(BASE, json=product("FLIP-1"), headers=shop.headers)
    seats = {"code": "seats", "type": "number", "localizable": True}
    error = _error(
        client.post("/api/v1/pim/attributes", json=seats, headers=shop.headers)
    )
    assert error["errors"][0]["code"] == "localizable_change"


def test_attribute_upsert_answers_the_new_state(client, shop) -> None:
    body = {
        "code": "seats",
        "type": "number",
        "labels": {"en_US": "Seats"},
        "sort_order": 7,
    }
    answer = client.post(
        "/api/v1/pim/attributes", json=body, headers=shop.headers
    ).json()
    assert answer["labels"] == {"en_US": "Seats"}
    assert answer["sort_order"] == 7


def test_published_products_keep_their_sku_and_leave_when_disabled(
    client, shop
) -> None:
    client.post(BASE, json=product("LIVE-1"), headers=shop.headers)
    client.post(
        f"{BASE}/LIVE-1/publish", json={"channels": ["web"]}, headers=shop.headers
    )
    renamed = client.patch(
        f"{BASE}/LIVE-1", json={"sku": "LIVE-2"}, headers=shop.headers
    )
    assert _error(renamed, 409)["code"] == "product_published"
    disabled = client.patch(
        f"{BASE}/LIVE-1", json={"enabled": False}, headers=shop.headers
    )
    assert disabled.status_code == 200
    assert disabled.json()["published"] == {}
    quote_body = {"name": "A", "email": "a@example.com", "items": [{"sku": "LIVE-1"}]}
    refused = client.post(f"/api/v1/catalog/{shop.slug}/quote", json=quote_body)
    assert _error(refused)["errors"][0]["code"] == "product_not_published"


def test_bulk_unpublish_skips_unknown_skus(client, shop) -> None:
    response = client.post(
        "/api/v1/pim/publish",
        json={"channels": ["web"], "skus": ["NOPE"], "unpublish": True},
        headers=shop.headers,
    )
    assert response.status_code == 200
    assert response.json()["skipped"] == {"NOPE": "product_not_found"}


def test_quote_form_with_odd_numbers_gets_a_readable_page(client, shop) -> None:
    client.post(BASE, json=product("Q-1"), headers=shop.headers)
    client.post(f"{BASE}/Q-1/publish", json={"channels": ["web"]}, headers=shop.headers)
    response = client.post(
        f"/api/v1/catalog/{shop.slug}/quote",
        data={"name": "A", "email": "a@example.com", "sku": "Q-1", "quantity": "²"},
    )
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]
    too_long = client.post(
        f"/api/v1/catalog/{shop.slug}/quote",
        json={
            "name": "A",
            "email": "a@example.com",
            "items": [{"sku": "Q-1"}],
            "locale": "x" * 40,
        },
    )
    assert _error(too_long)["errors"][0]["code"] == "unknown_locale"


def test_static_paths_that_cannot_exist_are_404(client, shop) -> None:
    assert client.get(f"/catalog/{shop.slug}/{'a' * 300}").status_code == 404
    assert client.get("/catalog/no-such-org", follow_redirects=False).status_code == 404


def _raw(client, method: str, url: str, content: str | bytes, headers: dict) -> dict:
    return client.request(
        method,
        url,
        content=content.encode() if isinstance(content, str) else content,
        headers={**headers, "content-type": "application/json"},
    )


@pytest.mark.parametrize(
    ("method", "url", "content", "path"),
    [
        (
            "PATCH",
            f"{BASE}/VT-1",
            '{"values": {"seats": [{"data": 1e400}]}}',
            "$.values.seats[0].data",
        ),
        (
            "PATCH",
            f"{BASE}/VT-1",
            '{"values": {"seats": [{"data": -1e400}]}}',
            "$.values.seats[0].data",
        ),
        (
            "PATCH",
            f"{BASE}/VT-1",
            '{"values": {"seats": [{"data": 1e-400}]}}',
            "$.values.seats[0].data",
        ),
        pytest.param(
            "PATCH",
            f"{BASE}/VT-1",
            '{"values": {"seats": [{"data": 1' + "0" * 5000 + "}]}}",
            "$.values.seats[0].data",
            id="5001-digit-integer",
        ),
        (
            "POST",
            "/api/v1/pim/attributes",
            '{"code": "big", "type": "number", "rules": {"min": 1e400}}',
            "$.rules.min",
        ),
    ],
)
def test_numbers_beyond_json_range_name_their_field(
    client, shop, method, url, content, path
) -> None:
    client.post(BASE, json=product("VT-1"), headers=shop.headers)
    error = _error(_raw(client, method, url, content, shop.headers))
    assert error["code"] == "validation_failed"
    assert error["errors"] == [
        {
            "path": path,
            "code": "out_of_range",
            "message": error["errors"][0]["message"],
            "expected": "a magnitude between 1e-308 and 1e308, or 0",
        }
    ]
    assert error["errors"][0]["message"].endswith("is out of the range of numbers.")
    kept = client.get(f"{BASE}/VT-1", headers=shop.headers).json()
    assert kept["values"]["seats"] == [{"locale": None, "scope": None, "data": "1"}]


@pytest.mark.parametrize(
    ("url", "body", "path", "code"),
    [
        (
            BASE,
            product("KEY-1", values={"seats": [{"data": 1, "unit": "x"}]}),
            "$.values.seats[0].unit",
            "unknown_field",
        ),
        (
            BASE,
            product("KEY-1", values={"name": [{"data": "x", "locale": 5}]}),
            "$.values.name[0].locale",
            "invalid_type",
        ),
        (
            BASE,
            product("KEY-1", values={"seats": {"data": 1}}),
            "$.values.seats",
            "invalid_type",
        ),
        (
            BASE,
            product("KEY-1", values={"a b": [{}]}),
            '$.values["a b"][0].data',
            "required",
        ),
        (
            "/api/v1/pim/categories",
            {"code": "c1", "labels": {"en_US": "One", "fr_FR": 5}},
            "$.labels.fr_FR",
            "invalid_type",
        ),
        (
            "/api/v1/pim/families",
            {"code": "f1", "requirements": {"web": ["name", 7]}},
            "$.requirements.web[1]",
            "invalid_type",
        ),
    ],
)
def test_shape_errors_name_the_dictionary_key(client, shop, url, body, path, code):
    error = _error(client.post(url, json=body, headers=shop.headers))
    assert [(e["path"], e["code"]) for e in error["errors"]] == [(path, code)]
    assert "[...]" not in error["detail"]


@pytest.mark.parametrize(
    "url", [BASE, f"{BASE}/E-1/publish", f"{BASE}/E-1/unpublish", "/api/v1/pim/publish"]
)
@pytest.mark.parametrize("content", [b"", b"  \n"])
def test_an_empty_body_is_reported_as_missing(client, shop, url, content) -> None:
    error = _error(_raw(client, "POST", url, content, shop.headers), 400)
    assert error["code"] == "body_required"
    assert error["detail"] == "This request needs a JSON body; it was empty."
    assert error["errors"][0]["path"] == "$"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (product("NUL-2", name="bad\u0000name"), "$.values.name[0].data"),
        (product("NUL\u0000-3"), "$.sku"),
        (product("NUL-4", categories=["seating", "a\u0000"]), "$.categories[1]"),
        (product("NUL-5", values={"na\u0000me": []}), '$.values["na\\u0000me"]'),
    ],
)
def test_nul_characters_are_refused_where_they_are(client, shop, body, path) -> None:
    error = _error(client.post(BASE, json=body, headers=shop.headers))
    assert error["errors"][0]["path"] == path
    assert {e["code"] for e in error["errors"]} == {"invalid_character"}
    assert "NUL" in error["errors"][0]["message"]


def test_nul_in_a_query_names_the_parameter(client, shop) -> None:
    error = _error(client.get(f"{BASE}?q=a%00b", headers=shop.headers))
    assert [(e["path"], e["code"]) for e in error["errors"]] == [
        ("query.q", "invalid_character")
    ]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", f"{BASE}/%00"),
        ("DELETE", f"{BASE}/A%00B"),
        ("POST", f"{BASE}/%00/publish"),
        ("POST", f"{BASE}/%00/unpublish"),
    ],
)
def test_a_nul_in_a_sku_path_is_no_such_product(client, shop, method, url) -> None:
    kwargs = {"json": {"channels": ["web"]}} if method == "POST" else {}
    error = _error(client.request(method, url, headers=shop.headers, **kwargs), 404)
    assert error["code"] == "product_not_found"


@pytest.mark.parametrize(
    ("url", "kind"), [("attributes", "attribute"), ("families", "family")]
)
def test_a_nul_in_a_code_path_is_not_found(client, shop, url, kind) -> None:
    response = client.get(f"/api/v1/pim/{url}/a%00", headers=shop.headers)
    assert _error(response, 404)["code"] == f"{kind}_not_found"


def test_a_lone_surrogate_is_named_as_such(client, shop) -> None:
    error = _error(_raw(client, "POST", BASE, '{"sku": "T\\ud800"}', shop.headers))
    assert error["errors"] == [
        {
            "path": "$.sku",
            "code": "invalid_character",
            "message": "Text contains a lone surrogate \\ud800, which is not a "
            "character; characters beyond U+FFFF are sent as a surrogate pair.",
            "expected": "text without NUL characters or lone surrogates",
        }
    ]
    paired = product("T\U0001f373")
    assert client.post(BASE, json=paired, headers=shop.headers).status_code == 201


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"sku": ', "JSON is malformed: Expecting value at line 1 column 9."),
        (b'{"sku": "A"} x', "JSON is malformed: Extra data at line 1 column 14."),
        (b'{"sku": NaN}', "JSON is malformed: NaN is not a JSON number."),
        (b'{"sku": "\xff"}', "The body is not UTF-8 text (byte 9)."),
        (b"[" * 100_000, "The body is nested too deeply to read."),
    ],
)
def test_malformed_json_is_400_with_where(client, shop, content, message) -> None:
    error = _error(_raw(client, "POST", BASE, content, shop.headers), 400)
    assert error["code"] == "malformed_json"
    assert error["detail"] == message


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        None,
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
    ],
)
def test_bodies_must_be_declared_as_json(client, shop, content_type) -> None:
    headers = dict(shop.headers)
    if content_type:
        headers["content-type"] = content_type
    response = client.post(BASE, content=b'{"sku": "CT-1"}', headers=headers)
    assert response.request.headers.get("content-type") == content_type
    error = _error(response, 415)
    assert error["code"] == "unsupported_media_type"
    assert error["detail"].startswith("Send the body as application/json")
    assert client.get(f"{BASE}/CT-1", headers=shop.headers).status_code == 404


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=UTF-8", "application/merge-patch+json"],
)
def test_json_content_types_with_parameters_are_accepted(
    client, shop, content_type
) -> None:
    response = client.post(
        BASE,
        content=b'{"sku": "CT-2"}',
        headers={**shop.headers, "content-type": content_type},
    )
    assert response.status_code == 201, response.text


def test_a_form_post_to_the_api_is_415(client, shop) -> None:
    response = client.post(BASE, data={"sku": "F-1"}, headers=shop.headers)
    assert _error(response, 415)["code"] == "unsupported_media_type"


@pytest.fixture
def measured(client, shop):
    for attribute in (
        {"code": "weight", "type": "metric"},
        {"code": "released", "type": "date"},
    ):
        response = client.post(
            "/api/v1/pim/attributes", json=attribute, headers=shop.headers
        )
        assert response.status_code == 201, response.text
    family = client.get("/api/v1/pim/families/chairs", headers=shop.headers).json()
    family["attributes"] += ["weight", "released"]
    response = client.post("/api/v1/pim/families", json=family, headers=shop.headers)
    assert response.status_code == 200, response.text
    created = client.post(BASE, json=product("VAL-1"), headers=shop.headers)
    assert created.status_code == 201, created.text
    return shop


@pytest.mark.parametrize(
    ("attribute", "data", "path", "code"),
    [
        ("price", [{"amount": None, "currency": "EUR"}], "[0].amount", "required"),
        ("price", [{"currency": "EUR"}], "[0].amount", "required"),
        (
            "price",
            [{"amount": "1", "currency": "USD"}, {"amount": "2"}],
            "[1].currency",
            "required",
        ),
        (
            "price",
            [{"amount": "1", "currency": "EUR", "tax": "x"}],
            "[0].tax",
            "unknown_field",
        ),
        ("price", [{"amount": "１２", "currency": "EUR"}], "[0].amount", None),
        ("price", ["12 EUR"], "[0]", "invalid_price"),
        ("weight", {"amount": "1", "unit": "KILOGRAM", "x": 1}, ".x", "unknown_field"),
        ("weight", {"amount": "1"}, ".unit", "required"),
        ("weight", {"amount": None, "unit": "KILOGRAM"}, ".amount", "required"),
        ("weight", {"amount": "٣", "unit": "KILOGRAM"}, ".amount", "invalid_number"),
        ("released", "2023-01-01T25:00", "", "invalid_date"),
        ("released", "2023-01-01T00:00", "", "invalid_date"),
        ("released", "2023-02-30", "", "invalid_date"),
        ("released", "2023-1-5", "", "invalid_date"),
        ("released", "２０２３-01-01", "", "invalid_date"),
        ("seats", "１２", "", "invalid_number"),
        ("seats", "1٢", "", "invalid_number"),
    ],
)
def test_structured_values_are_checked_part_by_part(
    client, measured, attribute, data, path, code
) -> None:
    patch = {"values": {attribute: [{"data": data}]}}
    response = client.patch(f"{BASE}/VAL-1", json=patch, headers=measured.headers)
    error = _error(response)
    assert [e["path"] for e in error["errors"]] == [
        f"$.values.{attribute}[0].data{path}"
    ]
    assert error["errors"][0]["code"] == (code or "invalid_number")
    kept = client.get(f"{BASE}/VAL-1", headers=measured.headers).json()["values"]
    assert kept["price"][0]["data"] == [{"amount": "129.50", "currency": "EUR"}]
    assert "weight" not in kept and "released" not in kept


@pytest.mark.parametrize(
    ("attribute", "data", "stored"),
    [
        ("released", "2024-02-29", "2024-02-29"),
        ("weight", {"amount": "1.50", "unit": "KILOGRAM"}, None),
        ("seats", "12", "12"),
        ("price", [], []),
    ],
)
def test_well_formed_values_are_stored(
    client, measured, attribute, data, stored
) -> None:
    patch = {"values": {attribute: [{"data": data}]}}
    response = client.patch(f"{BASE}/VAL-1", json=patch, headers=measured.headers)
    assert response.status_code == 200, response.text
    expected = {"amount": "1.5", "unit": "KILOGRAM"} if stored is None else stored
    assert response.json()["values"][attribute][0]["data"] == expected


def test_a_family_in_an_organisation_without_families_says_none_exist(client):
    from tests.conftest import make_org

    fresh = make_org()
    response = client.post(
        "/api/v1/pim/products",
        json={"sku": "NEW-1", "family": "chairs"},
        headers=fresh.headers,
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["path"], error["code"], error["expected"]) == (
        "$.family",
        "unknown_family",
        "an existing family code (none exist yet)",
    )
