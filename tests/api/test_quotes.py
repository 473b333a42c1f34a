"""Quote requests from catalog pages become leads."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from api.database import public_session, tenant_session
from api.quotes.models import Lead
from api.tenants.service import get_org, set_org_settings
from tests.catalog import product, setup_catalog


def _leads(slug: str) -> list[Lead]:
    with tenant_session(slug) as db:
        return list(db.scalars(select(Lead).order_by(Lead.id)))


@pytest.fixture
def shop(client, org):
    setup_catalog(client, org.headers)
    for sku in ("Q-1", "Q-2"):
        client.post("/api/v1/pim/products", json=product(sku), headers=org.headers)
    client.post("/api/v1/pim/products", json=product("Q-DRAFT"), headers=org.headers)
    response = client.post(
        "/api/v1/pim/publish",
        json={"channels": ["web"], "skus": ["Q-1", "Q-2"]},
        headers=org.headers,
    )
    assert response.status_code == 200
    return org


def url(slug: str) -> str:
    return f"/api/v1/catalog/{slug}/quote"


def test_json_quote_makes_exactly_one_lead(client, shop) -> None:
    response = client.post(
        url(shop.slug),
        json={
            "name": "Ada Shopper",
            "email": "ada@example.com",
            "company": "Ada & Co",
            "items": [{"sku": "Q-1", "quantity": 3}, {"sku": "Q-2", "quantity": 1}],
        },
    )
    assert response.status_code == 201, response.text
    leads = _leads(shop.slug)
    assert len(leads) == 1
    lead = leads[0]
    assert response.json() == {"status": "received"}
    assert (lead.status, lead.source) == ("new", "catalog_quote")
    assert lead.items == [{"sku": "Q-1", "quantity": 3}, {"sku": "Q-2", "quantity": 1}]
    assert lead.company == "Ada & Co"


def test_form_quote_redirects_to_thanks(client, shop) -> None:
    response = client.post(
        url(shop.slug),
        data={
            "name": "Form Person",
            "email": "form@example.com",
            "sku": "Q-1",
            "quantity": "2",
            "locale": "fr_FR",
            "website": "",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/catalog/{shop.slug}/fr-fr/quote/thanks/"
    [lead] = _leads(shop.slug)
    assert lead.items == [{"sku": "Q-1", "quantity": 2}]
    assert lead.locale == "fr_FR"


def test_honeypot_is_accepted_and_dropped(client, shop) -> None:
    body = {
        "name": "Bot",
        "email": "bot@example.com",
        "website": "http://spam.example",
        "items": [{"sku": "Q-1", "quantity": 1}],
    }
    response = client.post(url(shop.slug), json=body)
    assert response.status_code == 201
    assert response.json() == {"status": "received"}  # as for a stored request
    form = client.post(
        url(shop.slug),
        data={"name": "Bot", "email": "bot@example.com", "sku": "Q-1", "website": "x"},
        follow_redirects=False,
    )
    assert form.status_code == 303
    assert _leads(shop.slug) == []


@pytest.mark.parametrize(
    ("body", "path", "code"),
    [
        ({"email": "a@example.com", "items": [{"sku": "Q-1"}]}, "$.name", "required"),
        (
            {"name": "A", "email": "nope", "items": [{"sku": "Q-1"}]},
            "$.email",
            "invalid_email",
        ),
        ({"name": "A", "email": "a@example.com", "items": []}, "$.items", "required"),
        (
            {"name": "A", "email": "a@example.com", "items": [{"sku": "Q-DRAFT"}]},
            "$.items[0].sku",
            "product_not_published",
        ),
        (
            {
                "name": "A",
                "email": "a@example.com",
                "items": [{"sku": "Q-1", "quantity": 0}],
            },
            "$.items[0].quantity",
            "invalid_quantity",
        ),
    ],
)
def test_bad_quotes_are_422_and_store_nothing(client, shop, body, path, code) -> None:
    response = client.post(url(shop.slug), json=body)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [path, code] in [[e["path"], e["code"]] for e in errors]
    assert _leads(shop.slug) == []


def test_unknown_org_malformed_and_oversized_bodies(client, shop) -> None:
    valid = {"name": "A", "email": "a@example.com", "items": [{"sku": "Q-1"}]}
    unknown = client.post(url("no-such-org"), json=valid)
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "organization_not_found"
    malformed = client.post(
        url(shop.slug),
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "malformed_json"
    wrong_type = client.post(
        url(shop.slug), content=b"hello", headers={"content-type": "text/plain"}
    )
    assert wrong_type.status_code == 415
    huge = client.post(url(shop.slug), json={**valid, "message": "x" * 200_000})
    assert huge.status_code == 413
    assert huge.json()["code"] == "body_too_large"
    assert _leads(shop.slug) == []


class FormPage(HTMLParser):
    """What a shopper sees of an HTML answer: fields, errors and links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang = ""
        self.meta: dict[str, str] = {}
        self.stylesheets: list[str] = []
        self.forms: list[dict[str, str]] = []
        self.inputs: dict[str, list[dict[str, str]]] = {}
        self.links: dict[str, str] = {}  # id -> href
        self.hrefs: list[str] = []
        self.texts: dict[str, str] = {}  # id -> text, for errors and textareas
        self._open: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "html":
            self.lang = values.get("lang", "")
        elif tag == "meta" and "name" in values:
            self.meta[values["name"]] = values.get("content", "")
        elif tag == "link" and values.get("rel") == "stylesheet":
            self.stylesheets.append(values["href"])
        elif tag == "form":
            self.forms.append(values)
        elif tag in ("input", "textarea"):
            self.inputs.setdefault(values["name"], []).append(values)
        elif tag == "a":
            self.hrefs.append(values.get("href", ""))
            if "id" in values:
                self.links[values["id"]] = values.get("href", "")
        if "id" in values and tag in ("strong", "textarea"):
            self._open = values["id"]
            self.texts[self._open] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("strong", "textarea"):
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.texts[self._open] += data

    def value(self, name: str, index: int = 0) -> str:
        return self.inputs[name][index].get("value", "")

    def error(self, field_id: str) -> str:
        return self.texts.get(f"{field_id}-error", "")


