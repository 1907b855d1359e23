# Copied by `python -m generator` from generator/runtime/_rest.py. Do not edit here: edit the original and regenerate.
"""REST/JSON transport: ``POST <base>/rs-services/v2/<service>/<function>`` with a JSON body."""

from __future__ import annotations

import json
from typing import Any

import requests

from ._errors import HTTPStatusError, ResponseDecodeError
from ._http import DEFAULT_MAX_RESPONSE_BYTES, Timeouts, new_session, post
from ._transport import WireCall

_STATUS_HINTS = {
    415: " (Unsupported Media Type: the platform wants Content-Type: application/json)",
    500: " (server error: the operation may or may not have been performed)",
    502: " (bad gateway)",
    503: " (service unavailable)",
    504: " (gateway timeout: the operation may or may not have been performed)",
}
_HEADERS = {
    # Without it the platform answers 415 Unsupported Media Type (Office Server JSON guide).
    "Content-Type": "application/json",
    "Accept": "application/json",
}


class RestTransport:
    protocol = "rest"

    def __init__(
        self,
        base_url: str,
        rest_path: str,
        timeouts: Timeouts,
        *,
        session: requests.Session | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.rest_path = rest_path
        self.timeouts = timeouts
        self.max_response_bytes = max_response_bytes
        self._own_session = session is None
        self.session = session if session is not None else new_session()

    def url(self, service: str, function: str) -> str:
        return self.base_url + self.rest_path.format(service=service, function=function)

    def send(self, call: WireCall) -> dict[str, Any]:
        body = json.dumps(call.fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        url = self.url(call.service, call.function)
        reply = post(self.session, url, body, _HEADERS, self.timeouts, self.max_response_bytes)
        if reply.status_code != 200:
            raise HTTPStatusError(
                f"{call.function}: HTTP {reply.status_code} from the server"
                f"{_STATUS_HINTS.get(reply.status_code, '')}"
                f" [{reply.content_type or 'no content type'}, {len(reply.body)} bytes].",
                status_code=reply.status_code,
                content_type=reply.content_type,
            )
        problem = ""
        try:
            decoded = json.loads(reply.body.decode("utf-8"))
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
                f"{len(reply.body)} bytes, {reply.content_type or 'no content type'}). "
                "The request reached the server: the transaction status is unknown."
            )
        if not isinstance(decoded, dict):
            raise ResponseDecodeError(
                f"{call.function}: the response is JSON but not an object "
                f"({type(decoded).__name__}). The request reached the server: the transaction "
                "status is unknown."
            )
        return decoded

    def close(self) -> None:
        if self._own_session:
            self.session.close()
