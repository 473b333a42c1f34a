"""JSON request bodies, read so that every problem names its field.

msgspec checks a body against its Struct quickly, but it reports an entry of
a dictionary as ``[...]``, cannot say where an out-of-range number sits, and
calls a lone surrogate "truncated input". So a body is read in two steps: the
standard library parses the text into plain values while numbers are checked,
a walk refuses text that PostgreSQL cannot store, and msgspec then checks the
shape, with each ``[...]`` in its error path replaced by the key at fault.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from api.errors import ApiError, FieldError, InvalidInput, field_error, key_path

MAX_REPORTED = 50  # field errors listed for one body
MAX_INTEGER_DIGITS = 308  # as far as a float reaches
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_SEGMENT = re.compile(r'\.(\w+)|\[(\d+|\.\.\.)\]|\[("(?:[^"\\]|\\.)*")\]')
_SURROGATE = re.compile("[\ud800-\udfff]")
_CLEAN_TEXT = "text without NUL characters or lone surrogates"


class _OutOfRange:
    """A JSON number no float can hold, kept so the walk can say where it is."""

    def __init__(self, text: str) -> None:
        self.text = text


class _NotJSON(ValueError):
    pass


def _float(text: str) -> float | _OutOfRange:
    number = float(text)
    mantissa = re.split("[eE]", text)[0]
    underflow = number == 0 and any(digit in mantissa for digit in "123456789")
    return _OutOfRange(text) if math.isinf(number) or underflow else number


def _int(text: str) -> int | _OutOfRange:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        return _OutOfRange(text)
    return int(text)


def _constant(text: str) -> Any:
    raise _NotJSON(f"JSON is malformed: {text} is not a JSON number.")


def malformed(detail: str) -> ApiError:
    return ApiError(
        400,
        "malformed_json",
        detail,
        [FieldError("$", "malformed_json", detail, "a JSON document")],
    )


def body_required() -> ApiError:
    detail = "This request needs a JSON body; it was empty."
    return ApiError(
        400, "body_required", detail, [FieldError("$", "required", detail, "JSON")]
    )


def parse(body: bytes) -> Any:
    """The body as plain values; 400 when it is not JSON at all."""
    if not body.strip():
        raise body_required()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise malformed(f"The body is not UTF-8 text (byte {exc.start}).") from None
    try:
        return json.loads(
            text, parse_float=_float, parse_int=_int, parse_constant=_constant
        )
    except json.JSONDecodeError as exc:
        raise malformed(
            f"JSON is malformed: {exc.msg} at line {exc.lineno} column {exc.colno}."
        ) from None
    except _NotJSON as exc:
        raise malformed(str(exc)) from None
    except RecursionError:
        raise malformed("The body is nested too deeply to read.") from None


def _text_problem(path: str, text: str) -> FieldError | None:
    if "\x00" in text:
        message = "Text contains a NUL character (\\u0000), which cannot be stored."
    elif surrogate := _SURROGATE.search(text):
        message = (
            f"Text contains a lone surrogate \\u{ord(surrogate.group()):04x}, which "
            "is not a character; characters beyond U+FFFF are sent as a surrogate "
            "pair."
        )
    else:
        return None
    return FieldError(path, "invalid_character", message, _CLEAN_TEXT)


def _number_problem(path: str, number: _OutOfRange) -> FieldError:
    shown = number.text if len(number.text) <= 24 else number.text[:20] + "…"
    return FieldError(
        path,
        "out_of_range",
        f"{shown} is out of the range of numbers.",
        "a magnitude between 1e-308 and 1e308, or 0",
    )


def value_problems(value: Any) -> Iterator[FieldError]:
    """Text and numbers in ``value`` that no field could take, in order."""
    stack: list[tuple[str, Any]] = [("$", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            children = []
            for key, child in item.items():
                here = key_path(path, key)
                if problem := _text_problem(here, key):
                    yield problem
                children.append((here, child))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            items = [(f"{path}[{i}]", child) for i, child in enumerate(item)]
            stack.extend(reversed(items))
        elif isinstance(item, str):
            if problem := _text_problem(path, item):
                yield problem
        elif isinstance(item, _OutOfRange):
            yield _number_problem(path, item)


def _is_struct(target: Any) -> bool:
    return isinstance(target, type) and issubclass(target, msgspec.Struct)


def _unwrap(target: Any, value: Any) -> Any:
    """The part of ``target`` (an annotation) that ``value`` is meant to match."""
    while get_origin(target) is Annotated:
        target = get_args(target)[0]
    if get_origin(target) not in (Union, UnionType):
        return target
    arms = [a for a in get_args(target) if a not in (NoneType, msgspec.UnsetType)]
    for arm in arms:
        shape = get_origin(arm) or arm
        if isinstance(value, dict) and (shape is dict or _is_struct(shape)):
            return _unwrap(arm, value)
        if isinstance(value, list) and shape is list:
            return _unwrap(arm, value)
    return _unwrap(arms[0], value) if len(arms) == 1 else Any


def _child(target: Any, value: Any, step: Any) -> Any:
    """The annotation of ``value``'s part at ``step`` (a field, index or entry)."""
    target = _unwrap(target, value)
    if _is_struct(target):
        fields = {f.encode_name: f.type for f in msgspec.structs.fields(target)}
        return fields.get(step, Any)
    args = get_args(target)
    if get_origin(target) is list and args:
        return args[0]
    if get_origin(target) is dict and len(args) == 2:
        return args[1]
    return Any