def _product_page(slug: str, locale: str = "en-us") -> str:
    return f"/catalog/{slug}/{locale}/p/oak-chair-q-1/"


def _form(slug: str, **changes: str | None) -> dict[str, str]:
    fields = {
        "name": "Form Person",
        "email": "form@example.com",
        "company": "Person & Co",
        "sku": "Q-1",
        "quantity": "2",
        "message": "Deliver to <Lyon>",
        "locale": "en_US",
        "page": _product_page(slug),
        "website": "",
    }
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}


def _send(client, slug: str, body: bytes | dict[str, str], **headers: str):
    if isinstance(body, dict):
        body = urlencode(body).encode()
    return client.post(
        url(slug),
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded", **headers},
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("changes", "status", "field_id", "message"),
    [
        (
            {"email": "not-an-email"},
            422,
            "quote-email",
            "Enter an email address, like name@example.com.",
        ),
        (
            {"quantity": "abc"},
            422,
            "quote-quantity",
            "Enter a whole number from 1 to 1,000,000.",
        ),
        (
            {"quantity": "99999999999", "locale": "fr_FR"},
            422,
            "quote-quantity",
            "Indiquez un nombre entier de 1 à 1\u202f000\u202f000.",
        ),
        ({"name": None, "locale": "fr_FR"}, 422, "quote-name", "Indiquez votre nom."),
        ({"name": "   "}, 422, "quote-name", "Enter your name."),
        (
            {"company": "Nul\x00Co"},
            422,
            "quote-company",
            "This contains a character that cannot be sent; please check it.",
        ),
        (
            {"message": "x" * 5001},
            422,
            "quote-message",
            "Shorten this to 5,000 characters at most.",
        ),
    ],
)
def test_form_errors_answer_a_site_page_in_the_shoppers_language(
    client, shop, changes, status, field_id, message
) -> None:
    response = _send(client, shop.slug, _form(shop.slug, **changes))

    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    page = FormPage(response.text)
    assert page.lang == changes.get("locale", "en_US").replace("_", "-")
    assert page.error(field_id) == message
    assert f'href="#{field_id}"' in response.text  # the summary links to it
    assert page.meta["robots"] == "noindex"
    [stylesheet] = page.stylesheets
    assert stylesheet.startswith(f"/catalog/{shop.slug}/static/site.")
    for internal in ("Expected", "`", "$.", "javascript:", "history.back"):
        assert internal not in response.text
    assert _leads(shop.slug) == []


