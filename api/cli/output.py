"""What every command shares: progress lines and the one-line failure."""

from __future__ import annotations

import sys


class CommandFailed(Exception):
    """A failure the user can act on, printed as one line with a stable code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)
