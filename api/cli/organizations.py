"""``pim org create``, ``pim token create`` and the checks other commands
make before they touch an organisation's catalog."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from sqlalchemy import select

from api.cli.output import CommandFailed
from api.tenants.models import Organization

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ORG_CREATE_HELP = """\
Create an organisation. Running it again for an existing organisation
changes nothing and exits 0, unless --name differs from the name it has:
that fails, because one slug names one organisation. --enable-pim and
--base-url also apply to an organisation that already exists.
"""


def cmd_org_create(args: argparse.Namespace) -> int:
    from api.database import public_session
    from api.migrate import migrate_public
    from api.tenants.service import create_org, enable_pim
    from api.tenants.site import checked_base_url, set_site

    base_url = checked_base_url(args.base_url) if args.base_url is not None else None
    migrate_public()
    with public_session() as db:
        org, created = create_org(db, args.slug, args.name)
        if base_url is not None:
            set_site(db, org, base_url=base_url)
        name = org.name
    state = "created" if created else "already exists:"
    print(f"organisation {args.slug} {state} {name!r}")
    if args.enable_pim:
        print("PIM enabled" if enable_pim(args.slug) else "PIM already enabled")
    if base_url is not None:
        print(f"public base URL: {base_url}")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from api.migrate import migrate_public

    migrate_public()
    print(issue_token(args.org, args.email))
    return 0


def issue_token(org_slug: str, email: str, name: str = "cli") -> str:
    """A new bearer token of ``email`` in the organisation, user made if new."""
    from api.auth.tokens import create_token
    from api.database import public_session
    from api.tenants.service import ensure_membership, ensure_user

    with public_session() as db:
        org = _existing_org(db, org_slug)
        user = ensure_user(db, email)
        ensure_membership(db, user, org)
        return create_token(db, user_id=user.id, organization_id=org.id, name=name)


def require_org(org_slug: str) -> Organization:
    """The organisation, or a failure that says how to create it."""
    from api.database import public_session

    with public_session() as db:
        return _existing_org(db, org_slug)


def require_catalog(org_slug: str) -> Organization:
    """The organisation, known to have its PIM catalog enabled."""
    org = require_org(org_slug)
    if not org.pim_enabled:
        raise CommandFailed(
            f"Organisation {org_slug!r} has not enabled PIM; enable it with: "
            f"pim org create {org_slug} --enable-pim",
            "pim_not_enabled",
        )
    return org


def require_channel(org_slug: str, code: str) -> None:
    from api.catalog.models import Channel
    from api.database import tenant_session

    with tenant_session(org_slug) as db:
        codes = sorted(db.scalars(select(Channel.code)))
    if code not in codes:
        known = ", ".join(codes) or "none yet"
        raise CommandFailed(
            f"Organisation {org_slug!r} has no channel {code!r}; its channels: "
            f"{known}.",
            "unknown_channel",
        )


def _existing_org(db: Session, org_slug: str) -> Organization:
    from api.tenants.service import check_slug, get_org

    check_slug(org_slug)
    org = get_org(db, org_slug)
    if org is None:
        raise CommandFailed(
            f"No organisation {org_slug!r} exists; create it with: "
            f"pim org create {org_slug}",
            "organization_not_found",
        )
    return org