def test_form_error_page_shows_the_form_again_with_the_entries(client, shop) -> None:
    response = _send(client, shop.slug, _form(shop.slug, email="ada@"))

    assert response.status_code == 422
    page = FormPage(response.text)
    [form] = page.forms
    assert (form["method"], form["action"]) == ("post", url(shop.slug))
    assert page.value("name") == "Form Person"
    assert page.value("email") == "ada@"
    assert page.value("company") == "Person & Co"
    assert page.value("sku") == "Q-1"
    assert page.value("quantity") == "2"
    assert page.value("locale") == "en_US"
    assert page.value("page") == _product_page(shop.slug)
    assert page.value("website") == ""
    assert page.texts["quote-message"] == "Deliver to <Lyon>"
    assert "<Lyon>" not in response.text  # shown as text, never as markup
    assert page.links["quote-back"] == _product_page(shop.slug)
    assert page.inputs["email"][0]["aria-invalid"] == "true"
    assert "aria-invalid" not in page.inputs["name"][0]
    assert page.error("quote-name") == ""


def test_corrected_form_from_the_error_page_makes_one_lead(client, shop) -> None:
    refused = _send(client, shop.slug, _form(shop.slug, email="ada@"))
    page = FormPage(refused.text)
    resent = {name: fields[0].get("value", "") for name, fields in page.inputs.items()}
    resent["message"] = page.texts["quote-message"]
    resent["email"] = "ada@example.com"

    response = _send(client, shop.slug, resent)

    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/catalog/{shop.slug}/en-us/quote/thanks/"
    [lead] = _leads(shop.slug)
    assert (lead.name, lead.email) == ("Form Person", "ada@example.com")
    assert lead.items == [{"sku": "Q-1", "quantity": 2}]
    assert lead.message == "Deliver to <Lyon>"


@pytest.mark.parametrize(
    ("body", "field_id", "kept"),
    [
        (b"name=%FF%FE&email=a%40example.com&sku=Q-1", "quote-name", "email"),
        (
            b"name=Ada&email=a%40example.com&sku=Q-1&quantity=%C3",
            "quote-quantity",
            "name",
        ),
        (
            b"name=Ada&email=a%40example.com&sku=Q-1&message=\xe9t\xe9",
            "quote-message",
            "name",
        ),
    ],
)
def test_form_fields_that_are_not_utf8_are_400_on_that_field(
    client, shop, body, field_id, kept
) -> None:
    response = _send(client, shop.slug, body + b"&locale=fr_FR")

    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = FormPage(response.text)
    assert page.lang == "fr-FR"
    assert page.error(field_id) == (
        "Nous n'avons pas pu lire ce qui a été envoyé ici ; saisissez-le à nouveau."
    )
    assert page.value(kept) != ""
    assert _leads(shop.slug) == []


def test_unreadable_locale_falls_back_to_the_default_and_is_stored(
    client, shop
) -> None:
    body = urlencode(_form(shop.slug, locale=None)).encode() + b"&locale=%FF"

    response = _send(client, shop.slug, body)

    assert response.status_code == 303
    assert response.headers["location"] == f"/catalog/{shop.slug}/en-us/quote/thanks/"
    [lead] = _leads(shop.slug)
    assert lead.locale is None


