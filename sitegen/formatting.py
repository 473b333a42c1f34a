"""Prices and numbers written the way a shopper of each locale reads them.

Where formatting happens follows what the snapshot keeps. A ``Price`` stays
a machine value in the published view, because one list of prices serves
every locale and JSON-LD needs ``"64.90"``: the generator formats it per
page. A specification line is frozen already formatted at publish time, like
the markdown beside it, so publishing formats its numbers with
:func:`format_number` for the line's locale.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal

logger = logging.getLogger(__name__)

FALLBACK_LOCALE = "en"


@lru_cache(maxsize=64)
def babel_locale(locale: str) -> Locale:
    """The CLDR locale of a catalog locale code such as ``"fr_FR"``.

    An unknown region falls back to its language, an unknown language to
    English, with one warning per code: a page must render whatever locale a
    channel carries.
    """
    code = locale.replace("-", "_")
    for candidate in (code, code.split("_")[0]):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    logger.warning(
        "Locale %r is unknown to CLDR; prices and numbers are written as in %r",
        locale,
        FALLBACK_LOCALE,
    )
    return Locale.parse(FALLBACK_LOCALE)


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def format_price(amount: str, currency: str, locale: str) -> str:
    """``"64.90"`` EUR as ``"€64.90"`` in en_US and ``"64,90 €"`` in fr_FR.

    An amount that is not a decimal is shown as it came, with its currency.
    """
    value = _decimal(amount)
    if value is None:
        return f"{amount} {currency}".strip()
    return format_currency(value, currency, locale=babel_locale(locale))


def format_number(text: str, locale: str) -> str:
    """A decimal written in ``locale``, every given digit kept: ``"2,9"``.

    Text that is not a decimal number is returned unchanged.
    """
    value = _decimal(text)
    if value is None:
        return text
    return format_decimal(
        value, locale=babel_locale(locale), decimal_quantization=False
    )
