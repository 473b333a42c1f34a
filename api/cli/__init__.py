"""The ``pim`` command: demo, serve, worker, migrate, organisations, tokens,
import, publish and build.

Each command module imports what it needs when it runs, so ``pim --help``
stays quick.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from api.cli.imports import cmd_import_akeneo
from api.cli.organizations import ORG_CREATE_HELP, cmd_org_create, cmd_token_create
from api.cli.output import CommandFailed
from api.cli.server import (
    cmd_db_stop,
    cmd_demo,
    cmd_migrate,
    cmd_serve,
    cmd_worker,
)
from api.cli.site import cmd_build, cmd_publish

if TYPE_CHECKING:
    from api.errors import ApiError

Handler = Callable[[argparse.Namespace], int]
Commands = argparse._SubParsersAction  # argparse exposes no public name for it


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port from 1 to 65535")
    return port


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pim", description="Product information management: API and catalog."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(
        group: Commands,
        name: str,
        handler: Handler,
        help: str,
        description: str | None = None,
    ) -> argparse.ArgumentParser:
        sub = group.add_parser(
            name,
            help=help,
            description=description or help,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(handler=handler)
        return sub

    def group(name: str, help: str) -> Commands:
        parent = commands.add_parser(name, help=help, description=help)
        return parent.add_subparsers(dest=f"{name}_command", required=True)

    demo = command(
        commands, "demo", cmd_demo, "set up and publish the demo catalog, then serve"
    )
    demo.add_argument("--no-serve", action="store_true", help="set up, then exit")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument(
        "--port",
        type=_port,
        default=8000,
        help="port to serve on; the demo's pages link to it unless "
        "PIM_PUBLIC_BASE_URL is set",
    )

    serve = command(
        commands, "serve", cmd_serve, "serve the API and catalogs, with a worker"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)

    command(commands, "worker", cmd_worker, "run the job worker (site renders)")
    command(
        commands, "migrate", cmd_migrate, "apply database migrations to every schema"
    )

    command(
        group("db", "the embedded PostgreSQL"),
        "stop",
        cmd_db_stop,
        "stop the embedded PostgreSQL (it keeps running between commands)",
    )

    org = command(
        group("org", "manage organisations"),
        "create",
        cmd_org_create,
        "create an organisation",
        ORG_CREATE_HELP,
    )
    org.add_argument("slug", help="lowercase letters, digits and inner hyphens")
    org.add_argument("--name", help="display name (default: from the slug)")
    org.add_argument(
        "--enable-pim", action="store_true", help="create its catalog schema"
    )
    org.add_argument(
        "--base-url",
        help="public address of its pages, e.g. https://shop.example "
        "(default: PIM_PUBLIC_BASE_URL, then http://127.0.0.1:8000)",
    )

    token = command(
        group("token", "manage API tokens"),
        "create",
        cmd_token_create,
        "create a bearer token and print only the token",
    )
    token.add_argument("--org", required=True)
    token.add_argument("--email", required=True)

    akeneo = command(
        group("import", "import a catalog export"),
        "akeneo",
        cmd_import_akeneo,
        "import an Akeneo CSV export folder",
    )
    akeneo.add_argument("directory")
    akeneo.add_argument("--org", required=True)
    akeneo.add_argument(
        "--name", help="name of the organisation if the import creates it"
    )

    publish = command(
        commands, "publish", cmd_publish, "publish products to a channel, then render"
    )
    publish.add_argument("--org", required=True)
    publish.add_argument("--channel", required=True)
    publish.add_argument("--all", action="store_true", help="every enabled product")
    publish.add_argument("--sku", action="append", help="a product (repeatable)")
    publish.add_argument(
        "--no-render", action="store_true", help="leave the render to a worker"
    )

    build = command(
        commands, "build", cmd_build, "rebuild an organisation's catalog site"
    )
    build.add_argument("--org", required=True)
    build.add_argument(
        "--channel", help="the channel the site is built from (the default)"
    )
    return parser


def _quiet_dependencies() -> None:
    # The embedded PostgreSQL's lock-file lookup warns when XDG_RUNTIME_DIR is
    # unset, then falls back to a temporary folder that serves just as well.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", category=UserWarning)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _quiet_dependencies()
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    from api.errors import ApiError

    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        return 130
    except CommandFailed as exc:
        print(f"error: {exc.message} ({exc.code})", file=sys.stderr)
        return 1
    except ApiError as exc:
        print(f"error: {_api_error_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # one clear line instead of a traceback
        if args.verbose:
            raise
        first_line = (str(exc).strip().splitlines() or [""])[0]
        print(f"error: {type(exc).__name__}: {first_line}", file=sys.stderr)
        return 1


def _api_error_line(exc: ApiError) -> str:
    if not exc.errors:
        return f"{exc.detail} ({exc.code})"
    first = exc.errors[0]
    line = first.message
    if first.path not in ("$", ""):
        line = f"{first.path}: {line}"
    if first.expected:
        line += f" Expected {first.expected}."
    more = len(exc.errors) - 1
    if more:
        line += f" (and {more} more problem{'s' if more > 1 else ''})"
    return f"{line} ({first.code})"


if __name__ == "__main__":
    sys.exit(main())
