"""``pim publish`` and ``pim build``: products into a channel, then the site.

Both render the site themselves rather than leaving it to a worker, so the
site reflects what they did when they return. The render takes the same
per-organisation lock as a worker's, so the two never overlap.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from typing import TYPE_CHECKING

from api.cli.organizations import require_catalog, require_channel
from api.cli.output import CommandFailed, progress

if TYPE_CHECKING:
    from sitegen.build import BuildReport

log = logging.getLogger(__name__)

SKIP_REASONS = {
    "product_not_found": "no product has this SKU",
    "product_disabled": "the product is disabled; enable it first",
}
SHOWN_SKIPS = 10


def cmd_publish(args: argparse.Namespace) -> int:
    from api.database import tenant_session
    from api.publishing.service import publish

    if not args.all and not args.sku:
        raise CommandFailed(
            "Name the products to publish with --sku, or use --all.",
            "products_required",
        )
    require_catalog(args.org)
    require_channel(args.org, args.channel)
    with tenant_session(args.org) as db:
        result = publish(
            db,
            args.org,
            [args.channel],
            skus=None if args.all else args.sku,
            strict=False,
        )
    skipped = list(result.skipped.items())
    for sku, reason in skipped[:SHOWN_SKIPS]:
        print(
            f"  not published {sku}: {SKIP_REASONS.get(reason, reason)}",
            file=sys.stderr,
        )
    if len(skipped) > SHOWN_SKIPS:
        print(
            f"  … and {len(skipped) - SHOWN_SKIPS} more not published",
            file=sys.stderr,
        )
    print(
        f"published to {args.channel}: {len(result.published)} new or changed, "
        f"{len(result.unchanged)} unchanged, {len(skipped)} not published"
    )
    if skipped and not result.published and not result.unchanged:
        raise CommandFailed(
            f"nothing was published to {args.channel!r}: none of the "
            f"{len(skipped)} product(s) asked for can be published",
            "nothing_published",
        )
    if not args.no_render:
        report = render(args.org, args.channel)
        if report is None:
            progress(f"channel {args.channel!r} is not the one the site shows")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from api.tenants.site import site_channel

    org = require_catalog(args.org)
    shown = site_channel(org.settings)
    channel = args.channel or shown
    require_channel(args.org, channel)
    if channel != shown:
        raise CommandFailed(
            f"The site of {args.org!r} is built from channel {shown!r}, "
            f"not {channel!r}.",
            "not_site_channel",
        )
    started = time.monotonic()
    report = render(args.org, channel)
    if report is None:
        raise CommandFailed(
            f"The site of {args.org!r} was not built; run with -v to see why.",
            "not_built",
        )
    print(
        f"built /catalog/{args.org}/ in {time.monotonic() - started:.1f}s: "
        f"{build_summary(report)}"
    )
    return 0


def render(org: str, channel: str) -> BuildReport | None:
    """Render the site now, waiting for a render already running elsewhere."""
    from api.jobs import render_site

    progress("rendering the site")
    try:
        report = render_site(org, channel)
    except Exception as exc:  # any failure of the generator ends the command
        log.debug("render of %s failed", org, exc_info=True)
        raise CommandFailed(
            f"Rendering the site of {org!r} failed: {exc or type(exc).__name__}",
            "render_failed",
        ) from exc
    if report is not None:
        progress(f"site rendered: {build_summary(report)}")
    return report


def build_summary(report: BuildReport) -> str:
    if not report.changed:
        return f"{report.pages} files, all already up to date"
    return (
        f"{report.pages} files: {report.written} written, {report.reused} kept "
        f"from the previous release, {len(report.removed)} removed"
    )
