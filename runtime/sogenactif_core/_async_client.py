"""The async client: the sync client's settings, request and answer handling, awaited.

What it sends and what it trusts of the answer is :class:`~sogenactif_core._client_core.ClientCore`'s
(the same code as the sync client's: checks, seal, SOAP writer and reader, unsigned-answer policy,
echoes, masking), and so are the decisions after each attempt (``_attempts``). Only sending and
waiting differ: an :class:`~sogenactif_core._http_async.HttpxSender` (httpx, pooled) and
``asyncio.sleep``. The call's deadline is an ``asyncio`` timeout over the whole call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ._attempts import Done
from ._base import RequestModel
from ._client_core import ClientCore, ResponseT
from ._errors import ConfigurationError, SogenactifError
from ._metadata import FunctionSpec
from ._redact import mask_fields
from ._transport import WireCall

if TYPE_CHECKING:
    import requests


class AsyncTransport(Protocol):
    """What the async client needs from a transport (``MockTransport`` is one too)."""

    protocol: str

    async def send_async(self, call: WireCall) -> dict[str, Any]: ...

    async def aclose(self) -> None: ...


class AsyncBaseClient(ClientCore):
    """A client whose calls are awaited. ``async with`` closes its connections."""

    transport: AsyncTransport
    _transport_methods = ("send_async", "aclose")

    def _new_transport(self, session: requests.Session | None) -> AsyncTransport:
        if session is not None:
            raise ConfigurationError(
                "a requests.Session is synchronous: the async client sends over httpx (give it "
                "proxies=, verify= or cert= instead)"
            )
        try:
            from ._http_async import HttpxSender
        except ImportError:  # httpx is the "async" extra
            raise ConfigurationError(
                "sogenactif.AsyncClient sends over httpx: install it with "
                "`pip install 'sogenactif[async]'`"
            ) from None
        from ._http_transport import AsyncHttpTransport

        options = self.connection_options
        sender = HttpxSender(
            self.timeouts,
            self.base_url,
            max_response_bytes=options.max_response_bytes,
            proxies=options.proxies,
            verify=options.verify,
            cert=options.cert,
            trust_env=options.trust_env,
        )
        return AsyncHttpTransport(
            self.base_url, self._codec(self.protocol), sender, headers=self.headers
        )

    async def aclose(self) -> None:
        """Close the connections of the transport's pool."""
        await self.transport.aclose()

    async def __aenter__(self) -> AsyncBaseClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _call(
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
                raw = mask_fields(await transport.send_async(call))
            except SogenactifError as exc:
                step = attempts.after_error(exc)
            else:
                step = self._after_answer(fn, call, raw, attempts)
            if isinstance(step, Done):
                return step.response
            assert self.retry is not None
            await self.retry.sleep_async(step)


class AsyncService:
    """Base of the generated async service classes: ``aclient.token``, ``aclient.checkout`` …"""

    def __init__(self, client: AsyncBaseClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"

    async def _call(
        self,
        fn: FunctionSpec[Any, ResponseT],
        request: RequestModel | None,
        keywords: Mapping[str, Any],
        unexpected: Mapping[str, Any],
    ) -> ResponseT:
        return await self._client._call(fn, request, keywords, unexpected)
