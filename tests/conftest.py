"""Test fixtures: every run gets its own PostgreSQL database.

With ``DATABASE_URL`` set, the database is created on that server; without
it, an embedded PostgreSQL (pgserver) is started under the pytest cache. The
database is dropped when the run ends.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url


def _shared_data_dir() -> Path:
    """``shared/data`` beside the checkout (or above it), or ``PIM_SHARED_DATA``."""
    configured = os.environ.get("PIM_SHARED_DATA", "").strip()
    if configured:
        return Path(configured)
    repo = Path(__file__).resolve().parents[1]
    for folder in repo.parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    return repo.parent / "shared" / "data"


SHARED_DATA = _shared_data_dir()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_url(cache_dir: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    import pgserver

    cache_dir.mkdir(parents=True, exist_ok=True)
    return pgserver.get_server(cache_dir / "pgdata", cleanup_mode=None).get_uri()


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory, request) -> Iterator[str]:
    server = make_url(_server_url(Path(request.config.rootpath) / ".pim" / "test-pg"))
    name = f"pim_test_{uuid.uuid4().hex[:12]}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = server.set(database=name).render_as_string(hide_password=False)
    build = tmp_path_factory.mktemp("build")
    saved = {
        k: os.environ.get(k)
        for k in ("DATABASE_URL", "PIM_BUILD_DIR", "PIM_PUBLIC_BASE_URL")
    }
    os.environ["DATABASE_URL"] = url
    os.environ["PIM_BUILD_DIR"] = str(build)
    os.environ["PIM_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{_free_port()}"
    from api.database import reset_engine
    from api.jobs import worker_app
    from api.migrate import migrate_public

    reset_engine()
    worker_app.cache_clear()
    migrate_public()
    try:
        yield url
    finally:
        reset_engine()
        worker_app.cache_clear()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def build_dir(database: str) -> Path:
    from api.settings import get_settings

    return get_settings().build_dir


@pytest.fixture(scope="session")
def app(database: str):
    from api.app import create_app

    return create_app()


@pytest.fixture
def client(app):
    from litestar.testing import TestClient

    with TestClient(app=app) as test_client:
        yield test_client


@dataclass
class Org:
    slug: str
    token: str
    headers: dict[str, str] = field(default_factory=dict)


def make_org(*, pim: bool = True, role: str = "owner") -> Org:
    from api.auth.tokens import create_token
    from api.database import public_session
    from api.tenants.service import (
        enable_pim,
        ensure_membership,
        ensure_org,
        ensure_user,
    )

    slug = f"t{uuid.uuid4().hex[:10]}"
    with public_session() as db:
        org = ensure_org(db, slug, f"Org {slug}")
        user = ensure_user(db, f"owner@{slug}.example")
        ensure_membership(db, user, org, role)
        token = create_token(db, user_id=user.id, organization_id=org.id)
    if pim:
        enable_pim(slug)
    return Org(slug=slug, token=token, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def org(database: str) -> Org:
    return make_org()


@pytest.fixture
def drain():
    from api.jobs import drain as run_queued

    return run_queued


def shared_data(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.is_dir():
        pytest.skip(
            f"shared catalog data {path} is not present on this machine "
            "(set PIM_SHARED_DATA to the shared data folder)"
        )
    return path


def race(calls: list[Callable[[], object]]) -> list:
    """Run ``calls`` in threads released together; their results, in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> object:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))
