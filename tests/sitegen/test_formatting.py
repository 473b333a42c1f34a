"""Prices and numbers read as each locale writes them; machines get raw values."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from sitegen.formatting import format_number, format_price
from tests.sitegen.site import build, make_product, page_of, read_page, site_file

NBSP = "\u00a0"
NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("64.90", "EUR", "en_US", "€64.90"),
        ("64.90", "EUR", "fr_FR", f"64,90{NBSP}€"),
        ("1299.00", "USD", "en_US", "$1,299.00"),
        ("1299.00", "USD", "fr_FR", f"1{NNBSP}299,00{NBSP}$US"),
        ("1299.00", "EUR", "de_DE", f"1.299,00{NBSP}€"),
        ("5.00", "CHF", "fr_CA", f"5,00{NBSP}CHF"),
        ("64.90", "EUR", "fr", f"64,90{NBSP}€"),
        ("64.90", "EUR", "fr_ZZ", f"64,90{NBSP}€"),
        ("on request", "EUR", "fr_FR", "on request EUR"),
    ],
)
def test_prices_are_written_for_the_locale(
    amount: str, currency: str, locale: str, expected: str
) -> None:
    assert format_price(amount, currency, locale) == expected


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("2.9", "en_US", "2.9"),
        ("2.9", "fr_FR", "2,9"),
        ("12345.00012", "fr_FR", f"12{NNBSP}345,00012"),
        ("12345.00012", "en_US", "12,345.00012"),
        ("-0.0001", "de_DE", "-0,0001"),
        ("42", "fr_FR", "42"),
        ("Oak", "fr_FR", "Oak"),
        ("NaN", "fr_FR", "NaN"),
    ],
)
def test_numbers_are_written_for_the_locale(
    text: str, locale: str, expected: str
) -> None:
    assert format_number(text, locale) == expected


def test_an_unknown_locale_writes_english_and_warns_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="sitegen.formatting"):
        first = format_price("64.90", "EUR", "qq_QQ")
        second = format_number("2.9", "qq_QQ")

    assert (first, second) == ("€64.90", "2.9")
    (warning,) = caplog.records
    assert warning.getMessage() == (
        "Locale 'qq_QQ' is unknown to CLDR; prices and numbers are written as in 'en'"
    )


@pytest.mark.parametrize(
    ("locale", "shown"),
    [("en_US", "€64.90"), ("fr_FR", f"64,90{NBSP}€")],
)
def test_pages_show_local_prices_and_keep_machine_values(
    tmp_path: Path, locale: str, shown: str
) -> None:
    view = make_product(1, "Desk Lamp", amount="64.90")

    build(tmp_path, [view])

    product = page_of(tmp_path, view, locale)
    html = product.read_text()
    assert f'<data value="64.90">{shown}</data>' in html
    page = read_page(product)
    assert page.meta["product:price:amount"] == "64.90"
    assert page.meta["product:price:currency"] == "EUR"
    offer = json.loads(page.json_ld[0])["offers"]
    assert (offer["price"], offer["priceCurrency"]) == ("64.90", "EUR")
    segment = locale.replace("_", "-").lower()
    for listing in (f"/catalog/acme/{segment}/", f"/catalog/acme/{segment}/c/lamps/"):
        listed = site_file(tmp_path, listing).read_text()
        assert f'<span class="price">{shown}</span>' in listed
        assert "64.90 EUR" not in listed
