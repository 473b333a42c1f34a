"""``pim import akeneo``: an Akeneo CSV export folder into an organisation."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from api.cli.output import CommandFailed, progress

if TYPE_CHECKING:
    from api.imports.akeneo import FileReport, ImportReport

PRODUCT_FILES = ("product_models.csv", "products.csv")


def cmd_import_akeneo(args: argparse.Namespace) -> int:
    from api.imports.akeneo import import_akeneo
    from api.migrate import migrate_public

    directory = Path(args.directory)
    if not directory.is_dir():
        raise CommandFailed(
            f"{directory} is not a folder; give the folder of an Akeneo CSV export.",
            "not_a_folder",
        )
    started = time.monotonic()
    migrate_public()
    report = import_akeneo(directory, args.org, org_name=args.name, progress=progress)
    for file in report.files:
        print_file(file)
    for note in report.notes:
        print(f"note: {note}")
    imported = sum(file.imported for file in report.files)
    rejected = sum(file.rejected for file in report.files)
    print(
        f"import of {directory.name} into {args.org} done in "
        f"{time.monotonic() - started:.1f}s: {imported} rows imported, "
        f"{rejected} rejected"
    )
    check_outcome(report)
    return 0


def print_file(file: FileReport) -> None:
    if file.failure is not None:
        rows = f" ({_rows(file.rejected)} not imported)" if file.rejected else ""
        print(f"{file.file}: failed: {file.failure}{rows}")
    elif file.skipped:
        print(f"{file.file}: skipped")
    else:
        print(f"{file.file}: {file.imported} imported, {file.rejected} rejected")
    for reason in file.reasons:
        print(f"    {reason}")
    more = file.rejected - len(file.reasons)
    if file.reasons and more > 0:
        print(f"    … and {more} more rejected row{'s' if more > 1 else ''}")
    for note in file.notes:
        print(f"    note: {note}")


def _rows(count: int) -> str:
    return f"{count} row{'s' if count != 1 else ''}"


def check_outcome(report: ImportReport) -> None:
    """Fail when a file could not be read, or when product rows were given
    but none of them made it in."""
    failed = [file for file in report.files if file.failure is not None]
    if failed:
        first = failed[0]
        others = len(failed) - 1
        more = f" (and {others} more file{'s' if others > 1 else ''})" if others else ""
        raise CommandFailed(
            f"{first.file} could not be imported: {first.failure}{more}.",
            "import_file_unreadable",
        )
    products = [file for file in report.files if file.file in PRODUCT_FILES]
    rejected = sum(file.rejected for file in products)
    if rejected and not sum(file.imported for file in products):
        raise CommandFailed(
            f"Every product row was rejected ({rejected}); nothing was imported "
            "into the catalog.",
            "all_products_rejected",
        )
