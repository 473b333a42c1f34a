"""Tenant tables of the catalog.

``pim_attribute_values`` is the source of truth for product values;
``products.attributes`` is a JSONB projection of them, written in the same
transaction, for filtering. Empty strings stand for "no locale" and "no
channel" in value keys so that the primary key can cover them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from api.orm import TenantBase, created_at, updated_at

_EMPTY_JSON = text("'{}'::jsonb")


class Locale(TenantBase):
    __tablename__ = "pim_locales"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))


class Currency(TenantBase):
    __tablename__ = "pim_currencies"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))


class Channel(TenantBase):
    __tablename__ = "pim_channels"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, server_default=_EMPTY_JSON)
    locales: Mapped[list[str]] = mapped_column(ARRAY(Text))
    currencies: Mapped[list[str]] = mapped_column(ARRAY(Text))
    category_tree: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = created_at()


class AttributeGroup(TenantBase):
    __tablename__ = "pim_attribute_groups"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, server_default=_EMPTY_JSON)
    sort_order: Mapped[int] = mapped_column(Integer, server_default="0")


class Attribute(TenantBase):
    __tablename__ = "pim_attributes"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, server_default=_EMPTY_JSON)
    group_code: Mapped[str | None] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, server_default="0")
    localizable: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    scopable: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    unique: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # Type-specific rules: max_characters, regex, min, max, decimals_allowed,
    # negative_allowed, metric_family, default_unit.
    rules: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=_EMPTY_JSON)
    created_at: Mapped[datetime] = created_at()


class AttributeOption(TenantBase):
    __tablename__ = "pim_attribute_options"

    attribute_code: Mapped[str] = mapped_column(
        ForeignKey("pim_attributes.code", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(255), primary_key=True)
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, server_default=_EMPTY_JSON)
    sort_order: Mapped[int] = mapped_column(Integer, server_default="0")


class Family(TenantBase):
    __tablename__ = "pim_families"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, server_default=_EMPTY_JSON)
    attribute_as_label: Mapped[str | None] = mapped_column(String(100))
    attribute_as_image: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = created_at()


class FamilyAttribute(TenantBase):
    __tablename__ = "pim_family_attributes"

    family_code: Mapped[str] = mapped_column(
        ForeignKey("pim_families.code", ondelete="CASCADE"), primary_key=True
    )
    attribute_code: Mapped[str] = mapped_column(
        ForeignKey("pim_attributes.code", ondelete="CASCADE"), primary_key=True
    )


class FamilyRequirement(TenantBase):
    __tablename__ = "pim_family_requirements"

    family_code: Mapped[str] = mapped_column(
        ForeignKey("pim_families.code", ondelete="CASCADE"), primary_key=True
    )
    channel_code: Mapped[str] = mapped_column(
        ForeignKey("pim_channels.code", ondelete="CASCADE"), primary_key=True
    )
    attribute_code: Mapped[str] = mapped_column(
        ForeignKey("pim_attributes.code", ondelete="CASCADE"), primary_key=True
    )


class Category(TenantBase):
    __tablename__ = "pim_categories"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("pim_categories.code", ondelete="CASCADE"), index=True
    )
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, server_default=_EMPTY_JSON)
    sort_order: Mapped[int] = mapped_column(Integer, server_default="0")
    created_at: Mapped[datetime] = created_at()


class Product(TenantBase):
    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_search", "search", postgresql_using="gin"),
        Index("ix_products_attributes", "attributes", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    sku: Mapped[str] = mapped_column(String(255), unique=True)
    family_code: Mapped[str | None] = mapped_column(
        ForeignKey("pim_families.code", ondelete="RESTRICT"), index=True
    )
    parent_code: Mapped[str | None] = mapped_column(String(255))
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    attributes: Mapped[dict[str, Any]] = mapped_column(
        JSONB, server_default=_EMPTY_JSON
    )
    search: Mapped[str | None] = mapped_column(TSVECTOR)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class ProductCategory(TenantBase):
    __tablename__ = "pim_product_categories"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    category_code: Mapped[str] = mapped_column(
        ForeignKey("pim_categories.code", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    )


class AttributeValue(TenantBase):
    __tablename__ = "pim_attribute_values"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    attribute_code: Mapped[str] = mapped_column(
        ForeignKey("pim_attributes.code", ondelete="CASCADE"), primary_key=True
    )
    locale: Mapped[str] = mapped_column(String(16), primary_key=True, default="")
    channel: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    value: Mapped[Any] = mapped_column(JSONB)
