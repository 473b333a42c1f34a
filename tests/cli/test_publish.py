"""``pim publish`` and ``pim build``: clear refusals, honest reports, and a
site that reflects the publish when the command returns."""

from __future__ import annotations

import asyncio
import re
import threading

import procrastinate
import pytest

from api.database import libpq_url, public_session
from api.jobs import render_job_lock, site_render_lock
from api.tenants.service import get_org
from api.tenants.site import set_site
from tests.catalog import product
from tests.cli.conftest import canonical_of, product_pages
from tests.conftest import make_org

CHANNELS = "conversations, erp, marketing, web"


def _set_site(slug: str, **changes: object) -> None:
    with public_session() as db:
        set_site(db, get_org(db, slug), **changes)


@pytest.mark.parametrize(
    ("command", "kind", "message"),
    [
        (
            ["publish", "--org", "{slug}", "--channel", "web", "--all"],
            "missing",
            (
                "No organisation '{slug}' exists; create it with: "
                "pim org create {slug} (organization_not_found)"
            ),
        ),
        (
            ["build", "--org", "{slug}", "--channel", "web"],
            "missing",
            (
                "No organisation '{slug}' exists; create it with: "
                "pim org create {slug} (organization_not_found)"
            ),
        ),
        (
            ["publish", "--org", "{slug}", "--channel", "web", "--sku", "A"],
            "no-pim",
            (
                "Organisation '{slug}' has not enabled PIM; enable it with: pim org "
                "create {slug} --enable-pim (pim_not_enabled)"
            ),
        ),
        (
            ["build", "--org", "{slug}"],
            "no-pim",
            (
                "Organisation '{slug}' has not enabled PIM; enable it with: pim org "
                "create {slug} --enable-pim (pim_not_enabled)"
            ),
        ),
        (
            ["publish", "--org", "{slug}", "--channel", "nope", "--all"],
            "pim",
            (
                f"Organisation '{{slug}}' has no channel 'nope'; its channels: "
                f"{CHANNELS}. (unknown_channel)"
            ),
        ),
        (
            ["build", "--org", "{slug}", "--channel", "nope"],
            "pim",
            (
                f"Organisation '{{slug}}' has no channel 'nope'; its channels: "
                f"{CHANNELS}. (unknown_channel)"
            ),
        ),
        (
            ["build", "--org", "{slug}", "--channel", "erp"],
            "pim",
            (
                "The site of '{slug}' is built from channel 'web', not 'erp'. "
                "(not_site_channel)"
            ),
        ),
    ],
)
def test_commands_refuse_what_they_cannot_reach_in_one_line(
    run, database, command, kind, message
):
    slug = "nope" if kind == "missing" else make_org(pim=kind == "pim").slug
    done = run(*(part.format(slug=slug) for part in command))
    assert (done.code, done.out) == (1, "")
    assert done.err == f"error: {message.format(slug=slug)}\n"


def test_publish_of_unknown_or_disabled_skus_only_fails(run, shop, build_dir):
    done = run(
        "publish", "--org", shop.slug, "--channel", "web",
        "--sku", "NOPE", "--sku", "CLI-OFF",
    )  # fmt: skip
    assert done.code == 1
    assert (
        done.out == "published to web: 0 new or changed, 0 unchanged, 2 not published\n"
    )
    assert done.err.splitlines() == [
        "  not published NOPE: no product has this SKU",
        "  not published CLI-OFF: the product is disabled; enable it first",
        (
            "error: nothing was published to 'web': none of the 2 product(s) asked for "
            "can be published (nothing_published)"
        ),
    ]
    assert product_pages(build_dir, shop.slug, "CLI-1") == []


def test_publish_reports_what_it_left_out_and_renders_the_rest(run, shop, build_dir):
    done = run(
        "publish", "--org", shop.slug, "--channel", "web",
        "--sku", "CLI-1", "--sku", "NOPE",
    )  # fmt: skip
    assert done.code == 0, done.err
    assert (
        done.out == "published to web: 1 new or changed, 0 unchanged, 1 not published\n"
    )
    assert "  not published NOPE: no product has this SKU" in done.err.splitlines()
    assert len(product_pages(build_dir, shop.slug, "CLI-1")) == 1

    again = run("publish", "--org", shop.slug, "--channel", "web", "--sku", "CLI-1")
    assert again.code == 0, again.err
    assert (
        again.out
        == "published to web: 0 new or changed, 1 unchanged, 0 not published\n"
    )


