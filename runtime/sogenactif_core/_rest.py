"""REST/JSON messages: ``POST <base>/rs-services/v2/<service>/<function>`` with a JSON body."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._errors import HTTPStatusError, ResponseDecodeError
from ._masked import Masked

if TYPE_CHECKING:
    from ._http import HttpReply
    from ._transport import WireCall

_STATUS_HINTS = {
    415: " (Unsupported Media Type: the platform wants Content-Type: application/json)",
    500: " (server error: the operation may or may not have been performed)",
    502: " (bad gateway)",
    503: " (service unavailable)",
    504: " (gateway timeout: the operation may or may not have been performed)",
}


def _masked_value(value: Any) -> Any:
    """json.dumps' hook for what it cannot write itself: masked card data, by its value."""
    if type(value) is Masked:
        return value.reveal()
    raise TypeError(f"{type(value).__name__} is not JSON")


# Compact UTF-8 JSON. Made once (json.dumps with options makes an encoder per call); wire fields
# are trees of dicts, lists and text, never circular.
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), check_circular=False, default=_masked_value
)


class RestCodec:
    """A :class:`~sogenactif_core._transport.WireCall` as a JSON request, and the reply back."""

    protocol = "rest"
    headers: Mapping[str, str] = {
        # Without it the platform answers 415 Unsupported Media Type (Office Server JSON guide).
        "Content-Type": "application/json",
        "Accept": "application/json",
    }

    def __init__(self, rest_path: str) -> None:
        self.rest_path = rest_path

    def path(self, call: WireCall) -> str:
        return self.rest_path.format(service=call.service, function=call.function)

    def encode(self, call: WireCall) -> bytes:
        return _ENCODER.encode(call.wire_fields).encode("utf-8")

    def decode(self, call: WireCall, reply: HttpReply) -> dict[str, Any]:
        if reply.status_code != 200:
            raise HTTPStatusError(
                f"{call.function}: HTTP {reply.status_code} from the server"
                f"{_STATUS_HINTS.get(reply.status_code, '')}"
                f" [{reply.content_type or 'no content type'}, {len(reply.body.reveal())} bytes].",
                status_code=reply.status_code,
                content_type=reply.content_type,
            )
        problem = ""
        try:
            decoded = json.loads(reply.body.reveal().decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            # ValueError: JSONDecodeError, and integers too long to convert; RecursionError:
            # absurdly nested arrays. The body itself is never quoted (it may hold card data).
            problem = type(exc).__name__
            if isinstance(exc, UnicodeDecodeError):
                problem += f" at byte {exc.start}"
            elif isinstance(exc, json.JSONDecodeError):
                problem += f" at {exc.pos}"
        if problem:
            # Raised outside the except block: a JSONDecodeError keeps the whole body (.doc).
            raise ResponseDecodeError(
                f"{call.function}: the response is not valid UTF-8 JSON ({problem}, "
                f"{len(reply.body.reveal())} bytes, {reply.content_type or 'no content type'}). "
                "The request reached the server: the transaction status is unknown."
            )
        if not isinstance(decoded, dict):
            raise ResponseDecodeError(
                f"{call.function}: the response is JSON but not an object "
                f"({type(decoded).__name__}). The request reached the server: the transaction "
                "status is unknown."
            )
        return decoded
