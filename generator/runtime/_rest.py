"""REST/JSON transport: ``POST <base>/rs-services/v2/<service>/<function>`` with a JSON body."""

from __future__ import annotations

import json
from typing import Any

import requests

from ._errors import HTTPStatusError, ResponseDecodeError
from ._http import DEFAULT_MAX_RESPONSE_BYTES, Timeouts, new_session, post
from ._transport import WireCall

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
            hint = ""
            if reply.status_code == 415:
                hint = " (the platform wants Content-Type: application/json)"
            raise HTTPStatusError(
                f"{call.function}: HTTP {reply.status_code} from the server{hint}"
                f" [{reply.content_type or 'no content type'}].",
                status_code=reply.status_code,
                content_type=reply.content_type,
            )
        try:
            decoded = json.loads(reply.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            where = f" at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else f" at {exc.pos}"
            raise ResponseDecodeError(
                f"{call.function}: the response is not valid UTF-8 JSON ({type(exc).__name__}"
                f"{where}, {len(reply.body)} bytes, {reply.content_type or 'no content type'}). "
                "The transaction status is unknown."
            ) from None
        if not isinstance(decoded, dict):
            raise ResponseDecodeError(
                f"{call.function}: the response is JSON but not an object "
                f"({type(decoded).__name__}). The transaction status is unknown."
            )
        return decoded

    def close(self) -> None:
        if self._own_session:
            self.session.close()
