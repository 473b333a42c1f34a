"""API errors: one body shape, a stable code a client can branch on.

Every error answers ``{"status", "code", "detail", "errors": [...]}`` where
each entry of ``errors`` names the JSON path of the bad input, its own code,
and what was expected.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)


class FieldError(msgspec.Struct, omit_defaults=True):
    path: str
    code: str
    message: str
    expected: str | None = None


class ErrorBody(msgspec.Struct, omit_defaults=True):
    status: int
    code: str
    detail: str
    errors: list[FieldError] = []


class ApiError(Exception):
    """An error the client caused, or must know about, with a stable code."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


class InvalidInput(ApiError):
    """422 with one or more field errors."""

    def __init__(self, errors: list[FieldError], detail: str | None = None) -> None:
        first = errors[0].message if errors else "invalid input"
        super().__init__(
            422,
            "validation_failed",
            detail or f"{len(errors)} invalid field(s): {first}",
            errors,
        )


def invalid(
    path: str, code: str, message: str, expected: str | None = None
) -> InvalidInput:
    return InvalidInput(
        [FieldError(path=path, code=code, message=message, expected=expected)]
    )


def not_found(kind: str, key: str) -> ApiError:
    return ApiError(404, f"{kind}_not_found", f"No {kind} {key!r} exists.")


def _response(body: ErrorBody, headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(
        content=msgspec.json.encode(body),
        status_code=body.status,
        media_type=MediaType.JSON,
        headers=headers,
    )


def api_error_handler(_: Request[Any, Any, Any], exc: ApiError) -> Response[Any]:
    return _response(
        ErrorBody(exc.status, exc.code, exc.detail, exc.errors), exc.headers
    )


# msgspec says e.g. "Expected `str`, got `int` - at `$.values.name[0]`".
_MSGSPEC = re.compile(r"^(?P<msg>.*?)(?: - at `(?P<path>[^`]*)`)?$", re.DOTALL)
_EXPECTED = re.compile(r"^Expected (?P<exp>.+?), got ")


def field_error(message: str) -> FieldError:
    """A msgspec validation message as a field error with its JSON path."""
    match = _MSGSPEC.match(message)
    msg = match.group("msg") if match else message
    path = (match.group("path") if match else None) or "$"
    expected = _EXPECTED.match(msg)
    code = "invalid_type" if expected else "invalid_value"
    if msg.startswith("Object missing required field"):
        code = "required"
        field = msg.rsplit("`", 2)[-2] if "`" in msg else ""
        path = f"{path}.{field}" if field else path
    elif msg.startswith("Object contains unknown field"):
        code = "unknown_field"
        field = msg.rsplit("`", 2)[-2] if "`" in msg else ""
        path = f"{path}.{field}" if field else path
    elif msg.startswith(("JSON is malformed", "Input data was truncated")):
        code = "malformed_json"
    return FieldError(
        path=path,
        code=code,
        message=msg,
        expected=expected.group("exp").replace("`", "") if expected else None,
    )


def validation_error_handler(
    _: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    """Litestar's body/parameter validation failures, as 422 with paths."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors: list[FieldError] = []
    for item in extra:
        if isinstance(item, dict):
            message = str(item.get("message", ""))
            key = str(item.get("key") or "")
            # Litestar names a body field apart from the message.
            body_field = item.get("source") == "body" and key not in ("", "data")
            if body_field and " - at `" not in message:
                message = f"{message} - at `$.{key}`"
            error = field_error(message)
            source = getattr(item.get("source"), "value", item.get("source"))
            if source in ("query", "path", "header") and item.get("key"):
                error = FieldError(
                    path=f"{source}.{item['key']}",
                    code=error.code,
                    message=message,
                    expected=error.expected,
                )
            errors.append(error)
    if not errors:
        errors.append(field_error(str(exc.detail)))
    code = (
        "malformed_json"
        if any(e.code == "malformed_json" for e in errors)
        else ("validation_failed")
    )
    status = 400 if code == "malformed_json" else 422
    return _response(ErrorBody(status, code, errors[0].message, errors))


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    code = {
        NotAuthorizedException: "not_authenticated",
        PermissionDeniedException: "forbidden",
        NotFoundException: "not_found",
    }.get(type(exc), re.sub(r"\W+", "_", str(exc.detail).lower()).strip("_") or "error")
    detail = str(exc.detail)
    if exc.status_code == 400 and detail.startswith(
        ("JSON is malformed", "Input data was truncated", "Malformed")
    ):
        code = "malformed_json"
    elif exc.status_code == 413:
        code = "body_too_large"
    headers = dict(exc.headers or {})
    if exc.status_code == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return _response(ErrorBody(exc.status_code, code, str(exc.detail)), headers)


# PostgreSQL refusals that come from the input itself (a NUL character, a
# value longer than its column, a number out of range): the transaction has
# rolled back, so the client gets a 422 rather than a server error.
_DATA_PROBLEMS = {
    "22021": ("invalid_character", "Text may not contain NUL or invalid characters."),
    "22P05": ("invalid_character", "Text may not contain NUL or invalid characters."),
    "22001": ("too_long", "A value is longer than the field allows."),
    "22003": ("out_of_range", "A number is out of the range the field allows."),
}


def database_error_handler(
    request: Request[Any, Any, Any], exc: DBAPIError
) -> Response[Any]:
    state = getattr(exc.orig, "sqlstate", None) or ""
    message = str(exc.orig).splitlines()[0] if exc.orig else ""
    if "NUL" in message and not state:
        state = "22021"
    if state in _DATA_PROBLEMS:
        code, detail = _DATA_PROBLEMS[state]
        return _response(
            ErrorBody(
                422,
                "validation_failed",
                detail,
                [FieldError(path="$", code=code, message=f"{detail} ({message})")],
            )
        )
    return internal_error_handler(request, exc)


def recursion_error_handler(
    _: Request[Any, Any, Any], exc: RecursionError
) -> Response[Any]:
    return _response(
        ErrorBody(400, "malformed_json", "The body is nested too deeply to read.")
    )


def internal_error_handler(
    request: Request[Any, Any, Any], exc: Exception
) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _response(
        ErrorBody(
            HTTP_500_INTERNAL_SERVER_ERROR,
            "internal_error",
            "The server failed to handle this request; it has been logged.",
        )
    )


exception_handlers: dict[Any, Any] = {
    ApiError: api_error_handler,
    DBAPIError: database_error_handler,
    RecursionError: recursion_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}