@pytest.mark.parametrize(
    "page",
    [
        "https://evil.example/",
        "//evil.example/catalog/{slug}/",
        "/catalog/{slug}x/en-us/",
        "/catalog/other/en-us/p/x/",
        "/catalog/{slug}/../../api/v1/leads/",
        "/catalog/{slug}/en-us/./p/",
        "/catalog/{slug}/en-us/p/x/?next=//evil.example",
        '/catalog/{slug}/en-us/p/x/"><script>alert(1)</script>',
        "/catalog/{slug}\\@evil.example/",
        "javascript:alert(1)//catalog/{slug}/",
        "/catalog/{slug}/en-us/p/%2e%2e/",
        "/catalog/{slug}/" + "a/" * 300,
    ],
)
def test_back_link_stays_inside_the_organisations_catalog(client, shop, page) -> None:
    body = _form(shop.slug, email="nope", page=page.format(slug=shop.slug))

    response = _send(client, shop.slug, body)

    assert response.status_code == 422
    parsed = FormPage(response.text)
    assert parsed.links["quote-back"] == f"/catalog/{shop.slug}/en-us/"
    assert "page" not in parsed.inputs
    assert "evil" not in response.text and "<script>" not in response.text


def test_back_link_leads_to_the_product_page_in_the_posted_language(
    client, shop
) -> None:
    product_page = _product_page(shop.slug, "fr-fr")
    body = _form(shop.slug, email="nope", locale="fr_FR", page=product_page)

    response = _send(client, shop.slug, body)

    parsed = FormPage(response.text)
    assert parsed.links["quote-back"] == product_page
    assert parsed.value("page") == product_page
    assert "Retour au produit" in response.text


@pytest.mark.parametrize(
    ("body", "path", "code"),
    [
        (
            {"name": "A\x00", "email": "a@example.com", "items": [{"sku": "Q-1"}]},
            "$.name",
            "invalid_character",
        ),
        (
            {"name": "A", "email": "a@example.com", "items": [{"sku": "Q\x00"}]},
            "$.items[0].sku",
            "invalid_character",
        ),
        (
            {
                "name": "A",
                "email": "a@example.com",
                "items": [{"sku": "Q-1", "quantity": "abc"}],
            },
            "$.items[0].quantity",
            "invalid_type",
        ),
        (
            {
                "name": "A",
                "email": "a@example.com",
                "items": [{"sku": "Q-1", "quantity": 99999999999}],
            },
            "$.items[0].quantity",
            "invalid_quantity",
        ),
    ],
)
def test_json_clients_keep_the_json_error_shape(client, shop, body, path, code) -> None:
    response = client.post(url(shop.slug), json=body)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()
    assert (error["status"], error["code"]) == (422, "validation_failed")
    assert [path, code] in [[e["path"], e["code"]] for e in error["errors"]]
    assert _leads(shop.slug) == []