def _segments(path: str) -> Iterator[tuple[str, Any]]:
    """The steps of a msgspec path: a field, an index, or a dictionary entry
    (``[...]``, given with its offset in ``path``)."""
    for match in _SEGMENT.finditer(path):
        name, index, quoted = match.groups()
        if name is not None:
            yield "field", name
        elif quoted is not None:
            yield "field", json.loads(quoted)
        elif index == "...":
            yield "entry", match.start()
        else:
            yield "index", int(index)


def resolve_path(path: str, value: Any, target: Any) -> str:
    """A msgspec error path with each ``[...]`` replaced by the key at fault.

    msgspec stops at the first bad entry of a dictionary, so the first entry
    that fails on its own is the one it meant.
    """
    out = "$"
    for kind, step in _segments(path):
        if kind == "entry":
            entry_type = _child(target, value, None)
            for key, entry in value.items() if isinstance(value, dict) else ():
                try:
                    msgspec.convert(entry, entry_type, strict=True)
                except msgspec.ValidationError as exc:
                    inner = resolve_path(field_error(str(exc)).path, entry, entry_type)
                    return key_path(out, key) + inner[1:]
            return out + path[step:]
        target = _child(target, value, step)
        if kind == "field":
            out = key_path(out, step)
            value = value.get(step) if isinstance(value, dict) else None
        else:
            out = f"{out}[{step}]"
            inside = isinstance(value, list) and step < len(value)
            value = value[step] if inside else None
    return out


def read_json(body: bytes, target: Any = Any) -> Any:
    """The body as plain values, checked against ``target``; 4xx otherwise."""
    value = parse(body)
    problems = []
    for problem in value_problems(value):
        problems.append(problem)
        if len(problems) == MAX_REPORTED:
            break
    if problems:
        raise InvalidInput(problems)
    if target is not Any:
        try:
            msgspec.convert(value, target, strict=True)
        except msgspec.ValidationError as exc:
            error = field_error(str(exc), lambda p: resolve_path(p, value, target))
            raise InvalidInput([error]) from None
    return value


def body_type(handler: BaseRouteHandler) -> Any:
    data = handler.parsed_fn_signature.parameters.get("data")
    return Any if data is None else data.annotation


class JSONRequest(Request[Any, Any, Any]):
    """A request whose JSON body is read by :func:`read_json`."""

    async def json(self) -> Any:
        return read_json(await self.body(), body_type(self.route_handler))


def unsupported_media_type(
    given: str | None, *, sent: str, accepted: str, declared: str
) -> ApiError:
    """415 for a body whose content type (``given``) is not ``accepted``;
    ``declared`` says what the type fails to be, ``sent`` what was sent."""
    problem = f"it came as {given}" if given else "it came without a content type"
    return ApiError(
        415,
        "unsupported_media_type",
        f"Send {sent} as {accepted}; {problem}.",
        [
            FieldError(
                "header.content-type",
                "unsupported_media_type",
                f"{declared}; {problem}.",
                accepted,
            )
        ],
    )


def is_json(content_type: tuple[str, dict[str, str]]) -> bool:
    media, options = content_type
    charset = options.get("charset", "utf-8").lower()
    suffixed = media.startswith("application/") and media.endswith("+json")
    return (media == "application/json" or suffixed) and charset in ("utf-8", "utf8")


async def json_body(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Guard: a write carries JSON, and a handler that takes a body gets one."""
    writes = connection.scope.get("method") in WRITE_METHODS
    if not writes or not isinstance(connection, Request):
        return
    body = await connection.body()
    if body and not is_json(connection.content_type):
        raise unsupported_media_type(
            connection.headers.get("content-type"),
            sent="the body",
            accepted="application/json",
            declared="The body is not declared as JSON",
        )
    if "data" in handler.parsed_fn_signature.parameters and not body.strip():
        raise body_required()


def query_text(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard: query parameters hold text PostgreSQL can store."""
    errors = [
        problem
        for key, value in connection.query_params.multi_items()
        if (problem := _text_problem(f"query.{key}", value))
    ]
    if errors:
        raise InvalidInput(errors)
