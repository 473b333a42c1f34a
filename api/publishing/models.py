from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from api.orm import TenantBase


class ChannelView(TenantBase):
    """A product as one channel sees it, frozen at publish time.

    ``document`` is a msgspec-encoded ``sitegen.model.ProductView``; the
    generator reads only these rows, so drafts never reach a public page.
    """

    __tablename__ = "pim_channel_views"

    channel_code: Mapped[str] = mapped_column(
        ForeignKey("pim_channels.code", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    sku: Mapped[str] = mapped_column(String(255))
    document: Mapped[bytes] = mapped_column(LargeBinary)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
