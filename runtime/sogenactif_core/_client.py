"""The sync client: sends each call through its transport, and again as the retry policy allows.

What it sends and what it trusts of the answer is :class:`~sogenactif_core._client_core.ClientCore`'s;
the decisions after each attempt are ``_attempts``'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._attempts import Done
from ._base import RequestModel
from ._client_core import ClientCore, ResponseT
from ._errors import SogenactifError
from ._http_transport import HttpTransport
from ._metadata import FunctionSpec
from ._redact import mask_fields
from ._transport import Transport

if TYPE_CHECKING:
    import requests


class BaseClient(ClientCore):
    """A client that sends through a (sync) transport: by default the client's own connection
    pool (``PoolSender``), or a ``requests.Session`` of the caller's (``session=``), or any
    :class:`~sogenactif.Transport` (``transport=``, e.g. a :class:`~sogenactif.MockTransport`)."""

    transport: Transport

    def _new_transport(self, session: requests.Session | None) -> Transport:
        options = self.connection_options
        sender: Any
        if session is not None:
            from ._http_session import SessionSender

            sender = SessionSender(
                session, self.timeouts, max_response_bytes=options.max_response_bytes
            )
        else:
            from ._http_pool import PoolSender

            sender = PoolSender(
                self.timeouts,
                max_response_bytes=options.max_response_bytes,
                proxies=options.proxies,
                verify=options.verify,
                cert=options.cert,
                trust_env=options.trust_env,
            )
        return HttpTransport(
            self.base_url, self._codec(self.protocol), sender, headers=self.headers
        )

    def close(self) -> None:
        """Close the connections of the transport's pool."""
        self.transport.close()

    def __enter__(self) -> BaseClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _call(
        self,
        fn: FunctionSpec[Any, ResponseT],
        request: RequestModel | None,
        keywords: Mapping[str, Any],
        unexpected: Mapping[str, Any],
    ) -> ResponseT:
        call = self._build(fn, request, keywords, unexpected, self._deadline())
        transport = self.transport
        attempts = self._attempts(fn, call, transport.protocol)
        while True:
            try:
                # Card data in the answer (tokens, card numbers) is held masked from here on.
                raw = mask_fields(transport.send(call))
            except SogenactifError as exc:
                step = attempts.after_error(exc)
            else:
                step = self._after_answer(fn, call, raw, attempts)
            if isinstance(step, Done):
                return step.response
            assert self.retry is not None
            self.retry.sleep(step)


class Service:
    """Base of the generated service classes: ``client.token``, ``client.checkout`` …"""

    def __init__(self, client: BaseClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"

    def _call(
        self,
        fn: FunctionSpec[Any, ResponseT],
        request: RequestModel | None,
        keywords: Mapping[str, Any],
        unexpected: Mapping[str, Any],
    ) -> ResponseT:
        return self._client._call(fn, request, keywords, unexpected)
