"""``pim demo``, ``pim serve``, ``pim worker`` and ``pim migrate``."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import time
from pathlib import Path

from api.cli.organizations import issue_token
from api.cli.output import CommandFailed, progress

DEMO_EMAIL = "demo@example.com"
DEMO_CHANNEL = "web"
PRODUCT_STATES = ("created", "updated", "unchanged")


def served_origin(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{shown}:{port}"


def ensure_port_free(host: str, port: int) -> None:
    """Refuse in one line, before any work, a port another process holds."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandFailed(
                f"cannot serve on {host}:{port}: {exc.strerror or exc}; "
                "choose another with --port.",
                "address_in_use",
            ) from exc


def migrate_all() -> list[str]:
    from sqlalchemy import select

    from api.database import public_session
    from api.migrate import migrate_public, migrate_tenant
    from api.tenants.models import Organization

    migrate_public()
    with public_session() as db:
        orgs = [o.slug for o in db.scalars(select(Organization)) if o.pim_enabled]
    for slug in orgs:
        migrate_tenant(slug)
    return orgs


def cmd_demo(args: argparse.Namespace) -> int:
    from api.database import public_session, tenant_session
    from api.demo.loader import demo_catalog, load_catalog
    from api.jobs import render_site
    from api.publishing.service import publish
    from api.settings import get_settings
    from api.tenants.service import (
        enable_pim,
        ensure_membership,
        ensure_org,
        ensure_user,
    )
    from api.tenants.site import set_site, site_base_url

    # A configured public address wins; otherwise the demo's pages point at
    # the port it serves on, and keep doing so for later builds. Other
    # organisations keep their own address whatever port this process uses.
    configured = bool(os.environ.get("PIM_PUBLIC_BASE_URL", "").strip())
    if not args.no_serve:
        ensure_port_free(args.host, args.port)
    started = time.monotonic()
    progress("migrating the database")
    migrate_all()
    catalog = demo_catalog()
    organization = catalog["organization"]
    slug = organization["slug"]
    with public_session() as db:
        org = ensure_org(db, slug, organization["name"])
        user = ensure_user(db, DEMO_EMAIL, name="Demo user")
        ensure_membership(db, user, org)
        base_url = None if configured else served_origin(args.host, args.port)
        set_site(db, org, channel=DEMO_CHANNEL, base_url=base_url)
        origin = site_base_url(org.settings, get_settings().public_base_url)
    progress("PIM enabled" if enable_pim(slug) else "PIM already enabled")
    counts = load_catalog(slug, catalog)
    products = {kind: counts.pop(f"products_{kind}", 0) for kind in PRODUCT_STATES}
    counts.pop("products", None)
    progress(
        "catalog loaded: "
        + ", ".join(f"{n} {kind}" for kind, n in counts.items())
        + "; products: "
        + ", ".join(f"{n} {kind}" for kind, n in products.items())
    )
    with tenant_session(slug) as db:
        result = publish(db, slug, [DEMO_CHANNEL], strict=False)
    progress(
        f"published to {DEMO_CHANNEL}: {len(result.published)} new or changed, "
        f"{len(result.unchanged)} unchanged"
    )
    report = render_site(slug, DEMO_CHANNEL)
    if report is not None and report.changed:
        progress(f"site rebuilt: {report.pages} files")
    token = issue_token(slug, DEMO_EMAIL, name="demo")
    print(f"Catalog:  {origin}/catalog/{slug}/")
    print(f"API docs: {served_origin(args.host, args.port)}/schema")
    print(f"Token:    {token}")
    print(
        f"demo ready in {time.monotonic() - started:.1f}s: "
        f"{len(result.published) + len(result.unchanged)} products published "
        f"to {DEMO_CHANNEL}"
    )
    if args.no_serve:
        return 0
    return serve(args.host, args.port)


def serve(host: str, port: int) -> int:
    import uvicorn

    from api.app import create_app

    print(f"serving on http://{host}:{port} (Ctrl+C stops)", flush=True)
    uvicorn.run(create_app(run_worker=True), host=host, port=port, log_level="info")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    ensure_port_free(args.host, args.port)
    migrate_all()
    return serve(args.host, args.port)


def cmd_worker(_: argparse.Namespace) -> int:
    from api.jobs import worker_app

    migrate_all()
    print("worker running (Ctrl+C stops)", flush=True)
    worker_app().run_worker()
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    orgs = migrate_all()
    print(f"migrated: public and {len(orgs)} organisation schema(s)")
    return 0


def cmd_db_stop(_: argparse.Namespace) -> int:
    """Stop the embedded PostgreSQL that commands leave running between them."""
    from api.settings import get_settings

    settings = get_settings()
    if settings.database_url:
        raise CommandFailed(
            "DATABASE_URL names an external server; stop it the way it was started.",
            "database_not_embedded",
        )
    pgdata = settings.data_dir / "pgdata"
    pid = _postmaster_pid(pgdata)
    if pid is None:
        print(f"the embedded PostgreSQL in {pgdata} is not running")
        return 0
    # SIGINT is PostgreSQL's fast shutdown: clients are disconnected, the
    # data is flushed, and the server removes its pid file when it is done.
    # Signalling beats asking pgserver, whose count of the processes using
    # the server keeps those that were killed and then never lets go.
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 60
    while _postmaster_pid(pgdata) == pid and _alive(pid):
        if time.monotonic() > deadline:
            raise CommandFailed(
                f"The embedded PostgreSQL (pid {pid}) did not stop within a minute.",
                "database_still_running",
            )
        time.sleep(0.1)
    print(f"stopped the embedded PostgreSQL in {pgdata}")
    return 0


def _postmaster_pid(pgdata: Path) -> int | None:
    """The server's pid from its pid file, when it is running."""
    try:
        first_line = (pgdata / "postmaster.pid").read_text().split("\n", 1)[0]
        pid = int(first_line)
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
