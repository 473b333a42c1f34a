"""The ``pim`` command: demo, serve, worker, migrate, tokens, import, publish."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

DEMO_ORG = "demo"
DEMO_EMAIL = "demo@example.com"


def _progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def _use_port(host: str, port: int) -> None:
    """Point absolute catalog URLs at the address being served."""
    if not os.environ.get("PIM_PUBLIC_BASE_URL"):
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        os.environ["PIM_PUBLIC_BASE_URL"] = f"http://{shown}:{port}"
        from api.settings import get_settings

        get_settings.cache_clear()


def _migrate() -> list[str]:
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


def _token(org_slug: str, email: str, name: str = "cli") -> str:
    from api.auth.tokens import create_token
    from api.database import public_session
    from api.errors import ApiError
    from api.tenants.service import ensure_membership, ensure_user, get_org

    with public_session() as db:
        org = get_org(db, org_slug)
        if org is None:
            raise ApiError(
                404, "organization_not_found", f"No organisation {org_slug!r} exists."
            )
        user = ensure_user(db, email)
        ensure_membership(db, user, org)
        return create_token(db, user_id=user.id, organization_id=org.id, name=name)


def _publish_all(org: str, channel: str) -> tuple[int, int, int]:
    from api.database import tenant_session
    from api.publishing.service import publish

    with tenant_session(org) as db:
        result = publish(db, org, [channel], strict=False)
    return len(result.published), len(result.unchanged), len(result.skipped)


def _render_queued() -> None:
    from api.jobs import drain

    drain()


def cmd_demo(args: argparse.Namespace) -> int:
    _use_port(args.host, args.port)
    from api.database import public_session
    from api.demo.loader import demo_catalog, load_catalog
    from api.jobs import render_site
    from api.tenants.service import (
        enable_pim,
        ensure_membership,
        ensure_org,
        ensure_user,
        set_org_settings,
    )

    started = time.monotonic()
    _progress("migrating the database")
    _migrate()
    catalog = demo_catalog()
    organization = catalog["organization"]
    with public_session() as db:
        org = ensure_org(db, organization["slug"], organization["name"])
        user = ensure_user(db, DEMO_EMAIL, name="Demo user")
        ensure_membership(db, user, org)
        set_org_settings(db, org, site={"channel": "web"})
    slug = organization["slug"]
    _progress("PIM enabled" if enable_pim(slug) else "PIM already enabled")
    counts = load_catalog(slug, catalog)
    _progress(
        "catalog loaded: " + ", ".join(f"{n} {kind}" for kind, n in counts.items())
    )
    published, unchanged, _ = _publish_all(slug, "web")
    _progress(f"published to web: {published} new or changed, {unchanged} unchanged")
    _render_queued()
    report = render_site(slug, "web")  # no-op when the queue already rendered it
    if report is not None and report.changed:
        _progress(f"site rebuilt: {report.pages} files")
    token = _token(slug, DEMO_EMAIL, name="demo")
    from api.settings import get_settings

    base = get_settings().public_base_url
    print(f"Catalog:  {base}/catalog/{slug}/")
    print(f"API docs: {base}/schema")
    print(f"Token:    {token}")
    print(
        f"demo ready in {time.monotonic() - started:.1f}s: "
        f"{counts.get('products', 0)} products published to web"
    )
    if args.no_serve:
        return 0
    return _serve(args.host, args.port)


def _serve(host: str, port: int) -> int:
    import uvicorn

    from api.app import create_app

    print(f"serving on http://{host}:{port} (Ctrl+C stops)", flush=True)
    uvicorn.run(create_app(run_worker=True), host=host, port=port, log_level="info")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _use_port(args.host, args.port)
    _migrate()
    return _serve(args.host, args.port)


def cmd_worker(_: argparse.Namespace) -> int:
    from api.jobs import worker_app

    _migrate()
    print("worker running (Ctrl+C stops)", flush=True)
    worker_app().run_worker()
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    orgs = _migrate()
    print(f"migrated: public and {len(orgs)} organisation schema(s)")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from api.migrate import migrate_public

    migrate_public()
    print(_token(args.org, args.email))
    return 0


def cmd_import_akeneo(args: argparse.Namespace) -> int:
    from api.imports.akeneo import import_akeneo
    from api.migrate import migrate_public

    directory = Path(args.directory)
    if not directory.is_dir():
        print(f"error: {directory} is not a folder", file=sys.stderr)
        return 2
    started = time.monotonic()
    migrate_public()
    report = import_akeneo(directory, args.org, progress=_progress)
    imported = rejected = 0
    for file in report.files:
        if file.skipped:
            print(f"{file.file}: skipped")
            for note in file.notes:
                print(f"    note: {note}")
            continue
        imported += file.imported
        rejected += file.rejected
        print(f"{file.file}: {file.imported} imported, {file.rejected} rejected")
        for reason in file.reasons:
            print(f"    {reason}")
        for note in file.notes:
            print(f"    note: {note}")
    for note in report.notes:
        print(f"note: {note}")
    print(
        f"import of {directory.name} into {args.org} done in "
        f"{time.monotonic() - started:.1f}s: {imported} rows imported, "
        f"{rejected} rejected"
    )
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from api.database import tenant_session
    from api.publishing.service import publish

    if not args.all and not args.sku:
        print("error: name products with --sku or use --all", file=sys.stderr)
        return 2
    with tenant_session(args.org) as db:
        result = publish(
            db,
            args.org,
            [args.channel],
            skus=None if args.all else args.sku,
            strict=False,
        )
    for sku, reason in list(result.skipped.items())[:10]:
        print(f"  skipped {sku}: {reason}")
    if result.render_queued and not args.no_render:
        _progress("rendering")
        _render_queued()
    print(
        f"published to {args.channel}: {len(result.published)} new or changed, "
        f"{len(result.unchanged)} unchanged, {len(result.skipped)} skipped"
    )
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from api.jobs import render_site

    started = time.monotonic()
    report = render_site(args.org, args.channel)
    if report is None:
        print(
            f"error: {args.org}'s site is not built from channel {args.channel!r}",
            file=sys.stderr,
        )
        return 1
    print(
        f"built /catalog/{args.org}/ in {time.monotonic() - started:.1f}s: "
        f"{report.pages} files, {report.written} written, {report.reused} reused, "
        f"{len(report.removed)} removed"
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pim", description="Product information management: API and catalog."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    demo = command("demo", cmd_demo, "set up and publish the demo catalog, then serve")
    demo.add_argument("--no-serve", action="store_true", help="set up, then exit")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)

    serve = command("serve", cmd_serve, "serve the API and catalogs, with a worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    command("worker", cmd_worker, "run the job worker (site renders)")
    command("migrate", cmd_migrate, "apply database migrations to every schema")

    token = commands.add_parser("token", help="manage API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser(
        "create", help="create a bearer token and print only the token"
    )
    create.set_defaults(handler=cmd_token_create)
    create.add_argument("--org", required=True)
    create.add_argument("--email", required=True)

    imports = commands.add_parser("import", help="import a catalog export")
    import_commands = imports.add_subparsers(dest="import_command", required=True)
    akeneo = import_commands.add_parser(
        "akeneo", help="import an Akeneo CSV export folder"
    )
    akeneo.set_defaults(handler=cmd_import_akeneo)
    akeneo.add_argument("directory")
    akeneo.add_argument("--org", required=True)

    publish = command("publish", cmd_publish, "publish products to a channel")
    publish.add_argument("--org", required=True)
    publish.add_argument("--channel", required=True)
    publish.add_argument("--all", action="store_true", help="every enabled product")
    publish.add_argument("--sku", action="append", help="a product (repeatable)")
    publish.add_argument(
        "--no-render", action="store_true", help="leave the render to a worker"
    )

    build = command("build", cmd_build, "rebuild an organisation's catalog site")
    build.add_argument("--org", required=True)
    build.add_argument("--channel", required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    from api.errors import ApiError

    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except ApiError as exc:
        first = exc.errors[0] if exc.errors else None
        where = f" at {first.path}: {first.message}" if first else ""
        print(f"error: {exc.detail} ({exc.code}){where}", file=sys.stderr)
        return 1
    except Exception as exc:  # one clear line instead of a traceback
        if args.verbose:
            raise
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
