"""Bearer API tokens: shown once, stored as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth.models import ApiToken
from api.auth.principal import ALL_SCOPES, Principal
from api.tenants.models import Membership, Organization

TOKEN_PREFIX = "pim_"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    db: Session,
    *,
    user_id: int,
    organization_id: int,
    name: str = "",
    scopes: list[str] | None = None,
) -> str:
    """Store a new token and return its secret; it is never readable again."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(
        ApiToken(
            token_hash=digest(secret),
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            user_id=user_id,
            organization_id=organization_id,
            name=name,
            scopes=list(scopes or ALL_SCOPES),
        )
    )
    db.flush()
    return secret


def resolve_token(db: Session, secret: str) -> Principal | None:
    """The principal of a live token whose user is still a member, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = datetime.now(UTC)
    row = db.execute(
        select(ApiToken, Organization, Membership.role)
        .join(Organization, Organization.id == ApiToken.organization_id)
        .join(
            Membership,
            (Membership.user_id == ApiToken.user_id)
            & (Membership.organization_id == ApiToken.organization_id),
        )
        .where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    token, org, role = row
    if token.expires_at is not None and token.expires_at <= now:
        return None
    db.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    return Principal(
        user_id=token.user_id,
        organization_id=org.id,
        org_slug=org.slug,
        role=role,
        scopes=frozenset(token.scopes),
        pim_enabled=org.pim_enabled,
    )
