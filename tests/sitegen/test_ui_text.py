"""The fixed wording of catalog pages, per language."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from sitegen.ui_text import TABLES, ui_text
from tests.sitegen.site import build, make_config, make_product, page_of, read_page

ENGLISH = TABLES["en"]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", sorted(TABLES))
def test_every_table_has_exactly_the_english_keys(language: str) -> None:
    assert set(TABLES[language]) == set(ENGLISH)


@pytest.mark.parametrize("language", sorted(TABLES))
def test_every_table_fills_the_same_placeholders_as_english(language: str) -> None:
    table = TABLES[language]
    for key, english in ENGLISH.items():
        assert _placeholders(table[key]) == _placeholders(english), key


@pytest.mark.parametrize(
    ("locale", "key", "wording"),
    [
        ("de_DE", "home", "Startseite"),
        ("de_AT", "quote_title", "Angebot anfordern"),
        ("fr_CA", "sku", "Référence"),
        ("en_GB", "sku", "SKU"),
        ("nl_NL", "availability", "Availability"),  # no Dutch table: English
    ],
)
def test_a_locale_reads_its_language_table(locale: str, key: str, wording: str) -> None:
    assert ui_text(locale)[key] == wording


def test_german_product_page_is_worded_in_german(tmp_path: Path) -> None:
    lamp = make_product(1, "Desk Lamp", locales=("en_US", "de_DE"))
    config = make_config(locales=["en_US", "de_DE"])

    build(tmp_path, [lamp], config=config)

    page = page_of(tmp_path, lamp, "de_DE")
    html = page.read_text()
    assert read_page(page).lang == "de-DE"
    for german in (
        "Startseite",
        "Artikelnummer",
        "Verfügbarkeit",
        "Auf Lager",
        "Technische Daten",
        "Angebot anfordern",
        "Anfrage senden",
    ):
        assert german in html, german
    english_labels = ("Home", "SKU", "Availability", "Specifications")
    for english in (*english_labels, "Request a quote", "Send request"):
        assert f">{english}<" not in html, english
