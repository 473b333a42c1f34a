"""Organisation set-up routes."""

from __future__ import annotations

import msgspec
from litestar import post
from litestar.di import NamedDependency

from api.auth.principal import Principal
from api.errors import ApiError
from api.tenants.service import enable_pim


class EnableResult(msgspec.Struct):
    organization: str
    pim_enabled: bool
    changed: bool
    detail: str


@post("/api/v1/pim/setup/enable", sync_to_thread=True, status_code=200, tags=["setup"])
def enable(principal: NamedDependency[Principal]) -> EnableResult:
    """Turn PIM on for the caller's organisation; a second call changes nothing."""
    if principal.role not in ("owner", "admin"):
        raise ApiError(
            403, "forbidden", "Only an owner or admin of the organisation can do this."
        )
    changed = enable_pim(principal.org_slug)
    return EnableResult(
        organization=principal.org_slug,
        pim_enabled=True,
        changed=changed,
        detail="PIM enabled: catalog schema created and channels seeded."
        if changed
        else "PIM was already enabled; nothing changed.",
    )
