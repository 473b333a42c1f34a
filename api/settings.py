"""Runtime settings, read once from the environment."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

import msgspec

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(msgspec.Struct, frozen=True):
    """Everything the API, the worker and the generator read from the outside.

    ``database_url`` empty means: start the embedded PostgreSQL under
    ``data_dir``.
    """

    database_url: str
    data_dir: Path
    build_dir: Path
    templates_dir: Path
    themes_dir: Path
    public_base_url: str
    cron_secret: str
    max_quote_bytes: int = 64 * 1024
    page_size: int = 24


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    data_dir = Path(_env("PIM_DATA_DIR", str(Path.cwd() / ".pim")))
    return Settings(
        database_url=os.environ.get("DATABASE_URL", "").strip(),
        data_dir=data_dir,
        build_dir=Path(_env("PIM_BUILD_DIR", str(Path.cwd() / "build"))),
        templates_dir=Path(_env("PIM_TEMPLATES_DIR", str(PROJECT_ROOT / "templates"))),
        themes_dir=Path(_env("PIM_THEMES_DIR", str(PROJECT_ROOT / "themes"))),
        public_base_url=_env("PIM_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip(
            "/"
        ),
        cron_secret=_env("PIM_CRON_SECRET", secrets.token_urlsafe(24)),
    )