def _multipart(fields: list[tuple[str, bytes]], boundary: str = "quote-b0undary"):
    disposition = 'Content-Disposition: form-data; name="{}"'
    parts = [
        f"--{boundary}\r\n{disposition.format(name)}\r\n\r\n".encode() + value + b"\r\n"
        for name, value in fields
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_multipart_form_posts_make_a_lead_like_urlencoded_ones(client, shop) -> None:
    fields = [(k, v.encode()) for k, v in _form(shop.slug, locale="fr_FR").items()]
    body, content_type = _multipart(fields)

    response = client.post(
        url(shop.slug),
        content=body,
        headers={"content-type": content_type},
        follow_redirects=False,
    )

    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/catalog/{shop.slug}/fr-fr/quote/thanks/"
    [lead] = _leads(shop.slug)
    assert (lead.name, lead.company) == ("Form Person", "Person & Co")
    assert lead.items == [{"sku": "Q-1", "quantity": 2}]


def test_multipart_errors_get_the_same_page_and_limits(client, shop) -> None:
    fields = [(k, v.encode()) for k, v in _form(shop.slug, quantity="abc").items()]
    body, content_type = _multipart(fields)
    refused = client.post(
        url(shop.slug), content=body, headers={"content-type": content_type}
    )
    assert refused.status_code == 422
    page = FormPage(refused.text)
    assert page.error("quote-quantity") == "Enter a whole number from 1 to 1,000,000."
    assert page.value("name") == "Form Person"

    undecodable, content_type = _multipart([("name", b"\xff\xfe"), ("sku", b"Q-1")])
    unreadable = client.post(
        url(shop.slug), content=undecodable, headers={"content-type": content_type}
    )
    assert unreadable.status_code == 400
    assert "We could not read your request." in unreadable.text
    assert (
        FormPage(unreadable.text).links["quote-back"] == f"/catalog/{shop.slug}/en-us/"
    )

    huge, content_type = _multipart([("message", b"x" * 70_000), ("sku", b"Q-1")])
    too_large = client.post(
        url(shop.slug), content=huge, headers={"content-type": content_type}
    )
    assert too_large.status_code == 413
    assert "Your request is too long." in too_large.text
    assert _leads(shop.slug) == []


def test_too_large_urlencoded_form_gets_a_page_and_json_keeps_json(
    client, shop
) -> None:
    body = _form(shop.slug, message="x" * 70_000)
    page = _send(client, shop.slug, body)
    assert page.status_code == 413
    assert "Your request is too long." in page.text

    as_json = client.post(
        url(shop.slug),
        json={
            "name": "A",
            "email": "a@example.com",
            "items": [],
            "message": "x" * 70_000,
        },
    )
    assert as_json.status_code == 413
    assert as_json.json()["code"] == "body_too_large"


def test_duplicate_skus_are_merged_by_summing(client, shop) -> None:
    items = [
        {"sku": "Q-1", "quantity": 2},
        {"sku": "Q-2", "quantity": 1},
        {"sku": "Q-1", "quantity": 3},
    ]
    body = {"name": "A", "email": "a@example.com", "items": items}

    response = client.post(url(shop.slug), json=body)

    assert response.status_code == 201, response.text
    [lead] = _leads(shop.slug)
    assert lead.items == [{"sku": "Q-1", "quantity": 5}, {"sku": "Q-2", "quantity": 1}]


def test_a_total_above_the_cap_is_refused_naming_the_product(client, shop) -> None:
    items = [{"sku": "Q-1", "quantity": 1_000_000}] * 2
    body = {"name": "A", "email": "a@example.com", "items": items}

    response = client.post(url(shop.slug), json=body)

    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error == {
        "path": "$.items[1].quantity",
        "code": "total_quantity_above_max",
        "message": "Product 'Q-1' is requested 2000000 times in all; "
        "at most 1000000 fit in one request.",
        "expected": "a total of at most 1000000 per product",
    }
    form = urlencode(
        [("name", "A"), ("email", "a@example.com")]
        + [("sku", "Q-1"), ("quantity", "600000")] * 2
    ).encode()
    page = FormPage(_send(client, shop.slug, form).text)
    assert page.error("quote-quantity-2") == (
        "Together your quantities of Oak chair come to more than 1,000,000; "
        "ask for 1,000,000 at most."
    )
    assert _leads(shop.slug) == []


def _product_form_action(build_dir: Path, slug: str) -> str:
    [page_file] = (build_dir / "catalog" / slug).glob("en-us/p/*-q-1/index.html")
    [form] = FormPage(page_file.read_text()).forms
    return form["action"]


def test_product_pages_post_quotes_to_a_root_relative_url(
    client, shop, drain, build_dir
) -> None:
    drain()

    assert _product_form_action(build_dir, shop.slug) == url(shop.slug)


def test_the_quote_url_can_point_at_an_api_on_another_host(
    client, shop, drain, build_dir
) -> None:
    elsewhere = f"https://api.shop.example/api/v1/catalog/{shop.slug}/quote"
    with public_session() as db:
        set_org_settings(db, get_org(db, shop.slug), site={"quote_url": elsewhere})
    client.post(
        "/api/v1/pim/publish",
        json={"channels": ["web"], "skus": ["Q-1"]},
        headers=shop.headers,
    )
    drain()

    assert _product_form_action(build_dir, shop.slug) == elsewhere


def test_form_error_page_is_worded_in_german_for_a_german_shopper(client, shop) -> None:
    channel = {"code": "web", "locales": ["en_US", "de_DE"], "currencies": ["EUR"]}
    response = client.post("/api/v1/pim/channels", json=channel, headers=shop.headers)
    assert response.status_code == 200, response.text
    body = _form(shop.slug, email="nope", quantity="0", locale="de_DE")

    response = _send(client, shop.slug, body)

    assert response.status_code == 422, response.text
    page = FormPage(response.text)
    assert page.lang == "de-DE"
    assert "Ihre Anfrage wurde nicht gesendet" in response.text
    assert page.error("quote-email") == (
        "Geben Sie eine E-Mail-Adresse ein, etwa name@beispiel.de."
    )
    assert page.error("quote-quantity") == (
        "Geben Sie eine ganze Zahl von 1 bis 1.000.000 ein."
    )
    for english in ("Your request was not sent", "Enter ", "Send request"):
        assert english not in response.text


VALID = {"name": "A", "email": "a@example.com", "items": [{"sku": "Q-1"}]}


@pytest.mark.parametrize("slug", ["%00", "No_Such", "%F0%9F%92%A5", "a" * 300])
def test_a_slug_that_cannot_exist_is_an_unknown_catalog(client, slug) -> None:
    response = client.post(url(slug), json=VALID)

    assert response.status_code == 404, response.text
    assert response.json()["code"] == "organization_not_found"


@pytest.mark.parametrize(
    ("content", "status", "code", "error"),
    [
        (b"", 400, "body_required", ("$", "required")),
        (b"  \n", 400, "body_required", ("$", "required")),
        (b"{not json", 400, "malformed_json", ("$", "malformed_json")),
        (b"\xff{}", 400, "malformed_json", ("$", "malformed_json")),
        (
            b'{"name": "\\ud800", "email": "a@example.com", "items": [{"sku": "Q-1"}]}',
            422,
            "validation_failed",
            ("$.name", "invalid_character"),
        ),
        (
            (
                b'{"name": "A", "email": "a@example.com", '
                b'"items": [{"sku": "Q-1", "quantity": 1e400}]}'
            ),
            422,
            "validation_failed",
            ("$.items[0].quantity", "out_of_range"),
        ),
        (
            (
                b'{"name": "A", "email": "a@example.com", '
                b'"items": [{"sku": "Q-1", "quantity": 1.5}]}'
            ),
            422,
            "validation_failed",
            ("$.items[0].quantity", "invalid_type"),
        ),
    ],
)
def test_json_quote_bodies_are_refused_like_the_rest_of_the_api(
    client, shop, content, status, code, error
) -> None:
    response = client.post(
        url(shop.slug), content=content, headers={"content-type": "application/json"}
    )

    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    [first, *_] = body["errors"]
    assert (first["path"], first["code"]) == error
    assert first["expected"]
    assert _leads(shop.slug) == []


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json; charset=utf-8",
        "application/vnd.api+json",
        "application/merge-patch+json",
    ],
)
def test_json_quotes_accept_every_json_media_type(client, shop, content_type) -> None:
    response = client.post(
        url(shop.slug),
        content=json.dumps(VALID).encode(),
        headers={"content-type": content_type},
    )

    assert response.status_code == 201, response.text
    assert len(_leads(shop.slug)) == 1


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json; charset=latin-1", None]
)
def test_a_quote_that_is_neither_json_nor_a_form_is_415(
    client, shop, content_type
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post(
        url(shop.slug), content=json.dumps(VALID).encode(), headers=headers
    )

    assert response.status_code == 415, response.text
    body = response.json()
    assert body["code"] == "unsupported_media_type"
    [error] = body["errors"]
    assert error["path"] == "header.content-type"
    assert _leads(shop.slug) == []