@pytest.mark.parametrize("command", ["publish", "build"])
def test_a_failed_render_is_one_line_and_a_failure(run, shop, command):
    _set_site(shop.slug, theme="missing-theme")
    args = ["--org", shop.slug]
    if command == "publish":
        args += ["--channel", "web", "--sku", "CLI-1"]
    done = run(command, *args)
    assert done.code == 1
    last = done.err.splitlines()[-1]
    assert last.startswith(
        f"error: Rendering the site of '{shop.slug}' failed: Theme 'missing-theme' "
        f"of site '{shop.slug}' not found"
    )
    assert last.endswith("(render_failed)")


def _claim_next_job() -> procrastinate.jobs.Job | None:
    """Claim a queued job as a server's worker would, and keep it running."""

    async def claim() -> procrastinate.jobs.Job | None:
        app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(conninfo=libpq_url())
        )
        async with app.open_async():
            worker = await app.job_manager.register_worker()
            return await app.job_manager.fetch_job(queues=None, worker_id=worker)

    return asyncio.run(claim())


def test_publish_renders_even_while_a_worker_holds_the_sites_job(
    run, client, shop, drain, build_dir
):
    drain()
    response = client.post(
        "/api/v1/pim/products",
        json=product("CLI-2", "Pine chair"),
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text
    response = client.post(
        "/api/v1/pim/products/CLI-2/publish",
        json={"channels": ["web"]},
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    job = _claim_next_job()
    assert job is not None and job.lock == render_job_lock(shop.slug)

    done = run("publish", "--org", shop.slug, "--channel", "web", "--sku", "CLI-1")
    assert done.code == 0, done.err
    assert len(product_pages(build_dir, shop.slug, "CLI-1")) == 1
    assert len(product_pages(build_dir, shop.slug, "CLI-2")) == 1


def _in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_publish_waits_for_a_render_already_running(run, shop, build_dir):
    results: list[int] = []
    with site_render_lock(shop.slug):
        thread = _in_thread(
            lambda: results.append(
                run("publish", "--org", shop.slug, "--channel", "web", "--all").code
            )
        )
        thread.join(timeout=1.5)
        assert thread.is_alive(), "the command rendered beside a running render"
        assert product_pages(build_dir, shop.slug, "CLI-1") == []
    thread.join(timeout=60)
    assert results == [0]
    assert len(product_pages(build_dir, shop.slug, "CLI-1")) == 1


def test_a_workers_render_waits_for_a_render_already_running(
    client, shop, drain, build_dir
):
    drain()
    response = client.post(
        "/api/v1/pim/products/CLI-1/publish",
        json={"channels": ["web"]},
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    with site_render_lock(shop.slug):
        thread = _in_thread(drain)
        thread.join(timeout=1.5)
        assert thread.is_alive(), "the worker rendered beside a running render"
        assert product_pages(build_dir, shop.slug, "CLI-1") == []
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert len(product_pages(build_dir, shop.slug, "CLI-1")) == 1


@pytest.fixture
def settings_follow_env():
    from api.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("site_base_url", "env_base_url", "expected"),
    [
        ("https://shop.example", "http://127.0.0.1:9999", "https://shop.example"),
        (None, "http://127.0.0.1:9999", "http://127.0.0.1:9999"),
        (None, None, "http://127.0.0.1:8000"),
    ],
)
def test_pages_use_the_organisations_base_url_first(
    run, shop, build_dir, monkeypatch, settings_follow_env,
    site_base_url, env_base_url, expected,
):  # fmt: skip
    if env_base_url is None:
        monkeypatch.delenv("PIM_PUBLIC_BASE_URL", raising=False)
    else:
        monkeypatch.setenv("PIM_PUBLIC_BASE_URL", env_base_url)
    if site_base_url is not None:
        _set_site(shop.slug, base_url=site_base_url)
    from api.settings import get_settings

    get_settings.cache_clear()
    done = run("publish", "--org", shop.slug, "--channel", "web", "--all")
    assert done.code == 0, done.err
    [page] = product_pages(build_dir, shop.slug, "CLI-1")
    assert canonical_of(page).startswith(f"{expected}/catalog/{shop.slug}/en-us/p/")


def test_build_says_what_it_wrote_and_when_nothing_changed(run, shop, build_dir):
    assert run("publish", "--org", shop.slug, "--channel", "web", "--all").code == 0

    again = run("build", "--org", shop.slug)
    assert again.code == 0
    assert re.fullmatch(
        rf"built /catalog/{shop.slug}/ in [0-9.]+s: "
        r"[0-9]+ files, all already up to date\n",
        again.out,
    )
