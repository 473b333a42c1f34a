"""API errors: one body shape, a stable code a client can branch on.

Every error answers ``{"status", "code", "detail", "errors": [...]}`` where
each entry of ``errors`` names the JSON path of the bad input, its own code,
and what was expected.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

SHOWN_MAX = 60  # characters of an input value quoted in a message
MAX_LISTED = 50  # field errors an answer lists


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


def shown(value: Any) -> str:
    """``value`` quoted for a message, cut after its first characters so a
    huge input does not come back whole in the answer."""
    if isinstance(value, str):
        return repr(value if len(value) <= SHOWN_MAX else value[:SHOWN_MAX] + "…")
    text = repr(value)
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX] + "…"


def one_of(codes: Iterable[str], kind: str, limit: int = 20) -> str:
    """What a field expects when it must name one of ``codes``: the first
    ``limit`` of them, sorted, or that there are none of ``kind`` yet."""
    known = sorted(codes)
    if not known:
        return f"an existing {kind} code (none exist yet)"
    more = len(known) - limit
    listed = ", ".join(known[:limit])
    return f"one of {listed}" + (f" (and {more} more)" if more > 0 else "")


def not_found(kind: str, key: str) -> ApiError:
    return ApiError(404, f"{kind}_not_found", f"No {kind} {shown(key)} exists.")


def _response(body: ErrorBody, headers: dict[str, str] | None = None) -> Response[Any]:
    if len(body.errors) > MAX_LISTED:
        # One bad input repeated can yield errors by the hundred thousand;
        # the first ones show the client what to fix.
        body = ErrorBody(
            body.status,
            body.code,
            f"{body.detail} The first {MAX_LISTED} of {len(body.errors)} errors "
            "are listed.",
            body.errors[:MAX_LISTED],
        )
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


_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def key_path(parent: str, key: str) -> str:
    """The path of ``parent``'s entry ``key``: ``$.labels.fr_FR``, ``$.x["a b"]``."""
    if _KEY.match(key):
        return f"{parent}.{key}"
    return f"{parent}[{json.dumps(key)}]"


# msgspec says e.g. "Expected `str`, got `int` - at `$.values.name[0]`".
_MSGSPEC = re.compile(r"^(?P<msg>.*?)(?: - at `(?P<path>[^`]*)`)?$", re.DOTALL)
_EXPECTED = re.compile(r"^Expected (?P<exp>.+?)(?:, got .*)?$", re.DOTALL)
_NAMED_FIELD = re.compile(r"^Object (?:missing required|contains unknown) field `(.*)`")
# The constraints msgspec checks, by the words of its message.
_CONSTRAINTS = (
    ("array of length <", "too_many_items"),
    ("array of length >", "too_few_items"),
    ("object of length <", "too_many_items"),
    ("object of length >", "too_few_items"),
    ("str of length <", "too_long"),
    ("str of length >", "too_short"),
    ("str matching regex", "pattern_mismatch"),
    ("<", "above_max"),
    (">", "below_min"),
)


def _classify(message: str) -> tuple[str, str | None]:
    """The stable code of a msgspec message, and what it expected."""
    if message.startswith("Object missing required field"):
        return "required", None
    if message.startswith("Object contains unknown field"):
        return "unknown_field", None
    if message.startswith(("JSON is malformed", "Input data was truncated")):
        return "malformed_json", None
    expected = _EXPECTED.match(message)
    if expected is None:
        return "invalid_value", None
    text = expected.group("exp").replace("`", "")
    if ", got " in message:
        return "invalid_type", text
    for words, code in _CONSTRAINTS:
        if words in text:
            return code, text
    return "invalid_value", text


def field_error(
    message: str, resolve: Callable[[str], str] | None = None
) -> FieldError:
    """A msgspec validation message as a field error with its JSON path.

    ``resolve`` may rewrite the path, e.g. to name dictionary keys.
    """
    match = _MSGSPEC.match(message)
    msg = match.group("msg") if match else message
    path = (match.group("path") if match else None) or "$"
    code, expected = _classify(msg)
    named = _NAMED_FIELD.match(msg)
    if named:
        path = key_path(path, named.group(1))
    if resolve is not None:
        path = resolve(path)
    return FieldError(path=path, code=code, message=msg, expected=expected)


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
    detail = errors[0].message
    if status == 422:
        detail = f"{len(errors)} invalid field(s): {detail}"
    return _response(ErrorBody(status, code, detail, errors))


# A Litestar HTTP error's code comes from its status, never from its wording.
_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    code = _STATUS_CODES.get(exc.status_code, f"http_{exc.status_code}")
    detail = str(exc.detail)
    if exc.status_code == 400 and detail.startswith(
        ("JSON is malformed", "Input data was truncated", "Malformed")
    ):
        code = "malformed_json"
    headers = dict(exc.headers or {})
    if exc.status_code == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return _response(ErrorBody(exc.status_code, code, detail), headers)


# PostgreSQL refusals that come from the input itself (a NUL character, a
# value longer than its column, a number out of range): the transaction has
# rolled back, so the client gets a 422 rather than a server error.
_DATA_PROBLEMS = {
    "22021": ("invalid_character", "Text may not contain NUL or invalid characters."),
    "22P05": ("invalid_character", "Text may not contain NUL or invalid characters."),
    "22001": ("too_long", "A value is longer than the field allows."),
    "22003": ("out_of_range", "A number is out of the range the field allows."),
}
# Unique constraints a client can run into, by name, with what to tell it.
_RETRYABLE = ("40001", "40P01")  # serialization failure, deadlock
_UNIQUE = {
    "uq_products_sku": ("sku_exists", "A product with SKU {value} already exists."),
}
_KEY_VALUE = re.compile(r"^Key \((?P<columns>.*)\)=\((?P<values>.*)\) already exists")


def _conflict(orig: BaseException, state: str) -> ApiError:
    """Requests that collided in the database: a unique key, a reference
    removed meanwhile, a deadlock. Checks run before every write, so only a
    concurrent request gets here, and retrying gives the real answer."""
    diag = getattr(orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    if state == "23505" and constraint in _UNIQUE:
        code, template = _UNIQUE[constraint]
        key = _KEY_VALUE.match(getattr(diag, "message_detail", None) or "")
        value = repr(key.group("values")) if key else "given"
        return ApiError(409, code, template.format(value=value))
    if state.startswith("23") and state not in ("23505", "23503", "23P01"):
        return InvalidInput(
            [
                FieldError(
                    "$",
                    "constraint_violated",
                    "The change breaks a rule of the catalog "
                    f"({constraint or 'constraint'}).",
                )
            ]
        )
    return ApiError(
        409,
        "concurrent_write",
        "Another request changed the same data at the same time; retry this request.",
    )


def database_error_handler(
    request: Request[Any, Any, Any], exc: DBAPIError
) -> Response[Any]:
    state = getattr(exc.orig, "sqlstate", None) or ""
    message = str(exc.orig).splitlines()[0] if exc.orig else ""
    if exc.orig is not None and (state.startswith("23") or state in _RETRYABLE):
        return api_error_handler(request, _conflict(exc.orig, state))
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
