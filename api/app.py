"""The Litestar application: every route, the error shape, the worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar, Request, Router, route
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from api.auth.principal import authenticated, current_principal, pim_principal
from api.catalog.routes import ProductController, StructureController
from api.errors import ApiError, exception_handlers
from api.publishing.routes import PublishController
from api.quotes.routes import LeadController, quote
from api.request_body import JSONRequest, json_body, query_text
from api.site.routes import site_file, site_root
from api.tenants.routes import enable

log = logging.getLogger(__name__)

BEARER = "bearerToken"


def authenticated_api() -> Router:
    """Every route that needs a credential.

    The token is checked, then the query and the body's media type, before any
    handler argument is parsed.
    """
    return Router(
        path="/",
        route_handlers=[
            enable,
            StructureController,
            ProductController,
            PublishController,
            LeadController,
        ],
        guards=[authenticated, query_text, json_body],
        request_class=JSONRequest,
        security=[{BEARER: []}],
    )


@route(
    ["/api/v1/products", "/api/v1/products/{rest:path}"],
    http_method=["GET", "POST", "PUT", "PATCH", "DELETE"],
    include_in_schema=False,
)
async def retired_products(request: Request[Any, Any, Any]) -> None:
    """The old header-scoped product API; the credential now picks the tenant."""
    raise ApiError(
        410,
        "endpoint_retired",
        "This endpoint, scoped by the x-org-id header, is retired; use "
        "/api/v1/pim/products with a bearer token, which names the organisation.",
        headers={"Link": '</api/v1/pim/products>; rel="successor-version"'},
    )


def create_app(*, run_worker: bool = False) -> Litestar:
    """The API; with ``run_worker``, a job worker runs inside the process."""

    @contextlib.asynccontextmanager
    async def worker(_: Litestar) -> AsyncIterator[None]:
        if not run_worker:
            yield
            return
        from api.jobs import worker_app

        app = worker_app()
        async with app.open_async():
            task = asyncio.create_task(
                app.run_worker_async(install_signal_handlers=False)
            )
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return Litestar(
        route_handlers=[
            authenticated_api(),
            quote,
            site_root,
            site_file,
            retired_products,
        ],
        dependencies={
            "principal": Provide(current_principal, sync_to_thread=True),
            "pim": Provide(pim_principal, sync_to_thread=False),
        },
        exception_handlers=exception_handlers,
        # Unhandled errors are logged by the 500 handler; the root logger is
        # left to the process (the command line or the server).
        logging_config=LoggingConfig(
            configure_root_logger=False, log_exceptions="never"
        ),
        lifespan=[worker],
        openapi_config=OpenAPIConfig(
            title="PIM API",
            version="1",
            description="Headless product information management. "
            "Authenticate with `Authorization: Bearer <token>`.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin()],
            components=Components(
                security_schemes={
                    BEARER: SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="A token from `pim token create`; it names "
                        "the organisation.",
                    )
                }
            ),
        ),
    )
