"""Organisations, users, memberships, and switching the PIM module on."""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from api.auth.passwords import hash_password
from api.database import TENANT, get_engine, is_valid_slug, tenant_schema
from api.errors import ApiError, invalid, shown
from api.migrate import migrate_tenant
from api.tenants.models import Membership, Organization, User
from api.tenants.site import checked_base_url

log = logging.getLogger(__name__)

DEFAULT_CHANNELS = ("web", "erp", "marketing", "conversations")
DEFAULT_LOCALES = ("en_US",)
DEFAULT_CURRENCIES = ("EUR", "USD")
MAX_NAME_LENGTH = 200
NAME_EXPECTED = f"one line of at most {MAX_NAME_LENGTH} characters"
# Control characters, line and paragraph separators, and lone surrogates:
# a name is shown on every page and in one-line messages.
_NOT_IN_NAMES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def get_org(db: Session, slug: str) -> Organization | None:
    return db.scalar(select(Organization).where(Organization.slug == slug))


def default_org_name(slug: str) -> str:
    """A readable name for an organisation created without one: ``acme-shop``
    becomes ``Acme Shop``."""
    return " ".join(word.capitalize() for word in slug.split("-"))


def check_slug(slug: str) -> None:
    if not is_valid_slug(slug):
        raise invalid(
            "$.slug",
            "invalid_slug",
            f"Organisation slug {slug!r} is not valid.",
            "lowercase letters, digits and inner hyphens, at most 48 characters",
        )


def checked_name(name: str) -> str:
    """``name`` without surrounding spaces, once fit to name an organisation;
    422 ``invalid_name`` at ``$.name`` otherwise."""
    name = name.strip()
    for position, character in enumerate(name):
        if unicodedata.category(character) in _NOT_IN_NAMES:
            raise invalid(
                "$.name",
                "invalid_name",
                f"Organisation name {shown(name)} contains the control character "
                f"U+{ord(character):04X} at position {position + 1}.",
                NAME_EXPECTED,
            )
    if len(name) > MAX_NAME_LENGTH:
        raise invalid(
            "$.name",
            "invalid_name",
            f"Organisation name {shown(name)} is {len(name)} characters long; "
            f"at most {MAX_NAME_LENGTH} fit.",
            NAME_EXPECTED,
        )
    return name


def ensure_org(db: Session, slug: str, name: str | None = None) -> Organization:
    """The organisation ``slug``, created when missing; ``name`` names a new one."""
    return create_org(db, slug, name, same_name=False)[0]


def create_org(
    db: Session, slug: str, name: str | None = None, *, same_name: bool = True
) -> tuple[Organization, bool]:
    """Create organisation ``slug``; also returns whether it was created.

    An existing organisation is returned unchanged. With ``same_name``, asking
    for an existing slug under another name is refused (409
    ``organization_exists``): a slug never silently stands for two
    organisations.
    """
    check_slug(slug)
    name = checked_name(name or "") or None
    org = get_org(db, slug)
    if org is None:
        org = Organization(
            slug=slug, name=name or default_org_name(slug), settings={"modules": {}}
        )
        db.add(org)
        db.flush()
        return org, True
    if same_name and name is not None and name != org.name:
        raise ApiError(
            409,
            "organization_exists",
            f"Organisation {slug!r} already exists, named {org.name!r}, not {name!r}.",
        )
    return org, False


def normalized_email(email: str) -> str:
    """``email`` checked for shape (no delivery check) and lowercased.

    Raises 422 ``invalid_email`` at ``$.email`` saying what is wrong with it.
    """
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise invalid(
            "$.email",
            "invalid_email",
            f"{email!r} is not an email address: {exc}",
            "an address such as name@example.com",
        ) from exc
    return checked.normalized.lower()


def ensure_user(
    db: Session, email: str, password: str | None = None, name: str = ""
) -> User:
    email = normalized_email(email)
    user = db.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            name=name,
            password_hash=hash_password(password) if password else None,
        )
        db.add(user)
        db.flush()
    elif password:
        user.password_hash = hash_password(password)
    return user


def ensure_membership(
    db: Session, user: User, org: Organization, role: str = "owner"
) -> None:
    db.execute(
        insert(Membership)
        .values(user_id=user.id, organization_id=org.id, role=role)
        .on_conflict_do_nothing()
    )


def enable_pim(org_slug: str) -> bool:
    """Create the organisation's schema and seed it; False if already enabled.

    Everything happens in one transaction: a failure leaves no half-made
    schema and the module off.
    """
    with get_engine().begin() as connection:
        org = connection.execute(
            select(Organization.id, Organization.settings)
            .where(Organization.slug == org_slug)
            .with_for_update()
        ).first()
        if org is None:
            raise ApiError(
                404, "organization_not_found", f"No organisation {org_slug!r}."
            )
        settings: dict[str, Any] = dict(org.settings or {})
        if settings.get("modules", {}).get("pim"):
            migrate_tenant(org_slug, connection)
            return False
        migrate_tenant(org_slug, connection)
        _seed(connection, org_slug)
        settings["modules"] = {**settings.get("modules", {}), "pim": True}
        connection.execute(
            update(Organization)
            .where(Organization.id == org.id)
            .values(settings=settings)
        )
    log.info("PIM enabled for %s (schema %s)", org_slug, tenant_schema(org_slug))
    return True


def _seed(connection: Connection, org_slug: str) -> None:
    from api.catalog.models import Channel, Currency, Locale

    tenant = connection.execution_options(
        schema_translate_map={TENANT: tenant_schema(org_slug)}
    )
    for code in DEFAULT_LOCALES:
        tenant.execute(insert(Locale).values(code=code).on_conflict_do_nothing())
    for code in DEFAULT_CURRENCIES:
        tenant.execute(insert(Currency).values(code=code).on_conflict_do_nothing())
    for code in DEFAULT_CHANNELS:
        tenant.execute(
            insert(Channel)
            .values(
                code=code,
                labels={"en_US": code.capitalize()},
                locales=list(DEFAULT_LOCALES),
                currencies=list(DEFAULT_CURRENCIES),
            )
            .on_conflict_do_nothing()
        )


def set_org_settings(db: Session, org: Organization, **changes: Any) -> None:
    """Merge top-level keys into the organisation's settings.

    A site ``base_url`` among them is checked and normalised as
    :func:`api.tenants.site.set_site` does.
    """
    site = changes.get("site")
    if isinstance(site, dict) and site.get("base_url") is not None:
        changes["site"] = {**site, "base_url": checked_base_url(str(site["base_url"]))}
    org.settings = {**(org.settings or {}), **changes}
