"""Who is calling, for which organisation, allowed to do what.

The organisation always comes from the credential; no header can choose it.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.handlers import BaseRouteHandler

from api.errors import ApiError

READ = "pim:read"
WRITE = "pim:write"
ASSETS_WRITE = "pim:assets:write"
PUBLISH = "pim:publish"
ALL_SCOPES = (READ, WRITE, ASSETS_WRITE, PUBLISH)
_STATE_KEY = "principal"


class Principal(msgspec.Struct, frozen=True):
    user_id: int
    organization_id: int
    org_slug: str
    role: str
    scopes: frozenset[str]
    pim_enabled: bool

    def require(self, scope: str) -> None:
        if scope not in self.scopes:
            raise ApiError(
                403,
                "insufficient_scope",
                f"This credential lacks the scope {scope!r} that this action needs.",
            )


def bearer_secret(request: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def authenticate(request: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The caller's principal, or 401."""
    from api.auth.tokens import resolve_token
    from api.database import public_session

    secret = bearer_secret(request)
    if secret is None:
        raise NotAuthorizedException("A bearer token is required.")
    with public_session() as db:
        principal = resolve_token(db, secret)
    if principal is None:
        raise NotAuthorizedException("The bearer token is unknown, revoked or expired.")
    return principal


async def authenticated(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard: resolve the credential before anything reads the request body.

    Litestar runs guards before it parses a handler's arguments, so a caller
    without a valid token learns that first, whatever it sent.
    """
    principal = await anyio.to_thread.run_sync(authenticate, connection)
    connection.state[_STATE_KEY] = principal


def current_principal(request: Request[Any, Any, Any]) -> Principal:
    """Dependency: the principal the guard resolved, or 401."""
    principal = request.state.get(_STATE_KEY)
    return principal if principal is not None else authenticate(request)


def _require_pim(principal: Principal) -> None:
    if not principal.pim_enabled:
        raise ApiError(
            403,
            "pim_not_enabled",
            "PIM is not enabled for this organisation; "
            "POST /api/v1/pim/setup/enable turns it on.",
        )


def pim_enabled(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard, after :func:`authenticated`: 403 until PIM is enabled."""
    _require_pim(connection.state[_STATE_KEY])


def pim_principal(principal: NamedDependency[Principal]) -> Principal:
    """Dependency: the principal, once PIM is known to be enabled for its org."""
    _require_pim(principal)
    return principal
