"""Queued requests as JSON, for the shared frontier (scrapy-redis's `SCHEDULER_SERIALIZER`).

scrapy-redis pickles requests by default, so whoever can write to Redis could run
code on every worker. JSON is data only: Scrapy's `request_to_dict` names the
callbacks, and what JSON lacks is tagged here: bytes (bodies, headers, the HTML a
story's first page hands to its next page), tuples, and dicts with bytes keys
(headers).
"""

from __future__ import annotations

import base64
import json
from typing import Any

_BYTES, _TUPLE, _PAIRS = "__bytes__", "__tuple__", "__pairs__"


def _tagged(value: Any) -> Any:
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _tagged(item) for key, item in value.items()}
        return {_PAIRS: [[_tagged(key), _tagged(item)] for key, item in value.items()]}
    if isinstance(value, list):
        return [_tagged(item) for item in value]
    if isinstance(value, tuple):
        return {_TUPLE: [_tagged(item) for item in value]}
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a queued request cannot carry a {type(value).__name__} (JSON only): {value!r}")


def _untagged(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if _BYTES in obj:
            return base64.b64decode(obj[_BYTES])
        if _TUPLE in obj:
            return tuple(obj[_TUPLE])
        if _PAIRS in obj:
            return {key: item for key, item in obj[_PAIRS]}
    return obj


def dumps(request: dict[str, Any]) -> str:
    """A request as `request_to_dict` gives it, as JSON text."""
    return json.dumps(_tagged(request), ensure_ascii=False, separators=(",", ":"))


def loads(data: str | bytes) -> dict[str, Any]:
    """The dict `dumps` was given (for `request_from_dict`)."""
    request: dict[str, Any] = json.loads(data, object_hook=_untagged)
    return request
